"""Figure builders: the SceneInfo record first, then the go.Figure fields drawn from it."""

from __future__ import annotations

import numpy as np
import pytest

from analysis import compute
from figures import EDGES, THEMES, contour_figure, family_tree_figure, loss_figure, scene_info, surface_figure
from figures.stepping import at_step
from figures.info import SURFACE_3D_STRIDE
from figures.surface3d import path_lift
from i18n import STRINGS
from optimizers import OPTIMIZER_IDS, SPECS
from scene import DEFAULT_SCENE, PALETTE, Run, Scene, View


def build(scene: Scene, theme: str | None = None):
    landscape = scene.surface()
    trajectories = [compute.trajectory(scene, run) if run.visible else None for run in scene.runs]
    field = compute.gradient_field(landscape) if scene.view.field != "none" else None
    return scene_info(scene, landscape, trajectories, compute.surface_grid(landscape), field, theme), trajectories


def traces(figure, role: str, **meta):
    return [tr for tr in figure.data if tr.meta and tr.meta.get("role") == role
            and all(tr.meta.get(k) == v for k, v in meta.items())]


@pytest.fixture(scope="module")
def default_info():
    return build(DEFAULT_SCENE)


def test_info_paths_are_the_engines_trajectories_in_float32(default_info):
    info, trajectories = default_info
    assert [r.index for r in info.runs] == [0, 1, 2]
    for run, traj in zip(info.runs, trajectories):
        assert run.x.dtype == run.y.dtype == run.z.dtype == np.float32
        np.testing.assert_array_equal(run.x, traj.params[:, 0].astype(np.float32))
        np.testing.assert_array_equal(run.y, traj.params[:, 1].astype(np.float32))
        assert run.current == DEFAULT_SCENE.steps


def test_path_z_is_f_at_each_step_on_a_linear_surface(default_info):
    info, _ = default_info
    assert not info.log_display  # the bowl's values need no log scale
    landscape = DEFAULT_SCENE.surface()
    for run in info.runs:
        expected = compute.values_at(landscape, np.stack([run.x, run.y], axis=1))
        np.testing.assert_allclose(run.z, expected, rtol=1e-5, atol=1e-6)


def test_rosenbrock_is_drawn_in_log_scale_and_points_stay_on_the_drawn_surface():
    scene = Scene(landscape="rosenbrock", start=(-1.5, 2.5), steps=50, runs=(Run.of("adam", lr=0.05),))
    info, _ = build(scene)
    assert info.log_display
    run = info.runs[0]
    expected = np.log10(compute.values_at(scene.surface(), np.stack([run.x, run.y], axis=1)) - info.z_floor)
    np.testing.assert_allclose(run.z, expected, rtol=1e-4, atol=1e-4)
    # The grid's own display values agree with the same transform at a node.
    assert info.z_display[0, 0] == pytest.approx(np.log10(info.z[0, 0] - info.z_floor), rel=1e-5)


def test_contour_figure_has_one_path_per_visible_run():
    scene = DEFAULT_SCENE.replace(runs=(DEFAULT_SCENE.runs[0], DEFAULT_SCENE.runs[1].__class__(
        **{**DEFAULT_SCENE.runs[1].__dict__, "visible": False}), DEFAULT_SCENE.runs[2]))
    info, _ = build(scene)
    plain = contour_figure(info)
    assert [tr.type for tr in plain.data].count("contour") == 1
    assert [tr.meta["run"] for tr in traces(plain, "path")] == [0, 2]
    # Each run keeps its colour.
    assert [tr.line.color for tr in traces(plain, "path")] == [scene.runs[0].color, scene.runs[2].color]


def test_shared_step_cuts_every_view_at_the_same_step():
    scene = DEFAULT_SCENE.replace(step=10)
    info, trajectories = build(scene)
    contour, surface, loss = contour_figure(info), surface_figure(info), loss_figure(info)
    for figure in (contour, surface):
        for path, traj in zip(traces(figure, "path"), trajectories):
            assert len(path.x) == 11
            np.testing.assert_allclose(path.x[-1], traj.params[10, 0], rtol=1e-6)
    for marker, traj in zip(traces(contour, "current"), trajectories):
        np.testing.assert_allclose([marker.x[0], marker.y[0]], traj.params[10], rtol=1e-6)
    for marker in traces(loss, "current"):
        assert list(marker.x) == [10]
    assert loss.layout.shapes[0].x0 == 10  # the step line


