"""Basin maps and hyperparameter sweeps: each cell equals a single run of the engine, outcomes follow
the documented convergence definition, sizes are bounded, progress is reported, results are cached,
and the figure records describe what the figures draw."""

from __future__ import annotations

import numpy as np
import pytest

from analysis import compute
from analysis import maps
import optimizers
from figures.maps import CLICK_TRACE_NAME, MAX_CLICK_SIDE, basin_plot_info, map_figure, sweep_plot_info
from landscapes import LANDSCAPES
from scene import Run, Scene


def single_outcome(path: np.ndarray, diverged_at, minima, tolerance):
    """The convergence definition, written out for one path: (label, steps to converge)."""
    if diverged_at is not None:
        return maps.DIVERGED, -1
    if not minima:
        return maps.NOT_CONVERGED, -1
    centres = np.array([m.xy for m in minima])
    nearest = int(np.argmin(np.linalg.norm(centres - path[-1], axis=1)))
    distances = np.linalg.norm(path - centres[nearest], axis=1)
    if distances[-1] > tolerance:
        return maps.NOT_CONVERGED, -1
    outside = np.nonzero(distances > tolerance)[0]
    return nearest, int(outside[-1] + 1) if outside.size else 0


def sampled_cells(resolution: int, count: int = 6, seed: int = 1):
    rng = np.random.default_rng(seed)
    return [tuple(cell) for cell in rng.integers(0, resolution, size=(count, 2))]


SADDLE = Scene(landscape="saddle_two_minima", runs=(Run.of("gd", lr=0.1), Run.of("adam", lr=0.05)), steps=200)


def test_two_minimum_saddle_assigns_each_half_plane_to_its_minimum():
    info = maps.basin_map(SADDLE, 0, 32)
    assert {m.xy for m in info.minima} == {(0.0, 1.0), (0.0, -1.0)}
    upper = next(k for k, m in enumerate(info.minima) if m.xy[1] > 0)
    lower = 1 - upper
    expected = np.where(info.ys[:, None] > 0, upper, lower) * np.ones((1, 32), int)
    np.testing.assert_array_equal(info.label, expected)
    assert info.counts() == {upper: 512, lower: 512}
    assert (info.steps_to_converge > 0).all()
    # the closer a start lies to the saddle's axis y = 0, the longer its escape takes
    column = info.steps_to_converge[:, 16]
    assert column[15] > column[10] > column[3]


@pytest.mark.parametrize("scene, run_index", [
    pytest.param(SADDLE.replace(steps=60), 1, id="adam-saddle"),
    pytest.param(Scene(landscape="himmelblau", runs=(Run.of("gd", lr=0.025),), steps=40), 0, id="gd-himmelblau-diverging"),
    pytest.param(Scene(landscape="wells", runs=(Run.of("nag", lr=0.05, beta=0.9),), steps=80), 0, id="nag-wells"),
    pytest.param(Scene(landscape="line_fit", runs=(Run.of("sgd", lr=0.2),), steps=30, seed=3), 0, id="sgd-line-fit"),
])
def test_batched_map_equals_single_runs_at_sampled_cells(scene, run_index):
    resolution = 24
    info = maps.basin_map(scene, run_index, resolution)
    run = scene.runs[run_index]
    one_of_each = [tuple(np.argwhere(info.label == code)[0]) for code in np.unique(info.label)]
    for i, j in sampled_cells(resolution) + one_of_each:
        start = info.cell_xy(i, j)
        trajectory = compute.trajectory(scene.replace(start=start), run)
        last = trajectory.params[-1]
        np.testing.assert_allclose(info.final_xy[i, j], last, rtol=1e-4, atol=1e-4)
        assert info.diverged_at[i, j] == (-1 if trajectory.diverged_at is None else trajectory.diverged_at)
        label, steps = single_outcome(trajectory.params, trajectory.diverged_at, info.minima, info.tolerance)
        assert (info.label[i, j], info.steps_to_converge[i, j]) == (label, steps)
    if scene.landscape == "himmelblau":
        assert {maps.DIVERGED, maps.NOT_CONVERGED, 0}.issubset(info.counts())


