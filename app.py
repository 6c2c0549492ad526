"""Loss Landscape Lab — the page. Wiring only: URL + widgets → Scene → cached compute → figures → layout.

Each tab is one module of ``ui/tabs/``; add a tab by adding its module and its name to ``TABS``.
"""

from __future__ import annotations

from lablab import runtime  # first: JAX's settings before anything compiles
import streamlit as st

from i18n import error_text, t
from scene import from_query
from ui import cache, choice, controls, tabs, view_component, views
from ui import state as S
from ui.guards import refuse_clear_cache_from_clients
from ui.tabs.lessons import start_measuring

TABS = tabs.load("trajectories", "formulas", "internals", "lessons", "maps", "export")

refuse_clear_cache_from_clients()  # one student's "clear cache" must not empty the whole class's caches
st.set_page_config(page_title="Loss Landscape Lab — 손실 지형 실험실", page_icon="⛰️", layout="wide",
                   initial_sidebar_state=views.SIDEBAR_PX)


def load_from_url() -> None:
    """On a session's first run: the scene in the URL (with a notice for every value that fell back)."""
    if S.BASE in st.session_state:
        return
    query = {key: st.query_params.get_all(key) for key in st.query_params.keys()}
    scene, found = from_query(query)
    try:
        S.surface_of(scene)
    except ValueError as error:
        found.append(t("notice.bad_surface", scene.language, error=error_text(error, scene.language)[:200]))
        scene = scene.replace(landscape="bowl", landscape_params=(), formula="")
    S.load_scene(st.session_state, scene)
    st.session_state["notices"] = found


def main() -> None:
    start_measuring()  # every lesson's check and share, once per process, in a background thread
    load_from_url()
    scene = S.scene_from_state(st.session_state)  # widget changes and their callbacks are in session state already
    landscape = S.surface_of(scene)
    lang = scene.language
    controls.sidebar(scene, landscape)
    views.page_header(scene)
    trajectories = cache.visible_trajectories(scene)
    views.remember_page_scene(scene)
    views.notices(scene, trajectories)
    # Only the open tab runs (switching tabs reruns the page): a rerun costs one panel, not six.
    shown = None
    opened = choice.tabs([tab.LABEL for tab in TABS], t, lang, key="tabs", on_change="rerun")
    for container, tab in zip(opened, TABS):
        if container.open:
            with container:
                tab.panel(scene, landscape, trajectories)
            shown = tab
    if not getattr(shown, "SHOWS_LINK", False):
        views.link_box(scene)
        views.sync_url(scene)
    view_component.page_runner()
    runtime.freeze_heap_once()
    runtime.release_compiled_programs_if_many()


main()
