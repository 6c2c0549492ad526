"""The main area: notices, the three synchronized views (stepped and played in the browser: ui.view_component),
metrics, formulas and the link to the scene. Each piece is one function of the Scene."""

from __future__ import annotations

import base64
import dataclasses
import html

# Imported with the page, not lazily in a session: Plotly looks pandas up in sys.modules without
# waiting, so a session drawing a figure while another was importing pandas failed ("partially
# initialized module 'pandas' has no attribute 'Series'"): half of 8 students opening a newly
# started server at once.
import pandas as pd
import streamlit as st

import compute
from figures import family_tree_figure
from figures.browser import VIEWS
from i18n import STRINGS, optimizer_name, t
from landscapes import Landscape, is_model
from optimizers import bias_correction_on, latex_for
from scene import Scene, query_string, to_query
from export.toolbar import toolbar_config
from ui import cache, models, view_component
from ui import state as S

PLOT_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}
HP_SYMBOLS = {"lr": "η", "beta": "β", "gamma": "γ", "beta1": "β₁", "beta2": "β₂", "eps": "ε"}


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
        st.warning(t("notice.url", lang) + "\n\n" + "\n".join(f"- {n}" for n in found))
        st.button(t("notice.dismiss", lang), key="dismiss_notices",
                  on_click=lambda: st.session_state.update(notices=[]))
    for run, traj in zip(scene.runs, trajectories):
        if traj is not None and traj.diverged_at is not None:
            st.error(t("notice.diverged", lang, run=run.label(lang), step=traj.diverged_at))


# --- the trajectories tab: a fragment of its own ------------------------------------------------------------

PAGE_SCENE = "_page_scene"  # the scene of the last run of the whole page


def remember_page_scene(scene: Scene) -> None:
    st.session_state[PAGE_SCENE] = scene


def _beside_step_and_camera(scene: Scene) -> Scene:
    return scene.replace(step=None, view=dataclasses.replace(scene.view, camera=None))


@st.fragment
def trajectories_panel() -> None:
    """The views, the metrics and the link. The views component's step and camera reports rerun this alone:
    a run of the whole page sends the sidebar's widgets again, most of its cost. Anything else the report
    changed (a click's new start, which the sidebar shows) reruns the whole page."""
    scene = S.scene_from_state(st.session_state)
    shown = st.session_state.get(PAGE_SCENE)
    if shown is None or _beside_step_and_camera(scene) != _beside_step_and_camera(shown):
        st.rerun(scope="app")
    landscape = S.surface_of(scene)
    trajectories = cache.visible_trajectories(scene)
    scene_views(scene, landscape, trajectories)
    if is_model(landscape):
        models.slice_notes(scene, landscape, trajectories)
    metrics_table(scene, landscape, trajectories)
    if is_model(landscape):
        models.boundary_panel(scene, landscape, trajectories)
    link_box(scene)
    sync_url(scene)


# --- the three synchronized views ----------------------------------------------------------------------

def scene_views(scene: Scene, landscape: Landscape, trajectories) -> None:
    """Contour and 3D side by side and the loss chart, stepped and played in the browser."""
    view_component.scene_views(scene, landscape, trajectories,
                               configs={view: chart_config(scene, view) for view in VIEWS})


# --- metrics -------------------------------------------------------------------------------------------

def metrics_rows(scene: Scene, landscape: Landscape, trajectories) -> list[dict[str, object]]:
    if is_model(landscape):
        return models.metrics_rows(scene, landscape, trajectories)
    lang = scene.language
    rows = []
    for run, traj in zip(scene.runs, trajectories):
        if traj is None:
            continue
        m = compute.metrics(landscape, traj)
        nearest = "—" if m.nearest_minimum is None else \
            f"{t(f'kind.{m.nearest_kind}', lang)} ({m.nearest_minimum[0]:.3g}, {m.nearest_minimum[1]:.3g})"
        at_step = min(scene.shown_step, len(traj.loss) - 1)
        rows.append({
            t("metrics.run", lang): run.label(lang),
            t("metrics.color", lang): run.color,
            t("metrics.loss_at_step", lang, step=scene.shown_step): float(traj.loss[at_step]),
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
    if scene.view.projector:  # a canvas grid keeps its small print; a table grows with the page's text
        st.html(metrics_html(rows, t("metrics.color", lang)))
        return
    color = t("metrics.color", lang)
    frame = pd.DataFrame(rows)
    frame[color] = [color_swatch(c) for c in frame[color]]
    frame = frame[[color, *(column for column in frame.columns if column != color)]]
    # A swatch column instead of a pandas Styler: styling costs ~7 ms of every rerun (a fifth of the
    # server's time under a class's load), a column of small images almost nothing.
    st.dataframe(frame, hide_index=True, key="metrics_table",
                 column_config={color: st.column_config.ImageColumn("", width="small"),
                                t("metrics.loss_at_step", lang, step=scene.shown_step):
                                    st.column_config.NumberColumn(format="%.4g"),
                                t("metrics.final_loss", lang): st.column_config.NumberColumn(format="%.4g"),
                                t("metrics.distance", lang): st.column_config.NumberColumn(format="%.3g")})
    if not is_model(landscape):  # the tolerance is a surface's
        st.caption(t("metrics.caption", lang))


def metrics_html(rows: list[dict[str, object]], color_column: str) -> str:
    """The metrics as an HTML table (for projector mode): each run's colour as a dot, every value escaped."""
    def cell(value) -> str:
        return f"{value:.4g}" if isinstance(value, float) else ("—" if value is None else html.escape(str(value)))

    names = [name for name in rows[0] if name != color_column]
    head = "".join(f"<th>{html.escape(name)}</th>" for name in names)
    body = "".join(
        f"<tr><td><span style='color:{html.escape(str(row[color_column]))}'>●</span> {cell(row[names[0]])}</td>"
        + "".join(f"<td>{cell(row[name])}</td>" for name in names[1:]) + "</tr>"
        for row in rows)
    return (f"<table class='lab-metrics' style='font-size:1rem;border-collapse:collapse;width:100%'>"
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


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


PROJECTOR_CSS = "<style>html { font-size: 22px; } .stSlider, .stMarkdown p { font-size: 1.1rem; }</style>"


def page_header(scene: Scene) -> None:
    """The title; in projector mode the plots come first instead: no title, the sidebar folded away (its
    button at the top left brings it back) and every text larger."""
    lang = scene.language
    if scene.view.projector:
        st.set_page_config(initial_sidebar_state="collapsed")
        st.html(PROJECTOR_CSS)
        return
    st.set_page_config(initial_sidebar_state="expanded")
    st.title(t("app.title", lang))
    st.caption(t("app.subtitle", lang))
