"""The typed record every figure is drawn from: ``SceneInfo``, computed once per scene and step.

``scene_info`` gathers what the builders need (surface grid, per-run paths with z on the surface,
colours, critical points by kind, gradient field, labels in the scene's language); the builders in
contour.py, surface3d.py and loss.py are pure functions of it. Tests assert on this record.
"""

from __future__ import annotations

import dataclasses
from typing import Sequence

import numpy as np

from analysis import compute
from figures.theme import Theme, dash_for, theme_named
from i18n import t
from landscapes import KINDS, Landscape, is_model
from landscapes.base import DEFAULT_VIEW_ANGLE
from optimizers import Trajectory
from scene import Run, Scene

SURFACE_3D_STRIDE = 2  # every 2nd grid node in 3D: a quarter of the WebGL work, same look
LOG_FLOOR_PERCENTILE = 3.0  # see _display_scale
LOG_DISPLAY_RATIO = 10.0  # show log10(f - f_min) when the range dwarfs the typical value this much
BOX_HEADROOM = 0.08  # the 3D box reaches this fraction of the surface's height above its highest point
STREAM_SEEDS = 9  # per side
STREAM_POINTS = 40


@dataclasses.dataclass(frozen=True)
class RunPath:
    index: int  # position in scene.runs
    label: str
    color: str
    dash: str
    x: np.ndarray  # (k+1,) float32, the whole run
    y: np.ndarray
    loss: np.ndarray  # (k+1,) float32, f(w_t) on the plotted surface
    z: np.ndarray  # (k+1,) float32, loss in the display scale: the 3D points lie on the drawn surface
    current: int  # index of the shown step in these arrays (a diverged run stops early)
    diverged_at: int | None
    stochastic: bool
    exit_2d: "BoxExit | None" = None  # where the path leaves the contour's x, y bounds
    exit_3d: "BoxExit | None" = None  # where it leaves the 3D box (x, y bounds and the surface's z range)
    accuracy: np.ndarray | None = None  # (k+1,) float32, a classifier's training accuracy (the loss chart's 2nd axis)


@dataclasses.dataclass(frozen=True)
class BoxExit:
    step: int  # the first step outside
    point: tuple[float, float, float]  # where the path crosses the box's side (z in the display scale)


@dataclasses.dataclass(frozen=True)
class CriticalMarkers:
    kind: str  # one of landscapes.KINDS
    label: str
    x: np.ndarray
    y: np.ndarray
    z: np.ndarray  # display scale
    hessian: np.ndarray  # (K, 6) per point: eigenvalues λ₁ ≤ λ₂, then the eigenvectors v₁ = (a, b), v₂ = (c, d)


@dataclasses.dataclass(frozen=True)
class Arrows:
    """Line segments of the gradient-field overlay, NaN-separated (one trace draws them all)."""

    x: np.ndarray
    y: np.ndarray
    mode: str  # "arrows", "norm" (direction only) or "stream"


@dataclasses.dataclass(frozen=True)
class SceneInfo:
    landscape_id: str
    title: str
    language: str
    theme: Theme
    bounds: tuple[tuple[float, float], tuple[float, float]]
    xs: np.ndarray  # grid, float32
    ys: np.ndarray
    z: np.ndarray  # (R, R) f on the grid
    z_display: np.ndarray  # (R, R) what the contour and 3D surface draw
    log_display: bool  # z_display = log10(f - z_floor) when True
    z_floor: float
    start: tuple[float, float]
    step: int  # the shared step shown in every view
    steps: int
    runs: tuple[RunPath, ...]  # visible runs only, in scene order
    critical: tuple[CriticalMarkers, ...]  # only kinds present, in KINDS order; empty when hidden
    field: Arrows | None
    grad_norm: compute.Field | None  # the field behind the ‖∇f‖ heatmap (field mode "norm")
    log_loss: bool
    loss_offset: float  # the loss chart draws loss - loss_offset (non-zero only for a log axis under f ≤ 0)
    labels: dict[str, str]
    camera: tuple[float, ...] | None = None  # the 3D view's eye, centre and up; None: the landscape's view
    view_angle: tuple[float, float] = DEFAULT_VIEW_ANGLE  # the landscape's first 3D view (azimuth, elevation)
    loss_decades: float = 0.0  # powers of ten the loss chart's values span on a log axis (0 on a linear one)
    plane_note: str = ""  # a model's: what the drawn plane of its parameter space is (figures/model_info.py)

    @property
    def z_range(self) -> tuple[float, float]:
        """The drawn surface's lowest and highest value (display scale): the 3D box's height."""
        finite = self.z_display[np.isfinite(self.z_display)]
        return (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)

    def display(self, values: np.ndarray) -> np.ndarray:
        """Loss values in the scale the contour and the 3D surface use."""
        values = np.asarray(values, dtype=np.float32)
        if not self.log_display:
            return values
        return np.log10(np.maximum(values - self.z_floor, np.float32(1e-12))).astype(np.float32)


