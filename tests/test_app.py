"""The page through Streamlit's AppTest: widgets by key → Scene → figures, the URL, the language."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from analysis import compute
from i18n import t
from analysis.lessons import LESSONS
from scene.presets import PRESETS
from scene import DEFAULT_SCENE, Run, Scene, from_query, to_query
from tests.page_views import VIEWS_COMPONENT, components, manifest, send, view_figures
from ui.state import run_key
from ui.text import verbatim

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def load(query: dict | None = None, tab: str | None = None, runs: tuple[int, ...] = ()) -> AppTest:
    """The page opened with ``query`` in the address bar; ``tab`` (a label key) opens that tab first and
    ``runs`` (run ids) the settings of those runs (closed tabs and runs send no widgets)."""
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    if tab is not None:
        at.session_state["tabs"] = t(tab, (query or {}).get("lang", "ko"))
    for run_id in runs:
        at.session_state[run_key(run_id, "settings")] = True
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def open_tab(at: AppTest, tab: str) -> AppTest:
    """Switch to the tab with label key ``tab``: only the open tab's panel runs."""
    at.session_state["tabs"] = t(tab, at.session_state["lang"])
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def shown(markdown: str) -> str:
    """The text a Markdown element shows of what ui.text.verbatim escaped (every ASCII punctuation mark)."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown)


def url_scene(at: AppTest) -> Scene:
    """The scene the address bar holds now."""
    scene, notices = from_query(dict(at.query_params))
    assert notices == []
    return scene


CHART_KEYS = {"family_tree": "tree"}


def figures(at: AppTest) -> dict[str, dict]:
    """The views (as the browser draws them at the shared step) and this tab's other Plotly charts by key."""
    charts = view_figures(at) if components(at, VIEWS_COMPONENT) else {}
    for chart in at.get("plotly_chart"):
        key = chart.proto.id.rsplit("-", 1)[-1]
        if key in CHART_KEYS:
            charts[CHART_KEYS[key]] = json.loads(chart.proto.spec)
    return charts


def metrics(at: AppTest):
    """The metrics table: the table with a final-loss column."""
    (table,) = [d.value for d in at.table if {"최종 손실", "Final loss"} & set(d.value.columns)]
    return table


def decoded(array) -> np.ndarray:
    """A Plotly JSON array (a list, or a typed array {dtype, bdata})."""
    if isinstance(array, dict):
        import base64

        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=np.dtype(array["dtype"]))
    return np.asarray(array, dtype=np.float64)


def paths(spec: dict) -> list[dict]:
    return [tr for tr in spec["data"] if (tr.get("meta") or {}).get("role") == "path"]


def test_default_page_draws_every_view_with_the_engines_trajectories():
    at = load()
    assert at.title[0].value == "손실 지형 실험실"
    charts = figures(at)
    assert set(charts) == {"contour", "surface", "loss"}  # the formulas tab's family tree runs when opened
    assert "tree" in figures(open_tab(load(), "tab.formulas"))
    assert [tr["type"] for tr in charts["contour"]["data"]].count("contour") == 1
    assert [tr["type"] for tr in charts["surface"]["data"]].count("surface") == 1
    scene = url_scene(at)
    assert scene.runs == DEFAULT_SCENE.runs and scene.start == DEFAULT_SCENE.start
    for view in ("contour", "surface"):
        drawn = paths(charts[view])
        assert len(drawn) == len(scene.runs)
        for trace, run in zip(drawn, scene.runs):
            traj = compute.trajectory(scene, run)
            np.testing.assert_allclose(decoded(trace["x"]), traj.params[:, 0], rtol=1e-6)
            np.testing.assert_allclose(decoded(trace["y"]), traj.params[:, 1], rtol=1e-6)
            assert trace["line"]["color"] == run.color
    # Arrays reach the browser as float32 typed arrays.
    assert paths(charts["contour"])[0]["x"]["dtype"] == "f4"
    assert len(metrics(at)) == 3


def test_changing_a_learning_rate_changes_that_runs_path_only():
    at = load(runs=(0,))
    before = {i: decoded(tr["x"]) for i, tr in enumerate(paths(figures(at)["contour"]))}
    at.select_slider(key="run0.hp.lr").set_value(0.05).run()
    scene = url_scene(at)
    assert scene.runs[0].settings["lr"] == 0.05
    after = paths(figures(at)["contour"])
    np.testing.assert_allclose(decoded(after[0]["x"]), compute.trajectory(scene, scene.runs[0]).params[:, 0], rtol=1e-6)
    assert not np.allclose(decoded(after[0]["x"]), before[0])
    np.testing.assert_array_equal(decoded(after[1]["x"]), before[1])


