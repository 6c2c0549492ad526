"""The main area: notices, the shared step control with play/pause, the three synchronized views,
metrics, formulas and the link to the scene. Each piece is one function of the Scene."""

from __future__ import annotations

import base64
import math

import streamlit as st

import compute
from figures.surface3d import DEFAULT_VIEW_ANGLE
from figures import family_tree_figure
from i18n import STRINGS, optimizer_name, t
from landscapes import Landscape
from optimizers import bias_correction_on, latex_for
from scene import Scene, query_string, to_query
from export.toolbar import toolbar_config
from ui import cache
from ui import state as S

TICK_SECONDS = 0.5  # one animation frame per tick while playing
FRAMES_PER_PLAY = 50  # a play from step 0 to the end takes about this many ticks
PLOT_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}
CONTOUR_KEY = "contour_chart"
ARMED = "_play_clock_armed"
HP_SYMBOLS = {"lr": "η", "beta": "β", "gamma": "γ", "beta1": "β₁", "beta2": "β₂", "eps": "ε"}


def chart_config(scene: Scene, view: str) -> dict:
    """The toolbar of a view: its camera button downloads a 3× PNG named after the scene."""
    return {**PLOT_CONFIG, **toolbar_config(scene, view)}


def play_increment(steps: int) -> int:
    return max(1, math.ceil(steps / FRAMES_PER_PLAY))


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
        st.warning(t("notice.url", lang) + "\n\n" + "\n".join(f"- {n}" for n in found))
        st.button(t("notice.dismiss", lang), key="dismiss_notices",
                  on_click=lambda: st.session_state.update(notices=[]))
    for run, traj in zip(scene.runs, trajectories):
        if traj is not None and traj.diverged_at is not None:
            st.error(t("notice.diverged", lang, run=run.label(lang), step=traj.diverged_at))


# --- the three synchronized views ----------------------------------------------------------------------

def _contour_clicked() -> None:
    chart = st.session_state.get(CONTOUR_KEY)
    points = chart.selection.points if chart is not None else []
    if points:
        S.set_start(st.session_state, float(points[0]["x"]), float(points[0]["y"]))


def _play_toggled() -> None:
    if st.session_state.get("playing") and st.session_state.get("step", 0) >= st.session_state.get("steps", 0):
        st.session_state["step"] = 0  # play from the end starts over


def advance(state, steps: int) -> None:
    """One animation frame: every run moves together; at the last step the animation stops."""
    step = min(int(state.get("step", 0)) + play_increment(steps), steps)
    state["step"] = step
    if step >= steps:
        state["playing"] = False


def play_clock(steps: int) -> None:
    """While playing: a fragment that wakes every ``TICK_SECONDS``, moves the shared step and reruns the page.

    Its body also runs once inside the page's own run; ``ARMED`` tells that run (do nothing) from a tick.
    """
    if not st.session_state.get("playing"):
        return
    st.session_state[ARMED] = False

    @st.fragment(run_every=TICK_SECONDS)
    def clock() -> None:
        if st.session_state.get(ARMED):
            advance(st.session_state, steps)
            st.rerun(scope="app")
        st.session_state[ARMED] = True

    clock()


def step_controls(scene: Scene) -> None:
    lang = scene.language
    st.session_state["step"] = min(int(st.session_state.get("step", scene.steps)), scene.steps)
    row = st.columns([1, 8], vertical_alignment="bottom")
    row[0].toggle(t("view.play", lang), key="playing", on_change=_play_toggled, help=t("view.play.help", lang))
    row[1].slider(t("view.step", lang), min_value=0, max_value=scene.steps, key="step", help=t("view.step.help", lang))
    play_clock(scene.steps)


def view_angle() -> tuple[float, float]:
    """The 3D camera from the sidebar (kept for the session, not in the URL).

    Streamlit mounts a new chart whenever a figure changes, so a camera turned with the mouse goes back
    to this angle at the next step; these controls keep a chosen angle through play.
    """
    return (float(st.session_state.get("view_azimuth", DEFAULT_VIEW_ANGLE[0])),
            float(st.session_state.get("view_elevation", DEFAULT_VIEW_ANGLE[1])))


def scene_views(scene: Scene, landscape: Landscape, trajectories) -> None:
    """The shared step control, then contour and 3D side by side and the loss chart, all at that step."""
    contour, surface, loss = cache.view_figures(scene, view_angle(), landscape, trajectories)
    left, right = st.columns(2)
    left.plotly_chart(contour, key=CONTOUR_KEY, on_select=_contour_clicked,
                      selection_mode="points", config=chart_config(scene, "contour"), theme=None)
    right.plotly_chart(surface, key="surface_chart", config=chart_config(scene, "surface"), theme=None)
    st.plotly_chart(loss, key="loss_chart", config=chart_config(scene, "loss"), theme=None)


# --- metrics -------------------------------------------------------------------------------------------