def _display_scale(z: np.ndarray) -> tuple[bool, float]:
    finite = z[np.isfinite(z)]
    if not finite.size:
        return False, 0.0
    low, high, typical = float(finite.min()), float(finite.max()), float(np.median(finite))
    spread = high - low
    if spread <= 0 or (typical - low) * LOG_DISPLAY_RATIO >= spread:
        return False, low
    # The floor sits below the lowest value by the plot's lowest few per cent: a valley narrower than the grid
    # (Rosenbrock's) then shows as a floor, not as a saw of cells that happen to fall nearer the minimum.
    return True, low - max(1e-3 * (typical - low), float(np.percentile(finite - low, LOG_FLOOR_PERCENTILE)))


def _field_segments(field: compute.Field, bounds, mode: str) -> Arrows:
    (x0, x1), (y0, y1) = bounds
    cell = min(x1 - x0, y1 - y0) / (np.sqrt(len(field.x)) + 1)
    if mode == "stream":
        return _streamlines(field, bounds, cell)
    gx, gy = -field.gx, -field.gy  # arrows point downhill, where the optimizers go
    norm = np.hypot(gx, gy)
    if mode == "norm":
        scale = np.where(norm > 0, 0.8 * cell / np.maximum(norm, 1e-30), 0.0)
    else:
        scale = np.full_like(norm, 0.9 * cell / max(float(np.percentile(norm, 90)), 1e-30))
        scale = np.minimum(scale, np.where(norm > 0, 1.2 * cell / np.maximum(norm, 1e-30), 0.0))
    dx, dy = gx * scale, gy * scale
    tip_x, tip_y = field.x + dx, field.y + dy
    # Two short barbs at the tip, 25° off the shaft.
    barbs = []
    for angle in (np.deg2rad(155.0), np.deg2rad(-155.0)):
        c, s = np.cos(angle), np.sin(angle)
        barbs.append((tip_x + 0.35 * (c * dx - s * dy), tip_y + 0.35 * (s * dx + c * dy)))
    nan = np.full_like(field.x, np.nan)
    xs = np.stack([field.x, tip_x, barbs[0][0], nan, tip_x, barbs[1][0], nan], axis=1).ravel()
    ys = np.stack([field.y, tip_y, barbs[0][1], nan, tip_y, barbs[1][1], nan], axis=1).ravel()
    return Arrows(xs.astype(np.float32), ys.astype(np.float32), mode)


def _streamlines(field: compute.Field, bounds, cell: float) -> Arrows:
    """Downhill streamlines from a grid of seeds, by fixed-length steps along the interpolated field."""
    (x0, x1), (y0, y1) = bounds
    side = int(round(np.sqrt(len(field.x))))
    gx = (-field.gx).reshape(side, side)
    gy = (-field.gy).reshape(side, side)
    seeds_x, seeds_y = np.meshgrid(np.linspace(x0, x1, STREAM_SEEDS + 2)[1:-1], np.linspace(y0, y1, STREAM_SEEDS + 2)[1:-1])
    px, py = seeds_x.ravel().astype(np.float64), seeds_y.ravel().astype(np.float64)
    rows_x, rows_y = [px.copy()], [py.copy()]
    alive = np.ones_like(px, dtype=bool)
    step = 0.35 * cell
    for _ in range(STREAM_POINTS):
        fx = (px - x0) / (x1 - x0) * (side - 1)
        fy = (py - y0) / (y1 - y0) * (side - 1)
        i = np.clip(fy.astype(int), 0, side - 2)
        j = np.clip(fx.astype(int), 0, side - 2)
        u, v = np.clip(fx - j, 0, 1), np.clip(fy - i, 0, 1)

        def bilinear(a):
            return (a[i, j] * (1 - u) * (1 - v) + a[i, j + 1] * u * (1 - v)
                    + a[i + 1, j] * (1 - u) * v + a[i + 1, j + 1] * u * v)

        vx, vy = bilinear(gx), bilinear(gy)
        norm = np.hypot(vx, vy)
        alive &= norm > 1e-9
        move = np.where(alive, step / np.maximum(norm, 1e-30), 0.0)
        px, py = px + vx * move, py + vy * move
        alive &= (px >= x0) & (px <= x1) & (py >= y0) & (py <= y1)
        rows_x.append(np.where(alive, px, np.nan))
        rows_y.append(np.where(alive, py, np.nan))
    nan = np.full_like(px, np.nan)
    xs = np.stack(rows_x + [nan], axis=1).ravel()
    ys = np.stack(rows_y + [nan], axis=1).ravel()
    return Arrows(xs.astype(np.float32), ys.astype(np.float32), "stream")


