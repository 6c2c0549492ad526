"""Basin-of-attraction and hyperparameter-sweep heatmaps, drawn from typed records.

``basin_plot_info`` and ``sweep_plot_info`` turn a ``maps.BasinInfo`` / ``maps.SweepInfo`` into a
``MapPlotInfo`` (what to colour, how, and the legend, hover and click targets); ``map_figure`` is a
pure function of that record. Outcomes are categorical colours (one per minimum, cycled, plus
"diverged" and "not converged"); steps and loss are continuous, with the cells that have no such
value painted in the categorical colours on top. Heatmaps report no clicks in Streamlit, so a
transparent scatter over the cell centres (at most ``MAX_CLICK_SIDE`` per side) carries the hover
text and the cell index [i, j] in its customdata.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import plotly.graph_objects as go

from figures.theme import KIND_COLORS, KIND_SYMBOLS, THEMES, TITLE_ROOM, Theme, legend_below, styled
from i18n import HP_SYMBOLS, t
from analysis.maps import DIVERGED, LOG_AXES, NOT_CONVERGED, STEPS_AXIS, Attractor, BasinInfo, SweepInfo

BASIN_COLORINGS = ("minimum", "steps", "loss")
SWEEP_METRICS = ("loss", "steps", "divergence", "minimum")
MAX_CLICK_SIDE = 64
MAX_LEGEND_MINIMA = 8
CLICK_TRACE_NAME = "map-click"
# Okabe–Ito without black and yellow (yellow marks global minima on the contour), then softer tones.
MINIMUM_COLORS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#8C6BB1", "#A6761D",
                  "#66A61E", "#E7298A")
DIVERGED_COLOR = "#1A1A1A"
NOT_CONVERGED_COLOR = "#C8C8C8"
AXIS_SYMBOLS = {**HP_SYMBOLS, STEPS_AXIS: "steps"}


class Category(NamedTuple):
    code: int  # maps.DIVERGED, maps.NOT_CONVERGED or a minimum's index
    name: str
    color: str
    count: int


class Layer(NamedTuple):
    """One heatmap: z on the cell grid (NaN = transparent), its colours and scale."""

    z: np.ndarray  # (ny, nx) float32
    colorscale: list
    zmin: float
    zmax: float
    colorbar_title: str | None  # None: no colour bar (categorical)


class MapPlotInfo(NamedTuple):
    kind: str  # "basin" or "sweep"
    title: str  # short: it shares a half-width column with the toolbar
    subtitle: str  # the run and its setting, on a line of its own
    x: np.ndarray  # cell centres, float32 (sweep: the swept values)
    y: np.ndarray
    x_title: str
    y_title: str
    x_log: bool
    y_log: bool
    bounds: tuple[tuple[float, float], tuple[float, float]] | None  # basin: the plot bounds, shared with the contour
    layers: tuple[Layer, ...]  # drawn in order
    categories: tuple[Category, ...]  # legend entries, present outcomes only
    click_x: np.ndarray
    click_y: np.ndarray
    click_cells: np.ndarray  # (K, 2) int32 [i, j]
    click_text: tuple[str, ...]
    markers: tuple[tuple[str, str, np.ndarray, np.ndarray, str], ...]  # (name, symbol, x, y, color)
    contour: tuple[np.ndarray, np.ndarray, np.ndarray] | None  # surface lines over a basin map
    language: str


# --- categories ------------------------------------------------------------------------------------------

def minimum_color(index: int) -> str:
    return MINIMUM_COLORS[index % len(MINIMUM_COLORS)]


def minimum_name(index: int, minimum: Attractor, language: str) -> str:
    x, y = minimum.xy
    return f"{index + 1}. {t(f'kind.{minimum.kind}', language)} ({x:.3g}, {y:.3g})"


def outcome_name(code: int, minima: tuple[Attractor, ...], language: str) -> str:
    if code == DIVERGED:
        return t("maps.diverged", language)
    if code == NOT_CONVERGED:
        return t("maps.not_converged", language)
    return minimum_name(code, minima[code], language)


def _categories(label: np.ndarray, minima: tuple[Attractor, ...], language: str) -> tuple[Category, ...]:
    codes, counts = np.unique(label, return_counts=True)
    found = dict(zip(codes.tolist(), counts.tolist()))
    order = [c for c in range(len(minima)) if c in found] + [c for c in (NOT_CONVERGED, DIVERGED) if c in found]
    colors = {DIVERGED: DIVERGED_COLOR, NOT_CONVERGED: NOT_CONVERGED_COLOR}
    return tuple(Category(c, outcome_name(c, minima, language), colors.get(c) or minimum_color(c), found[c])
                 for c in order)


def _step_scale(colors: list[str]) -> list:
    """A colour scale that paints integer z = 0 … n-1 in ``colors`` (with zmin -0.5, zmax n - 0.5)."""
    n = len(colors)
    scale = []
    for k, color in enumerate(colors):
        scale += [[k / n, color], [(k + 1) / n, color]]
    return scale


def _categorical_layer(label: np.ndarray, categories: tuple[Category, ...], shown: np.ndarray | None = None) -> Layer:
    """Cells coloured by outcome; only cells where ``shown`` (all when None)."""
    index = {c.code: k for k, c in enumerate(categories)}
    z = np.vectorize(index.get, otypes=[np.float32])(label) if label.size else label.astype(np.float32)
    if shown is not None:
        z = np.where(shown, z, np.nan).astype(np.float32)
    return Layer(z, _step_scale([c.color for c in categories]), -0.5, len(categories) - 0.5, None)


def _gap_layer(loss: np.ndarray, minima: tuple[Attractor, ...], shown: np.ndarray, language: str) -> Layer:
    """Final loss as log₁₀ of its gap above the lowest minimum (plain loss when there is none)."""
    loss = loss.astype(np.float64)
    if minima:
        floor = min(m.value for m in minima)
        z = np.log10(np.maximum(loss - floor, 0.0) + 1e-12)
        title = t("maps.loss_gap", language)
    else:
        z, title = loss, t("fig.z", language)
    z = np.where(shown & np.isfinite(z), z, np.nan).astype(np.float32)
    finite = z[np.isfinite(z)]
    low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    return Layer(z, "Viridis", low, max(high, low + 1e-6), title)


def _steps_layer(steps: np.ndarray, language: str) -> Layer:
    z = np.where(steps >= 0, steps, np.nan).astype(np.float32)
    finite = z[np.isfinite(z)]
    high = float(finite.max()) if finite.size else 1.0
    return Layer(z, "Plasma", 0.0, max(high, 1.0), t("maps.steps_to_converge", language))


def _hover(outcome: str, steps: int, loss: float, language: str) -> str:
    parts = [outcome]
    if steps >= 0:
        parts.append(t("maps.hover_steps", language, steps=steps))
    parts.append(t("maps.hover_loss", language, loss=f"{loss:.4g}"))
    return "<br>".join(parts)


def _click_cells(ny: int, nx: int) -> np.ndarray:
    stride_y, stride_x = -(-ny // MAX_CLICK_SIDE), -(-nx // MAX_CLICK_SIDE)
    ii, jj = np.meshgrid(np.arange(0, ny, stride_y), np.arange(0, nx, stride_x), indexing="ij")
    return np.stack([ii.ravel(), jj.ravel()], axis=1).astype(np.int32)


# --- basin -------------------------------------------------------------------------------------------------

def basin_plot_info(info: BasinInfo, coloring: str = "minimum", language: str = "ko", contour=None) -> MapPlotInfo:
    """The record of a basin map coloured by ``coloring`` (one of BASIN_COLORINGS).

    ``contour`` is an optional (xs, ys, z) of the surface, drawn as lines over the map.
    """
    if coloring not in BASIN_COLORINGS:
        raise ValueError(f"unknown coloring {coloring!r}; choose one of {', '.join(BASIN_COLORINGS)}")
    categories = _categories(info.label, info.minima, language)
    layers = _value_layers(coloring, info.label, info.steps_to_converge, info.final_loss, info.minima, categories,
                           language)
    cells = _click_cells(info.resolution, info.resolution)
    ii, jj = cells[:, 0], cells[:, 1]
    start = t("fig.start", language)
    text = tuple(
        f"{start} ({info.xs[j]:.3g}, {info.ys[i]:.3g})<br>→ "
        + _hover(outcome_name(int(info.label[i, j]), info.minima, language), int(info.steps_to_converge[i, j]),
                 float(info.final_loss[i, j]), language)
        for i, j in zip(ii, jj)
    )
    markers = tuple(
        (minimum_name(k, m, language), KIND_SYMBOLS[m.kind], np.float32([m.xy[0]]), np.float32([m.xy[1]]),
         KIND_COLORS[m.kind])
        for k, m in enumerate(info.minima)
    )
    (x0, x1), (y0, y1) = info.scene.surface().bounds
    run = info.run
    title = t("maps.basin_title", language)
    subtitle = t("maps.basin_subtitle", language, run=run.label(language), steps=info.steps)
    return MapPlotInfo(
        "basin", title, subtitle, info.xs, info.ys, "x", "y", False, False, ((x0, x1), (y0, y1)), layers, categories,
        info.xs[jj], info.ys[ii], cells, text, markers, contour, language,
    )


def _value_layers(coloring, label, steps, loss, minima, categories, language) -> tuple[Layer, ...]:
    """The colouring's layer, then the outcome colours on the cells it leaves without a value."""
    if coloring == "minimum":
        return (_categorical_layer(label, categories),)
    if coloring == "steps":
        return _steps_layer(steps, language), _categorical_layer(label, categories, shown=label < 0)
    diverged = label == DIVERGED
    return _gap_layer(loss, minima, ~diverged, language), _categorical_layer(label, categories, shown=diverged)


