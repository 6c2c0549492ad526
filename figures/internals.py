"""Figures of a run's internals and of stochastic gradients (pure Plotly, no Streamlit).

Records first, then figures: ``step_arrows`` turns an ``internals.InternalsInfo`` into typed arrows
(tests assert on them), ``arrow_traces`` draws them; the charts over steps, the seed band, the noise
ellipse and the ‖∇f‖ heatmap are pure functions of their records in internals.py and compute.py.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from figures.contour import contour_figure, gradient_norm_heatmap  # noqa: F401  (part of this module's API)
from figures.info import SceneInfo
from figures.theme import Theme, styled
from i18n import t
from analysis.internals import InternalsInfo, NextStep, SeedBand

DIRECTION_LENGTH = 0.18  # the longer of −g and −a/−m is drawn this fraction of the plot's width
STEP_MIN_LENGTH = 0.10  # steps shorter than this fraction of the width are magnified (both by one factor)
ELLIPSE_SIGMAS = 2.0
ELLIPSE_POINTS = 73
CLOUD_POINTS = 400  # next points drawn of the (up to 4096) mini-batches
BAND_DISCS = 80
BAND_DISC_POINTS = 25
ARROW_COLORS = {"gradient": "#E69F00", "moment": "#CC79A7", "scaled": "#56B4E9", "actual": "#FFFFFF"}
ARROW_OUTLINE = "#222222"
# Legends below the plots: their room is reserved for the narrowest the page draws them (the internals' contour
# column and the full width at 1280×800 with the sidebar open); wider, they take fewer rows.
CONTOUR_WIDTH_PX, CHARTS_WIDTH_PX = 470, 800
LEGEND_SYMBOL_PX, LEGEND_GAP_PX = 46, 12  # Plotly's symbol with its padding; between entries
LEGEND_CHARACTER = 0.58  # width of a Latin character, in font sizes
LEGEND_ROW = 2.3  # height of a legend row, in font sizes
LEGEND_CLEARANCE = 2.0  # font sizes between the x axis's title and the legend
DIRECTION_ROLES = ("gradient", "moment")  # drawn at a common length; the others are steps, to scale or magnified


@dataclasses.dataclass(frozen=True)
class Arrow:
    role: str  # "gradient", "moment", "scaled", "actual"
    label: str
    tail: np.ndarray  # (2,) float32
    head: np.ndarray  # (2,) float32, tail + scale · vector
    vector: np.ndarray  # (2,) the true value (−g, −a or −m, or a displacement)
    scale: float  # display factor: 1 for a step drawn to scale


def _width(bounds) -> float:
    (x0, x1), (y0, y1) = bounds
    return float(min(x1 - x0, y1 - y0))


def _common_scale(vectors, target: float, magnify_only: bool) -> float:
    longest = max(float(np.linalg.norm(v)) for v in vectors)
    if longest <= 0 or not np.isfinite(longest):
        return 1.0
    scale = target / longest
    return max(scale, 1.0) if magnify_only else scale


def magnification(scale: float) -> str:
    """A display factor as the legend and the caption both write it: "×2.53", "×81,300" (3 significant digits)."""
    rounded = float(f"{scale:.3g}")
    return f"×{rounded:,.0f}" if rounded >= 100 else f"×{rounded:g}"


def step_arrows(info: InternalsInfo, bounds, language: str = "ko") -> tuple[Arrow, ...]:
    """The arrows at the shown step: −g and −a/−m (directions, at a common display length), the scaled
    gradient step −η_eff·g and the actual step (displacements, to scale or magnified by one common factor)."""
    width = _width(bounds)
    tail = np.asarray(info.point, dtype=np.float64)
    directions = [("gradient", t("internals.gradient", language), -info.at("gradient"))]
    if info.moment is not None:
        directions.append(("moment", t("internals.moment", language, symbol=info.moment_symbol), -info.at("moment")))
    steps = [("scaled", t("internals.scaled", language), info.at("scaled_gradient_step")),
             ("actual", t("internals.actual", language), info.at("actual_step"))]
    arrows = []
    for group, target, magnify_only in ((directions, DIRECTION_LENGTH, False), (steps, STEP_MIN_LENGTH, True)):
        scale = _common_scale([v for _, _, v in group], target * width, magnify_only)
        for role, label, vector in group:
            vector = np.asarray(vector, dtype=np.float64)
            shown = label if scale == 1.0 or role in DIRECTION_ROLES else f"{label} ({magnification(scale)})"
            arrows.append(Arrow(role, shown, tail.astype(np.float32), (tail + scale * vector).astype(np.float32),
                                vector.astype(np.float32), float(scale)))
    return tuple(arrows)


def scale_note(arrows, language: str = "ko") -> str:
    """What the caption says of the arrows' lengths, with the factor the legend shows when the steps are magnified."""
    scale = next(arrow.scale for arrow in arrows if arrow.role not in DIRECTION_ROLES)
    if scale == 1.0:
        return t("internals.arrow_scale", language)
    return t("internals.arrow_magnified", language, factor=magnification(scale))


