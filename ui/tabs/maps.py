"""The Maps tab: basins of attraction beside the contour, and hyperparameter sweeps.

Maps run only when
asked (a button): a fine map takes seconds, too long to redo on every slider move. The request is kept
in session state, so later reruns show the map from ``maps``' cache, and a map whose scene has changed
since is marked as such until it is computed again. Clicking a basin cell starts the runs there; clicking a sweep cell
loads its setting into the run's sliders.
"""

from __future__ import annotations

import functools

import numpy as np
import streamlit as st

from analysis import maps
from figures.maps import BASIN_COLORINGS, SWEEP_METRICS, basin_plot_info, map_figure, sweep_plot_info
from i18n import t
from landscapes import Landscape, is_model
from scene import HPARAM_RANGES, MAX_STEPS, Scene
from ui import cache, view_component
from ui import state as S
from ui.choice import choice
from ui.text import verbatim

LABEL = "maps.tab"
PLOT_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}
RESOLUTIONS = (32, 64, 128, 256)
SWEEP_SIZES = (8, 16, 24, 32, 48, 64)
BASIN_KEY, SWEEP_KEY, CONTOUR_KEY = "maps_basin_chart", "maps_sweep_chart", "maps_views"
BASIN_REQUEST, SWEEP_REQUEST, SWEEP_SHOWN = "maps.basin_request", "maps.sweep_request", "maps.sweep_shown"


# --- requests and clicks ---------------------------------------------------------------------------------

def _progress_bar(lang: str):
    """A progress bar with counts, and the ``progress(done, total)`` callback that moves it (it stays, full, at the end)."""
    bar = st.progress(0.0, text=t("maps.progress", lang, done=0, total="…"))

    def report(done: int, total: int) -> None:
        bar.progress(done / max(total, 1), text=t("maps.progress", lang, done=f"{done:,}", total=f"{total:,}"))

    return report


def _start_clicked(chart_key: str) -> None:
    """A click on a basin cell: the runs start there."""
    chart = st.session_state.get(chart_key)
    points = chart.selection.points if chart is not None else []
    if points:
        S.set_start(st.session_state, float(points[0]["x"]), float(points[0]["y"]))


def _shown_map(lang: str, clicked: bool, compute):
    """The cached map; computed under a progress bar when its button was just pressed; else None and a notice."""
    try:
        info = compute(only_cached=True)
        if info is None and clicked:
            info = compute(progress=_progress_bar(lang))
    except ValueError as error:
        st.error(verbatim(str(error)))
        return None
    if info is None:
        st.warning(t("maps.stale", lang))
    return info


def load_setting(state, run_index: int, setting: dict[str, float]) -> None:
    """Put a sweep cell's setting into the run's controls (the steps into the scene's)."""
    run_id = state[S.RUN_IDS][run_index]
    for name, value in setting.items():
        if name == maps.STEPS_AXIS:
            state["steps"] = int(min(max(round(value), 1), MAX_STEPS))
            S.move_step(state, state["steps"])
        else:
            low, high, _ = HPARAM_RANGES[name]
            state[S.hparam_key(run_id, name)] = float(min(max(value, low), high))


def _sweep_clicked() -> None:
    chart = st.session_state.get(SWEEP_KEY)
    shown = st.session_state.get(SWEEP_SHOWN)
    points = chart.selection.points if chart is not None else []
    if not points or shown is None:
        return
    run_index, x_param, y_param, x_values, y_values = shown
    nearest = lambda values, v: values[int(np.argmin(np.abs(np.log(values) - np.log(v)) if min(values) > 0
                                                 else np.abs(np.asarray(values) - v)))]
    setting = {x_param: nearest(x_values, float(points[0]["x"])), y_param: nearest(y_values, float(points[0]["y"]))}
    if run_index < len(st.session_state.get(S.RUN_IDS, [])):
        load_setting(st.session_state, run_index, setting)


# --- the panel -----------------------------------------------------------------------------------------------

def panel(scene: Scene, landscape: Landscape, trajectories) -> None:
    lang = scene.language
    if is_model(landscape):
        st.info(t("model.maps_off", lang))
        return
    if not scene.runs:
        st.info(t("maps.no_runs", lang))
        return
    st.caption(t("maps.intro", lang))
    run_index = choice(st.selectbox, t("maps.run", lang), list(range(len(scene.runs))), key="maps.run",
                       persist_state="session", format_func=lambda i: f"{i + 1}. {scene.runs[i].label(lang)}")
    st.subheader(t("maps.basin_header", lang))
    basin_section(scene, landscape, trajectories, run_index)
    st.subheader(t("maps.sweep_header", lang))
    sweep_section(scene, run_index)


