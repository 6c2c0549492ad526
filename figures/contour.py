"""The contour view: the surface from above, the runs' paths up to the shared step, markers, field."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from figures.info import SceneInfo
from figures.parts import UNCHECKED, FigureParts
from analysis.compute import Field
from figures.stepping import CURRENT, MARK, PATH, STEP_TEMPLATE, at_step, step_meta
from figures.theme import EXIT_SYMBOL, KIND_COLORS, KIND_SYMBOLS, Theme, styled_layout

COLORBAR_ROOM = 6.5  # font sizes of margin right of the contour: the colour bar, its numbers and its title



def _hover(info: SceneInfo, name: str) -> str:
    return f"{name}<br>x=%{{x:.4g}}<br>y=%{{y:.4g}}<br>{info.labels['fig.step']} %{{customdata}}<extra></extra>"


def run_traces_2d(info: SceneInfo) -> list[go.Scatter]:
    """Each run whole: its path and its current point (what a step shows of them: figures.stepping)."""
    theme = info.theme
    traces = []
    for run in info.runs:
        traces.append(go.Scatter(
            x=run.x, y=run.y, mode="lines+markers", name=run.label, legendgroup=f"run{run.index}",
            line=dict(color=run.color, width=theme.line_width, dash=run.dash),
            marker=dict(color=run.color, size=theme.marker_size * 0.6),
            customdata=np.arange(len(run.x), dtype=np.int32), hovertemplate=_hover(info, run.label),
            meta=dict(role=PATH, run=run.index), **UNCHECKED,
        ))
        traces.append(go.Scatter(
            x=run.x, y=run.y, mode="markers",
            name=f"{run.label} · {info.labels['fig.current']}", legendgroup=f"run{run.index}", showlegend=False,
            marker=dict(color=run.color, size=theme.current_marker_size, line=dict(color="white", width=2)),
            hoverinfo="skip", meta=dict(role=CURRENT, run=run.index), **UNCHECKED,
        ))
        if run.exit_2d is not None:
            traces.append(go.Scatter(
                x=np.float32(run.exit_2d.point[:1]), y=np.float32(run.exit_2d.point[1:2]), mode="markers",
                name=f"{run.label} · {info.labels['fig.left_plot']}", legendgroup=f"run{run.index}", showlegend=False,
                marker=dict(symbol=EXIT_SYMBOL, color=run.color, size=theme.current_marker_size * 1.2,
                            line=dict(color=run.color, width=3)),
                hovertemplate=f"{run.label}<br>{info.labels['fig.left_plot']}: {info.labels['fig.step']} "
                              f"{run.exit_2d.step}<extra></extra>",
                meta=dict(role=MARK, run=run.index, **{"from": run.exit_2d.step}), **UNCHECKED,
            ))
    return traces


def critical_hover(label: str) -> str:
    """Hover text of a critical point: where it is, and the Hessian's eigenvalues with their eigenvectors."""
    return (f"{label}<br>x=%{{x:.4g}}<br>y=%{{y:.4g}}"
            "<br>λ₁=%{customdata[0]:.3g}, v₁=(%{customdata[2]:.2f}, %{customdata[3]:.2f})"
            "<br>λ₂=%{customdata[1]:.3g}, v₂=(%{customdata[4]:.2f}, %{customdata[5]:.2f})<extra></extra>")


UNCROWDED = 25  # critical points drawn at full size; more (Rastrigin's 441) are drawn smaller, down to SMALLEST
SMALLEST = 0.4


def critical_marker_scale(count: int) -> float:
    """How large critical points are drawn, relative to full size, when there are ``count`` of them."""
    return max(SMALLEST, min(1.0, (UNCROWDED / max(count, 1)) ** 0.5))


def critical_traces_2d(info: SceneInfo) -> list[go.Scatter]:
    crowded = critical_marker_scale(sum(len(m.x) for m in info.critical))
    scale = {m.kind: 1.0 if m.kind == "global_min" else crowded for m in info.critical}  # the goal stays in sight
    return [
        go.Scatter(
            x=m.x, y=m.y, mode="markers", name=m.label, legendgroup=m.kind,
            marker=dict(symbol=KIND_SYMBOLS[m.kind], color=KIND_COLORS[m.kind],
                        size=info.theme.current_marker_size * scale[m.kind],
                        line=dict(color="black", width=1.5 * scale[m.kind])),
            customdata=m.hessian, hovertemplate=critical_hover(m.label),
            meta=dict(role="critical", kind=m.kind),
        )
        for m in info.critical
    ]


