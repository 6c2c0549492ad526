"""Animated GIF of the runs advancing step by step over the contour plot.

Kaleido renders the contour once, without the paths (about half a second); Pillow then draws the paths
and the current points of every frame on top. For that the data → pixel map must be exact, so the
background figure fixes its size, its margins (``autoexpand`` off: legends and colour bars do not move
the plot) and both axis ranges, and ``plot_area`` reads the map back from that layout.
"""

from __future__ import annotations

import dataclasses
import io
import math

import numpy as np
import plotly.graph_objects as go
from PIL import Image, ImageDraw, ImageFont

from export import fonts, images
from figures import SceneInfo, contour_figure
from figures.info import RunPath

GIF_WIDTH, GIF_HEIGHT = 900, 640
GIF_MARGIN = dict(l=70, r=270, t=60, b=60)  # the legend sits in the right margin
MAX_FRAMES = 100
FRAME_MS = 80
HOLD_MS = 1500  # the last frame stays this long before the loop restarts
TRANSPARENT = 255  # palette slot no pixel uses: the GIF writer marks unchanged pixels with it
PATH_ROLES = ("path", "current")
# Plotly's dash patterns in units of max(line width, 3) px, alternating on and off.
DASH_PATTERNS = {"solid": (), "dot": (1, 1), "dash": (3, 3), "longdash": (5, 5), "dashdot": (3, 1, 1, 1),
                 "longdashdot": (5, 2, 1, 2)}


@dataclasses.dataclass(frozen=True)
class PlotArea:
    """Where the axes' data ranges land in the rendered image, in image pixels (``scale`` applied)."""

    left: float
    top: float
    width: float
    height: float
    x_range: tuple[float, float]
    y_range: tuple[float, float]

    def pixels(self, x, y) -> np.ndarray:
        """(N, 2) image positions (column, row) of data points; pixel (i, j) covers [i, i+1) × [j, j+1)."""
        (x0, x1), (y0, y1) = self.x_range, self.y_range
        col = self.left + (np.asarray(x, np.float64) - x0) / (x1 - x0) * self.width
        row = self.top + (y1 - np.asarray(y, np.float64)) / (y1 - y0) * self.height
        return np.stack([col, row], axis=-1)

    @property
    def box(self) -> tuple[int, int, int, int]:
        return (round(self.left), round(self.top), round(self.left + self.width), round(self.top + self.height))


def plot_area(figure: go.Figure, scale: float = 1) -> PlotArea:
    """The plot area of a figure whose layout fixes width, height, margins (no autoexpand) and axis ranges."""
    layout = figure.layout
    margin = layout.margin
    if margin.autoexpand is not False or None in (layout.width, layout.height, margin.l, margin.r, margin.t, margin.b):
        raise ValueError("the figure must fix width, height and all four margins with margin.autoexpand=False")
    if layout.xaxis.range is None or layout.yaxis.range is None:
        raise ValueError("the figure must fix both axis ranges")
    inner_w = layout.width - margin.l - margin.r
    inner_h = layout.height - margin.t - margin.b
    (dx0, dx1), (dy0, dy1) = layout.xaxis.domain or (0, 1), layout.yaxis.domain or (0, 1)
    return PlotArea(
        left=scale * (margin.l + dx0 * inner_w), top=scale * (margin.t + (1 - dy1) * inner_h),
        width=scale * (dx1 - dx0) * inner_w, height=scale * (dy1 - dy0) * inner_h,
        x_range=tuple(float(v) for v in layout.xaxis.range), y_range=tuple(float(v) for v in layout.yaxis.range),
    )