# --- sweep -------------------------------------------------------------------------------------------------

def axis_title(param: str, language: str) -> str:
    return t(f"maps.axis.{param}", language)


def sweep_plot_info(info: SweepInfo, metric: str = "loss", language: str = "ko") -> MapPlotInfo:
    """The record of a sweep heatmap of ``metric`` (one of SWEEP_METRICS)."""
    if metric not in SWEEP_METRICS:
        raise ValueError(f"unknown metric {metric!r}; choose one of {', '.join(SWEEP_METRICS)}")
    categories = _categories(info.label, info.minima, language)
    if metric == "divergence":
        diverged = info.diverged_at >= 0
        z = np.where(diverged, info.diverged_at, np.nan).astype(np.float32)
        high = float(np.nanmax(z)) if diverged.any() else 1.0
        layers = (Layer(z, "Reds_r", 1.0, max(high, 2.0), t("maps.diverged_at", language)),
                  _categorical_layer(info.label, categories, shown=~diverged))
    else:
        coloring = {"loss": "loss", "steps": "steps", "minimum": "minimum"}[metric]
        layers = _value_layers(coloring, info.label, info.steps_to_converge, info.final_loss, info.minima,
                               categories, language)
    ny, nx = info.label.shape
    cells = _click_cells(ny, nx)
    ii, jj = cells[:, 0], cells[:, 1]
    x_symbol, y_symbol = AXIS_SYMBOLS.get(info.x_param, info.x_param), AXIS_SYMBOLS.get(info.y_param, info.y_param)
    text = tuple(
        f"{x_symbol}={info.x_values[j]:.4g}, {y_symbol}={info.y_values[i]:.4g}<br>→ "
        + _hover(outcome_name(int(info.label[i, j]), info.minima, language)
                 if info.diverged_at[i, j] < 0 else t("maps.diverged_at_step", language, step=int(info.diverged_at[i, j])),
                 int(info.steps_to_converge[i, j]), float(info.final_loss[i, j]), language)
        for i, j in zip(ii, jj)
    )
    current_x, current_y = info.current
    markers = ()
    if current_x is not None and current_y is not None:
        markers = ((t("maps.current_setting", language), "star", np.float32([current_x]), np.float32([current_y]),
                    "#FFFFFF"),)
    xs, ys = info.x_values.astype(np.float32), info.y_values.astype(np.float32)
    title = t("maps.sweep_title", language)
    subtitle = t("maps.sweep_subtitle", language, run=info.run.label(language), metric=t(f"maps.metric.{metric}", language))
    return MapPlotInfo(
        "sweep", title, subtitle, xs, ys, axis_title(info.x_param, language), axis_title(info.y_param, language),
        info.x_param in LOG_AXES, info.y_param in LOG_AXES, None, layers, categories, xs[jj], ys[ii], cells, text,
        markers, None, language,
    )