def test_hide_add_duplicate_and_remove_runs():
    at = load(runs=(0, 1, 2))
    at.toggle(key="run1.visible").set_value(False).run()
    assert [tr["meta"]["run"] for tr in paths(figures(at)["contour"])] == [0, 2]
    assert url_scene(at).runs[1].visible is False  # hidden, not lost
    at.selectbox(key="new_run_optimizer").set_value("rmsprop").run()
    at.button(key="add_run").click().run()
    scene = url_scene(at)
    assert [r.optimizer for r in scene.runs] == ["gd", "momentum", "adam", "rmsprop"]
    assert len({r.color for r in scene.runs}) == 4
    at.button(key="run2.duplicate").click().run()
    scene = url_scene(at)
    assert [r.optimizer for r in scene.runs] == ["gd", "momentum", "adam", "rmsprop", "adam"]
    assert scene.runs[4].hparams == scene.runs[2].hparams and scene.runs[4].color != scene.runs[2].color
    at.button(key="run0.remove").click().run()
    scene = url_scene(at)
    assert [r.optimizer for r in scene.runs] == ["momentum", "adam", "rmsprop", "adam"]
    assert len(paths(figures(at)["surface"])) == 3  # momentum is still hidden


def test_switching_optimizer_convention_and_batch_size():
    at = load(runs=(0,))
    at.selectbox(key="run0.optimizer").set_value("nag").run()
    run = url_scene(at).runs[0]
    assert run.optimizer == "nag" and set(run.settings) == {"lr", "beta"}
    at.segmented_control(key="run0.convention").set_value("torch").run()
    assert url_scene(at).runs[0].convention == "torch"
    at.selectbox(key="run0.batch").set_value(4).run()
    scene = url_scene(at)
    assert scene.runs[0].batch_size == 4
    assert at.slider(key="noise") is not None  # noise control appears for stochastic runs
    traj = compute.trajectory(scene, scene.runs[0])
    np.testing.assert_allclose(decoded(paths(figures(at)["contour"])[0]["y"]), traj.params[:, 1], rtol=1e-6)


def test_landscape_change_resets_its_parameters_and_start():
    at = load()
    at.selectbox(key="landscape").set_value("rosenbrock").run()
    scene = url_scene(at)
    assert scene.landscape == "rosenbrock" and scene.start == (-1.5, 2.5)
    assert dict(scene.landscape_params) == {"a": 1.0, "b": 100.0}
    at.select_slider(key="lp.b").set_value(20.0).run()
    assert dict(url_scene(at).landscape_params)["b"] == 20.0
    at.number_input(key="start_x").set_value(0.5).run()
    assert url_scene(at).start == (0.5, 2.5)


def test_the_step_reached_in_the_browser_lands_in_the_url_and_the_views():
    at = load()
    send(at, "step", 10)
    assert manifest(at)["heard"]["step"] == send.events  # the browser stops sending it again
    assert at.query_params["step"] == ["10"] or at.query_params["step"] == "10"
    assert manifest(at)["step"] == 10
    table = metrics(at)  # the metrics see the step too
    scene = url_scene(at)
    np.testing.assert_allclose(table["10단계 손실"].astype(float),
                               [compute.trajectory(scene, run).loss[10] for run in scene.runs], rtol=5e-4)  # 4 digits shown
    charts = figures(at)
    for view in ("contour", "surface"):
        assert all(len(decoded(tr["x"])) == 11 for tr in paths(charts[view]))
    currents = [tr for tr in charts["loss"]["data"] if tr["meta"]["role"] == "current"]
    assert [decoded(tr["x"])[0] for tr in currents] == [10, 10, 10]


def test_url_round_trip_restores_a_preset_scene_exactly():
    preset = PRESETS["rosenbrock_adaptive"].scene
    at = load(to_query(preset))
    assert not at.warning
    scene = url_scene(at)
    assert scene.landscape == preset.landscape and scene.start == preset.start and scene.steps == preset.steps
    assert scene.runs == preset.runs and scene.view == preset.view
    assert from_query(to_query(scene))[0] == scene


def test_preset_selection_loads_the_whole_scene():
    at = load()
    at.selectbox(key="preset").set_value("batch_sgd_minibatch").run()
    scene = url_scene(at)
    preset = PRESETS["batch_sgd_minibatch"].scene
    assert scene.landscape == "line_fit" and scene.runs == preset.runs and scene.steps == preset.steps