def test_passing_through_a_minimum_is_not_converging():
    # momentum overshoots: the path crosses the minimum's tolerance disc before it settles
    scene = Scene(landscape="bowl", landscape_params=(("angle", 0.0), ("kappa", 1.0)),
                  runs=(Run.of("momentum", lr=0.1, beta=0.9),), steps=150)
    info = maps.basin_map(scene, 0, 8)
    trajectory = compute.trajectory(scene.replace(start=info.cell_xy(0, 0)), scene.runs[0])
    distance = np.linalg.norm(trajectory.params, axis=1)
    first_inside = int(np.argmax(distance <= info.tolerance))
    assert info.steps_to_converge[0, 0] > first_inside
    assert info.label[0, 0] == 0


def test_custom_formula_basins():
    scene = Scene(landscape="custom", formula="(x**2 - 1)**2 + y**2", formula_bounds=(-2.0, 2.0, -1.5, 1.5),
                  runs=(Run.of("gd", lr=0.05),), steps=150)
    info = maps.basin_map(scene, 0, 16)
    right = next(k for k, m in enumerate(info.minima) if m.xy[0] > 0)
    assert np.allclose(info.minima[right].xy, (1.0, 0.0), atol=1e-6)
    np.testing.assert_array_equal(info.label == right, np.broadcast_to(info.xs[None, :] > 0, info.label.shape))


def test_no_minimum_means_nothing_converges():
    scene = Scene(landscape="saddle", runs=(Run.of("gd", lr=0.1),), steps=30)
    info = maps.basin_map(scene, 0, 8)
    assert info.minima == ()
    assert set(np.unique(info.label)) <= {maps.NOT_CONVERGED, maps.DIVERGED}


# --- sweeps ---------------------------------------------------------------------------------------------------

WELLS = Scene(landscape="wells", start=(0.3, 0.9), runs=(Run.of("momentum", lr=0.05, beta=0.9),), steps=120)


def test_sweep_cells_equal_single_runs():
    lrs, betas = np.geomspace(0.005, 0.5, 5), np.array([0.0, 0.5, 0.9])  # β = 0.99 with η = 0.5 is chaotic
    info = maps.sweep(WELLS, 0, "lr", "beta", lrs, betas)
    assert info.final_loss.shape == (3, 5)
    for i, beta in enumerate(betas):
        for j, lr in enumerate(lrs):
            run = Run.of("momentum", lr=lr, beta=beta)
            trajectory = compute.trajectory(WELLS, run)
            np.testing.assert_allclose(info.final_loss[i, j], trajectory.loss[-1], rtol=1e-4, atol=1e-5)
            label, steps = single_outcome(trajectory.params, trajectory.diverged_at, info.minima, info.tolerance)
            assert (info.label[i, j], info.steps_to_converge[i, j]) == (label, steps)
    assert info.current == (0.05, 0.9)


@pytest.mark.parametrize("optimizer, y_param, y_values", [
    ("adamw", "weight_decay", [0.0, 0.3, 0.9]), ("lion", "weight_decay", [0.0, 0.5]), ("adabelief", "beta2", [0.9, 0.999]),
])
def test_sweeps_of_the_optimizers_after_the_lecture_equal_single_runs(optimizer, y_param, y_values):
    scene = WELLS.replace(runs=(Run.of(optimizer, lr=0.05),), steps=60)
    lrs = np.array([0.01, 0.05, 0.2])
    info = maps.sweep(scene, 0, "lr", y_param, lrs, np.array(y_values))
    for i, y in enumerate(y_values):
        for j, lr in enumerate(lrs):
            trajectory = compute.trajectory(scene, Run.of(optimizer, lr=lr, **{y_param: y}))
            np.testing.assert_allclose(info.final_loss[i, j], trajectory.loss[-1], rtol=1e-4, atol=1e-5)
    assert len(np.unique(info.final_loss.round(5))) > len(lrs)  # the second axis changes the outcome