def background_figure(info: SceneInfo) -> go.Figure:
    """The contour figure without the paths (their legend entries stay), at the GIF's fixed size and map."""
    figure = contour_figure(info)
    for trace in figure.data:
        role = (trace.meta or {}).get("role")
        if role == "path":
            trace.update(x=np.float32([np.nan]), y=np.float32([np.nan]))
        elif role == "current":
            trace.update(visible=False)
        elif isinstance(trace, go.Contour):
            trace.update(showscale=False)
    (x0, x1), (y0, y1) = info.bounds
    figure.update_xaxes(range=[x0, x1], autorange=False, domain=[0, 1], constrain=None)
    figure.update_yaxes(range=[y0, y1], autorange=False, domain=[0, 1], scaleanchor=None)
    figure.update_layout(
        width=GIF_WIDTH, height=GIF_HEIGHT, margin=dict(GIF_MARGIN, autoexpand=False, pad=0),
        title=dict(text=info.title, x=0, xref="paper", xanchor="left"),
        legend=dict(orientation="v", x=1.02, xanchor="left", y=1, yanchor="top",
                    font=dict(size=max(11, info.theme.font_size - 4))),
        paper_bgcolor="#ffffff", uirevision=None,
    )
    return figure


def animated_steps(steps: int, frames: int = MAX_FRAMES) -> np.ndarray:
    """Steps 0…steps, evenly thinned to at most ``frames`` (both ends kept)."""
    count = max(2, min(int(steps) + 1, int(frames)))
    return np.unique(np.round(np.linspace(0, steps, count)).astype(int))


@dataclasses.dataclass(frozen=True)
class RunDrawing:
    color: tuple[int, int, int]
    pixels: np.ndarray  # (k+1, 2) image pixels, relative to the plot area's corner
    arc: np.ndarray  # (k+1,) path length from the start, pixels
    dash: tuple[float, ...]  # on/off lengths in pixels; empty = solid


@dataclasses.dataclass(frozen=True)
class AnimationInfo:
    """Everything the frames are drawn from."""

    area: PlotArea
    steps: np.ndarray
    runs: tuple[RunDrawing, ...]
    line_width: int
    dot_radius: float
    current_radius: float
    scale: float


def _rgb(color: str) -> tuple[int, int, int]:
    color = color.lstrip("#")
    return tuple(int(color[i:i + 2], 16) for i in (0, 2, 4))


def _run_drawing(run: RunPath, area: PlotArea, line_width: float) -> RunDrawing:
    # Pillow puts pixel i's centre at i, the plot's coordinates at i + 0.5.
    points = area.pixels(run.x, run.y) - np.array([area.box[0] + 0.5, area.box[1] + 0.5])
    points = np.clip(points, -1e5, 1e5)
    arc = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(points, axis=0).T))])
    unit = max(line_width, 3.0)
    return RunDrawing(_rgb(run.color), points, arc, tuple(unit * v for v in DASH_PATTERNS.get(run.dash, ())))


def animation_info(info: SceneInfo, frames: int = MAX_FRAMES, scale: float = 1) -> AnimationInfo:
    area = plot_area(background_figure(info), scale)
    line_width = max(1, round(info.theme.line_width * scale))
    return AnimationInfo(
        area=area, steps=animated_steps(info.steps, frames),
        runs=tuple(_run_drawing(run, area, line_width) for run in info.runs),
        line_width=line_width, dot_radius=info.theme.marker_size * 0.3 * scale,
        current_radius=info.theme.current_marker_size * 0.5 * scale, scale=scale,
    )


def _on_pieces(s0: float, s1: float, dash: tuple[float, ...]):
    """The parts of the arc interval [s0, s1] where a dash pattern starting at arc 0 is on."""
    if not dash:
        yield s0, s1
        return
    period = sum(dash)
    start = math.floor(s0 / period) * period
    while start < s1:
        offset = start
        for i, length in enumerate(dash):
            if i % 2 == 0:
                low, high = max(s0, offset), min(s1, offset + length)
                if low < high:
                    yield low, high
            offset += length
        start += period


def _draw_segment(draw: ImageDraw.ImageDraw, run: RunDrawing, j: int, fill: int, width: int) -> None:
    """The path from point j-1 to point j, dashed along the whole path's length."""
    (ax, ay), (bx, by) = run.pixels[j - 1], run.pixels[j]
    s0, s1 = run.arc[j - 1], run.arc[j]
    if s1 <= s0:
        return
    for low, high in _on_pieces(s0, s1, run.dash):
        u, v = (low - s0) / (s1 - s0), (high - s0) / (s1 - s0)
        draw.line([(ax + u * (bx - ax), ay + u * (by - ay)), (ax + v * (bx - ax), ay + v * (by - ay))],
                  fill=fill, width=width)


