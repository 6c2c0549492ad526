"""A classifier's decision boundary at one step: P(class 1) over its data's plane, the 0.5 line, the data."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from figures.theme import Theme

BOUNDARY_HEIGHT = 240  # pixels: a small figure per run, beside the others


def boundary_figure(xs: np.ndarray, ys: np.ndarray, probability: np.ndarray, data: np.ndarray, title: str,
                    color: str, theme: Theme) -> go.Figure:
    """``probability[i, j]`` at (xs[j], ys[i]); ``data`` rows (x, y, label 0/1); ``color`` the run's, on the frame."""
    # levels 0.1 … 0.9: ten bands; P rounded to exactly 0 or 1 (float32) stays in an end band, not a patch of its own
    figure = go.Figure([
        go.Contour(x=xs, y=ys, z=probability, zmin=0.0, zmax=1.0, colorscale="RdBu", reversescale=True, opacity=0.75,
                   contours=dict(start=0.1, end=0.9, size=0.1), line=dict(width=0), showscale=False,
                   hovertemplate="P(1) = %{z:.2f}<extra></extra>", name="P(1)"),
        go.Contour(x=xs, y=ys, z=probability, contours=dict(start=0.5, end=0.5, size=1.0, coloring="none"),
                   line=dict(color="black", width=max(1.5, theme.line_width * 0.8)), showscale=False, hoverinfo="skip",
                   name="P = 0.5"),
        *[go.Scatter(x=data[data[:, 2] == label, 0], y=data[data[:, 2] == label, 1], mode="markers",
                     marker=dict(size=max(4.0, theme.marker_size - 1), color=fill,
                                 line=dict(color="white", width=0.5)), name=f"y = {label:g}", hoverinfo="skip")
          for label, fill in ((0.0, "#2166ac"), (1.0, "#b2182b"))],
    ])
    # the data's plane at its own aspect under its title, framed in the run's colour; its coordinates mean nothing
    # to the lesson
    frame = dict(showgrid=False, zeroline=False, showticklabels=False, ticks="", constrain="domain", linecolor=color,
                 linewidth=3, mirror=True)
    figure.update_xaxes(range=[float(xs[0]), float(xs[-1])], **frame)
    figure.update_yaxes(range=[float(ys[0]), float(ys[-1])], scaleanchor="x", constraintoward="top", **frame)
    figure.update_layout(title=dict(text=title, font=dict(size=theme.font_size)), height=BOUNDARY_HEIGHT,
                         margin=dict(l=10, r=10, t=40, b=10), showlegend=False, font=dict(size=theme.font_size),
                         paper_bgcolor=theme.background, plot_bgcolor=theme.background)
    return figure