def basin_section(scene: Scene, landscape: Landscape, trajectories, run_index: int) -> None:
    lang = scene.language
    row = st.columns([2, 3, 2, 2], vertical_alignment="bottom")
    resolution = row[0].select_slider(t("maps.resolution", lang), options=RESOLUTIONS, value=64, key="maps.resolution",
                                      persist_state="session")
    coloring = choice(row[1].radio, t("maps.coloring", lang), BASIN_COLORINGS, key="maps.coloring",
                      persist_state="session", horizontal=True, format_func=lambda c: t(f"maps.coloring.{c}", lang))
    steps = row[2].number_input(t("maps.steps", lang), min_value=1, max_value=MAX_STEPS, value=scene.steps,
                                key="maps.steps", help=t("maps.steps.help", lang))
    clicked = row[3].button(t("maps.compute", lang), key="maps.compute", type="primary")
    if clicked:
        st.session_state[BASIN_REQUEST] = (run_index, int(resolution), int(steps))
    asked = st.session_state.get(BASIN_REQUEST)
    if asked is None:
        st.info(t("maps.basin_hint", lang))
        return
    if asked[0] >= len(scene.runs):
        st.session_state.pop(BASIN_REQUEST, None)
        return
    info = _shown_map(lang, clicked, functools.partial(maps.basin_map, scene, *asked))
    if info is None:
        return
    if info.steps < info.requested_steps:
        st.caption(t("maps.steps_cut", lang, steps=info.steps, requested=info.requested_steps))
    grid = cache.surface_grid(cache.surface_key(scene))
    left, right = st.columns(2)
    with left:  # the runs on the contour, stepped in the browser; a click there starts them there too
        view_component.scene_views(scene, landscape, trajectories, key=CONTOUR_KEY, views=("contour",))
    plot = basin_plot_info(info, coloring, lang, contour=(grid.xs, grid.ys, grid.z))
    right.plotly_chart(map_figure(plot), key=BASIN_KEY, on_select=functools.partial(_start_clicked, BASIN_KEY),
                       selection_mode="points",
                       config=PLOT_CONFIG, theme=None)
    total = info.resolution**2
    st.caption(t("maps.basin_summary", lang, cells=f"{total:,}", steps=info.steps, tolerance=f"{info.tolerance:.3g}")
               + " " + " · ".join(f"{c.name}: {100 * c.count / total:.1f}%" for c in plot.categories[:8]))


def sweep_section(scene: Scene, run_index: int) -> None:
    lang = scene.language
    run = scene.runs[run_index]
    pairs = maps.sweep_axes(run)
    if not pairs:
        st.info(t("maps.no_axes", lang))
        return
    row = st.columns([3, 2, 3, 2], vertical_alignment="bottom")
    pair = choice(row[0].selectbox, t("maps.axes", lang), pairs, key=f"maps.axes.{run.optimizer}",
                  persist_state="session",
                  format_func=lambda p: f"{t(f'maps.axis.{p[0]}', lang)} × {t(f'maps.axis.{p[1]}', lang)}")
    size = row[1].select_slider(t("maps.sweep_size", lang), options=SWEEP_SIZES, value=24, key="maps.sweep_size",
                                persist_state="session")
    metric = choice(row[2].radio, t("maps.metric", lang), SWEEP_METRICS, key="maps.metric",
                    persist_state="session", horizontal=True, format_func=lambda m: t(f"maps.metric.{m}", lang))
    clicked = row[3].button(t("maps.sweep_run", lang), key="maps.sweep_compute", type="primary")
    if clicked:  # the values are fixed here: loading a cell's steps must not move the steps axis
        values = tuple(tuple(maps.default_values(p, int(size), scene).tolist()) for p in pair)
        st.session_state[SWEEP_REQUEST] = (run_index, *pair, *values)
    asked = st.session_state.get(SWEEP_REQUEST)
    if asked is None or asked[0] >= len(scene.runs) or asked[1:3] not in maps.sweep_axes(scene.runs[asked[0]]):
        st.info(t("maps.sweep_hint", lang))
        return
    index, x_param, y_param, x_values, y_values = asked
    info = _shown_map(lang, clicked, functools.partial(maps.sweep, scene, index, x_param, y_param, x_values, y_values))
    if info is None:
        return
    st.session_state[SWEEP_SHOWN] = asked
    st.plotly_chart(map_figure(sweep_plot_info(info, metric, lang)), key=SWEEP_KEY, on_select=_sweep_clicked,
                    selection_mode="points", config=PLOT_CONFIG, theme=None)
    runs = info.label.size
    st.caption(t("maps.sweep_summary", lang, runs=runs, diverged=int((info.diverged_at >= 0).sum()),
                 converged=int((info.steps_to_converge >= 0).sum())))


# --- the custom formula in the landscape chooser ------------------------------------------------------------------
