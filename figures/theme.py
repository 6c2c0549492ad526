"""Looks of the figures: ``screen`` (the page), ``projector`` (the back row of a lecture hall) and
``print`` (white paper, grayscale-safe: runs differ by dash as well as colour, fixed size for export).
"""

from __future__ import annotations

import re
from typing import NamedTuple

import plotly.graph_objects as go


# Critical points by kind: one symbol in the contour, the 3D plot and every legend, a colour, and a black
# outline so that each shows on the surface's colours and on paper: minima are diamonds, the global one gold.
# Only shapes WebGL draws everywhere: Scatter3d draws its symbols as font glyphs, and "x" and "cross" (✖, ✚)
# are missing from many fonts (a box instead).
KIND_SYMBOLS = {"global_min": "diamond", "local_min": "diamond", "saddle": "square", "max": "circle",
                "degenerate": "circle-open"}
# The font shipped in assets/fonts for the images the server draws (export/fonts.py), then generic fallbacks.
# Only the print theme names it: the page keeps the student's own fonts.
EXPORT_FONT_FAMILY = 'NanumGothic, "Nanum Gothic", sans-serif'
KIND_COLORS = {"global_min": "#FFD700", "local_min": "#FFFFFF", "saddle": "#FF4040", "max": "#FF8C00",
               "degenerate": "#C0C0C0"}
EXIT_SYMBOL = "circle-open"  # where a run leaves the plot, in the run's colour


class Theme(NamedTuple):
    name: str
    font_size: int
    line_width: float
    marker_size: float
    current_marker_size: float
    background: str
    grid_color: str
    dashes: tuple[str, ...]  # one per run, cycled; all "solid" where colour alone tells runs apart
    width: int | None  # pixels; None lets the page size the figure
    height: int
    colorscale: str
    ticks: int | None = None  # at most this many ticks per axis (3D: two fewer); None: Plotly chooses
    font_family: str | None = None  # None: Plotly's default, the viewer's fonts


THEMES: dict[str, Theme] = {
    "screen": Theme("screen", 13, 2.5, 5, 12, "rgba(0,0,0,0)", "rgba(128,128,128,0.25)", ("solid",), None, 520,
                    "Viridis"),
    "projector": Theme("projector", 22, 5.0, 8, 20, "rgba(0,0,0,0)", "rgba(128,128,128,0.35)", ("solid",), None,
                       640, "Viridis", ticks=6),
    "print": Theme("print", 18, 3.0, 6, 14, "#ffffff", "rgba(0,0,0,0.2)",
                   ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot"), 900, 700, "Greys",
                   font_family=EXPORT_FONT_FAMILY),
}
TITLE_ROOM = 2.6  # font sizes of margin above the plot: the title (Plotly draws it larger than the font)
SIDE_ROOM = 4.0  # font sizes of margin left of the plot and below it: tick labels and the axis title


def theme_named(name: str) -> Theme:
    return THEMES.get(name, THEMES["screen"])


def dash_for(theme: Theme, index: int) -> str:
    return theme.dashes[index % len(theme.dashes)]


def theme_layout(theme: Theme, *, height: int | None = None, uirevision: str | None = None) -> dict:
    """The theme's fonts, background, size and margins, as layout JSON."""
    return dict(
        font=dict(family=theme.font_family, size=theme.font_size, color="#111111" if theme.name == "print" else None),
        paper_bgcolor=theme.background,
        plot_bgcolor=theme.background,
        height=height or theme.height,
        width=theme.width,
        margin=dict(l=round(SIDE_ROOM * theme.font_size), r=10, t=round(TITLE_ROOM * theme.font_size),
                    b=round(SIDE_ROOM * theme.font_size)),
        legend=dict(font=dict(size=theme.font_size), itemsizing="constant"),
        hoverlabel=dict(font=dict(size=theme.font_size)),
        uirevision=uirevision,
    )


SUBPLOT_KEY = re.compile(r"(xaxis|yaxis|scene)\d*")


def tick_layout(theme: Theme, layout: dict) -> dict:
    """Fewer, larger numbers, readable from the back row (themes with ``ticks``): on every axis of ``layout`` and of
    its 3D scenes, and on the first of each kind even when absent (as ``update_xaxes`` & co. do)."""
    if not theme.ticks:
        return {}
    axis = dict(nticks=theme.ticks - 2, tickfont=dict(size=round(0.65 * theme.font_size)),
                title=dict(font=dict(size=round(0.8 * theme.font_size))))
    keys = {"xaxis", "yaxis", "scene"} | {key for key in layout if SUBPLOT_KEY.fullmatch(key)}
    return {key: dict(xaxis=axis, yaxis=axis, zaxis=axis) if key.startswith("scene") else dict(nticks=theme.ticks)
            for key in keys}


def merged(base: dict, extra: dict) -> dict:
    """``base`` updated by ``extra`` as Plotly updates a layout: dicts merge, anything else replaces."""
    out = dict(base)
    for key, value in extra.items():
        out[key] = merged(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def styled(figure: go.Figure, theme: Theme, *, height: int | None = None, uirevision: str | None = None) -> go.Figure:
    """Applies the theme's fonts, background and size to a finished figure."""
    figure.update_layout(theme_layout(theme, height=height, uirevision=uirevision))
    if theme.name == "print":
        figure.update_layout(template="simple_white")
    return figure.update_layout(tick_layout(theme, figure.layout.to_plotly_json()))


def styled_layout(spec: dict, theme: Theme, *, height: int | None = None, uirevision: str | None = None,
                  then: dict | None = None) -> go.Layout:
    """A layout as ``styled`` makes it from a figure with layout ``spec``, then ``then`` on top, validated once: a
    figure's ``update_layout`` goes through Plotly's relayout machinery, ~10× the time (a view: ~25 ms)."""
    layout = merged(spec, theme_layout(theme, height=height, uirevision=uirevision))
    if theme.name == "print":
        layout["template"] = "simple_white"
    layout = merged(layout, tick_layout(theme, layout))
    return go.Figure(layout=merged(layout, then or {})).layout


LEGEND_ROW = 1.7  # font sizes per row of a legend below the plot


def legend_below(figure: go.Figure, theme: Theme, entries: int) -> go.Figure:
    """The legend at the figure's foot, in a margin of its own below the x axis's title, a row per entry at most (a
    legend placed in the plot's units lands on that title when the plot is small)."""
    return figure.update_layout(legend=dict(orientation="h", yref="container", yanchor="bottom", y=0, x=0),
                                margin_b=round((SIDE_ROOM + LEGEND_ROW * entries) * theme.font_size))
