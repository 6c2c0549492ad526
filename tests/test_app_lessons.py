"""The Lessons and Internals panels through Streamlit's AppTest (the real app.py, real engine)."""

from __future__ import annotations

import base64
import json

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import compute
import lessons
from i18n import t
from scene import from_query
from tests.test_app import load, open_tab


@pytest.fixture(scope="module")
def at() -> AppTest:
    return load(tab="tab.lessons")


def url_scene(app: AppTest):
    scene, notices = from_query(dict(app.query_params))
    assert notices == []
    return scene


def chart(app: AppTest, key: str) -> dict:
    for element in app.get("plotly_chart"):
        spec = json.loads(element.proto.spec)
        if element.proto.id and key in element.proto.id:
            return spec
    raise AssertionError(f"no chart {key}")


def decoded(array) -> np.ndarray:
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=np.dtype(array["dtype"]))
    return np.asarray(array, dtype=np.float64)


def values_table(app: AppTest) -> dict[str, tuple[float, ...]]:
    """The internals' two tables at the shown step: vectors as (x, y), scalars as (value,)."""
    vectors = next(df.value for df in app.dataframe if "x" in df.value.columns)
    value = t("internals.value", app.session_state["lang"])
    scalars = next(df.value for df in app.dataframe if value in df.value.columns)
    return {**{row[""]: (row["x"], row["y"]) for _, row in vectors.iterrows()},
            **{row[""]: (row[value],) for _, row in scalars.iterrows()}}


def load_lesson(app: AppTest, lesson_id: str) -> None:
    """Open the Lessons tab, choose the lesson and press its button that loads the scene."""
    open_tab(app, "tab.lessons")
    app.radio(key="lesson").set_value(lesson_id).run()
    app.button(key=f"load_{lesson_id}").click().run()


def test_loading_a_lesson_sets_the_scene_and_shows_its_measured_figure(at):
    load_lesson(at, "ravine")
    assert not at.exception, [e.message for e in at.exception]
    expected = lessons.LESSONS_BY_ID["ravine"].scene
    assert url_scene(at).replace(language=expected.language) == expected
    result = lessons.LESSONS_BY_ID["ravine"].result()
    shown = " ".join(s.value for s in at.success)
    assert result.statement(expected.language) in shown or result.statement(url_scene(at).language) in shown
    assert f"{result.figures['momentum_steps']:.0f}" in shown and f"{result.figures['gd_steps']:.0f}" in shown
    differs = t("lessons.changed", expected.language)
    assert differs not in [c.value for c in at.caption]  # right after loading, the page shows the lesson's scene
    at.radio(key="lesson").set_value("nag").run()
    assert differs in [c.value for c in at.caption]  # another lesson's figures: the note says so


def test_internals_panel_shows_the_engines_values_at_the_chosen_step(at):
    load_lesson(at, "adam")
    open_tab(at, "tab.internals")
    scene = url_scene(at)
    adam = lessons.run_index(scene, "adam")
    at.selectbox(key="internals_run").set_value(adam).run()
    at.slider(key="internals_step").set_value(7).run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.session_state["step"] == 7  # the shared step follows
    traj = compute.trajectory(scene, scene.runs[adam])
    table = values_table(at)
    np.testing.assert_allclose(table["g_t"], traj.grads[7], rtol=1e-5)
    np.testing.assert_allclose(table["m"], traj.state.mu[7], rtol=1e-5)
    np.testing.assert_allclose(table["Δw"], traj.params[8] - traj.params[7], rtol=1e-4, atol=1e-7)
    assert table["1−β1^t"][0] == pytest.approx(1 - 0.9**8, rel=1e-5)
    arrows = [tr for tr in chart(at, "internals_contour")["data"] if (tr.get("meta") or {}).get("role") == "arrow"]
    assert {a["meta"]["kind"] for a in arrows} == {"gradient", "moment", "scaled", "actual"}
    tail = decoded(arrows[0]["x"])[0], decoded(arrows[0]["y"])[0]
    np.testing.assert_allclose(tail, traj.params[7], rtol=1e-5)
    charts = chart(at, "internals_charts")
    assert any(shape.get("x0") == 7 for shape in charts["layout"]["shapes"])  # the current step is marked


def test_stochastic_run_draws_seed_band_and_noise_ellipse(at):
    load_lesson(at, "batch")
    open_tab(at, "tab.internals")
    scene = url_scene(at)
    at.selectbox(key="internals_run").set_value(lessons.run_index(scene, "sgd")).run()
    assert not at.exception, [e.message for e in at.exception]
    roles = {(tr.get("meta") or {}).get("role") for tr in chart(at, "internals_contour")["data"]}
    assert {"seed_band", "seed_mean", "noise_ellipse"} <= roles
    at.toggle(key="internals_ellipse").set_value(False).run()
    roles = {(tr.get("meta") or {}).get("role") for tr in chart(at, "internals_contour")["data"]}
    assert "noise_ellipse" not in roles and "seed_band" in roles


def test_lesson_page_shows_its_condition_and_the_share_of_nearby_scenes_where_it_holds(at):
    open_tab(at, "tab.lessons")
    at.radio(key="lesson").set_value("curvature").run()
    assert not at.exception, [e.message for e in at.exception]
    lesson = lessons.LESSONS_BY_ID["curvature"]
    robust = lessons.robustness(lesson)
    lang = url_scene(at).language
    assert robust.total == 8  # its learning rates sit at the threshold by design: only the start moves
    assert any(lesson.condition[lang] in m.value for m in at.markdown)
    assert any(robust.statement(lang) in i.value for i in at.info)


def test_ravine_lesson_shows_the_tuned_table_over_kappa(at):
    open_tab(at, "tab.lessons")
    at.radio(key="lesson").set_value("ravine").run()
    assert not at.exception, [e.message for e in at.exception]
    table = next(df.value for df in at.dataframe if len(df.value) == 3)
    rows = lessons.LESSONS_BY_ID["ravine"].result().records["table"]
    lang = url_scene(at).language
    assert list(table[t("ravine.gd_steps", lang)]) == [row.gd_steps for row in rows]
    assert list(table[t("ravine.momentum_steps", lang)]) == [row.momentum_steps for row in rows]


@pytest.mark.parametrize("lesson_id, roles", [
    ("minima", {"map", "path", "start"}),
    ("saddle", {"noise_band", "axis_band", "gd", "momentum"}),
    ("batch", {"budget_gd", "budget_sgd", "budget_band_sgd", "budget_minibatch"}),
    ("ravine", {"race_gd", "race_momentum", "theory_gd", "theory_momentum"}),
    ("adadelta", {"steps_0", "steps_1", "steps_2"}),
])
def test_lessons_draw_the_figure_their_claim_is_about(at, lesson_id, roles):
    open_tab(at, "tab.lessons")
    at.radio(key="lesson").set_value(lesson_id).run()
    assert not at.exception, [e.message for e in at.exception]
    drawn = {(trace.get("meta") or {}).get("role") for trace in chart(at, "lesson_figure_0")["data"]}
    assert roles <= drawn


def test_see_also_opens_the_lesson_the_text_refers_to(at):
    open_tab(at, "tab.lessons")
    at.radio(key="lesson").set_value("gd").run()
    at.button(key="see_curvature").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.radio(key="lesson").value == "curvature"