def _labels(language: str, log_display: bool) -> dict[str, str]:
    keys = ("fig.start", "fig.current", "fig.step", "fig.loss", "fig.loss_gap", "fig.field", "fig.title_contour",
            "fig.title_surface", "fig.title_loss", "fig.diverged", "fig.grad_norm", "fig.left_plot")
    labels = {key: t(key, language) for key in keys}
    labels["fig.z"] = t("fig.z_log" if log_display else "fig.z", language)
    return labels


def scene_info(scene: Scene, landscape: Landscape, trajectories: Sequence[Trajectory | None],
               grid: compute.Grid | None, field: compute.Field | None = None, theme: str | None = None) -> SceneInfo:
    """The record of one scene at its shown step. ``trajectories`` lines up with ``scene.runs`` (None for hidden runs).

    A model's surface is a slice through its runs (``grid`` and ``field`` unused): figures/model_info.py."""
    if is_model(landscape):
        from figures.model_info import model_scene_info  # it builds on this module

        return model_scene_info(scene, landscape, trajectories, theme)
    return with_runs(surface_info(scene, landscape, grid, field, theme), scene, trajectories)


def surface_info(scene: Scene, landscape: Landscape, grid: compute.Grid, field: compute.Field | None = None,
                 theme: str | None = None) -> SceneInfo:
    """The part of the record that depends only on the surface and the view settings (no runs, step 0).

    The page caches it per landscape; ``with_runs`` completes it for a scene.
    """
    language = scene.language
    theme_obj = theme_named(theme or ("projector" if scene.view.projector else "screen"))
    log_display, z_floor = _display_scale(grid.z)
    info = SceneInfo(
        landscape_id=scene.landscape, title=landscape.name.get(language, landscape.id), language=language,
        theme=theme_obj, bounds=landscape.bounds, xs=grid.xs, ys=grid.ys, z=grid.z, z_display=grid.z,
        log_display=log_display, z_floor=z_floor, start=tuple(float(v) for v in scene.start),
        step=0, steps=0, runs=(), critical=(), field=None, grad_norm=None,
        log_loss=scene.view.log_loss, loss_offset=0.0, labels=_labels(language, log_display),
        camera=scene.view.camera, view_angle=landscape.view_angle,
    )
    critical = []
    if scene.view.show_critical:
        points = landscape.critical_points
        for kind in KINDS:
            chosen = [p.xy for p in points if p.kind == kind]
            if chosen:
                xy = np.asarray(chosen, dtype=np.float32)
                values, vectors = compute.hessian_eigen(landscape, xy)
                hessian = np.concatenate([values, vectors[:, :, 0], vectors[:, :, 1]], axis=1)
                critical.append(CriticalMarkers(kind, t(f"kind.{kind}", language), xy[:, 0], xy[:, 1],
                                                info.display(compute.values_at(landscape, xy)), hessian))
    arrows = None
    if field is not None and scene.view.field != "none":
        arrows = _field_segments(field, landscape.bounds, scene.view.field)
    return dataclasses.replace(
        info, z_display=info.display(grid.z), critical=tuple(critical), field=arrows,
        grad_norm=field if arrows is not None and scene.view.field == "norm" else None,
    )