def _dot(draw: ImageDraw.ImageDraw, center, radius: float, fill: int, outline: int | None = None,
         width: int = 0) -> None:
    x, y = center
    draw.ellipse([x - radius, y - radius, x + radius, y + radius], fill=fill, outline=outline, width=width)


def _palette_background(png: bytes, extra: list[tuple[int, int, int]]) -> tuple[Image.Image, dict]:
    """The background as a palette image: quantized colours, then ``extra`` (pixels of exactly those colours,
    such as the legend's run symbols, keep them), then the unused ``TRANSPARENT`` slot. Returns colour → index.
    """
    rgb = Image.open(io.BytesIO(png)).convert("RGB")
    own = TRANSPARENT - len(extra)
    indexed = rgb.quantize(colors=own, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    palette = (indexed.getpalette() or [])[: 3 * own]
    palette += [0] * (3 * own - len(palette))
    index = {color: own + i for i, color in enumerate(extra)}
    pixels, slots = np.asarray(rgb), np.array(indexed)
    for color, slot in index.items():
        slots[np.all(pixels == color, axis=-1)] = slot
    result = Image.fromarray(slots, mode="P")
    result.putpalette(palette + [c for color in extra for c in color] + [255, 0, 255])
    return result, index


def _font(size: float):
    """The app's own font (the one Kaleido draws the titles with), so any text is drawn on any machine."""
    try:
        return ImageFont.truetype(fonts.FONT_FILE, size)
    except ImportError:  # Pillow built without FreeType: the fixed bitmap font
        return ImageFont.load_default()


def frames(record: AnimationInfo, background_png: bytes) -> list[Image.Image]:
    """One palette image per animated step: the background, the paths so far, the current points, "t = step"."""
    white, black = (255, 255, 255), (0, 0, 0)
    colors = list(dict.fromkeys([run.color for run in record.runs] + [white, black]))
    background, index = _palette_background(background_png, colors)
    box = record.area.box
    canvas = background.crop(box)  # drawing here clips the paths to the plot area
    draw = ImageDraw.Draw(canvas)
    font = _font(18 * record.scale)
    for run in record.runs:
        _dot(draw, run.pixels[0], record.dot_radius, index[run.color])
    done = 0
    images_out = []
    for step in record.steps:
        for run in record.runs:
            last = min(int(step), len(run.pixels) - 1)
            for j in range(min(done, last) + 1, last + 1):
                _draw_segment(draw, run, j, index[run.color], record.line_width)
                _dot(draw, run.pixels[j], record.dot_radius, index[run.color])
        done = int(step)
        plot = canvas.copy()
        marks = ImageDraw.Draw(plot)
        for run in record.runs:
            here = run.pixels[min(int(step), len(run.pixels) - 1)]
            _dot(marks, here, record.current_radius, index[run.color], outline=index[white],
                 width=max(1, round(2 * record.scale)))
        frame = background.copy()
        frame.paste(plot, box[:2])
        label = f"t = {int(step)} / {int(record.steps[-1])}"
        ImageDraw.Draw(frame).text((box[2], box[1] - 8 * record.scale), label, fill=index[black], font=font,
                                   anchor="rb")
        images_out.append(frame)
    return images_out


def gif_bytes(info: SceneInfo, frames_wanted: int = MAX_FRAMES, scale: float = 1) -> bytes:
    """The animated GIF: one Kaleido render for the background, Pillow for every frame."""
    record = animation_info(info, frames_wanted, scale)
    pictures = frames(record, images.png(background_figure(info), scale=scale))
    durations = [FRAME_MS] * (len(pictures) - 1) + [HOLD_MS]
    buffer = io.BytesIO()
    pictures[0].save(buffer, format="GIF", save_all=True, append_images=pictures[1:], duration=durations, loop=0,
                     optimize=True, transparency=TRANSPARENT, disposal=1)
    return buffer.getvalue()