def test_sweep_over_steps_reads_every_step_count_from_one_history():
    scene = Scene(landscape="himmelblau", start=(-0.3, -0.9), runs=(Run.of("gd", lr=0.01),), steps=50)
    lrs, counts = np.array([0.001, 0.01, 0.03, 0.06]), np.array([5, 20, 80])
    info = maps.sweep(scene, 0, "lr", "steps", lrs, counts)
    for i, count in enumerate(counts):
        for j, lr in enumerate(lrs):
            trajectory = compute.trajectory(scene.replace(steps=int(count)), Run.of("gd", lr=lr))
            diverged = trajectory.diverged_at
            assert info.diverged_at[i, j] == (-1 if diverged is None else diverged)
            np.testing.assert_allclose(info.final_loss[i, j], trajectory.loss[-1], rtol=1e-4, atol=1e-5)
            label, steps = single_outcome(trajectory.params, diverged, info.minima, info.tolerance)
            assert (info.label[i, j], info.steps_to_converge[i, j]) == (label, steps)
    assert (info.diverged_at >= 0).any() and (info.label >= 0).any()


def test_clicked_cells_load_the_setting_and_the_start():
    info = maps.sweep(WELLS, 0, "lr", "steps", [0.01, 0.1], [10, 60])
    loaded = maps.setting_from_cell(WELLS, info, 1, 0)
    assert loaded.runs[0].settings == {"lr": 0.01, "beta": 0.9} and loaded.steps == 60
    again = maps.sweep(loaded, 0, "lr", "steps", [0.01, 0.1], [10, 60], only_cached=True)
    assert again.final_loss is info.final_loss and again.current == (0.01, 60.0)  # the same sweep, a new star
    assert maps.sweep(loaded.replace(start=(0.0, 0.0)), 0, "lr", "steps", [0.01, 0.1], [10, 60], only_cached=True) is None
    basin = maps.basin_map(SADDLE, 0, 8)
    moved = maps.start_from_cell(SADDLE, basin, 2, 5)
    assert moved.start == basin.cell_xy(2, 5) and moved.runs == SADDLE.runs


def test_sweep_axes_follow_the_optimizer():
    assert maps.sweep_axes(Run.of("momentum")) == (("lr", "beta"), ("lr", "steps"))
    assert ("beta1", "beta2") in maps.sweep_axes(Run.of("adam"))
    assert maps.sweep_axes(Run.of("adadelta")) == (("gamma", "steps"), ("gamma", "eps"))
    assert maps.sweep_axes(Run.of("adamw")) == (("lr", "weight_decay"), ("beta1", "beta2"), ("lr", "steps"))
    assert maps.sweep_axes(Run.of("lion")) == (("lr", "weight_decay"), ("beta1", "beta2"), ("lr", "steps"))
    assert maps.sweep_axes(Run.of("adabelief")) == (("beta1", "beta2"), ("lr", "steps"))
    for param in ("lr", "beta", "beta1", "beta2", "gamma", "eps", "weight_decay", "steps"):
        values = maps.default_values(param, 16, WELLS)
        assert 2 <= len(values) <= 16 and np.all(np.diff(values) > 0)


# --- bounds, progress, cache -------------------------------------------------------------------------------------