def with_runs(surface: SceneInfo, scene: Scene, trajectories: Sequence[Trajectory | None],
              heights: Sequence[np.ndarray | None] | None = None) -> SceneInfo:
    """``surface`` (from ``surface_info``) completed with the scene's start, steps, step, camera and runs.

    ``heights`` (per run, or None) are the values the 3D points sit at when they are not the run's loss (a
    model's slice at the projected point)."""
    info = dataclasses.replace(surface, start=tuple(float(v) for v in scene.start), step=scene.shown_step,
                               steps=scene.steps, log_loss=scene.view.log_loss, camera=scene.view.camera)
    heights = heights or [None] * len(scene.runs)
    runs = tuple(run_path(info, index, run, traj, height)
                 for index, (run, traj, height) in enumerate(zip(scene.runs, trajectories, heights))
                 if run.visible and traj is not None)
    lowest = min([float(np.nanmin(info.z)) if np.isfinite(info.z).any() else 0.0]
                 + [float(np.nanmin(r.loss)) for r in runs if np.isfinite(r.loss).any()])
    loss_offset = lowest if scene.view.log_loss and lowest <= 0 else 0.0
    info = dataclasses.replace(info, runs=runs, loss_offset=loss_offset)
    return dataclasses.replace(info, loss_decades=_decades(info) if info.log_loss else 0.0)


def _decades(info: SceneInfo) -> float:
    """How many powers of ten the runs' losses span, as the loss chart draws them (above its offset)."""
    from figures.loss import loss_values  # the chart's own rule for what it draws

    drawn = [loss_values(info, run.loss) for run in info.runs]
    values = np.concatenate(drawn) if drawn else np.ones(1, np.float32)
    values = values[np.isfinite(values) & (values > 0)]
    return float(np.log10(values.max() / values.min())) if values.size else 0.0


def run_path(info: SceneInfo, index: int, run: Run, traj: Trajectory, height: np.ndarray | None = None) -> RunPath:
    """Run ``index`` of the scene as the figures draw it, in ``info``'s language, theme and display scale; its
    3D points at ``height`` (the run's loss when None)."""
    params = np.asarray(traj.params, dtype=np.float32)
    loss = np.asarray(traj.loss, dtype=np.float32)
    z = info.display(loss if height is None else height)
    points = np.stack([params[:, 0], params[:, 1], z], axis=1).astype(np.float64)
    (x0, x1), (y0, y1) = info.bounds
    z0, z1 = info.z_range
    return RunPath(
        index=index, label=run.label(info.language), color=run.color, dash=dash_for(info.theme, index),
        x=params[:, 0], y=params[:, 1], loss=loss, z=z,
        current=min(info.step, len(loss) - 1), diverged_at=traj.diverged_at, stochastic=run.batch_size is not None,
        exit_2d=box_exit(points, (x0, y0, -np.inf), (x1, y1, np.inf)),
        exit_3d=box_exit(points, (x0, y0, z0), (x1, y1, z1 + BOX_HEADROOM * (z1 - z0))),
    )


def box_exit(points: np.ndarray, lows, highs) -> BoxExit | None:
    """Where a path of (x, y, z) points first leaves the box [lows, highs]: what is outside is not drawn."""
    lows, highs = np.asarray(lows, dtype=np.float64), np.asarray(highs, dtype=np.float64)
    inside = np.all(np.isfinite(points) & (points >= lows) & (points <= highs), axis=1)
    outside = np.flatnonzero(~inside)
    if not outside.size or outside[0] == 0:
        return None
    step = int(outside[0])
    last, beyond = points[step - 1], points[step]
    if not np.all(np.isfinite(beyond)):
        return BoxExit(step, tuple(float(v) for v in last))
    move = beyond - last
    with np.errstate(divide="ignore", invalid="ignore"):  # per side: the fraction of the segment still inside
        fractions = np.where(beyond > highs, (highs - last) / move, np.where(beyond < lows, (lows - last) / move, 1.0))
    crossing = last + float(np.clip(np.nanmin(fractions), 0.0, 1.0)) * move
    return BoxExit(step, tuple(float(v) for v in crossing))


def surface_arrays(info: SceneInfo) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The grid thinned for the 3D view (x, y, z_display); whole on a log scale, where a narrow valley between
    the thinned nodes would show as a saw-toothed wall."""
    s = 1 if info.log_display else SURFACE_3D_STRIDE
    return info.xs[::s], info.ys[::s], info.z_display[::s, ::s]
