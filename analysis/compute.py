"""Scene → numbers: trajectories, surface grids, gradient fields and per-run metrics.

Pure functions of a Scene (no Streamlit, no Plotly). The page caches thin wrappers around them;
the export CLI and the tests call them directly.
"""

from __future__ import annotations

import functools
from typing import NamedTuple

import jax
import numpy as np

import optimizers
from analysis import convergence
from landscapes import Landscape, as_finite_sum
from scene import Run, Scene

SURFACE_RESOLUTION = 121
FIELD_RESOLUTION = 21


def make_optimizer(run: Run) -> optimizers.Optimizer:
    return optimizers.make(run.optimizer, run.convention, **run.settings)


def gradient_source(scene: Scene, run: Run, surface: Landscape | None = None):
    """What the run differentiates: the surface itself, or its finite sum for a stochastic run."""
    surface = surface or scene.surface()
    if run.batch_size is None:
        return surface, None
    finite_sum = as_finite_sum(surface, noise=scene.noise, seed=scene.seed)
    return finite_sum, min(max(int(run.batch_size), 1), finite_sum.n)


def trajectory(scene: Scene, run: Run, seed: int | None = None) -> optimizers.Trajectory:
    """The run's trajectory from the scene's start, for the scene's number of steps."""
    surface = scene.surface()
    fn, batch_size = gradient_source(scene, run, surface)
    seed = scene.seed if seed is None else seed
    return optimizers.run(make_optimizer(run), fn, surface.parameters(scene.start), scene.steps,
                          batch_size=batch_size, seed=seed)


def trajectories(scene: Scene) -> list[optimizers.Trajectory]:
    """One trajectory per run of the scene, hidden runs included (they keep their colour and index)."""
    return [trajectory(scene, run) for run in scene.runs]


# --- the surface on a grid ---------------------------------------------------------------------------

class Grid(NamedTuple):
    xs: np.ndarray  # (R,) float32
    ys: np.ndarray  # (R,) float32
    z: np.ndarray  # (R, R) float32, z[i, j] = f(xs[j], ys[i]); NaN where f is not finite
    masked: int  # how many cells were not finite

    @property
    def z_range(self) -> tuple[float, float]:
        finite = self.z[np.isfinite(self.z)]
        return (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)


@functools.partial(jax.jit, static_argnames=("family",))
def _evaluate(family, theta, points):
    return jax.vmap(lambda w: family(w, theta))(points)


@functools.partial(jax.jit, static_argnames=("family",))
def _gradients(family, theta, points):
    return jax.vmap(jax.grad(lambda w: family(w, theta)))(points)


def _mesh(bounds, resolution: int):
    (x0, x1), (y0, y1) = bounds
    xs = np.linspace(x0, x1, resolution, dtype=np.float32)
    ys = np.linspace(y0, y1, resolution, dtype=np.float32)
    gx, gy = np.meshgrid(xs, ys)
    return xs, ys, np.stack([gx.ravel(), gy.ravel()], axis=1)


def values_at(landscape: Landscape, points) -> np.ndarray:
    """f at each row of an (M, 2) array of points, as float32 (NaN where not finite)."""
    points = np.asarray(points, dtype=np.float32).reshape(-1, 2)
    if not len(points):
        return np.zeros(0, np.float32)
    z = np.array(_evaluate(landscape.family, landscape.theta_arrays(), points), dtype=np.float32)
    z[~np.isfinite(z)] = np.nan
    return z


def gradients_at(landscape: Landscape, points) -> np.ndarray:
    """∇f at each row of an (M, 2) array of points, as float64 from the float32 program."""
    points = np.asarray(points, dtype=np.float32).reshape(-1, 2)
    return np.asarray(_gradients(landscape.family, landscape.theta_arrays(), points), dtype=np.float64)


@functools.partial(jax.jit, static_argnames=("family",))
def _hessians(family, theta, points):
    return jax.vmap(jax.hessian(lambda w: family(w, theta)))(points)


def hessian_eigen(landscape: Landscape, points) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvalues (M, 2), ascending, and unit eigenvectors (M, 2, 2) as columns, of the Hessian at each point."""
    points = np.asarray(points, dtype=np.float32).reshape(-1, 2)
    if not len(points):
        return np.zeros((0, 2), np.float32), np.zeros((0, 2, 2), np.float32)
    hessians = np.asarray(_hessians(landscape.family, landscape.theta_arrays(), points), dtype=np.float64)
    hessians[~np.isfinite(hessians)] = 0.0
    values, vectors = np.linalg.eigh(hessians)
    return values.astype(np.float32), vectors.astype(np.float32)


def surface_grid(landscape: Landscape, resolution: int = SURFACE_RESOLUTION) -> Grid:
    xs, ys, points = _mesh(landscape.bounds, resolution)
    z = values_at(landscape, points).reshape(resolution, resolution)
    return Grid(xs, ys, z, int(np.isnan(z).sum()))


class Field(NamedTuple):
    x: np.ndarray  # (K,) float32 arrow tails
    y: np.ndarray
    gx: np.ndarray  # (K,) ∂f/∂x; 0 where not finite
    gy: np.ndarray


def gradient_field(landscape: Landscape, resolution: int = FIELD_RESOLUTION) -> Field:
    _, _, points = _mesh(landscape.bounds, resolution)
    g = np.array(_gradients(landscape.family, landscape.theta_arrays(), points), dtype=np.float32)
    g[~np.isfinite(g)] = 0.0
    return Field(points[:, 0], points[:, 1], g[:, 0], g[:, 1])


# --- metrics --------------------------------------------------------------------------------------------

class RunMetrics(NamedTuple):
    final_loss: float
    nearest_minimum: tuple[float, float] | None
    nearest_kind: str | None
    distance: float | None  # from the last point to the nearest declared minimum
    steps_to_tolerance: int | None  # first step from which it stayed within tolerance of it (analysis.convergence)
    diverged_at: int | None


def metrics(landscape: Landscape, traj: optimizers.Trajectory, tolerance: float | None = None) -> RunMetrics:
    """Final loss, nearest declared minimum, steps to arrive there and stay (``analysis.convergence``), divergence."""
    minima = landscape.minima
    if not minima:
        return RunMetrics(float(traj.loss[-1]), None, None, None, None, traj.diverged_at)
    tolerance = convergence.tolerance_for(landscape, tolerance)
    centres = convergence.centres(minima)
    closest = int(convergence.nearest(traj.params[-1:], centres)[0])
    diverged_at = -1 if traj.diverged_at is None else traj.diverged_at
    since = int(convergence.arrivals(traj.params[None], [diverged_at], centres, tolerance).since[0])
    return RunMetrics(
        float(traj.loss[-1]), tuple(float(v) for v in centres[closest]), minima[closest].kind,
        float(np.linalg.norm(traj.params[-1] - centres[closest])), None if since < 0 else since, traj.diverged_at,
    )
