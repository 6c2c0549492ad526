"""The Trajectories tab: the three synchronized views (stepped and played in the browser: ui.view_component),
the metrics at the shown step and the link, in a fragment of their own."""

from __future__ import annotations

import base64

import pyarrow as pa
import streamlit as st

from analysis import compute
from figures.browser import VIEWS
from i18n import t
from landscapes import Landscape, is_model
from scene import Scene
from ui import cache, models, view_component, views
from ui import state as S
from ui.text import verbatim

LABEL = "tab.trajectories"
SHOWS_LINK = True  # the tab keeps the link box and the address bar itself, in its fragment


def panel(scene: Scene, landscape: Landscape, trajectories) -> None:
    views_fragment()


@st.fragment
def views_fragment() -> None:
    """The views, the metrics and the link. The views component's step and camera reports rerun this alone:
    a run of the whole page sends the sidebar's widgets again, most of its cost. Anything else the report
    changed (a click's new start, which the sidebar shows) reruns the whole page."""
    scene = S.scene_from_state(st.session_state)
    if not views.page_scene_matches(scene):
        st.rerun(scope="app")
    landscape = S.surface_of(scene)
    trajectories = cache.visible_trajectories(scene)
    scene_views(scene, landscape, trajectories)
    if is_model(landscape):
        models.slice_notes(scene, landscape, trajectories)
    metrics_table(scene, landscape, trajectories)
    if is_model(landscape):
        models.boundary_panel(scene, landscape, trajectories)
    views.link_box(scene)
    views.sync_url(scene)


# --- the three synchronized views ----------------------------------------------------------------------

def scene_views(scene: Scene, landscape: Landscape, trajectories) -> None:
    """Contour and 3D side by side and the loss chart, stepped and played in the browser."""
    view_component.scene_views(scene, landscape, trajectories,
                               configs={view: views.chart_config(scene, view) for view in VIEWS})


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
