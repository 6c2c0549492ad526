"""The main area: notices, the three synchronized views (stepped and played in the browser: ui.view_component),
metrics, formulas and the link to the scene. Each piece is one function of the Scene."""

from __future__ import annotations

import base64
import dataclasses

# Imported with the page, not lazily in a session: Plotly looks pandas up in sys.modules without
# waiting, so a session drawing a figure while another was importing pandas failed ("partially
# initialized module 'pandas' has no attribute 'Series'"): half of 8 students opening a newly
# started server at once.
import pyarrow as pa
import streamlit as st

import compute
from figures import family_tree_figure
from figures.browser import VIEWS
from i18n import STRINGS, optimizer_choice, settings_text, t
from landscapes import Landscape, is_model
from lessons import LESSONS
from optimizers import bias_correction_on, latex_for
from scene import Scene, query_string, to_query
from export.toolbar import toolbar_config
from ui import cache, models, view_component
from ui import state as S
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

def number(value: float) -> str:
    return f"{value:.4g}"


def outcome(metrics: compute.RunMetrics, lang: str) -> str:
    """Diverged, reached its minimum (at which step), or neither: one cell instead of two columns."""
    if metrics.diverged_at is not None:
        return t("metrics.diverged_at", lang, step=metrics.diverged_at)
    if metrics.steps_to_tolerance is not None:
        return t("metrics.reached_at", lang, step=metrics.steps_to_tolerance)
    return "—"


def metrics_rows(scene: Scene, landscape: Landscape, trajectories) -> list[dict[str, str]]:
    """One row per shown run, as the table's Markdown cells. The loss at the shown step has its own column only
    when that step is not the last (then it is the final loss)."""
    lang = scene.language
    rows = []
    for run, traj in zip(scene.runs, trajectories):
        if traj is None:
            continue
        row = {"": f"![]({color_swatch(run.color)})", t("metrics.run", lang): verbatim(run.label(lang))}
        if scene.shown_step < scene.steps:
            row[t("metrics.loss_at_step", lang, step=scene.shown_step)] = \
                number(float(traj.loss[min(scene.shown_step, len(traj.loss) - 1)]))
        if is_model(landscape):  # no declared minima: the loss target, and a classifier's accuracy
            row.update(models.metric_cells(scene, landscape, traj))
            rows.append(row)
            continue
        m = compute.metrics(landscape, traj)
        nearest = "—" if m.nearest_minimum is None else \
            f"{t(f'kind.{m.nearest_kind}', lang)} ({m.nearest_minimum[0]:.3g}, {m.nearest_minimum[1]:.3g})"
        row.update({
            t("metrics.final_loss", lang): number(float(m.final_loss)),
            t("metrics.nearest", lang): nearest,
            t("metrics.distance", lang): "—" if m.distance is None else f"{float(m.distance):.3g}",
            t("metrics.outcome", lang): outcome(m, lang),
        })
        rows.append(row)
    return rows


def metrics_table(scene: Scene, landscape: Landscape, trajectories) -> None:
    """An HTML table (st.table): its cells wrap, so nothing is cut at 1280 px, and it grows with the page's font."""
    lang = scene.language
    st.subheader(t("metrics.header", lang))
    rows = metrics_rows(scene, landscape, trajectories)
    if not rows:
        st.info(t("metrics.none", lang))
        return
    st.table(pa.Table.from_pylist(rows), hide_index=True)  # an Arrow table as it is sent: a DataFrame cost ~3 ms a run
    if not is_model(landscape):  # the tolerance is a surface's
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
            st.markdown(f"**{optimizer_choice(optimizer, lang)}** · {t(f'ctl.convention.{convention}', lang)}")
            st.latex(latex)
            st.markdown(t(f"explain.{optimizer}", lang))
            if "bias_correction" in runs[0].settings and not bias_correction_on(optimizer, convention, runs[0].settings):
                st.markdown(t("explain.adam_uncorrected", lang))
            if convention == "torch" and f"explain_torch.{optimizer}" in STRINGS:
                st.markdown(t(f"explain_torch.{optimizer}", lang))
            for run in runs:
                st.markdown(f"<span style='color:{run.color}'>●</span> {run.label(lang)} — {settings_text(run.hparams, lang)}",
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
