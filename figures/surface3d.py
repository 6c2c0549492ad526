"""The 3D view: the surface, and each visible run's path on it (z = f(w_t) in the display scale)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from figures.contour import critical_hover
from figures.info import BOX_HEADROOM, SceneInfo, surface_arrays
from figures.parts import UNCHECKED, FigureParts
from figures.stepping import CURRENT, MARK, PATH, at_step, step_meta
from figures.theme import EXIT_SYMBOL, KIND_COLORS, KIND_SYMBOLS, styled_layout
from landscapes.base import DEFAULT_VIEW_ANGLE

PATH_LIFT = 0.02  # paths and markers float this fraction of the surface's height above it, so it hides none
BOX_FLOOR = 0.02  # the box reaches this fraction of the height below the surface's lowest point


def path_lift(info: SceneInfo) -> float:
    """How far above the mesh the 3D paths and markers are drawn, so the surface does not hide them."""
    low, high = info.z_range
    return PATH_LIFT * (high - low)


def z_box(info: SceneInfo) -> list[float]:
    """The 3D box's height: the surface's (with room for the lifted paths); a diverging run leaves it."""
    low, high = info.z_range
    return [low - BOX_FLOOR * (high - low), high + BOX_HEADROOM * (high - low)]


CAMERA_DISTANCE = 2.2


def camera_eye(azimuth: float, elevation: float) -> dict[str, float]:
    """Plotly's camera eye for an azimuth (from +x, counter-clockwise) and an elevation, in degrees."""
    az, el = np.deg2rad(azimuth), np.deg2rad(elevation)
    return dict(x=float(CAMERA_DISTANCE * np.cos(el) * np.cos(az)), y=float(CAMERA_DISTANCE * np.cos(el) * np.sin(az)),
                z=float(CAMERA_DISTANCE * np.sin(el)))


def default_camera(angle: tuple[float, float] = DEFAULT_VIEW_ANGLE) -> dict[str, dict[str, float]]:
    return dict(eye=camera_eye(*angle), center=dict(x=0.0, y=0.0, z=0.0), up=dict(x=0.0, y=0.0, z=1.0))


def camera_of(values: tuple[float, ...] | None, angle: tuple[float, float] = DEFAULT_VIEW_ANGLE
              ) -> dict[str, dict[str, float]]:
    """Plotly's scene camera from the scene's 9 numbers (eye, centre, up), or the default camera at ``angle``."""
    if values is None:
        return default_camera(angle)
    names = ("eye", "center", "up")
    return {name: dict(zip("xyz", (float(v) for v in values[3 * i:3 * i + 3]))) for i, name in enumerate(names)}


def surface_parts(info: SceneInfo, *, layout: bool = True, surface: bool = True) -> FigureParts:
    """The surface, each visible run's whole path on it, and the critical points above them (``layout=False``:
    the traces only; ``surface=False``: without the surface, for a run's part)."""
    theme = info.theme
    under = (surface_trace(info),) if surface else ()
    lift = np.float32(path_lift(info))
    critical = [go.Scatter3d(
        x=m.x, y=m.y, z=m.z + lift, mode="markers", name=m.label, legendgroup=m.kind,
        marker=dict(symbol=KIND_SYMBOLS[m.kind], color=KIND_COLORS[m.kind], size=theme.current_marker_size * 0.7,
                    line=dict(color="black", width=2)),
        customdata=m.hessian, hovertemplate=critical_hover(m.label), meta=dict(role="critical", kind=m.kind),
    ) for m in info.critical]
    runs = []
    for run in info.runs:
        z = run.z + lift
        runs.append(go.Scatter3d(
            x=run.x, y=run.y, z=z, mode="lines", name=run.label,
            legendgroup=f"run{run.index}", line=dict(color=run.color, width=theme.line_width * 2, dash=run.dash),
            customdata=run.loss,
            hovertemplate=f"{run.label}<br>x=%{{x:.4g}}<br>y=%{{y:.4g}}<br>f=%{{customdata:.4g}}<extra></extra>",
            meta=dict(role=PATH, run=run.index), **UNCHECKED,
        ))
        runs.append(go.Scatter3d(
            x=run.x, y=run.y, z=z, mode="markers", showlegend=False,
            name=f"{run.label} · {info.labels['fig.current']}", legendgroup=f"run{run.index}",
            marker=dict(color=run.color, size=theme.current_marker_size * 0.6, line=dict(color="white", width=2)),
            hoverinfo="skip", meta=dict(role=CURRENT, run=run.index), **UNCHECKED,
        ))
        if run.exit_3d is not None:
            x, y, z = run.exit_3d.point
            runs.append(go.Scatter3d(
                x=np.float32([x]), y=np.float32([y]), z=np.float32([min(z, z_box(info)[1])]), mode="markers",
                showlegend=False, name=f"{run.label} · {info.labels['fig.left_plot']}", legendgroup=f"run{run.index}",
                marker=dict(symbol=EXIT_SYMBOL, color=run.color, size=theme.current_marker_size * 0.8,
                            line=dict(color=run.color, width=3)),
                hovertemplate=f"{run.label}<br>{info.labels['fig.left_plot']}: {info.labels['fig.step']} "
                              f"{run.exit_3d.step}<extra></extra>",
                meta=dict(role=MARK, run=run.index, **{"from": run.exit_3d.step}), **UNCHECKED,
            ))
    return FigureParts(surface_layout(info) if layout else None, under, tuple(runs), tuple(critical))


def surface_trace(info: SceneInfo) -> go.Surface:
    xs, ys, z = surface_arrays(info)
    return go.Surface(
        x=xs, y=ys, z=z, colorscale=info.theme.colorscale, showscale=False, opacity=0.92, name=info.title,
        hoverinfo="skip", contours=dict(z=dict(show=False)), meta=dict(role="surface"),
        visible=bool(np.isfinite(z).any()),  # WebGL fails on a surface without one finite value (Kaleido, browsers)
    )


def surface_layout(info: SceneInfo) -> go.Layout:
    (x0, x1), (y0, y1) = info.bounds
    return styled_layout(dict(
        title=dict(text=info.labels["fig.title_surface"]),
        scene=dict(
            xaxis=dict(title=dict(text=info.labels.get("fig.x", "x")), range=[x0, x1]),
            yaxis=dict(title=dict(text=info.labels.get("fig.y", "y")), range=[y0, y1]),
            zaxis=dict(title=dict(text=info.labels["fig.z"]), range=z_box(info)), aspectmode="manual",
            aspectratio=dict(x=1, y=1, z=0.6),
            camera=camera_of(info.camera, info.view_angle),
        ),
        legend=dict(orientation="h", yanchor="top", y=0.0, x=0),
        meta=step_meta(info.step),
    ), info.theme, uirevision=f"surface-{info.landscape_id}")


def surface_figure(info: SceneInfo, *, stepped: bool = True) -> go.Figure:
    """The 3D view at the shared step (``stepped=False``: every run whole)."""
    figure = surface_parts(info).figure()
    return at_step(figure, info.step) if stepped else figure