def start_trace_2d(info: SceneInfo) -> go.Scatter:
    return go.Scatter(
        x=np.float32([info.start[0]]), y=np.float32([info.start[1]]), mode="markers", name=info.labels["fig.start"],
        marker=dict(symbol="circle-open", color="black", size=info.theme.current_marker_size,
                    line=dict(width=max(2.0, info.theme.line_width))),
        hovertemplate=f"{info.labels['fig.start']}<br>x=%{{x:.4g}}<br>y=%{{y:.4g}}<extra></extra>",
        meta=dict(role="start"),
    )


def gradient_norm_heatmap(field: Field, theme: Theme, label: str = "‖∇f‖") -> go.Heatmap:
    """‖∇f‖ on the field's grid, on a log colour scale (the norm spans orders of magnitude)."""
    side = int(round(np.sqrt(len(field.x))))
    norm = np.hypot(field.gx, field.gy).reshape(side, side).astype(np.float64)
    shown = np.log10(np.maximum(norm, 1e-12)).astype(np.float32)
    return go.Heatmap(
        x=field.x[:side], y=field.y[::side], z=shown, colorscale="Magma" if theme.name != "print" else "Greys",
        opacity=0.55, showscale=True, zsmooth="best", customdata=norm.astype(np.float32),
        colorbar=dict(title=dict(text=f"log₁₀ {label}", side="right"), thickness=10, x=1.16, nticks=theme.ticks or 0),
        hovertemplate=f"{label} = %{{customdata:.3g}}<extra></extra>", name=label, meta=dict(role="grad_norm"),
    )


def contour_parts(info: SceneInfo, *, layout: bool = True, surface: bool = True) -> FigureParts:
    """Contour of the surface with every visible run's whole path; critical points and the start on top
    (``layout=False``: the traces only; ``surface=False``: without the surface's traces, for a run's part)."""
    under = surface_traces_2d(info) if surface else ()
    return FigureParts(contour_layout(info) if layout else None, under, tuple(run_traces_2d(info)),
                       tuple(critical_traces_2d(info)), (start_trace_2d(info),))


def surface_traces_2d(info: SceneInfo) -> tuple:
    """The filled contour of the surface, then the ‖∇f‖ heatmap and the gradient field when they are shown."""
    theme = info.theme
    under: list = [go.Contour(
        x=info.xs, y=info.ys, z=info.z_display, colorscale=theme.colorscale, ncontours=30,
        contours=dict(coloring="heatmap", showlines=True), line=dict(width=0.5, color="rgba(255,255,255,0.35)"),
        colorbar=dict(title=dict(text=info.labels["fig.z"], side="right"), thickness=12, nticks=theme.ticks or 0),
        hoverinfo="skip", name=info.title, meta=dict(role="surface"),
    )]
    if info.grad_norm is not None:
        under.append(gradient_norm_heatmap(info.grad_norm, theme, info.labels["fig.grad_norm"]))
    if info.field is not None:
        under.append(go.Scatter(
            x=info.field.x, y=info.field.y, mode="lines", name=info.labels["fig.field"], hoverinfo="skip",
            line=dict(color="rgba(255,255,255,0.75)" if theme.name != "print" else "rgba(0,0,0,0.5)",
                      width=max(1.0, theme.line_width * 0.4)),
            meta=dict(role="field", mode=info.field.mode),
        ))
    return tuple(under)


def contour_layout(info: SceneInfo) -> go.Layout:
    theme = info.theme
    (x0, x1), (y0, y1) = info.bounds
    bars = 1 + (info.grad_norm is not None)
    return styled_layout(dict(
        xaxis=dict(range=[x0, x1], title=dict(text=info.labels.get("fig.x", "x")), constrain="domain", showgrid=False,
                   zeroline=False),
        yaxis=dict(range=[y0, y1], title=dict(text=info.labels.get("fig.y", "y")), showgrid=False, zeroline=False,
                   scaleanchor="x", scaleratio=1),
        title=dict(text=f"{info.labels['fig.title_contour']} · {info.labels['fig.step']} {STEP_TEMPLATE}"),
        meta=step_meta(info.step),
        legend=dict(orientation="h", yanchor="top", y=-0.16, x=0),
        clickmode="event+select", dragmode="zoom", hovermode="closest",
    ), theme, uirevision=f"contour-{info.landscape_id}",
        then=dict(margin=dict(r=bars * COLORBAR_ROOM * theme.font_size)))  # the colour bars and their numbers


def contour_figure(info: SceneInfo, *, stepped: bool = True) -> go.Figure:
    """The contour at the shared step (``stepped=False``: every run whole)."""
    figure = contour_parts(info).figure()
    return at_step(figure, info.step) if stepped else figure