def arrow_traces(arrows, theme: Theme) -> list[go.Scatter]:
    traces = []
    for arrow in arrows:
        color = ARROW_COLORS[arrow.role]
        if arrow.role == "actual" and theme.name == "print":
            color = "#000000"
        traces.append(go.Scatter(
            x=np.float32([arrow.tail[0], arrow.head[0]]), y=np.float32([arrow.tail[1], arrow.head[1]]),
            mode="lines+markers", name=arrow.label,
            line=dict(color=color, width=theme.line_width * (1.4 if arrow.role == "actual" else 1.0),
                      dash="dot" if arrow.role in DIRECTION_ROLES else "solid"),
            # The outline shows a light arrow on a light surface and in the legend (on the page's white).
            marker=dict(symbol="arrow", angleref="previous", size=[0, theme.current_marker_size * 1.2], color=color,
                        line=dict(color=ARROW_OUTLINE, width=1.5)),
            customdata=np.float32([arrow.vector, arrow.vector]),
            hovertemplate=f"{arrow.label}<br>(%{{customdata[0]:.4g}}, %{{customdata[1]:.4g}})<extra></extra>",
            meta=dict(role="arrow", kind=arrow.role, scale=arrow.scale),
        ))
    return traces


def internals_contour_figure(scene_info: SceneInfo, arrows) -> go.Figure:
    """The page's contour at the shared step with a run's arrows (``step_arrows``) on top."""
    figure = contour_figure(scene_info)
    figure.add_traces(arrow_traces(arrows, scene_info.theme))
    # Taller than wide in a narrow column, the square plot keeps its range and moves up (its legend is below).
    figure.update_yaxes(constrain="domain", constraintoward="top")
    return legend_below(figure, CONTOUR_WIDTH_PX)


# --- charts over steps ---------------------------------------------------------------------------------

def _chart_rows(info: InternalsInfo, language: str) -> list[tuple[str, dict[str, np.ndarray], bool]]:
    """(title, series by name, log axis) for each chart the run has."""
    rows = [(t("internals.grad_norm", language), {"‖g‖": info.grad_norm}, True),
            (t("internals.lr_eff", language), {"η_eff,x": info.lr_eff[:, 0], "η_eff,y": info.lr_eff[:, 1]}, True)]
    if info.accumulators:
        series = {f"{symbol}_{axis}": values[:, i] for symbol, values in info.accumulators.items()
                  for i, axis in enumerate("xy")}
        positive = all(np.all(v > 0) for v in series.values())
        rows.append((t("internals.accumulators", language), series, positive))
    if info.bias_correction:
        rows.append((t("internals.bias", language), dict(info.bias_correction), False))
    return rows


