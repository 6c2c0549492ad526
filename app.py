"""Loss Landscape Lab — the page. Wiring only: URL + widgets → Scene → cached compute → figures → layout.

Each panel is one call of a function of the Scene; add a tab by adding one line to ``PANELS``.
"""

from __future__ import annotations

import runtime  # first: JAX's settings before anything compiles
import streamlit as st

from i18n import t
from scene import from_query
from ui import cache, choice, controls, view_component, views
from ui.lessons import internals_panel, lessons_panel, start_measuring
from ui.maps import maps_panel
from ui.export import export_panel
from ui import state as S
from ui.guards import refuse_clear_cache_from_clients

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
        found.append(t("notice.bad_surface", scene.language, error=str(error)[:200]))
        scene = scene.replace(landscape="bowl", landscape_params=(), formula="")
    S.load_scene(st.session_state, scene)
    st.session_state["notices"] = found


def trajectories_tab(scene, landscape, trajectories) -> None:
    views.trajectories_panel()  # a fragment: the views' step and camera reports rerun it alone


def formulas_tab(scene, landscape, trajectories) -> None:
    views.formula_panel(scene, landscape)


# (tab label key, panel). Internals, Maps, Lessons and Export panels plug in here.
PANELS = [
    ("tab.trajectories", trajectories_tab),
    ("tab.formulas", formulas_tab),
    ("tab.internals", internals_panel),
    ("tab.lessons", lessons_panel),
    ("maps.tab", maps_panel),
    ("export.tab", export_panel),
]


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
    tabs = choice.tabs([key for key, _ in PANELS], t, lang, key="tabs", on_change="rerun")
    for tab, (_, panel) in zip(tabs, PANELS):
        if tab.open:
            with tab:
                panel(scene, landscape, trajectories)
            shown = panel
    if shown is not trajectories_tab:  # that one shows the link and keeps the address bar itself
        views.link_box(scene)
        views.sync_url(scene)
    view_component.page_runner()
    runtime.freeze_heap_once()
    runtime.release_compiled_programs_if_many()


main()
