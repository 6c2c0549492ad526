"""Figures of the lessons that state a claim over many runs (pure Plotly, no Streamlit).

``escape_figure``: the saddle lesson's distance from the stable axis per step, GD and momentum as lines
and the mini-batch runs of 16 seeds as a band (range) around their median. ``budget_figure``: the batch
lesson's loss against the work done (per-sample gradients), the stochastic runs as bands over seeds.
Both are functions of the typed records the lessons' checks return (``lessons.SaddleEscape``,
``lessons.BudgetCurve``).
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from figures.internals import translucent
from figures.maps import MapPlotInfo, map_figure
from figures.theme import Theme, styled
from i18n import optimizer_name, t
from scene import PALETTE

LOG_FLOOR = 1e-12  # a log axis cannot show 0
MAX_POINTS = 600  # per curve: a budget curve of SGD has thousands of steps


def _thinned(*arrays: np.ndarray) -> list[np.ndarray]:
    """Every array at the same at most MAX_POINTS indices (first and last kept)."""
    length = len(arrays[0])
    keep = np.unique(np.linspace(0, length - 1, min(length, MAX_POINTS)).round().astype(int))
    return [np.asarray(a)[keep] for a in arrays]


def _band(x: np.ndarray, low: np.ndarray, high: np.ndarray, color: str, name: str, role: str,
          dash: str = "solid") -> go.Scatter:
    """A filled band between ``low`` and ``high`` over ``x``."""
    x, low, high = _thinned(x, low, high)
    return go.Scatter(x=np.concatenate([x, x[::-1]]).astype(np.float32),
                      y=np.concatenate([high, low[::-1]]).astype(np.float32), mode="lines", fill="toself",
                      fillcolor=translucent(color, 0.2), line=dict(width=0.5 if dash != "solid" else 0, color=color, dash=dash),
                      name=name, hoverinfo="skip", meta=dict(role=role))


def _line(x: np.ndarray, y: np.ndarray, color: str, name: str, theme: Theme, role: str, dash: str = "solid",
          legend: bool = True) -> go.Scatter:
    x, y = _thinned(x, y)
    return go.Scatter(x=x.astype(np.float32), y=y.astype(np.float32), mode="lines", name=name, showlegend=legend,
                      line=dict(color=color, width=theme.line_width, dash=dash), meta=dict(role=role))


def escape_figure(escape, theme: Theme, language: str = "ko", colors: dict[str, str] | None = None) -> go.Figure:
    """|distance from the stable axis| against the step (log scale), with the escape distance marked."""
    colors = {"gd": PALETTE[0], "momentum": PALETTE[1], "minibatch": PALETTE[2], **(colors or {})}
    steps = np.arange(len(escape.gd), dtype=np.float64)
    seeds = len(escape.noise)
    shown = lambda values: np.maximum(np.abs(np.asarray(values, dtype=np.float64)), LOG_FLOOR)
    noise, on_axis = shown(escape.noise), shown(escape.noise_on_axis)
    data = [
        _band(steps, noise.min(axis=0), noise.max(axis=0), colors["minibatch"],
              t("escape.band", language, seeds=seeds), "noise_band"),
        _line(steps, np.median(noise, axis=0), colors["minibatch"], t("escape.band", language, seeds=seeds), theme,
              "noise_median", legend=False),
        _band(steps, on_axis.min(axis=0), on_axis.max(axis=0), colors["minibatch"],
              t("escape.band_axis", language, seeds=seeds), "axis_band", dash="dot"),
        _line(steps, np.median(on_axis, axis=0), colors["minibatch"], t("escape.band_axis", language, seeds=seeds),
              theme, "axis_median", dash="dot", legend=False),
        _line(steps, shown(escape.gd), colors["gd"], optimizer_name("gd", language), theme, "gd"),
        _line(steps, shown(escape.momentum), colors["momentum"], optimizer_name("momentum", language), theme,
              "momentum"),
    ]
    figure = go.Figure(data=data)
    figure.add_hline(y=escape.escape_distance, line=dict(color="gray", dash="dash", width=1.5),
                     annotation_text=t("escape.threshold", language), annotation_position="top left")
    figure.update_xaxes(title=t("fig.step", language), range=[0, len(steps) - 1], gridcolor=theme.grid_color)
    figure.update_yaxes(title=t("escape.distance", language), type="log", range=[-4.5, 0.5], gridcolor=theme.grid_color)
    figure.update_layout(title=dict(text=t("escape.title", language), x=0.0, xanchor="left"),
                         legend=dict(orientation="h", yanchor="top", y=-0.18, x=0))
    return styled(figure, theme, height=int(theme.height * 0.8), uirevision="escape")


def budget_figure(curves, theme: Theme, language: str = "ko") -> go.Figure:
    """f − f* against per-sample gradients evaluated (both log), one curve per optimizer; bands over seeds."""
    data = []
    samples = max(curve.cost for curve in curves)
    for curve in curves:
        name = optimizer_name(curve.optimizer, language)
        work = np.maximum(curve.work, 1).astype(np.float64)
        low, median, high = (np.maximum(v, LOG_FLOOR) for v in (curve.low, curve.median, curve.high))
        if curve.seeds > 1:
            data.append(_band(work, low, high, curve.color, t("budget.band", language, name=name, seeds=curve.seeds),
                              f"budget_band_{curve.optimizer}"))
        data.append(_line(work, median, curve.color, name, theme, f"budget_{curve.optimizer}"))
    figure = go.Figure(data=data)
    figure.add_vline(x=samples, line=dict(color="gray", dash="dot", width=1.5))
    figure.update_xaxes(title=t("budget.work", language, n=samples), type="log", gridcolor=theme.grid_color)
    figure.update_yaxes(title=t("budget.gap", language), type="log", gridcolor=theme.grid_color)
    figure.update_layout(title=dict(text=t("budget.title", language), x=0.0, xanchor="left"),
                         legend=dict(orientation="h", yanchor="top", y=-0.2, x=0))
    return styled(figure, theme, height=int(theme.height * 0.8), uirevision="budget")


def basin_figure(plot: MapPlotInfo, path: np.ndarray, color: str, theme: Theme, language: str = "ko") -> go.Figure:
    """The minima lesson's basin map with the lesson's GD path from its start drawn on top."""
    figure = map_figure(plot, theme)
    path = np.asarray(path, dtype=np.float32)
    figure.add_traces([
        go.Scatter(x=path[:, 0], y=path[:, 1], mode="lines", name=optimizer_name("gd", language), showlegend=False,
                   line=dict(color=color, width=theme.line_width), hoverinfo="skip", meta=dict(role="path")),
        go.Scatter(x=path[:1, 0], y=path[:1, 1], mode="markers", name=t("fig.start", language), showlegend=False,
                   marker=dict(symbol="circle", size=theme.current_marker_size, color="white",
                               line=dict(color=color, width=3)), hoverinfo="name", meta=dict(role="start")),
    ])
    return figure
