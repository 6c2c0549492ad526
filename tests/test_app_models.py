"""Model scenes on the page (AppTest): the cubic fit and the small network drawn through the same views as the
surfaces, their slice said in words, the metrics a model has, the MLP's decision boundaries, and a slider move."""

from __future__ import annotations

import numpy as np

from analysis import compute
from figures.model_info import model_scene_info
from landscapes import LANDSCAPES
from landscapes.models import MLP, accuracy_along
from tests.page_views import send
from tests.test_app import decoded, figures, load, metrics, open_tab, paths, url_scene

MLP_QUERY = {"ls": "mlp", "lang": "en", "steps": "200", "run": ["adam,lr=0.01", "momentum,lr=0.05,beta=0.9"]}


def loss_lines(spec: dict) -> list[dict]:
    return [tr for tr in spec["data"] if (tr.get("meta") or {}).get("role") == "loss"]


def boundary_charts(at) -> list:
    return [chart for chart in at.get("plotly_chart") if "boundary_" in chart.proto.id]


def test_the_models_are_in_the_landscape_list_and_a_model_scene_draws_every_view():
    at = load(MLP_QUERY)
    assert {LANDSCAPES["mlp"].name["en"], LANDSCAPES["cubic_fit"].name["en"]} <= set(at.selectbox(key="landscape").options)
    assert at.selectbox(key="landscape").value == "mlp"
    charts = figures(at)
    assert set(charts) == {"contour", "surface", "loss"}
    scene = url_scene(at)
    trajectories = [compute.trajectory(scene, run) for run in scene.runs]
    info = model_scene_info(scene, MLP, trajectories)
    assert charts["contour"]["layout"]["xaxis"]["title"]["text"] == "α = W3[0,0]"
    assert len(paths(charts["contour"])) == len(paths(charts["surface"])) == 2
    for trace, path, traj in zip(paths(charts["contour"]), info.runs, trajectories):
        np.testing.assert_allclose(decoded(trace["x"]), path.x, rtol=1e-6)  # the projection onto the slice
        np.testing.assert_allclose(path.x, traj.params[:, MLP.axes[0]], rtol=1e-6)  # exact for a coordinate slice
    lines = loss_lines(charts["loss"])
    losses, accuracies = [tr for tr in lines if "yaxis" not in tr], [tr for tr in lines if tr.get("yaxis") == "y2"]
    assert len(losses) == len(accuracies) == 2 and charts["loss"]["layout"]["yaxis2"]["range"] == [0, 100]
    for trace, accuracy, traj in zip(losses, accuracies, trajectories):
        np.testing.assert_allclose(decoded(trace["y"]), traj.loss, rtol=1e-6)  # the true training loss
        np.testing.assert_allclose(decoded(accuracy["y"]), 100 * accuracy_along(MLP, traj.params), rtol=1e-5)
    assert len(boundary_charts(at)) == 2
    table = metrics(at)
    accuracy = accuracy_along(MLP, trajectories[0].params[-1:])[0]
    assert table["training accuracy (step 200)"][0] == f"{100 * accuracy:.1f} %"
    assert any("A 2-D slice of a high-dimensional loss is not the loss" in caption.value for caption in at.caption)


def test_a_learning_rate_move_redraws_the_slice_the_paths_and_the_boundary():
    at = load(MLP_QUERY, runs=(0,))
    before = figures(at)
    boundary_before = boundary_charts(at)[0].proto.spec
    at.select_slider(key="run0.hp.lr").set_value(0.05).run()
    assert not at.exception
    after = figures(at)
    assert url_scene(at).runs[0].settings["lr"] == 0.05
    assert not np.allclose(decoded(paths(after["contour"])[0]["x"]), decoded(paths(before["contour"])[0]["x"]))
    assert not np.allclose(decoded(loss_lines(after["loss"])[0]["y"]), decoded(loss_lines(before["loss"])[0]["y"]))
    assert boundary_charts(at)[0].proto.spec != boundary_before


def test_a_step_move_redraws_every_boundary_at_that_step_and_a_move_back_draws_them_as_before():
    at = load(MLP_QUERY)
    at_end = [chart.proto.spec for chart in boundary_charts(at)]
    send(at, "step", 20)
    at_20 = [chart.proto.spec for chart in boundary_charts(at)]
    assert all(a != b for a, b in zip(at_20, at_end)) and len(at_20) == 2
    assert any(header.value == "Decision boundary (step 20)" for header in at.subheader)
    send(at, "step", 200)
    assert [chart.proto.spec for chart in boundary_charts(at)] == at_end


def test_the_slice_choice_is_in_the_link_and_says_what_it_keeps():
    at = load({**MLP_QUERY, "v_slice": "pca"})
    assert url_scene(at).view.slice == "pca"
    (note,) = [c.value for c in at.caption if c.value.startswith("Slice: the first two principal directions")]
    assert "% of the paths' variance" in note
    at.selectbox(key="slice").set_value("filter").run()
    assert url_scene(at).view.slice == "filter"
    assert figures(at)["contour"]["layout"]["xaxis"]["title"]["text"] == "α (d₁)"


def test_the_cubic_in_korean_with_the_maps_and_internals_tabs_saying_why_they_are_off():
    at = load({"ls": "cubic_fit", "steps": "100", "run": ["gd,lr=0.003,bs=full", "sgd,lr=0.002,bs=1"]})
    charts = figures(at)
    assert charts["contour"]["layout"]["xaxis"]["title"]["text"] == "α = c"
    assert len(paths(charts["contour"])) == 2 and not boundary_charts(at)  # a regression: no boundary ...
    assert "yaxis2" not in charts["loss"]["layout"]  # ... and no accuracy
    assert "손실 ≤ 0.01 도달 스텝" in metrics(at).columns
    open_tab(at, "maps.tab")
    assert any("모델에서는 지도를 끈다" in info.value for info in at.info)
    open_tab(at, "tab.internals")
    assert any("모델의 스텝은 매개변수 수백 개를 움직이므로" in info.value for info in at.info)