def internals_charts(info: InternalsInfo, theme: Theme, language: str = "ko") -> go.Figure:
    """‖g‖, η_eff per coordinate, the accumulators and Adam's bias-correction factors against the step,
    with the shown step marked by a vertical line in every chart."""
    rows = _chart_rows(info, language)
    figure = make_subplots(rows=len(rows), cols=1, shared_xaxes=True, vertical_spacing=0.06,
                           subplot_titles=[title for title, _, _ in rows])
    steps = np.arange(info.steps, dtype=np.int32)
    palette = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")
    for row, (title, series, log) in enumerate(rows, start=1):
        for i, (name, values) in enumerate(series.items()):
            figure.add_trace(go.Scatter(
                x=steps, y=np.asarray(values, dtype=np.float32), mode="lines", name=name,
                line=dict(color=palette[i % len(palette)], width=theme.line_width * 0.7),
                hovertemplate=f"{name}<br>{t('internals.step_axis', language)} %{{x}}: %{{y:.4g}}<extra></extra>",
                meta=dict(role="series", chart=title, series=name),
            ), row=row, col=1)
        if log:
            figure.update_yaxes(type="log", row=row, col=1)
        figure.add_vline(x=info.step, line=dict(color="#888888", width=1.5, dash="dash"), row=row, col=1)
    figure.update_xaxes(title=t("internals.step_axis", language), row=len(rows), col=1)
    figure.update_layout(showlegend=True, hovermode="x unified")
    return legend_below(styled(figure, theme, height=180 * len(rows) + 80, uirevision=f"internals-{info.run_index}"),
                        CHARTS_WIDTH_PX)


def legend_entries(figure: go.Figure) -> list[str]:
    return [trace.name for trace in figure.data
            if trace.type == "scatter" and trace.showlegend is not False and trace.name]


def legend_rows(names: list[str], font_size: float, width: float) -> int:
    """How many rows a horizontal legend of ``names`` takes in ``width`` pixels (Hangul is about twice as wide)."""
    rows, used = 1, 0.0
    for name in names:
        text = sum(font_size * (1.0 if "\uac00" <= ch <= "\ud7a3" else LEGEND_CHARACTER) for ch in name)
        item = LEGEND_SYMBOL_PX + text + LEGEND_GAP_PX
        if used and used + item > width:
            rows, used = rows + 1, 0.0
        used += item
    return rows


def legend_below(figure: go.Figure, width: float) -> go.Figure:
    """The legend under the x axis's title, in a bottom margin grown by the rows it takes at ``width`` pixels (the
    narrowest the figure is drawn at); the figure grows by as much, so the plot keeps its size."""
    margin, font = figure.layout.margin, figure.layout.legend.font.size
    below_title = margin.b + LEGEND_CLEARANCE * font  # the tick labels and the title reach a little past margin.b
    room = LEGEND_CLEARANCE * font + legend_rows(legend_entries(figure), font, width) * LEGEND_ROW * font
    plot = figure.layout.height - margin.t - margin.b
    figure.update_layout(height=round(figure.layout.height + room), margin=dict(b=round(margin.b + room)),
                         legend=dict(orientation="h", xanchor="left", x=0, yanchor="top", y=-below_title / plot))
    return figure


# --- stochastic views ----------------------------------------------------------------------------------

def band_outline(mean: np.ndarray, radius: np.ndarray, most: int = BAND_DISCS) -> tuple[np.ndarray, np.ndarray]:
    """A band of half-width ``radius`` around the path ``mean``, as discs centred on the path's points
    (at most ``most`` of them, NaN-separated; one filled trace draws their union as a tube)."""
    mean = np.asarray(mean, dtype=np.float64)
    chosen = np.unique(np.linspace(0, len(mean) - 1, min(len(mean), most)).round().astype(int))
    angle = np.linspace(0.0, 2.0 * np.pi, BAND_DISC_POINTS)
    ring = np.stack([np.cos(angle), np.sin(angle)], axis=1)
    discs = mean[chosen, None, :] + radius[chosen, None, None] * ring[None]
    gap = np.full((len(chosen), 1, 2), np.nan)
    outline = np.concatenate([discs, gap], axis=1).reshape(-1, 2)
    return outline[:, 0].astype(np.float32), outline[:, 1].astype(np.float32)