# --- the figure ------------------------------------------------------------------------------------------------

def map_figure(plot: MapPlotInfo, theme: Theme = THEMES["screen"]) -> go.Figure:
    """A basin or sweep heatmap from its record, with legend entries for the outcomes and a click grid."""
    data: list = []
    for k, layer in enumerate(plot.layers):
        data.append(go.Heatmap(
            x=plot.x, y=plot.y, z=layer.z, colorscale=layer.colorscale, zmin=layer.zmin, zmax=layer.zmax,
            showscale=layer.colorbar_title is not None, hoverinfo="skip", name=f"layer{k}",
            colorbar=dict(title=dict(text=layer.colorbar_title or "", side="right"), thickness=12),
            meta=dict(role="map", layer=k),
        ))
    if plot.contour is not None:
        xs, ys, z = plot.contour
        data.append(go.Contour(
            x=xs, y=ys, z=z, ncontours=20, showscale=False, showlegend=False, hoverinfo="skip", name="contour",
            contours=dict(coloring="none"), line=dict(color="rgba(255,255,255,0.6)", width=1),
            meta=dict(role="contour"),
        ))
    drawn = drawn_categories(plot)
    for category in [c for c in plot.categories[:MAX_LEGEND_MINIMA] if c in drawn] + [
            c for c in plot.categories[MAX_LEGEND_MINIMA:] if c.code < 0 and c in drawn]:
        data.append(go.Scatter(
            x=[None], y=[None], mode="markers", name=f"{category.name} · {drawn[category]}",
            marker=dict(symbol="square", size=12, color=category.color, line=dict(color="#555555", width=1)),
            meta=dict(role="legend", code=category.code),
        ))
    for name, symbol, x, y, color in plot.markers:
        data.append(go.Scatter(
            x=x, y=y, mode="markers", name=name, showlegend=False,
            marker=dict(symbol=symbol, size=theme.current_marker_size, color=color, line=dict(color="black", width=1.5)),
            hovertemplate=f"{name}<extra></extra>", meta=dict(role="marker"),
        ))
    data.append(go.Scatter(
        x=plot.click_x, y=plot.click_y, mode="markers", name=CLICK_TRACE_NAME, showlegend=False,
        customdata=plot.click_cells, hovertext=list(plot.click_text), hoverinfo="text",
        marker=dict(size=max(6.0, 420.0 / max(len(np.unique(plot.click_x)), 1)), color="rgba(0,0,0,0)"),
        meta=dict(role="click"),
    ))
    figure = go.Figure(data=data)
    _axes(figure, plot)
    figure.update_layout(
        title=dict(text=plot.title, subtitle=dict(text=plot.subtitle)),
        clickmode="event+select", dragmode="zoom", hovermode="closest",
    )
    figure = styled(figure, theme, uirevision=f"map-{plot.kind}")
    figure.update_layout(margin_t=round((TITLE_ROOM + 1.6) * theme.font_size))  # the title and its subtitle
    legend_below(figure, theme, len(plot.categories))
    return figure


