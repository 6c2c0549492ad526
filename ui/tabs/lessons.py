"""The Lessons tab: section 2.3.7 in order, picked by number (or the previous and next buttons); beside each
lesson's explanation, the condition its claim holds under and its question, the lesson's scene drawn by the
views component (stepped in the browser; loading it into the sidebar is a button of its own); the answer, what
its check measured through the engine (the same figures tests/test_lessons.py asserts) and the share of nearby
scenes where the claim still holds, revealed on demand; below, the figure the claim is about. Checks and
shares come from ``lessons.MEASUREMENTS``, measured in the background from the app's start: the page waits
for them a bounded time and then says what is still running. Each piece is one function below.
"""

from __future__ import annotations

import dataclasses
import html

import pyarrow as pa
import streamlit as st

from analysis import lessons
from analysis.lessons import LESSONS, LESSONS_BY_ID, ClaimResult, Lesson, Robustness
from figures import theme_named
from figures import lessons as lesson_figures
from figures.maps import basin_plot_info
from i18n import t
from landscapes import Landscape
from scene import Scene
from ui import cache, view_component
from ui import state as S
from ui.choice import choice

LABEL = "tab.lessons"
PLOT_CONFIG = {"displaylogo": False}
LESSON_KEY = "lesson"
LESSON_VIEWS = ("contour", "loss")
WAIT_SECONDS = 1.5  # the most a rerun waits for a lesson's measurement before it says what is still running
POLL_SECONDS = 2.0  # then the page looks again this often, and shows the measurement once it is there


def start_measuring() -> None:
    """Called with every run of the app: the first one starts measuring every lesson in the background (the
    others find everything queued or measured already)."""
    lessons.measure_at_start()


FAILED = object()  # a measurement that raised: its message is on the page, nothing to wait for


def measured_part(lesson_id: str, part: str, lang: str):
    """A lesson's check (``ClaimResult``) or share (``Robustness``); None while the background measures it;
    FAILED, with a message on the page, if measuring it raised."""
    try:
        return lessons.MEASUREMENTS.get(lesson_id, part)
    except Exception as error:
        st.error(t("lessons.failed", lang, error=html.escape(str(error)[:300])))
        return FAILED


@st.fragment(run_every=POLL_SECONDS)
def rerun_when_measured(lesson_id: str, lang: str) -> None:
    """While a lesson's measurement runs: what is done so far, and the whole page again once it is there."""
    done, total = lessons.MEASUREMENTS.progress()
    if lessons.MEASUREMENTS.wait(lesson_id, 0.0):
        st.rerun(scope="app")
    st.caption(t("lessons.waiting", lang, done=done, total=total))


def _load_lesson(lesson_id: str) -> None:
    lesson = LESSONS_BY_ID[lesson_id]
    S.load_scene(st.session_state, lesson.scene.replace(language=st.session_state.get("lang", "ko")))


def _open_lesson(lesson_id: str) -> None:
    st.session_state[LESSON_KEY] = lesson_id


def _lesson_label(lesson_id: str, lang: str) -> str:
    lesson = LESSONS_BY_ID[lesson_id]
    return f"{lesson.order}. {lesson.title[lang]}"


def _step_lesson(offset: int) -> None:
    order = [lesson.id for lesson in LESSONS].index(st.session_state.get(LESSON_KEY) or LESSONS[0].id)
    st.session_state[LESSON_KEY] = LESSONS[min(max(order + offset, 0), len(LESSONS) - 1)].id


def lesson_picker(lang: str) -> Lesson:
    """One row above the lesson: every lesson by its number and title, and the previous and next ones a click away."""
    pick, back, forward = st.columns([6, 1, 1], vertical_alignment="bottom")
    lesson_id = choice(pick.selectbox, t("lessons.pick", lang), [lesson.id for lesson in LESSONS], key=LESSON_KEY,
                       persist_state="session", format_func=lambda lid: _lesson_label(lid, lang))
    lesson = LESSONS_BY_ID[lesson_id]
    back.button(t("lessons.previous", lang), key="lesson_previous", on_click=_step_lesson, args=(-1,),
                disabled=lesson.order == 1, width="stretch")
    forward.button(t("lessons.next", lang), key="lesson_next", on_click=_step_lesson, args=(1,),
                   disabled=lesson.order == len(LESSONS), width="stretch")
    return lesson


def lesson_heading(lesson: Lesson, lang: str) -> None:
    """Under the picker, which shows the lesson's number and title: where in the lecture, the text, the condition."""
    st.caption(t("lessons.section", lang, section=lesson.section))
    st.write(lesson.explanation[lang])
    st.markdown(f"**{t('lessons.condition', lang)}:** {lesson.condition[lang]}")


def lesson_buttons(lesson: Lesson, lang: str) -> None:
    """Load the lesson's scene into the sidebar (an explicit step: the figure beside needs none); open the
    lessons its text refers to."""
    st.button(t("lessons.load", lang), key=f"load_{lesson.id}", on_click=_load_lesson, args=(lesson.id,),
              type="primary", help=t("lessons.load_help", lang))
    for other in lesson.see_also:
        st.button(t("lessons.see_also", lang, title=LESSONS_BY_ID[other].title[lang]), key=f"see_{other}",
                  on_click=_open_lesson, args=(other,))


def measured(result: ClaimResult, lang: str) -> None:
    verdict = t("lessons.holds", lang) if result.passed else t("lessons.fails", lang)
    (st.success if result.passed else st.error)(
        f"**{t('lessons.measured', lang)}** ({verdict}): {result.statement(lang)}")