def seed_band_traces(band: SeedBand, color: str, label: str, theme: Theme, upto: int | None = None) -> list[go.Scatter]:
    """The mean path of several seeds and a translucent band of ±1 spread around it, up to step ``upto``.
    One legend entry, the mean's dashed line, names and toggles both (the pale band shows poorly in a legend)."""
    end = len(band.mean) if upto is None else max(1, min(int(upto) + 1, len(band.mean)))
    x, y = band_outline(band.mean[:end], band.spread[:end])
    fill = translucent(color, 0.22)
    group = f"seeds-{label}"
    return [
        go.Scatter(x=x, y=y, mode="lines", fill="toself", fillcolor=fill, line=dict(width=0, color=fill),
                   name=label, hoverinfo="skip", legendgroup=group, showlegend=False, meta=dict(role="seed_band")),
        go.Scatter(x=band.mean[:end, 0], y=band.mean[:end, 1], mode="lines", name=f"{label} (μ ± σ)",
                   legendgroup=group, line=dict(color=color, width=theme.line_width, dash="dash"),
                   meta=dict(role="seed_mean")),
    ]


def seed_loss_traces(band: SeedBand, color: str, label: str, theme: Theme) -> list[go.Scatter]:
    """Mean loss over seeds with a ±1 standard-deviation band, for the loss chart."""
    steps = np.arange(len(band.loss_mean), dtype=np.int32)
    upper, lower = band.loss_mean + band.loss_std, band.loss_mean - band.loss_std
    fill = translucent(color, 0.22)
    return [
        go.Scatter(x=np.concatenate([steps, steps[::-1]]), y=np.concatenate([upper, lower[::-1]]).astype(np.float32),
                   fill="toself", fillcolor=fill, line=dict(width=0, color=fill), mode="lines", name=label,
                   hoverinfo="skip", meta=dict(role="seed_loss_band")),
        go.Scatter(x=steps, y=band.loss_mean, mode="lines", name=f"{label} · μ",
                   line=dict(color=color, width=theme.line_width, dash="dash"), meta=dict(role="seed_loss_mean")),
    ]


def ellipse_outline(next_step: NextStep, sigmas: float = ELLIPSE_SIGMAS) -> tuple[np.ndarray, np.ndarray]:
    """The ``sigmas``-σ ellipse of the next point's covariance around its mean."""
    stds, vectors = next_step.axes
    angle = np.linspace(0.0, 2.0 * np.pi, ELLIPSE_POINTS)
    circle = np.stack([np.cos(angle), np.sin(angle)], axis=1)
    points = next_step.mean + sigmas * (circle * stds) @ vectors.T
    return points[:, 0].astype(np.float32), points[:, 1].astype(np.float32)


def noise_ellipse_traces(next_step: NextStep, color: str, label: str, theme: Theme) -> list[go.Scatter]:
    """Where the next step lands: a cloud of the next points (one per mini-batch, at most CLOUD_POINTS
    drawn), the 2σ ellipse of their covariance and their mean."""
    x, y = ellipse_outline(next_step)
    cloud = next_step.samples[np.unique(np.linspace(0, len(next_step.samples) - 1, CLOUD_POINTS).astype(int))]
    mean = next_step.mean.astype(np.float32)
    return [
        go.Scatter(x=cloud[:, 0].astype(np.float32), y=cloud[:, 1].astype(np.float32), mode="markers",
                   marker=dict(size=max(3, theme.marker_size // 3), color=translucent(color, 0.45)),
                   showlegend=False, hoverinfo="skip", name=f"{label} · w_(t+1)",
                   meta=dict(role="noise_cloud", exact=next_step.exact, batches=len(next_step.samples))),
        go.Scatter(x=x, y=y, mode="lines", fill="toself", fillcolor=translucent(color, 0.12),
                   line=dict(color=color, width=theme.line_width * 0.6), name=label, hoverinfo="skip",
                   meta=dict(role="noise_ellipse", batch_size=next_step.batch_size)),
        go.Scatter(x=mean[:1], y=mean[1:], mode="markers", showlegend=False, name=f"{label} · E",
                   marker=dict(symbol="x-thin", size=theme.marker_size * 2, color=color, line=dict(width=2, color=color)),
                   hoverinfo="skip", meta=dict(role="noise_centre")),
    ]


def translucent(color: str, alpha: float) -> str:
    hex_color = color.lstrip("#")
    r, g, b = (int(hex_color[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"
