"""The Lessons and Internals panels through Streamlit's AppTest (the real app.py, real engine)."""

from __future__ import annotations

import base64
import json
import threading

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from analysis import compute
from analysis import lessons
from i18n import t
from scene import from_query
from tests.test_app import load, open_tab
from ui.tabs.lessons import answer_key


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


def choose_lesson(app: AppTest, lesson_id: str, answer: bool = False) -> None:
    """Open the Lessons tab and choose the lesson; once the engine has measured it (in the background, where the
    page waits only a little), look again, with its answer revealed if ``answer``."""
    open_tab(app, "tab.lessons")
    app.selectbox(key="lesson").set_value(lesson_id).run()
    assert lessons.MEASUREMENTS.wait(lesson_id, timeout=None)
    if answer:
        app.session_state[answer_key(lesson_id)] = True
    app.run()
    assert not app.exception, [e.message for e in app.exception]


def load_lesson(app: AppTest, lesson_id: str) -> None:
    """Open the Lessons tab, choose the lesson, reveal its answer and press its button that loads the scene."""
    choose_lesson(app, lesson_id, answer=True)
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
    at.selectbox(key="lesson").set_value("nag").run()
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
    choose_lesson(at, "curvature", answer=True)
    lesson = lessons.LESSONS_BY_ID["curvature"]
    robust = lessons.robustness(lesson)
    lang = url_scene(at).language
    assert robust.total == 8  # its learning rates sit at the threshold by design: only the start moves
    assert any(lesson.condition[lang] in m.value for m in at.markdown)
    assert any(robust.statement(lang) in i.value for i in at.info)


def test_ravine_lesson_shows_the_tuned_table_over_kappa(at):
    choose_lesson(at, "ravine")
    table = next(df.value for df in at.table if len(df.value) == 3)
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
    choose_lesson(at, lesson_id)
    drawn = {(trace.get("meta") or {}).get("role") for trace in chart(at, "lesson_figure_0")["data"]}
    assert roles <= drawn


def test_see_also_opens_the_lesson_the_text_refers_to(at):
    open_tab(at, "tab.lessons")
    at.selectbox(key="lesson").set_value("gd").run()
    at.button(key="see_curvature").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.selectbox(key="lesson").value == "curvature"


# --- the lesson page: numbering, the figure beside the text, the answer on demand, a bounded wait -------------

def page_texts(app: AppTest) -> str:
    kinds = ("markdown", "caption", "info", "success", "error", "warning")
    return " ".join(element.value for kind in kinds for element in app.get(kind))


def test_lessons_are_numbered_in_their_order_and_stepped_with_back_and_next(at):
    choose_lesson(at, "minima")
    lang = url_scene(at).language
    options = at.selectbox(key="lesson").options
    assert options == [f"{k}. {lesson.title[lang]}" for k, lesson in enumerate(lessons.LESSONS, start=1)]
    assert not any(word in option for option in options for word in ("Claim", "claim", "주장"))
    assert at.button(key="lesson_previous").disabled
    at.button(key="lesson_next").click().run()
    assert at.selectbox(key="lesson").value == lessons.LESSONS[1].id
    at.button(key="lesson_previous").click().run()
    assert at.selectbox(key="lesson").value == lessons.LESSONS[0].id


def test_the_measured_answer_is_revealed_on_demand_and_closed_for_the_next_lesson(at):
    choose_lesson(at, "nag")
    lang = url_scene(at).language
    statement = lessons.MEASUREMENTS.get("nag", "check").statement(lang)
    share = lessons.MEASUREMENTS.get("nag", "robustness").statement(lang)
    assert lessons.LESSONS_BY_ID["nag"].question[lang] in page_texts(at)
    assert statement not in page_texts(at) and share not in page_texts(at)
    assert [e.label for e in at.expander].count(t("lessons.answer", lang)) == 1
    at.session_state[answer_key("nag")] = True
    at.run()
    assert statement in page_texts(at) and share in page_texts(at)
    choose_lesson(at, "adagrad")
    assert lessons.MEASUREMENTS.get("adagrad", "check").statement(lang) not in page_texts(at)


def test_the_lessons_scene_is_drawn_beside_its_text_and_leaves_the_sidebars_scene_alone(at):
    from tests.page_views import manifest, whole_figures

    open_tab(at, "tab.trajectories")
    before = url_scene(at)
    choose_lesson(at, "adadelta")
    lesson = lessons.LESSONS_BY_ID["adadelta"]
    key = "lesson_views_adadelta"
    spec = manifest(at, key)
    assert spec["views"] == ["contour", "loss"] and spec["steps"] == lesson.scene.steps
    paths = [tr for tr in whole_figures(at, key)["contour"]["data"] if (tr.get("meta") or {}).get("role") == "path"]
    assert len(paths) == len(lesson.scene.runs)
    for path, run in zip(paths, lesson.scene.runs):
        np.testing.assert_allclose(path["x"], compute.trajectory(lesson.scene, run).params[:, 0], rtol=1e-5)
    assert url_scene(at) == before  # the figure needed no "Load this scene"
    assert t("lessons.changed", before.language) in page_texts(at)


class HeldMeasurements(lessons.Measurements):
    """The real measurements, each started only once the test lets it (a slow machine, made certain)."""

    def __init__(self):
        super().__init__()
        self.release = threading.Event()

    def _measure(self, key):
        self.release.wait()
        return super()._measure(key)


def test_a_lesson_not_measured_yet_shows_what_runs_and_appears_once_measured(monkeypatch):
    fresh = HeldMeasurements()
    monkeypatch.setattr(lessons, "MEASUREMENTS", fresh)
    app = load(tab="tab.lessons")
    app.selectbox(key="lesson").set_value("saddle").run()
    assert not app.exception, [e.message for e in app.exception]
    assert not [e for e in app.get("plotly_chart") if "lesson_figure" in e.proto.id]  # its figure waits too
    app.session_state[answer_key("saddle")] = True
    app.run()  # the answer, opened at once, waits a bounded time and then says what is still running
    assert not app.exception, [e.message for e in app.exception]
    lang = url_scene(app).language
    waiting = t("lessons.waiting", lang, done=0, total=22).split("(")[0]
    assert any(c.value.startswith(waiting) for c in app.caption)
    fresh.release.set()
    assert fresh.wait("saddle", timeout=None)
    app.run()
    assert not any(c.value.startswith(waiting) for c in app.caption)
    assert fresh.get("saddle", "robustness").statement(lang) in page_texts(app)
    assert fresh.get("saddle", "check").statement(lang) in page_texts(app)
    assert chart(app, "lesson_figure_0")["data"]