def metrics_rows(scene: Scene, landscape: Landscape, trajectories) -> list[dict[str, object]]:
    lang = scene.language
    rows = []
    for run, traj in zip(scene.runs, trajectories):
        if traj is None:
            continue
        m = compute.metrics(landscape, traj)
        nearest = "—" if m.nearest_minimum is None else \
            f"{t(f'kind.{m.nearest_kind}', lang)} ({m.nearest_minimum[0]:.3g}, {m.nearest_minimum[1]:.3g})"
        rows.append({
            t("metrics.run", lang): run.label(lang),
            t("metrics.color", lang): run.color,
            t("metrics.final_loss", lang): float(m.final_loss),
            t("metrics.nearest", lang): nearest,
            t("metrics.distance", lang): None if m.distance is None else float(m.distance),
            t("metrics.steps_to_tol", lang): "—" if m.steps_to_tolerance is None else str(m.steps_to_tolerance),
            t("metrics.diverged", lang): "—" if m.diverged_at is None else t("metrics.diverged_at", lang, step=m.diverged_at),
        })
    return rows


def metrics_table(scene: Scene, landscape: Landscape, trajectories) -> None:
    lang = scene.language
    st.subheader(t("metrics.header", lang))
    rows = metrics_rows(scene, landscape, trajectories)
    if not rows:
        st.info(t("metrics.none", lang))
        return
    import pandas as pd

    color = t("metrics.color", lang)
    frame = pd.DataFrame(rows)
    frame[color] = [color_swatch(c) for c in frame[color]]
    frame = frame[[color, *(column for column in frame.columns if column != color)]]
    # A swatch column instead of a pandas Styler: styling costs ~7 ms of every rerun (a fifth of the
    # server's time under a class's load), a column of small images almost nothing.
    st.dataframe(frame, hide_index=True, key="metrics_table",
                 column_config={color: st.column_config.ImageColumn("", width="small"),
                                t("metrics.final_loss", lang): st.column_config.NumberColumn(format="%.4g"),
                                t("metrics.distance", lang): st.column_config.NumberColumn(format="%.3g")})
    st.caption(t("metrics.caption", lang))


def color_swatch(color: str) -> str:
    """A filled circle in ``color`` as an SVG data URL (a cell of an image column)."""
    svg = f"<svg xmlns='http://www.w3.org/2000/svg' width='14' height='14'><circle cx='7' cy='7' r='6' fill='{color}'/></svg>"
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


# --- formulas ------------------------------------------------------------------------------------------

def formula_panel(scene: Scene, landscape: Landscape) -> None:
    lang = scene.language
    st.subheader(t("formula.landscape", lang, name=landscape.name.get(lang, landscape.id)))
    if landscape.latex:
        st.latex(landscape.latex)
    st.markdown(landscape.description.get(lang, ""))
    st.subheader(t("formula.header", lang))
    st.caption(t("formula.caption", lang))
    groups: dict[tuple[str, str, str], list] = {}  # runs sharing the formula that actually runs
    for run in scene.runs:
        if run.visible:
            groups.setdefault((run.optimizer, run.convention, latex_for(run.optimizer, run.convention, run.settings)),
                              []).append(run)
    for (optimizer, convention, latex), runs in groups.items():
        with st.container(border=True):
            st.markdown(f"**{optimizer_name(optimizer, lang)}** · {t(f'ctl.convention.{convention}', lang)}")
            st.latex(latex)
            st.markdown(t(f"explain.{optimizer}", lang))
            if "bias_correction" in runs[0].settings and not bias_correction_on(optimizer, convention, runs[0].settings):
                st.markdown(t("explain.adam_uncorrected", lang))
            if convention == "torch" and f"explain_torch.{optimizer}" in STRINGS:
                st.markdown(t(f"explain_torch.{optimizer}", lang))
            for run in runs:
                settings = ", ".join(f"{HP_SYMBOLS.get(k, k)} = {v:.4g}" for k, v in run.hparams)
                st.markdown(f"<span style='color:{run.color}'>●</span> {run.label(lang)} — {settings}",
                            unsafe_allow_html=True)
    used = {}
    for run in scene.runs:
        used.setdefault(run.optimizer, run.color)
    st.plotly_chart(family_tree_figure(lang, used, "projector" if scene.view.projector else "screen"),
                    key="family_tree", config={"displayModeBar": False}, theme=None)
    st.caption(t("formula.tree_caption", lang))


def link_box(scene: Scene) -> None:
    lang = scene.language
    with st.expander(t("link.header", lang), expanded=False):
        st.caption(t("link.caption", lang))
        st.code(scene_link(scene), language=None, wrap_lines=True)


def projector_style(enabled: bool) -> None:
    if enabled:
        st.html("<style>html { font-size: 22px; } .stSlider, .stMarkdown p { font-size: 1.1rem; }</style>")
