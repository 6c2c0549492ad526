"""The figures an export can hold, built from a Scene with the page's builders and sized for a file.

``scene_record(scene, theme)`` computes the ``SceneInfo`` once; ``export_figure(info, view)`` turns it into
one of ``VIEWS`` with a fixed size and an opaque background (a PNG in a note has no page behind it).
"""

from __future__ import annotations

from typing import Sequence

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from analysis import compute
import optimizers
from figures import SceneInfo, contour_figure, loss_figure, scene_info, surface_figure
from landscapes import is_model
from scene import Scene

VIEWS = ("contour", "surface", "loss", "combined")
EXPORT_THEMES = ("print", "screen")
EXPORT_WIDTH = 900  # pixels, for themes that let the page choose the width
PAPER = "#ffffff"


def visible_trajectories(scene: Scene) -> list[optimizers.Trajectory | None]:
    """``compute.trajectories`` for the visible runs, None in the place of each hidden one."""
    return [compute.trajectory(scene, run) if run.visible else None for run in scene.runs]


def scene_record(scene: Scene, theme: str = "print",
                 trajectories: Sequence[optimizers.Trajectory | None] | None = None) -> SceneInfo:
    """The figures' record of ``scene`` in ``theme`` (``trajectories`` line up with ``scene.runs``; computed when None)."""
    landscape = scene.surface()
    trajectories = visible_trajectories(scene) if trajectories is None else trajectories
    if is_model(landscape):  # its surface is a slice through its runs (figures/model_info.py)
        return scene_info(scene, landscape, trajectories, None, theme=theme)
    field = compute.gradient_field(landscape) if scene.view.field != "none" else None
    return scene_info(scene, landscape, trajectories, compute.surface_grid(landscape), field, theme=theme)


def sized(figure: go.Figure, info: SceneInfo, width: int | None = None) -> go.Figure:
    """Fixed pixel size and a white page: what a file needs that the page's figure leaves open."""
    figure.update_layout(width=width or figure.layout.width or info.theme.width or EXPORT_WIDTH,
                         paper_bgcolor=PAPER, uirevision=None)
    if info.theme.name != "print":
        figure.update_layout(plot_bgcolor=PAPER)
    return figure


def combined_figure(info: SceneInfo) -> go.Figure:
    """Contour and 3D surface side by side, one legend."""
    contour, surface = contour_figure(info), surface_figure(info)
    figure = make_subplots(rows=1, cols=2, specs=[[{"type": "xy"}, {"type": "scene"}]], horizontal_spacing=0.08,
                           subplot_titles=(contour.layout.title.text, surface.layout.title.text))
    for trace in contour.data:
        if isinstance(trace, go.Contour):
            trace.colorbar.update(x=0.46, len=0.9)
        figure.add_trace(trace, row=1, col=1)
    for trace in surface.data:
        figure.add_trace(trace.update(showlegend=False), row=1, col=2)
    figure.update_xaxes(contour.layout.xaxis, row=1, col=1)
    figure.update_yaxes(contour.layout.yaxis, row=1, col=1)
    domain = figure.layout.scene.domain
    figure.update_layout(scene=surface.layout.scene, legend=contour.layout.legend, font=contour.layout.font,
                         template=contour.layout.template, plot_bgcolor=contour.layout.plot_bgcolor,
                         title=dict(text=info.title), margin=dict(l=20, r=20, t=80, b=20),
                         height=contour.layout.height)
    figure.layout.scene.domain = domain
    return sized(figure, info, width=2 * (info.theme.width or EXPORT_WIDTH))


def export_figure(info: SceneInfo, view: str) -> go.Figure:
    """One of ``VIEWS`` ready for Kaleido or an HTML file."""
    if view == "contour":
        return sized(contour_figure(info), info)
    if view == "surface":
        return sized(surface_figure(info), info)
    if view == "loss":
        return sized(loss_figure(info), info)
    if view == "combined":
        return combined_figure(info)
    raise ValueError(f"unknown view {view!r}; choose one of {', '.join(VIEWS)}")
