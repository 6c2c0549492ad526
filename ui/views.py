"""The page around the tabs: its header, notices, the link to the scene and the address bar. Each piece is one
function of the Scene."""

from __future__ import annotations

import dataclasses

import streamlit as st

from analysis.lessons import LESSONS
from export.toolbar import toolbar_config
from i18n import t
from scene import Scene, query_string, to_query
from ui.text import verbatim

PLOT_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}


def chart_config(scene: Scene, view: str) -> dict:
    """The toolbar of a view: its camera button downloads a 3× PNG named after the scene."""
    return {**PLOT_CONFIG, **toolbar_config(scene, view)}


def sync_url(scene: Scene) -> None:
    """The address bar always holds the exact scene."""
    wanted = to_query(scene)
    current = {key: st.query_params.get_all(key) for key in st.query_params.keys()}
    normalised = {key: value if isinstance(value, list) else [value] for key, value in wanted.items()}
    if current != normalised:
        st.query_params.from_dict(wanted)


def scene_link(scene: Scene) -> str:
    base = (st.context.url or "http://localhost:8501/").split("?")[0]
    return f"{base}?{query_string(scene)}"


def notices(scene: Scene, trajectories) -> None:
    lang = scene.language
    found = st.session_state.get("notices") or []
    if found:
        st.warning(t("notice.url", lang) + "\n\n" + "\n".join(f"- {verbatim(n)}" for n in found))
        st.button(t("notice.dismiss", lang), key="dismiss_notices",
                  on_click=lambda: st.session_state.update(notices=[]))
    text = diverged_notice(scene, trajectories)
    if text:
        st.error(text)


def diverged_notice(scene: Scene, trajectories) -> str | None:
    """One line for every run that diverged; on a lesson's own scene it says the divergence is the lesson's."""
    lang = scene.language
    runs = ", ".join(t("notice.diverged_run", lang, run=verbatim(run.label(lang)), step=traj.diverged_at)
                     for run, traj in zip(scene.runs, trajectories) if traj is not None and traj.diverged_at is not None)
    if not runs:
        return None
    lesson = next((lesson for lesson in LESSONS
                   if _beside_step_and_camera(lesson.scene.replace(language=lang)) == _beside_step_and_camera(scene)),
                  None)
    if lesson is None:
        return t("notice.diverged", lang, runs=runs)
    return t("notice.diverged_lesson", lang, runs=runs, lesson=verbatim(lesson.title[lang]))


PAGE_SCENE = "_page_scene"  # the scene of the last run of the whole page


def remember_page_scene(scene: Scene) -> None:
    st.session_state[PAGE_SCENE] = scene


def _beside_step_and_camera(scene: Scene) -> Scene:
    return scene.replace(step=None, view=dataclasses.replace(scene.view, camera=None))


def page_scene_matches(scene: Scene) -> bool:
    """Whether ``scene`` differs from the last run of the whole page at most in its step and camera (what a
    fragment's rerun may change alone)."""
    shown = st.session_state.get(PAGE_SCENE)
    return shown is not None and _beside_step_and_camera(scene) == _beside_step_and_camera(shown)


def link_box(scene: Scene) -> None:
    lang = scene.language
    with st.expander(t("link.header", lang), expanded=False):
        st.caption(t("link.caption", lang))
        st.code(scene_link(scene), language=None, wrap_lines=True)


SIDEBAR_PX = 380  # wide enough for the longest preset and landscape names in their select boxes at 1280 px
PROJECTOR_CSS = "<style>html { font-size: 22px; } .stSlider, .stMarkdown p { font-size: 1.1rem; }</style>"


def page_header(scene: Scene) -> None:
    """The title; in projector mode the plots come first instead: no title, the sidebar folded away (its
    button at the top left brings it back) and every text larger."""
    lang = scene.language
    if scene.view.projector:
        st.set_page_config(initial_sidebar_state="collapsed")
        st.html(PROJECTOR_CSS)
        return
    st.set_page_config(initial_sidebar_state=SIDEBAR_PX)  # a width: open on a laptop, folded on a phone
    st.title(t("app.title", lang))
    st.caption(t("app.subtitle", lang))
