"""Loss against step for every visible run, with the shared step marked."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from figures.info import SceneInfo
from figures.parts import UNCHECKED, FigureParts
from figures.stepping import CURRENT, STEP_SHAPE, STEP_TEMPLATE, at_step, step_meta
from figures.theme import SIDE_ROOM, styled_layout

LOG_FLOOR = 1e-12  # a log axis cannot show 0: values at or below the offset are drawn here


def loss_values(info: SceneInfo, loss: np.ndarray) -> np.ndarray:
    """What the chart draws for a run's losses: as they are, or above the offset on a log axis."""
    values = np.asarray(loss, dtype=np.float32) - np.float32(info.loss_offset)
    if info.log_loss:
        values = np.maximum(values, np.float32(LOG_FLOOR))
    return values.astype(np.float32)


def loss_parts(info: SceneInfo, *, layout: bool = True, surface: bool = True) -> FigureParts:
    """Every visible run's loss against the step, with a marker and a vertical line at the shared step
    (``layout=False``: the traces only). It draws no surface: ``surface`` is the views' builders' common keyword."""
    theme = info.theme
    data = []
    for run in info.runs:
        values = loss_values(info, run.loss)
        data.append(go.Scatter(
            x=np.arange(len(values), dtype=np.int32), y=values, mode="lines", name=run.label,
            legendgroup=f"run{run.index}", line=dict(color=run.color, width=theme.line_width, dash=run.dash),
            customdata=run.loss,
            hovertemplate=f"{run.label}<br>{info.labels['fig.step']} %{{x}}<br>f=%{{customdata:.5g}}<extra></extra>",
            meta=dict(role="loss", run=run.index), **UNCHECKED,
        ))
        data.append(go.Scatter(
            x=np.arange(len(values), dtype=np.int32), y=values, mode="markers", showlegend=False,
            name=f"{run.label} · {info.labels['fig.current']}", legendgroup=f"run{run.index}",
            marker=dict(color=run.color, size=theme.current_marker_size * 0.8, line=dict(color="white", width=2)),
            hoverinfo="skip", meta=dict(role=CURRENT, run=run.index), **UNCHECKED,
        ))
        if run.accuracy is not None:
            data.append(go.Scatter(
                x=np.arange(len(run.accuracy), dtype=np.int32), y=100 * run.accuracy, mode="lines", yaxis="y2",
                name=f"{run.label} · {info.labels['fig.accuracy']}", legendgroup=f"run{run.index}", showlegend=False,
                line=dict(color=run.color, width=max(1.0, theme.line_width * 0.6), dash="dot"),
                hovertemplate=f"{run.label}<br>{info.labels['fig.accuracy']} %{{y:.1f}} %<extra></extra>",
                meta=dict(role="loss", run=run.index), **UNCHECKED,
            ))
    return FigureParts(loss_layout(info) if layout else None, runs=tuple(data))


def loss_layout(info: SceneInfo) -> go.Layout:
    theme = info.theme
    y_title = info.labels["fig.loss_gap"].format(offset=f"{info.loss_offset:.4g}") if info.loss_offset else \
        info.labels["fig.loss"]
    yaxis = dict(title=dict(text=y_title), type="log" if info.log_loss else "linear", gridcolor=theme.grid_color)
    if info.log_loss and info.loss_decades >= 2:  # labels at 1, 10, 100 …: no crowded 2 and 5 between them
        yaxis.update(dtick=1, exponentformat="power")
    spec = dict(
        shapes=[dict(type="line", name=STEP_SHAPE, x0=info.step, x1=info.step, xref="x", y0=0, y1=1, yref="y domain",
                     line=dict(color="gray", width=max(1.0, theme.line_width * 0.6), dash="dot"))],
        xaxis=dict(title=dict(text=info.labels["fig.step"]), range=[0, max(info.steps, 1)], gridcolor=theme.grid_color),
        yaxis=yaxis,
        title=dict(text=f"{info.labels['fig.title_loss']} · {info.labels['fig.step']} {STEP_TEMPLATE}", x=0.0,
                   xanchor="left"),
        meta=step_meta(info.step),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, x=1, xanchor="right"),
        hovermode="x unified",
    )
    accuracy = "fig.accuracy" in info.labels  # a classifier's scenes: accuracy on a second axis, dotted
    if accuracy:
        spec["yaxis2"] = dict(title=f"{info.labels['fig.accuracy']} (%, ┈)", overlaying="y", side="right",
                              range=[0, 100], tickvals=[0, 25, 50, 75, 100], showgrid=False)
    return styled_layout(spec, theme, height=int(theme.height * 0.6), uirevision="loss",
                         then=dict(margin=dict(r=round(SIDE_ROOM * theme.font_size))) if accuracy else None)


def loss_figure(info: SceneInfo, *, stepped: bool = True) -> go.Figure:
    """The loss chart at the shared step (``stepped=False``: the marker at the last step)."""
    figure = loss_parts(info).figure()
    return at_step(figure, info.step) if stepped else figure
