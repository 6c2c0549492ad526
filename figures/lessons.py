"""Figures of the lessons that state a claim over many runs (pure Plotly, no Streamlit).

Each is a function of a typed record a lesson's check returns:
- ``basin_figure``: the minima lesson's basin map (``maps.BasinInfo``) with the lesson's GD path on top;
- ``escape_figure``: the saddle lesson's farthest distance from the stable axis so far, per step, GD and
  momentum as lines and the mini-batch runs of 16 seeds as a band (their range) around their median
  (``lessons.SaddleEscape``);
- ``budget_figure``: the batch lesson's loss against the work done (per-sample gradients), the stochastic
  runs as bands over seeds (``lessons.BudgetCurve``);
- ``race_figure``: the ravine lesson's tuned runs, distance to the minimum per step beside the classical
  rates (``lessons.Race``);
- ``step_length_figure``: the Adadelta lesson's |Δw| per step (``lessons.StepLengths``).
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from figures.internals import translucent
from figures.maps import MapPlotInfo, map_figure
from figures.theme import Theme, legend_below, styled
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


def _log_hline(figure: go.Figure, y: float, text: str) -> None:
    """A dashed horizontal line on a log y axis, labelled at its left end (an annotation on a log axis is placed
    in log10 units, which ``add_hline``'s own label does not do)."""
    figure.add_hline(y=y, line=dict(color="gray", dash="dash", width=1.5))
    figure.add_annotation(x=0, xref="paper", y=float(np.log10(y)), text=text, showarrow=False, xanchor="left",
                          yanchor="top", font=dict(color="gray"))


def _finished(figure: go.Figure, theme: Theme, title: str, x_title: str, y_title: str, x_axis: dict | None = None,
              y_axis: dict | None = None) -> go.Figure:
    """Titles, a log y axis, the theme, and the legend below the x axis (long names) with room for it."""
    figure.update_xaxes(title=x_title, gridcolor=theme.grid_color, **(x_axis or {}))
    figure.update_yaxes(title=y_title, type="log", dtick=1, gridcolor=theme.grid_color, **(y_axis or {}))
    figure.update_layout(title=dict(text=title, x=0.0, xanchor="left"))
    styled(figure, theme, height=int(theme.height * 0.85), uirevision=title)
    figure.update_layout(margin_l=75)
    return legend_below(figure, theme, sum(trace.showlegend is not False for trace in figure.data))


def escape_figure(escape, theme: Theme, language: str = "ko", colors: dict[str, str] | None = None) -> go.Figure:
    """The farthest |distance from the stable axis| so far against the step (log scale), with the escape distance
    marked: a run has escaped where its curve crosses that line."""
    colors = {"gd": PALETTE[0], "momentum": PALETTE[1], "minibatch": PALETTE[2], **(colors or {})}
    steps = np.arange(len(escape.gd), dtype=np.float64)
    seeds = len(escape.noise)
    shown = lambda values: np.maximum(np.maximum.accumulate(np.abs(np.asarray(values, dtype=np.float64)), axis=-1),
                                      LOG_FLOOR)
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
    _log_hline(figure, escape.escape_distance, t("escape.threshold", language))
    return _finished(figure, theme, t("escape.title", language), t("fig.step", language),
                     t("escape.distance", language), dict(range=[0, len(steps) - 1]), dict(range=[-4.2, 0.3]))


def budget_figure(curves, theme: Theme, language: str = "ko") -> go.Figure:
    """f − f* against per-sample gradients evaluated (both log; each curve from its first step on), one curve per
    optimizer, the stochastic ones as their median and middle half over seeds; one pass over the data marked."""
    data = []
    samples = max(curve.cost for curve in curves)
    for curve in curves:
        name = optimizer_name(curve.optimizer, language)
        work = curve.work[1:].astype(np.float64)
        low, median, high = (np.maximum(v[1:], LOG_FLOOR) for v in (curve.low, curve.median, curve.high))
        if curve.seeds > 1:
            data.append(_band(work, low, high, curve.color, t("budget.band", language, name=name, seeds=curve.seeds),
                              f"budget_band_{curve.optimizer}"))
        data.append(_line(work, median, curve.color, name, theme, f"budget_{curve.optimizer}"))
    figure = go.Figure(data=data)
    figure.add_vline(x=samples, line=dict(color="gray", dash="dot", width=1.5))
    figure.add_annotation(x=float(np.log10(samples)), y=1, yref="paper", text=t("budget.one_pass", language),
                          showarrow=False, xanchor="left", yanchor="top", font=dict(color="gray"))
    return _finished(figure, theme, t("budget.title", language), t("budget.work", language, n=samples),
                     t("budget.gap", language), dict(type="log"))


def race_figure(race, theme: Theme, language: str = "ko") -> go.Figure:
    """Distance to the minimum per step (log) of each run, with a dotted line d₀·rateᵗ beside each and the
    tolerance that counts as arrived."""
    data = []
    for run, distance, rate in zip(race.runs, race.distances, race.rates):
        steps = np.arange(len(distance), dtype=np.float64)
        label = run.label(language)
        data.append(_line(steps, np.maximum(distance, LOG_FLOOR), run.color, label, theme, f"race_{run.optimizer}"))
        data.append(_line(steps, distance[0] * rate**steps, run.color, t("race.theory", language, rate=rate), theme,
                          f"theory_{run.optimizer}", dash="dot"))
    figure = go.Figure(data=data)
    _log_hline(figure, race.tolerance, t("race.tolerance", language))
    return _finished(figure, theme, t("race.title", language), t("fig.step", language), t("race.distance", language),
                     y_axis=dict(range=[-4, 1]))


def step_length_figure(record, theme: Theme, language: str = "ko") -> go.Figure:
    """|Δw| per step (log) of each run."""
    name = lambda run: (f"{run.label(language)} · {t(f'ctl.convention.{run.convention}', language)}"
                        + (f" · ε={run.settings['eps']:.0e}" if "eps" in run.settings else ""))
    data = [_line(np.arange(1, len(lengths) + 1, dtype=np.float64), np.maximum(lengths, LOG_FLOOR), run.color,
                  name(run), theme, f"steps_{index}")
            for index, (run, lengths) in enumerate(zip(record.runs, record.lengths))]
    figure = go.Figure(data=data)
    return _finished(figure, theme, t("steps.title", language), t("fig.step", language), t("steps.length", language))


def basin_figure(plot: MapPlotInfo, path: np.ndarray, color: str, theme: Theme, language: str = "ko") -> go.Figure:
    """The minima lesson's basin map with the lesson's GD path from its start drawn on top."""
    figure = map_figure(plot, theme)
    path = np.asarray(path, dtype=np.float32)
    figure.add_traces([  # white with a dark edge: visible on every basin colour
        go.Scatter(x=path[:, 0], y=path[:, 1], mode="lines", showlegend=False, hoverinfo="skip",
                   line=dict(color="#111111", width=theme.line_width + 2.5), meta=dict(role="path_edge")),
        go.Scatter(x=path[:, 0], y=path[:, 1], mode="lines", name=optimizer_name("gd", language), showlegend=False,
                   line=dict(color="#FFFFFF", width=theme.line_width), hoverinfo="skip", meta=dict(role="path")),
        go.Scatter(x=path[:1, 0], y=path[:1, 1], mode="markers", name=t("fig.start", language), showlegend=False,
                   marker=dict(symbol="circle", size=theme.current_marker_size, color=color,
                               line=dict(color="#FFFFFF", width=2.5)), hoverinfo="name", meta=dict(role="start")),
    ])
    return figure
