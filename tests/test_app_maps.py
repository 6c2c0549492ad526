"""The Maps panel and the custom-formula entry through Streamlit's AppTest (the real app.py and engine)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from analysis import compute
from analysis import maps
from figures.maps import basin_plot_info
from i18n import t
from landscapes import parse_formula
from tests.page_views import view_figures
from tests.test_app import decoded, load, open_tab, shown, url_scene
from ui import formula as formula_ui
from ui.tabs import maps as maps_ui

SADDLE_QUERY = {"ls": "saddle_two_minima", "x": "-1.8", "y": "0.5", "steps": "60",
                "run": ["gd,lr=0.1", "momentum,lr=0.05,beta=0.9"]}


def chart(app: AppTest, key: str) -> dict | None:
    for element in app.get("plotly_chart"):
        if element.proto.id.endswith(key):
            return json.loads(element.proto.spec)
    return None


def rerun(app: AppTest) -> AppTest:
    app.run()
    assert not app.exception, [e.message for e in app.exception]
    return app


@pytest.fixture(scope="module")
def at() -> AppTest:
    return load(SADDLE_QUERY, tab="maps.tab")


def test_basin_map_waits_for_its_button_then_lies_beside_the_contour(at):
    assert chart(at, maps_ui.BASIN_KEY) is None
    assert t("maps.basin_hint", "ko") in [info.value for info in at.info]
    at.select_slider(key="maps.resolution").set_value(32)
    at.button(key="maps.compute").click()
    rerun(at)
    basin = chart(at, maps_ui.BASIN_KEY)
    contour = view_figures(at, key=maps_ui.CONTOUR_KEY)["contour"]  # the runs beside it, in the views component
    shown = [i for i, run in enumerate(url_scene(at).runs) if run.visible]
    assert basin is not None and [tr["meta"]["run"] for tr in contour["data"] if tr["meta"].get("role") == "path"] == shown
    assert basin["layout"]["xaxis"]["range"] == contour["layout"]["xaxis"]["range"] == [-2.0, 2.0]
    assert basin["layout"]["yaxis"]["range"] == contour["layout"]["yaxis"]["range"] == [-2.0, 2.0]
    expected = maps.basin_map(url_scene(at), 0, 32, steps=60)
    (heatmap,) = [trace for trace in basin["data"] if trace["type"] == "heatmap"]
    codes = np.array([c.code for c in basin_plot_info(expected, "minimum", "ko").categories])
    z = decoded(heatmap["z"]).reshape(32, 32)
    np.testing.assert_array_equal(codes[z.astype(int)], expected.label)
    (bar,) = at.get("progress")
    assert bar.proto.value == 100 and "1,024 / 1,024" in bar.proto.text


def test_colouring_by_steps_adds_a_colour_bar(at):
    at.radio(key="maps.coloring").set_value("steps")
    rerun(at)
    heatmaps = [trace for trace in chart(at, maps_ui.BASIN_KEY)["data"] if trace["type"] == "heatmap"]
    assert len(heatmaps) == 2 and heatmaps[0]["showscale"]
    assert heatmaps[0]["colorbar"]["title"]["text"] == t("maps.steps_to_converge", "ko")


def test_sweep_draws_its_heatmap_and_a_loaded_cell_moves_the_sliders(at):
    assert chart(at, maps_ui.SWEEP_KEY) is None
    at.select_slider(key="maps.sweep_size").set_value(8)
    at.button(key="maps.sweep_compute").click()
    rerun(at)
    sweep = chart(at, maps_ui.SWEEP_KEY)
    assert sweep["layout"]["xaxis"]["type"] == "log"
    scene = url_scene(at)
    x_values = maps.default_values("lr", 8, scene)
    info = maps.sweep(scene, 0, "lr", "steps", x_values, maps.default_values("steps", 8, scene))
    heatmaps = [trace for trace in sweep["data"] if trace["type"] == "heatmap"]
    np.testing.assert_allclose(decoded(heatmaps[0]["x"]), x_values.astype(np.float32))
    assert decoded(heatmaps[0]["z"]).size == info.final_loss.size
    # what a click on cell [5, 0] does (AppTest cannot click a chart; tests/browser/test_maps_page.py does)
    maps_ui.load_setting(at.session_state, 0, info.cell_setting(5, 0))
    rerun(at)
    loaded = url_scene(at)
    assert loaded.runs[0].settings["lr"] == float(x_values[0]) == 0.001
    assert loaded.steps == int(info.y_values[5])
    # the sweep stays on the page, its star on the loaded setting
    star = next(trace for trace in chart(at, maps_ui.SWEEP_KEY)["data"] if trace.get("meta", {}).get("role") == "marker")
    assert (decoded(star["x"])[0], decoded(star["y"])[0]) == (np.float32(0.001), np.float32(info.y_values[5]))


def test_a_map_of_an_older_scene_is_marked_stale(at):
    at.number_input(key="start_x").set_value(1.0)
    rerun(at)
    assert t("maps.stale", "ko") in [warning.value for warning in at.warning]


def test_custom_formula_entry_parses_reports_and_masks():
    app = load(SADDLE_QUERY)
    app.selectbox(key="landscape").set_value("custom")
    rerun(app)
    scene = url_scene(app)
    assert scene.landscape == "custom" and scene.formula == formula_ui.EXAMPLE_FORMULA
    app.text_input(key=formula_ui.FORMULA_TEXT).input("(x**2 - 1)**2 + y**2")
    rerun(app)
    assert url_scene(app).formula == "(x**2 - 1)**2 + y**2"
    assert r"$f(x,y)=\left(x^{2} - 1\right)^{2} + y^{2}$" in [text.value for text in app.sidebar.markdown]

    app.text_input(key=formula_ui.FORMULA_TEXT).input("x + __import__('os')")
    rerun(app)
    (error,) = [shown(e.value) for e in app.error if "__import__" in shown(e.value)]
    assert "5번째" in error
    assert any(code.value.endswith("\n    ^") for code in app.code)
    assert url_scene(app).formula == "(x**2 - 1)**2 + y**2"  # the last good formula stays

    app.text_input(key=formula_ui.FORMULA_TEXT).input("log(x) + y**2")
    rerun(app)
    grid = compute.surface_grid(parse_formula("log(x) + y**2"))
    notice = t("formula.masked", "ko", masked=grid.masked, total=grid.z.size)
    assert grid.masked > 0 and notice in [warning.value for warning in app.warning]

    app.number_input(key="formula.x0").set_value(0.5)
    rerun(app)
    assert url_scene(app).formula_bounds[0] == 0.5
    assert not any(notice == warning.value for warning in app.warning)  # x > 0 everywhere now


def test_custom_formula_from_the_url_fills_the_entry_and_maps():
    app = load({"ls": "custom", "f": "(x**2 - 1)**2 + y**2", "fb": "-2,2,-1.5,1.5", "steps": "100",
                "run": ["gd,lr=0.05"], "lang": "en"}, tab="maps.tab")
    assert app.text_input(key=formula_ui.FORMULA_TEXT).value == "(x**2 - 1)**2 + y**2"
    assert [app.number_input(key=key).value for key in formula_ui.BOUND_KEYS] == [-2.0, 2.0, -1.5, 1.5]
    app.select_slider(key="maps.resolution").set_value(32)
    app.button(key="maps.compute").click()
    rerun(app)
    basin = chart(app, maps_ui.BASIN_KEY)
    legend = [trace["name"] for trace in basin["data"] if trace.get("meta", {}).get("role") == "legend"]
    assert len(legend) == 2 and all("global minimum" in name for name in legend)


def test_a_formula_undefined_almost_everywhere_is_refused_and_a_sliver_draws_in_every_tab():
    band = "sqrt(0.0004 - (x - 0.0476)**2)"  # defined on a band that the 3D view's grid lines miss
    app = load({"ls": "custom", "f": band, "run": ["gd,lr=0.1"], "lang": "en"})
    for tab in ("tab.trajectories", "tab.formulas", "tab.internals", "tab.lessons", "maps.tab", "export.tab"):
        open_tab(app, tab)
    app.text_input(key=formula_ui.FORMULA_TEXT).input("0/0")
    rerun(app)
    assert any("defined on only 0% of the plot" in shown(error.value) for error in app.error)
    assert url_scene(app).formula == band  # the last good formula stays