def drawn_categories(plot: MapPlotInfo) -> dict[Category, int]:
    """The outcomes whose colour the map shows, with how many cells show it: a legend names only colours that
    appear (a map coloured by final loss shows outcome colours on the diverged cells alone)."""
    counts = np.zeros(len(plot.categories), dtype=np.int64)
    for layer in plot.layers:
        if layer.colorbar_title is None:  # a categorical layer: z is the category's index, NaN where not drawn
            drawn = layer.z[np.isfinite(layer.z)].astype(np.int64)
            counts += np.bincount(drawn, minlength=len(plot.categories))[:len(plot.categories)]
    return {category: int(n) for category, n in zip(plot.categories, counts) if n}


def _axes(figure: go.Figure, plot: MapPlotInfo) -> None:
    if plot.bounds is not None:
        (x0, x1), (y0, y1) = plot.bounds
        figure.update_xaxes(range=[x0, x1], title=plot.x_title, constrain="domain", showgrid=False, zeroline=False)
        figure.update_yaxes(range=[y0, y1], title=plot.y_title, showgrid=False, zeroline=False, scaleanchor="x",
                            scaleratio=1)
        return
    for update, values, title, log in ((figure.update_xaxes, plot.x, plot.x_title, plot.x_log),
                                       (figure.update_yaxes, plot.y, plot.y_title, plot.y_log)):
        update(title=title, type="log" if log else "linear", range=_edges(values, log), showgrid=False,
               zeroline=False)


def _edges(values: np.ndarray, log: bool) -> list[float]:
    """The axis range that shows every cell whole: half a cell beyond the first and last centres."""
    v = np.log10(values.astype(np.float64)) if log else values.astype(np.float64)
    half = (v[1] - v[0]) / 2 if len(v) > 1 else 0.5
    last = (v[-1] - v[-2]) / 2 if len(v) > 1 else 0.5
    return [float(v[0] - half), float(v[-1] + last)]
