"""The optimizers' family tree (section 2.3.7's, and the optimizers after it) as a figure: who refines whom.

Boxes are layout rectangles in data units, so they grow with the plot's width and keep their gaps at any
size; each name sits at its box's centre; each arrow runs from the border of one box to the border of the
other, so it crosses no name. The figure's height follows the font, so two lines of a name fit their box.
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from figures.theme import Theme, styled, theme_named
from i18n import STRINGS, optimizer_name, t
from optimizers import SPECS

# Box centres on a grid of unit steps, and the arrows from each optimizer's parents: both from the specs.
NODES: dict[str, tuple[float, float]] = {spec.id: spec.tree_position for spec in SPECS.values()}
EDGES: tuple[tuple[str, str], ...] = tuple((parent, spec.id) for spec in SPECS.values() for parent in spec.parents)
BOX_WIDTH, BOX_HEIGHT = 0.76, 0.6  # data units: the gaps between neighbours are 0.24 and 0.4
MARGIN = 0.08  # data units around the outermost boxes
ARROW_GAP = 0.04  # data units between an arrow's ends and the borders of its boxes
LABEL_SCALE = 1.25  # names are this many times the theme's font: the page's smallest text is 13 px
LINE_HEIGHT = 1.3  # of the font size, per line of a name
BOX_PADDING_PX = 14  # above and below a two-line name
BOX_CHARACTERS = 8  # a longer name breaks at its first space (two lines at most)
UNUSED_TEXT, UNUSED_LINE = "#444444", "#9a9a9a"
NOTE_SCALE = 0.9  # a note beside a box (``tree.note.<id>`` in i18n), in the theme's font size


def short_name(optimizer_id: str, language: str) -> str:
    name = optimizer_name(optimizer_id, language).split(" (")[0]
    return name.replace(" ", "<br>", 1) if len(name) > BOX_CHARACTERS else name


def box(optimizer_id: str) -> tuple[float, float, float, float]:
    """(x0, y0, x1, y1) of an optimizer's box, in data units."""
    x, y = NODES[optimizer_id]
    return x - BOX_WIDTH / 2, y - BOX_HEIGHT / 2, x + BOX_WIDTH / 2, y + BOX_HEIGHT / 2


def border_point(optimizer_id: str, toward: tuple[float, float], gap: float = ARROW_GAP) -> np.ndarray:
    """Where the line from a box's centre toward ``toward`` leaves the box, ``gap`` beyond its border."""
    centre = np.asarray(NODES[optimizer_id], dtype=np.float64)
    direction = np.asarray(toward, dtype=np.float64) - centre
    direction /= np.linalg.norm(direction)
    reach = min(BOX_WIDTH / 2 / abs(direction[0]) if direction[0] else math.inf,
                BOX_HEIGHT / 2 / abs(direction[1]) if direction[1] else math.inf)
    return centre + (reach + gap) * direction


def edge_segment(parent: str, child: str) -> tuple[np.ndarray, np.ndarray]:
    """An arrow's tail and head: from the parent's border to the child's."""
    return border_point(parent, NODES[child]), border_point(child, NODES[parent])


def axis_ranges() -> tuple[tuple[float, float], tuple[float, float]]:
    xs, ys = zip(*NODES.values())
    return ((min(xs) - BOX_WIDTH / 2 - MARGIN, max(xs) + BOX_WIDTH / 2 + MARGIN),
            (min(ys) - BOX_HEIGHT / 2 - MARGIN, max(ys) + BOX_HEIGHT / 2 + MARGIN))


def label_size(theme: Theme) -> int:
    return round(theme.font_size * LABEL_SCALE)


def tree_height(theme: Theme, title_room: int) -> int:
    """Pixels for the whole figure such that a box is as tall as two lines of a name and their padding."""
    box_px = 2 * LINE_HEIGHT * label_size(theme) + BOX_PADDING_PX
    (_, _), (y0, y1) = axis_ranges()
    return math.ceil((y1 - y0) * box_px / BOX_HEIGHT) + title_room


def family_tree_figure(language: str = "ko", used: dict[str, str] | None = None, theme: Theme | str = "screen") -> go.Figure:
    """The tree; ``used`` maps optimizer id → colour for the optimizers of the scene, whose boxes are drawn in it."""
    theme = theme_named(theme) if isinstance(theme, str) else theme
    used = used or {}
    figure = go.Figure()
    for parent, child in EDGES:
        tail, head = edge_segment(parent, child)
        figure.add_annotation(
            x=head[0], y=head[1], ax=tail[0], ay=tail[1], xref="x", yref="y", axref="x", ayref="y", text="",
            showarrow=True, arrowhead=3, arrowsize=1.1, arrowwidth=max(1.5, theme.line_width * 0.7),
            arrowcolor="#777777", standoff=0, startstandoff=0, name=f"{parent}→{child}",
        )
    ids = list(NODES)
    for optimizer_id in ids:
        x0, y0, x1, y1 = box(optimizer_id)
        chosen = optimizer_id in used
        figure.add_shape(type="rect", x0=x0, y0=y0, x1=x1, y1=y1, xref="x", yref="y", layer="below",
                         name=optimizer_id, fillcolor="#ffffff",
                         line=dict(color=used.get(optimizer_id, UNUSED_LINE),
                                   width=theme.line_width * 1.6 if chosen else 1.5,
                                   dash="solid" if SPECS[optimizer_id].in_lecture else "dash"))
        if f"tree.note.{optimizer_id}" in STRINGS:  # e.g. Lion, which refines none of the others
            figure.add_annotation(x=x0 - ARROW_GAP, y=NODES[optimizer_id][1], xref="x", yref="y", xanchor="right",
                                  text=t(f"tree.note.{optimizer_id}", language), showarrow=False, align="right",
                                  font=dict(size=round(theme.font_size * NOTE_SCALE), color=UNUSED_TEXT),
                                  name=f"note {optimizer_id}")
    xy = np.asarray([NODES[i] for i in ids], dtype=np.float32)
    figure.add_trace(go.Scatter(
        x=xy[:, 0], y=xy[:, 1], mode="text", text=[short_name(i, language) for i in ids],
        textposition="middle center",
        textfont=dict(size=label_size(theme), color=["#111111" if i in used else UNUSED_TEXT for i in ids]),
        customdata=ids, hoverinfo="text", hovertext=[optimizer_name(i, language) for i in ids],
        showlegend=False, meta=dict(role="nodes"), cliponaxis=False,
    ))
    x_range, y_range = axis_ranges()
    figure.update_xaxes(visible=False, range=list(x_range), fixedrange=True)
    figure.update_yaxes(visible=False, range=list(y_range), fixedrange=True)
    figure.update_layout(title=dict(text=t("formula.tree_title", language)))
    styled(figure, theme, uirevision="tree")
    title_room = figure.layout.margin.t
    side = round(0.5 * theme.font_size)  # no axes: the tick and axis-title room of other figures is not needed
    figure.update_layout(height=tree_height(theme, title_room + side), margin=dict(l=side, r=side, b=side))
    return figure
