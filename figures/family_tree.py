"""The optimizers' family tree of section 2.3.7 as a figure: who refines whom."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from figures.theme import Theme, styled, theme_named
from i18n import optimizer_name, t

# Node positions on a 4 × 4 board: batch GD, SGD and mini-batch GD top left; the momentum line across the
# middle; the adaptive line below; the merges right. Momentum and Adagrad both branch from SGD.
NODES: dict[str, tuple[float, float]] = {
    "gd": (0.0, 2.0), "sgd": (1.0, 2.0), "minibatch": (0.5, 3.0), "momentum": (2.0, 2.0), "nag": (3.0, 2.0),
    "adagrad": (1.0, 0.0), "rmsprop": (2.0, 0.0), "adadelta": (2.0, -0.9),
    "adam": (3.0, 0.9), "nadam": (4.0, 0.9),
}
EDGES: tuple[tuple[str, str], ...] = (
    ("gd", "sgd"), ("gd", "minibatch"), ("sgd", "minibatch"),
    ("sgd", "momentum"), ("momentum", "nag"),
    ("sgd", "adagrad"), ("adagrad", "rmsprop"), ("adagrad", "adadelta"),
    ("momentum", "adam"), ("rmsprop", "adam"),
    ("adam", "nadam"), ("nag", "nadam"),
)


BOX_CHARACTERS = 8  # a longer name breaks at its first space to fit its box


def short_name(optimizer_id: str, language: str) -> str:
    name = optimizer_name(optimizer_id, language).split(" (")[0]
    return name.replace(" ", "<br>", 1) if len(name) > BOX_CHARACTERS else name


def family_tree_figure(language: str = "ko", used: dict[str, str] | None = None, theme: Theme | str = "screen") -> go.Figure:
    """The tree; ``used`` maps optimizer id → colour for the optimizers of the scene, which are drawn filled."""
    theme = theme_named(theme) if isinstance(theme, str) else theme
    used = used or {}
    figure = go.Figure()
    for parent, child in EDGES:
        (x0, y0), (x1, y1) = NODES[parent], NODES[child]
        figure.add_annotation(
            x=x1, y=y1, ax=x0, ay=y0, xref="x", yref="y", axref="x", ayref="y", text="", showarrow=True,
            arrowhead=3, arrowsize=1.2, arrowwidth=max(1.5, theme.line_width * 0.7), arrowcolor="#888888",
            standoff=34, startstandoff=34,
        )
    ids = list(NODES)
    xy = np.asarray([NODES[i] for i in ids], dtype=np.float32)
    figure.add_trace(go.Scatter(
        x=xy[:, 0], y=xy[:, 1], mode="markers+text", text=[short_name(i, language) for i in ids],
        textposition="middle center",
        textfont=dict(size=theme.font_size, color=["#111111" if i in used else "#777777" for i in ids]),
        marker=dict(symbol="square", size=theme.font_size * 6.2, color="#ffffff",
                    line=dict(color=[used.get(i, "#aaaaaa") for i in ids],
                              width=[theme.line_width * 2.4 if i in used else 1.5 for i in ids])),
        customdata=ids, hoverinfo="text", hovertext=[optimizer_name(i, language) for i in ids],
        showlegend=False, meta=dict(role="nodes"), cliponaxis=False,
    ))
    figure.update_xaxes(visible=False, range=[-0.6, 4.6])
    figure.update_yaxes(visible=False, range=[-1.5, 3.6])
    figure.update_layout(title=dict(text=t("formula.tree_title", language)))
    return styled(figure, theme, height=int(theme.height * 1.05), uirevision="tree")