@pytest.mark.parametrize("call", [
    lambda: maps.basin_map(SADDLE, 0, maps.MAX_MAP_RESOLUTION + 1),
    lambda: maps.basin_map(SADDLE, 0, maps.MIN_MAP_RESOLUTION - 1),
    lambda: maps.basin_map(SADDLE, 5, 16),
    lambda: maps.basin_map(SADDLE, 0, 16, steps=0),
    lambda: maps.sweep(WELLS, 0, "lr", "beta", np.geomspace(1e-3, 1, maps.MAX_SWEEP + 1), [0.5, 0.9]),
    lambda: maps.sweep(WELLS, 0, "lr", "beta", [0.1], [0.5, 0.9]),
    lambda: maps.sweep(WELLS, 0, "lr", "lr", [0.1, 0.2], [0.1, 0.2]),
    lambda: maps.sweep(WELLS, 0, "lr", "beta1", [0.1, 0.2], [0.1, 0.2]),
    lambda: maps.sweep(WELLS, 0, "lr", "beta", [0.1, 20.0], [0.1, 0.2]),
    lambda: maps.sweep(WELLS, 0, "lr", "steps", [0.1, 0.2], [10, 10.5]),
    lambda: maps.sweep(WELLS, 0, "lr", "steps", [0.1, 0.2], [10, np.nan]),
], ids=["too-fine", "too-coarse", "no-such-run", "no-steps", "sweep-too-long", "sweep-too-short", "same-axes",
        "foreign-hyperparameter", "lr-out-of-range", "fractional-steps", "nan"])
def test_sizes_and_values_are_bounded(call):
    with pytest.raises(ValueError):
        call()


def test_work_bound_cuts_the_steps_of_fine_maps():
    assert maps.map_steps(256, 2000) * 256**2 <= maps.MAX_MAP_WORK < (maps.map_steps(256, 2000) + 1) * 256**2
    assert maps.map_steps(32, 500) == 500


def test_progress_is_reported_in_increasing_counts():
    calls = []
    info = maps.basin_map(SADDLE.replace(steps=20), 1, 48, progress=lambda done, total: calls.append((done, total)))
    total = 48 * 48
    assert calls[0] == (0, total) and calls[-1] == (total, total)
    assert len(calls) == 2 + total // maps.CHUNK
    assert all(a[0] < b[0] for a, b in zip(calls, calls[1:])) and {t for _, t in calls} == {total}
    assert info.label.shape == (48, 48)


def test_results_are_cached_per_scene():
    scene = SADDLE.replace(steps=25)
    first = maps.basin_map(scene, 0, 16)
    calls = []
    recoloured = scene.replace(runs=(Run.of("gd", lr=0.1, color="#000000"), scene.runs[1]), language="en")
    again = maps.basin_map(recoloured, 0, 16, progress=lambda *a: calls.append(a))
    assert again.label is first.label and again.scene is recoloured  # from the cache, shown for the new scene
    assert calls == [(1, 1)]
    other = maps.basin_map(scene.replace(runs=(Run.of("gd", lr=0.2),)), 0, 16)
    assert other.label is not first.label
    programs = optimizers.compiled_programs()
    maps.basin_map(scene.replace(runs=(Run.of("gd", lr=0.3),)), 0, 32)
    assert optimizers.compiled_programs() == programs  # every map size runs the same chunk program


# --- figure records -------------------------------------------------------------------------------------------------

def test_basin_record_and_figure():
    info = maps.basin_map(Scene(landscape="himmelblau", runs=(Run.of("gd", lr=0.025),), steps=40), 0, 24)
    grid = compute.surface_grid(LANDSCAPES["himmelblau"], 41)
    plot = basin_plot_info(info, "minimum", "en", contour=(grid.xs, grid.ys, grid.z))
    assert sum(c.count for c in plot.categories) == 24 * 24
    assert {c.code for c in plot.categories} == set(np.unique(info.label).tolist())
    assert next(c for c in plot.categories if c.code == maps.DIVERGED).name == "diverged"
    (layer,) = plot.layers
    codes = np.array([c.code for c in plot.categories])
    np.testing.assert_array_equal(codes[layer.z.astype(int)], info.label)
    figure = map_figure(plot)
    legend = [trace.name for trace in figure.data if trace.meta and trace.meta.get("role") == "legend"]
    assert legend == [f"{c.name} · {c.count}" for c in plot.categories]
    assert tuple(figure.layout.xaxis.range) == (-5.0, 5.0) and figure.layout.yaxis.scaleanchor == "x"
    click = next(trace for trace in figure.data if trace.name == CLICK_TRACE_NAME)
    cells = np.asarray(click.customdata)
    np.testing.assert_allclose(click.x, info.xs[cells[:, 1]])
    np.testing.assert_allclose(click.y, info.ys[cells[:, 0]])
    assert any(trace.meta.get("role") == "contour" for trace in figure.data if trace.meta)