def robustness_note(robust: Robustness, lang: str) -> None:
    """"Holds in 11 of 12 nearby scenes", and where it does not."""
    text = f"**{robust.statement(lang)}**"
    if robust.failed:
        text += " · " + t("lessons.robust_failed", lang, where=", ".join(p.label(lang) for p in robust.failed))
    (st.info if robust.share >= lessons.MIN_SHARE else st.warning)(text)
    st.caption(t("lessons.robust_caption", lang, first_seed=lessons.PERTURBED_SEEDS[0],
                 last_seed=lessons.PERTURBED_SEEDS[-1], factors=", ".join(f"{f:g}" for f in lessons.LR_FACTORS),
                 shift=100 * lessons.START_SHIFT, directions=lessons.START_DIRECTIONS))


def answer_key(lesson_id: str) -> str:
    return f"answer_{lesson_id}"


def lesson_answer(lesson: Lesson, lang: str) -> None:
    """The measured answer, revealed on demand: an expander per lesson (closed when a lesson is opened) whose
    content runs only when it is open. (Its label and icon stay the same: Streamlit closes an expander whose
    icon changes.)"""
    expander = st.expander(t("lessons.answer", lang), key=answer_key(lesson.id), on_change="rerun")
    if not expander.open:
        return
    with expander:
        result, robust = measured_part(lesson.id, "check", lang), measured_part(lesson.id, "robustness", lang)
        if result not in (None, FAILED):
            measured(result, lang)
        if robust not in (None, FAILED):
            robustness_note(robust, lang)
        if result is None or robust is None:
            rerun_when_measured(lesson.id, lang)


def tuned_rows(table, lang: str) -> list[dict[str, object]]:
    """The ravine lesson's table: one row per κ, measured beside the theory."""
    return [{
        t("ravine.kappa", lang): f"{row.kappa:g}", t("ravine.gd_lr", lang): f"{row.gd_lr:.3g}",
        t("ravine.gd_steps", lang): row.gd_steps, t("ravine.momentum_lr", lang): f"{row.momentum_lr:.3g}",
        t("ravine.momentum_beta", lang): f"{row.momentum_beta:.3g}", t("ravine.momentum_steps", lang): row.momentum_steps,
        t("ravine.ratio", lang): f"{row.ratio:.1f}", t("ravine.sqrt_kappa", lang): f"{row.kappa ** 0.5:.1f}",
        t("ravine.theory", lang): f"{row.gd_theory_steps:.0f} / {row.momentum_theory_steps:.0f}",
    } for row in table]


def lesson_figure(lesson: Lesson, result: ClaimResult, theme, lang: str) -> None:
    """The figures a lesson's claim is about, from the records its check returned."""
    records, scene = result.records, lesson.scene
    colors = {run.optimizer: run.color for run in reversed(scene.runs)}
    figures = []
    if "basin" in records:
        grid = cache.surface_grid(cache.surface_key(scene))
        plot = basin_plot_info(records["basin"], "minimum", lang, contour=(grid.xs, grid.ys, grid.z))
        figures.append(lesson_figures.basin_figure(plot, records["path"], colors["gd"], theme, lang))
    if "escape" in records:
        figures.append(lesson_figures.escape_figure(records["escape"], theme, lang, colors))
    if "budget" in records:
        figures.append(lesson_figures.budget_figure(records["budget"], theme, lang))
    if "race" in records:
        figures.append(lesson_figures.race_figure(records["race"], theme, lang))
    if "steps" in records:
        figures.append(lesson_figures.step_length_figure(records["steps"], theme, lang))
    for index, figure in enumerate(figures):
        st.plotly_chart(figure, key=f"lesson_figure_{index}", config=PLOT_CONFIG, theme=None)
    if "table" in records:
        st.table(pa.Table.from_pylist(tuned_rows(records["table"], lang)), hide_index=True)  # cells wrap, nothing scrolls
        st.caption(t("ravine.caption", lang, lrs=len(lessons.TUNING_LRS), betas=len(lessons.TUNING_BETAS)))


def shown_scene(lesson: Lesson, page: Scene) -> Scene:
    """The lesson's scene as the page shows it: in the page's language and projector setting."""
    return lesson.scene.replace(language=page.language,
                                view=dataclasses.replace(lesson.scene.view, projector=page.view.projector))


def lesson_views(scene: Scene, lesson_id: str) -> None:
    """The lesson's scene drawn by the views component, stepped and played in the browser (one component per
    lesson: each starts at its scene's last step). It reports nothing back: stepping or clicking it leaves the
    page's own scene, the sidebar's, as it is."""
    key = f"lesson_views_{lesson_id}"
    parts = cache.browser_views(scene, S.surface_of(scene), cache.visible_trajectories(scene))
    view_component.payload_carriers(parts, key)
    view_component._VIEWS(key=key, data=view_component.manifest(scene, parts, key, LESSON_VIEWS, {}))


def panel(scene: Scene, landscape: Landscape, trajectories) -> None:
    lang = scene.language
    st.subheader(t("lessons.header", lang))
    lesson = lesson_picker(lang)
    lessons.MEASUREMENTS.wait(lesson.id, WAIT_SECONDS)  # bounded: what is not measured by then shows as pending
    text, figure = st.columns([2, 3], gap="medium")
    with text:
        lesson_heading(lesson, lang)
        lesson_buttons(lesson, lang)
        st.info(f"**{t('lessons.question', lang)}** — {lesson.question[lang]}")
        lesson_answer(lesson, lang)
    with figure:
        lesson_views(shown_scene(lesson, scene), lesson.id)
        if scene.replace(language=lesson.scene.language, step=None) != lesson.scene.replace(step=None):
            st.caption(t("lessons.changed", lang))
    result = measured_part(lesson.id, "check", lang)
    if result is None:
        rerun_when_measured(lesson.id, lang)
    elif result is not FAILED:
        lesson_figure(lesson, result, theme_named("projector" if scene.view.projector else "screen"), lang)