@pytest.mark.parametrize("query, fallback", [
    ({"run": "gd,lr=abc"}, lambda s: s.runs[0].settings["lr"] == Run.of("gd").settings["lr"]),
    ({"steps": "99999"}, lambda s: s.steps == 2000),
    ({"x": "nan"}, lambda s: s.start[0] == DEFAULT_SCENE.start[0]),
    ({"ls": "nowhere"}, lambda s: s.landscape == "bowl"),
    ({"lang": "fr"}, lambda s: s.language == "ko"),
    ({"steps": "9" * 600}, lambda s: s.steps == DEFAULT_SCENE.steps),
    ({"bogus": "1"}, lambda s: s.runs == DEFAULT_SCENE.runs),
    ({"ls": "custom", "f": "x**2 +"}, lambda s: s.landscape == "bowl" and s.formula == ""),
])
def test_invalid_url_values_fall_back_with_a_visible_notice(query, fallback):
    at = load(query)
    assert at.warning, "a notice is shown"
    assert fallback(url_scene(at))
    assert len(figures(at)) == 3  # the page is still drawn


def test_language_switch_changes_every_label():
    at = load()
    assert at.tabs[0].label == "학습 경로"
    at.segmented_control(key="lang").set_value("en").run()
    assert at.title[0].value == "Loss Landscape Lab"
    assert at.tabs[0].label == "Trajectories" and at.tabs[1].label == "Formulas"
    assert url_scene(at).language == "en"
    contour = figures(at)["contour"]
    assert any(tr.get("name") == "start" for tr in contour["data"])
    assert "Gradient descent" in paths(contour)[0]["name"]


def test_a_diverging_run_is_reported_and_still_drawn():
    at = load({"run": ["gd,lr=5", "adam,lr=0.1"]})
    assert any("발산" in e.value for e in at.error)
    assert len(paths(figures(at)["contour"])) == 2
    table = metrics(at)
    assert "발산" in table["결과"][0] and "발산" not in table["결과"][1]


def test_projector_mode_and_field_overlay():
    at = load()
    small = figures(at)["contour"]["layout"]["font"]["size"]
    at.toggle(key="projector").set_value(True).run()
    at.selectbox(key="field").set_value("arrows").run()
    contour = figures(at)["contour"]
    assert contour["layout"]["font"]["size"] > small
    assert any(tr["meta"]["role"] == "field" for tr in contour["data"])
    assert url_scene(at).view.projector and url_scene(at).view.field == "arrows"


def test_the_camera_turned_in_the_browser_stays_through_changes_and_travels_in_the_link():
    at = load(runs=(0,))
    camera = {"eye": {"x": 0.1, "y": -2.0, "z": 1.2}, "center": {"x": 0, "y": 0, "z": -0.1}, "up": {"x": 0, "y": 0, "z": 1}}
    send(at, "camera", camera)
    assert url_scene(at).view.camera == (0.1, -2.0, 1.2, 0.0, 0.0, -0.1, 0.0, 0.0, 1.0)
    tokens = manifest(at)["camera_token"]
    at.select_slider(key="run0.hp.lr").set_value(0.05).run()  # a new η: the camera stays
    assert figures(at)["surface"]["layout"]["scene"]["camera"] == camera
    assert manifest(at)["camera_token"] == tokens  # the browser keeps the user's own camera, not a new one
    linked = load(to_query(url_scene(at)))
    assert figures(linked)["surface"]["layout"]["scene"]["camera"] == camera


def test_a_click_on_the_contour_moves_the_start_and_the_views_follow():
    at = load()
    token = manifest(at)["step_token"]
    send(at, "click", {"x": 1.25, "y": -0.5})
    scene = url_scene(at)
    assert scene.start == (1.25, -0.5)
    assert manifest(at)["step_token"] > token and manifest(at)["step"] == scene.steps
    for trace in paths(figures(at)["contour"]):
        assert (decoded(trace["x"])[0], decoded(trace["y"])[0]) == (1.25, -0.5)


def test_metrics_table_marks_each_run_with_its_colour():
    import base64

    at = load()
    table = metrics(at)
    swatches = table.iloc[:, 0]
    assert [base64.b64decode(s.split(",", 1)[1].rstrip(")")).decode().count(run.color) for s, run in
            zip(swatches, DEFAULT_SCENE.runs)] == [1, 1, 1]
    assert list(table.iloc[:, 1]) == [verbatim(run.label("ko")) for run in DEFAULT_SCENE.runs]


def test_runs_that_diverge_share_one_notice_and_a_lessons_own_divergence_is_said_to_be_its_point():
    lesson = next(lesson for lesson in LESSONS if lesson.id == "curvature")
    scene = DEFAULT_SCENE.replace(language="en", runs=(Run.of("gd", lr=5.0), Run.of("momentum", lr=5.0, beta=0.9),
                                                       Run.of("gd", lr=0.01)))
    at = load(to_query(scene))
    (notice,) = [shown(error.value) for error in at.error]
    assert notice.startswith("Diverged:") and notice.count("at step") == 2 and "smaller learning rate" in notice

    at = load(to_query(lesson.scene.replace(language="en")))
    (notice,) = [shown(error.value) for error in at.error]
    assert lesson.title["en"] in notice and "smaller learning rate" not in notice