def test_surface_figure_points_lie_on_the_surface(default_info):
    info, _ = default_info
    figure = surface_figure(info)
    (surface,) = [tr for tr in figure.data if tr.type == "surface"]
    assert surface.z.shape == info.z_display[::SURFACE_3D_STRIDE, ::SURFACE_3D_STRIDE].shape
    assert surface.z.dtype == np.float32
    lift = path_lift(info)
    for path, run in zip(traces(figure, "path"), info.runs):
        assert path.type == "scatter3d"
        np.testing.assert_allclose(np.asarray(path.z) - lift, run.z, rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(path.customdata, run.loss)
    kinds = [tr.meta["kind"] for tr in traces(figure, "critical")]
    assert kinds == ["global_min"]


def test_critical_points_by_kind_and_hidden_on_request():
    scene = Scene(landscape="himmelblau", start=(-0.3, -0.9), steps=5, runs=(Run.of("gd", lr=0.01),))
    info, _ = build(scene)
    counts = {m.kind: len(m.x) for m in info.critical}
    assert counts == {"global_min": 4, "saddle": 4, "max": 1}
    symbols = {tr.meta["kind"]: tr.marker.symbol for tr in traces(contour_figure(info), "critical")}
    assert len(set(symbols.values())) == 3
    hidden, _ = build(scene.replace(view=View(show_critical=False)))
    assert hidden.critical == () and not traces(contour_figure(hidden), "critical")


def test_critical_point_hover_carries_the_hessian_eigenvalues_and_eigenvectors():
    scene = Scene(landscape="bowl", landscape_params=(("angle", 30.0), ("kappa", 10.0)), steps=5,
                  runs=(Run.of("gd", lr=0.01),))
    info, _ = build(scene)
    (minimum,) = info.critical
    (row,) = minimum.hessian
    np.testing.assert_allclose(row[:2], [1.0, 10.0], rtol=1e-5)
    angle = np.deg2rad(30.0)
    steep = row[4:6]  # v₂ belongs to κ: the rotated y axis
    assert abs(abs(float(np.dot(steep, [-np.sin(angle), np.cos(angle)]))) - 1.0) < 1e-5
    for figure in (contour_figure(info), surface_figure(info)):
        (trace,) = traces(figure, "critical")
        np.testing.assert_allclose(np.asarray(trace.customdata, dtype=np.float64), minimum.hessian)
        assert "λ₁=%{customdata[0]" in trace.hovertemplate and "v₂=(%{customdata[4]" in trace.hovertemplate
    saddle, _ = build(Scene(landscape="saddle", steps=5, runs=(Run.of("gd", lr=0.01),)))
    np.testing.assert_allclose(saddle.critical[0].hessian[0, :2], [-2.0, 2.0], rtol=1e-6)


def test_norm_field_mode_draws_the_log_gradient_norm_under_direction_arrows():
    scene = DEFAULT_SCENE.replace(view=View(field="norm"))
    info, _ = build(scene)
    figure = contour_figure(info)
    (heatmap,) = traces(figure, "grad_norm")
    field = compute.gradient_field(scene.surface())
    side = int(round(np.sqrt(len(field.x))))
    expected = np.log10(np.maximum(np.hypot(field.gx, field.gy), 1e-12)).reshape(side, side)
    np.testing.assert_allclose(np.asarray(heatmap.z, dtype=np.float64), expected, rtol=1e-5, atol=1e-6)
    assert traces(figure, "field", mode="norm")
    plain, _ = build(DEFAULT_SCENE.replace(view=View(field="arrows")))
    assert not traces(contour_figure(plain), "grad_norm")


def test_diverged_run_is_drawn_up_to_its_last_good_point():
    scene = Scene(landscape="bowl", start=(-2.5, 2.0), steps=100, runs=(Run.of("gd", lr=5.0),))
    info, (traj,) = build(scene)
    assert traj.diverged_at is not None and traj.diverged_at < 100
    (run,) = info.runs
    assert run.diverged_at == traj.diverged_at
    assert run.current == len(traj.params) - 1
    (path,) = traces(contour_figure(info), "path")
    assert len(path.x) == len(traj.params)


@pytest.mark.parametrize("mode", ["arrows", "norm", "stream"])
def test_gradient_field_overlay_points_downhill(mode):
    scene = DEFAULT_SCENE.replace(view=View(field=mode))
    info, _ = build(scene)
    (field,) = traces(contour_figure(info), "field", mode=mode)
    x, y = np.asarray(field.x, dtype=np.float64), np.asarray(field.y, dtype=np.float64)
    assert np.isnan(x).any()  # segments are NaN-separated in one trace
    landscape = scene.surface()
    pieces = np.split(np.stack([x, y], axis=1), np.nonzero(np.isnan(x))[0])
    checked = 0
    for piece in pieces:
        piece = piece[~np.isnan(piece[:, 0])]
        if len(piece) <= 2 or np.allclose(piece[0], piece[1]):
            continue  # a lone barb of an arrow head, or a zero-length arrow
        f = compute.values_at(landscape, piece[:2])
        assert f[1] < f[0]  # the shaft goes downhill
        checked += 1
    assert checked > 20


def test_log_loss_axis_shifts_negative_losses_above_zero():
    scene = Scene(landscape="wells", start=(0.6, 0.9), steps=60, runs=(Run.of("gd", lr=0.1),),
                  view=View(log_loss=True))
    info, (traj,) = build(scene)
    assert info.loss_offset <= float(np.min(traj.loss))
    figure = loss_figure(info)
    assert figure.layout.yaxis.type == "log"
    (curve,) = traces(figure, "loss")
    assert np.all(np.asarray(curve.y) > 0)
    np.testing.assert_allclose(curve.customdata, traj.loss)  # hover shows the true loss
    linear, _ = build(scene.replace(view=View(log_loss=False)))
    assert loss_figure(linear).layout.yaxis.type == "linear" and linear.loss_offset == 0.0


def test_themes_projector_is_larger_and_print_tells_runs_apart_without_colour(default_info):
    info, _ = default_info
    screen = contour_figure(info)
    projector_info, _ = build(DEFAULT_SCENE.replace(view=View(projector=True)))
    projector = contour_figure(projector_info)
    assert projector_info.theme.name == "projector"
    assert projector.layout.font.size > screen.layout.font.size
    assert traces(projector, "path")[0].line.width > traces(screen, "path")[0].line.width
    print_info, _ = build(DEFAULT_SCENE, theme="print")
    printed = loss_figure(print_info)
    assert printed.layout.paper_bgcolor == "#ffffff" and printed.layout.width == THEMES["print"].width
    dashes = [tr.line.dash for tr in traces(printed, "loss")]
    assert len(set(dashes)) == len(dashes) == 3


def test_labels_follow_the_language():
    info_en, _ = build(DEFAULT_SCENE.replace(language="en", steps=5))
    info_ko, _ = build(DEFAULT_SCENE.replace(steps=5))
    assert info_en.labels["fig.start"] == "start" and info_ko.labels["fig.start"] == "출발점"
    assert info_en.critical[0].label == "global minimum" and info_ko.critical[0].label == "전역최저점"
    assert "Gradient descent" in info_en.runs[0].label and "경사하강법" in info_ko.runs[0].label


def test_family_tree_has_the_lectures_edges_and_marks_the_scenes_optimizers():
    required = {("gd", "sgd"), ("gd", "minibatch"), ("sgd", "minibatch"), ("sgd", "momentum"), ("sgd", "adagrad"),
                ("momentum", "nag"), ("adagrad", "rmsprop"), ("adagrad", "adadelta"), ("momentum", "adam"),
                ("rmsprop", "adam"), ("adam", "nadam"), ("nag", "nadam")}
    lecture = {edge for edge in EDGES if SPECS[edge[1]].in_lecture}
    assert lecture == required  # as in the common form of the figure, Momentum and Adagrad both refine SGD
    assert set(EDGES) - lecture == {("adam", "adamw"), ("adam", "adabelief")}  # Lion refines none of them
    figure = family_tree_figure("en", {"adam": PALETTE[2], "minibatch": PALETTE[1]})
    arrows = [annotation for annotation in figure.layout.annotations if annotation.showarrow]
    assert len(arrows) == len(EDGES)
    notes = [annotation for annotation in figure.layout.annotations if not annotation.showarrow]
    assert [note.name for note in notes] == ["note lion"] and "program search" in notes[0].text
    dashed = {shape.name for shape in figure.layout.shapes if shape.line.dash == "dash"}
    assert dashed == {"adamw", "adabelief", "lion"}  # beyond 2.3.7
    (nodes,) = traces(figure, "nodes")
    ids = list(nodes.customdata)
    assert sorted(ids) == sorted(OPTIMIZER_IDS)  # every optimizer the page can run has its node, mini-batch too
    line_colors = {shape.name: shape.line.color for shape in figure.layout.shapes}
    assert line_colors["adam"] == PALETTE[2] and line_colors["minibatch"] == PALETTE[1]
    assert line_colors["gd"] not in PALETTE
    assert "Adam" in list(nodes.text) and "Momentum" in list(nodes.text)


def _overlaps(a, b, gap: float = 0.0) -> bool:
    return a[0] - gap < b[2] and b[0] - gap < a[2] and a[1] - gap < b[3] and b[1] - gap < a[3]


def _segment_hits_box(tail, head, rect, samples: int = 400) -> bool:
    points = np.linspace(tail, head, samples)
    return bool(np.any((points[:, 0] > rect[0]) & (points[:, 0] < rect[2])
                       & (points[:, 1] > rect[1]) & (points[:, 1] < rect[3])))


def test_family_tree_boxes_keep_apart_and_arrows_run_between_them():
    from figures.family_tree import BOX_HEIGHT, NODES, box, edge_segment

    ids = list(NODES)
    for i, a in enumerate(ids):
        for b in ids[i + 1:]:
            assert not _overlaps(box(a), box(b), gap=0.2), (a, b)  # a fifth of a grid step between any two boxes
    for parent, child in EDGES:
        tail, head = edge_segment(parent, child)
        for other in ids:  # an arrow crosses no box, its own two included: it runs from border to border
            assert not _segment_hits_box(tail, head, box(other)), (parent, child, other)
        assert np.linalg.norm(head - tail) > 0.25 * BOX_HEIGHT, (parent, child)  # long enough to see its head


@pytest.mark.parametrize("theme", ["screen", "projector"])
def test_family_tree_names_are_larger_than_the_page_text_and_two_lines_fit_a_box(theme):
    from figures.family_tree import BOX_HEIGHT, LINE_HEIGHT, axis_ranges

    figure = family_tree_figure("ko", {}, theme)
    (nodes,) = traces(figure, "nodes")
    size = nodes.textfont.size
    assert size >= 1.2 * THEMES[theme].font_size
    (_, _), (y0, y1) = axis_ranges()
    margin = figure.layout.margin
    box_px = BOX_HEIGHT * (figure.layout.height - margin.t - margin.b) / (y1 - y0)
    assert box_px >= 2 * LINE_HEIGHT * size + 10
    assert max(name.count("<br>") for name in nodes.text) == 1  # no name takes more than two lines


def test_every_text_exists_in_korean_and_english():
    from i18n import strings

    for key, entry in strings.STRINGS.items():
        assert entry.get("ko") and entry.get("en"), key
    assert STRINGS["app.title"]["ko"] != STRINGS["app.title"]["en"]


# --- what a step shows (figures.stepping; static/lab_view.js applies the same rule in the browser) --------

@pytest.mark.parametrize("step", [0, 1, 37, 100])
def test_a_step_shows_each_path_up_to_it_and_the_current_point_at_it(default_info, step):
    info, trajectories = default_info
    for figure in (contour_figure(info, stepped=False), surface_figure(info, stepped=False)):
        shown = at_step(figure, step)
        for path, current, traj in zip(traces(shown, "path"), traces(shown, "current"), trajectories):
            np.testing.assert_array_equal(path.x, traj.params[: step + 1, 0].astype(np.float32))
            np.testing.assert_array_equal(current.x, traj.params[step: step + 1, 0].astype(np.float32))
        assert shown.layout.meta == {"step": step}
    loss = at_step(loss_figure(info, stepped=False), step)
    assert [list(tr.x) for tr in traces(loss, "current")] == [[step]] * 3
    (line,) = [shape for shape in loss.layout.shapes if shape.name == "step"]
    assert line.x0 == line.x1 == step
    assert "%{meta.step}" in loss.layout.title.text  # Plotly writes the step into the title


def test_a_diverged_run_shows_its_last_point_at_later_steps():
    scene = DEFAULT_SCENE.replace(runs=(Run.of("gd", lr=5.0),), steps=60)
    info, (traj,) = build(scene)
    assert traj.diverged_at is not None
    shown = at_step(contour_figure(info, stepped=False), 60)
    (path,), (current,) = traces(shown, "path"), traces(shown, "current")
    assert len(path.x) == len(traj.params) and current.x[0] == np.float32(traj.params[-1, 0])


def test_the_whole_figure_is_the_stepped_one_at_the_last_step(default_info):
    info, _ = default_info
    assert info.step == info.steps
    assert contour_figure(info).to_json() == at_step(contour_figure(info, stepped=False), info.steps).to_json()


# --- the same symbols in every view; the 3D box; where a run leaves the plot ---------------------------

def test_each_kind_of_critical_point_has_one_symbol_and_colour_in_the_contour_and_in_3d():
    scene = Scene(landscape="wells", start=(0.6, 0.9), steps=5, runs=(Run.of("gd", lr=0.01),))
    info, _ = build(scene)
    look = lambda figure: {tr.meta["kind"]: (tr.marker.symbol, tr.marker.color)  # noqa: E731
                           for tr in traces(figure, "critical")}
    flat, solid = look(contour_figure(info)), look(surface_figure(info))
    assert flat == solid and set(flat) == {"global_min", "local_min", "saddle"}
    # WebGL draws 3D symbols as font glyphs: only shapes every font has (no ✖/✚ boxes), and each kind
    # tells apart by shape or colour.
    assert {symbol for symbol, _ in solid.values()} <= {"diamond", "square", "circle", "circle-open"}
    assert len(set(solid.values())) == len(solid)


def test_the_3d_box_is_the_surfaces_height_and_a_diverging_run_leaves_it_at_a_mark():
    scene = DEFAULT_SCENE.replace(runs=(Run.of("gd", lr=0.35), Run.of("adam", lr=0.3)), steps=60)
    info, (diverging, calm) = build(scene)
    low, high = info.z_range
    box = surface_figure(info).layout.scene.zaxis.range
    assert box[0] < low and high < box[1] < high + 0.2 * (high - low)  # the surface fills it; the run does not stretch it
    run = info.runs[0]
    assert run.exit_3d is not None and run.exit_2d is not None and info.runs[1].exit_3d is None
    k = run.exit_3d.step
    assert np.all((run.x[:k] >= -3) & (run.x[:k] <= 3) & (run.y[:k] >= -3) & (run.y[:k] <= 3))
    x, y, z = run.exit_3d.point  # on a side of the box: x or y at the plot's edge, or z at its top
    assert -3 <= x <= 3 and -3 <= y <= 3
    assert min(abs(abs(x) - 3), abs(abs(y) - 3), abs(z - box[1])) < 1e-3
    (mark,) = [tr for tr in traces(surface_figure(info, stepped=False), "mark")]
    assert mark.meta["from"] == k and mark.marker.color == run.color
    shown = {len(tr.x) for tr in traces(at_step(surface_figure(info, stepped=False), k - 1), "mark")}
    assert shown == {0}  # the mark appears only from the step the run leaves
    assert {len(tr.x) for tr in traces(at_step(surface_figure(info, stepped=False), k), "mark")} == {1}


def test_many_critical_points_are_drawn_smaller_so_the_paths_stay_visible():
    def critical_sizes(landscape_id):
        scene = Scene(landscape=landscape_id, steps=5, runs=(Run.of("gd", lr=0.01),))
        info, _ = build(scene)
        figure = contour_figure(info)
        return {tr.meta["kind"]: tr.marker.size for tr in figure.data if (tr.meta or {}).get("role") == "critical"}

    full = THEMES["screen"].current_marker_size
    assert set(critical_sizes("himmelblau").values()) == {full}  # 9 points: full size
    many = critical_sizes("rastrigin")  # 441 declared points
    assert many.pop("global_min") == full  # the goal stays in sight
    assert list(many.values()) == pytest.approx([0.4 * full] * 3)  # local minima, saddles, maxima


def test_the_3d_view_starts_at_its_landscapes_angle_and_a_turned_camera_stays():
    """Rosenbrock's valley is seen from above (from the usual angle its wall hides the paths on its floor); a
    camera the scene holds (turned by the user, from a link) wins over the landscape's."""
    from figures.surface3d import camera_eye
    from landscapes.base import DEFAULT_VIEW_ANGLE
    from ui.view_component import manifest
    from ui import cache

    eye = lambda figure: figure.layout.scene.camera.eye.to_plotly_json()  # noqa: E731
    bowl, rosenbrock = DEFAULT_SCENE, DEFAULT_SCENE.replace(landscape="rosenbrock", start=(-1.5, 2.5))
    assert eye(surface_figure(build(bowl)[0])) == pytest.approx(camera_eye(*DEFAULT_VIEW_ANGLE))
    angle = rosenbrock.surface().view_angle
    assert angle != DEFAULT_VIEW_ANGLE and angle[1] > DEFAULT_VIEW_ANGLE[1]  # higher: looking down into the valley
    assert eye(surface_figure(build(rosenbrock)[0])) == pytest.approx(camera_eye(*angle))
    turned = rosenbrock.replace(view=View(camera=(1.0, -1.5, 0.8, 0, 0, 0, 0, 0, 1)))
    assert eye(surface_figure(build(turned)[0])) == pytest.approx(dict(x=1.0, y=-1.5, z=0.8))
    parts = cache.browser_views(rosenbrock, rosenbrock.surface(), cache.visible_trajectories(rosenbrock))
    reset_to = manifest(rosenbrock, parts, "views", ("surface",), {})["default_camera"]  # the reset button's camera
    assert reset_to["eye"] == pytest.approx(camera_eye(*angle))


@pytest.mark.parametrize("theme", sorted(THEMES))
def test_a_view_layout_built_at_once_equals_the_styled_figure(theme):
    """The views' layouts are one dict validated once (figures.theme.styled_layout), other figures are styled
    through ``styled``: both equal a figure updated with Plotly's own axis selection (``update_xaxes`` & co.): titles
    given as text, a second y axis, 3D axes."""
    import plotly.graph_objects as go

    from figures.theme import styled, styled_layout, theme_layout

    look = THEMES[theme]
    spec = dict(xaxis=dict(title=dict(text="x"), range=[0, 1]), yaxis2=dict(title=dict(text="%"), overlaying="y"),
                scene=dict(zaxis=dict(title=dict(text="f"))), legend=dict(orientation="h"), meta={"step": 3})
    then = dict(margin=dict(r=77))
    expected = go.Figure(layout=spec).update_layout(theme_layout(look, height=300, uirevision="u"))
    if theme == "print":
        expected.update_layout(template="simple_white")
    if look.ticks:
        axis = dict(nticks=look.ticks - 2, tickfont=dict(size=round(0.65 * look.font_size)),
                    title=dict(font=dict(size=round(0.8 * look.font_size))))
        expected.update_xaxes(nticks=look.ticks).update_yaxes(nticks=look.ticks)
        expected.update_scenes(xaxis=axis, yaxis=axis, zaxis=axis)
    expected = expected.update_layout(then).layout.to_plotly_json()
    assert styled_layout(spec, look, height=300, uirevision="u", then=then).to_plotly_json() == expected
    assert styled(go.Figure(layout=spec), look, height=300, uirevision="u").update_layout(then).layout \
        .to_plotly_json() == expected