def test_continuous_colourings_leave_outcome_colours_where_they_have_no_value():
    info = maps.basin_map(Scene(landscape="himmelblau", runs=(Run.of("gd", lr=0.025),), steps=40), 0, 24)
    steps, overlay = basin_plot_info(info, "steps", "ko").layers
    converged = info.steps_to_converge >= 0
    np.testing.assert_array_equal(np.isfinite(steps.z), converged)
    np.testing.assert_array_equal(np.isfinite(overlay.z), info.label < 0)
    loss, overlay = basin_plot_info(info, "loss", "ko").layers
    diverged = info.label == maps.DIVERGED
    np.testing.assert_array_equal(np.isfinite(loss.z), ~diverged)
    np.testing.assert_array_equal(np.isfinite(overlay.z), diverged)


def test_a_maps_legend_names_only_colours_it_shows_with_the_cells_that_show_them():
    info = maps.sweep(SADDLE, 0, "lr", "steps", np.geomspace(0.001, 10.0, 8), [20.0, 60.0])
    diverged = int((info.diverged_at >= 0).sum())
    assert 0 < diverged < info.diverged_at.size  # some settings diverge, some do not
    for metric, expected in (("loss", {"diverged": diverged}), ("minimum", {c.name: c.count for c in
                                                                           sweep_plot_info(info, "minimum", "en").categories})):
        figure = map_figure(sweep_plot_info(info, metric, "en"))
        legend = [trace.name for trace in figure.data if trace.meta and trace.meta.get("role") == "legend"]
        assert legend == [f"{name} · {count}" for name, count in expected.items()], metric


def test_click_targets_are_bounded_for_fine_maps():
    info = maps.basin_map(SADDLE.replace(steps=10), 0, 200)
    plot = basin_plot_info(info, "minimum", "en")
    assert len(plot.click_x) <= MAX_CLICK_SIDE**2 and len(plot.click_text) == len(plot.click_x)
    assert len(np.unique(plot.click_cells[:, 0])) == len(np.unique(plot.click_cells[:, 1])) == 50


def test_sweep_record_and_figure():
    info = maps.sweep(WELLS, 0, "lr", "beta", np.geomspace(0.001, 1.0, 6), [0.0, 0.5, 0.9])
    plot = sweep_plot_info(info, "loss", "en")
    assert plot.x_log and not plot.y_log and plot.x_title == "learning rate η"
    figure = map_figure(plot)
    assert figure.layout.xaxis.type == "log"
    low, high = figure.layout.xaxis.range
    assert low < np.log10(0.001) and high > np.log10(1.0)
    star = next(trace for trace in figure.data if trace.meta and trace.meta.get("role") == "marker")
    assert (float(star.x[0]), float(star.y[0])) == pytest.approx((0.05, 0.9))
    divergence = sweep_plot_info(info, "divergence", "en")
    np.testing.assert_array_equal(np.isfinite(divergence.layers[0].z), info.diverged_at >= 0)
    with pytest.raises(ValueError):
        sweep_plot_info(info, "colour", "en")


def test_map_layers_hold_float32_arrays():
    info = maps.basin_map(SADDLE.replace(steps=10), 0, 16)
    for coloring in ("minimum", "steps", "loss"):
        for layer in basin_plot_info(info, coloring, "ko").layers:
            assert layer.z.dtype == np.float32 and layer.z.shape == (16, 16)
