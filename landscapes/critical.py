"""Critical points of any landscape, found numerically: solve ∇f = 0 from a grid of seeds.

One jitted, vmapped program (in float64) runs Newton's iteration from every seed of a grid over the
plot bounds. The step uses a damped inverse Hessian H(H² + μ²I)⁻¹, μ a billionth of |H|, which stays
finite where the Hessian is nearly singular, and its length is capped, so a seed far from any
critical point wanders off instead of jumping across the plot. As a fallback for minima Newton
cannot reach (a cone's tip, where the curvature blows up), every seed also descends along -∇f/|∇f|
with shrinking steps and Newton then starts again from where it stopped.

Converged points inside the bounds are deduplicated and classified by their Hessian eigenvalues:
both positive a minimum, both negative a maximum, of both signs a saddle. Where an eigenvalue is
numerically zero the second-order test says nothing, and the point is compared with a small ring of
neighbours: lower than all of them it is a minimum, higher a maximum, equal to all of them a
plateau (dropped), otherwise "degenerate". The lowest minima are marked global.
"""

from __future__ import annotations

import functools
from typing import Mapping, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from landscapes.base import Bounds, CriticalPoint

DEFAULT_SEEDS = 32  # per axis
NEWTON_STEPS = 60
DESCENT_STEPS = 120
DESCENT_DECAY = 0.85
MAX_POINTS = 512
RING = 16  # neighbours of the ring test


class FoundPoint(NamedTuple):
    xy: tuple[float, float]
    kind: str  # one of landscapes.KINDS
    value: float
    eigenvalues: tuple[float, float]  # of the Hessian, ascending
    eigenvectors: tuple[tuple[float, float], tuple[float, float]]  # unit vectors, one per eigenvalue
    gradient_norm: float
    hessian_singular: bool  # True when the kind comes from the ring test, not from the eigenvalues

    @property
    def is_minimum(self) -> bool:
        return self.kind in ("global_min", "local_min")


def _hessian_solve(h, g, mu):
    """H (H² + μ² I)⁻¹ g for a symmetric 2×2 H, in closed form."""
    a = h @ h + mu**2 * jnp.eye(2, dtype=h.dtype)
    det = a[0, 0] * a[1, 1] - a[0, 1] * a[1, 0]
    solved = jnp.stack([a[1, 1] * g[0] - a[0, 1] * g[1], a[0, 0] * g[1] - a[1, 0] * g[0]]) / det
    return h @ solved


@functools.partial(jax.jit, static_argnames=("family", "steps"))
def _search(family, theta, seeds, span, steps):
    """Newton from every seed, and Newton again after a descent from every seed."""
    f = lambda w: family(w, theta)
    grad = jax.grad(f)
    hess = jax.jacfwd(grad)
    max_step = span / 8.0

    def newton(w0):
        def step(_, carry):
            w, _ = carry
            h = hess(w)
            delta = _hessian_solve(h, grad(w), 1e-9 * jnp.sqrt(jnp.sum(h**2)))
            length = jnp.sqrt(jnp.sum(delta**2))
            delta = delta * jnp.minimum(1.0, max_step / jnp.maximum(length, 1e-300))
            new = w - delta
            ok = jnp.all(jnp.isfinite(new))
            return jnp.where(ok, new, w), jnp.where(ok, jnp.minimum(length, max_step), jnp.inf)

        w, last_step = jax.lax.fori_loop(0, steps, step, (w0, jnp.asarray(jnp.inf, w0.dtype)))
        g = grad(w)
        return w, f(w), jnp.sqrt(jnp.sum(g**2)), hess(w), last_step

    def descend(w0):
        # Steps of shrinking length along -g/|g|: reaches minima where Newton cannot, such as a cone tip.
        def step(k, w):
            g = grad(w)
            direction = g / jnp.maximum(jnp.sqrt(jnp.sum(g**2)), 1e-300)
            new = w - max_step * DESCENT_DECAY**k * direction
            return jnp.where(jnp.all(jnp.isfinite(new)), new, w)

        return jax.lax.fori_loop(0, DESCENT_STEPS, step, w0)

    gradient_scale = jnp.nanmedian(jnp.sqrt(jnp.sum(jax.vmap(grad)(seeds) ** 2, axis=1)))
    starts = jnp.concatenate([seeds, jax.vmap(descend)(seeds)])
    return (*jax.vmap(newton)(starts), gradient_scale)


@functools.partial(jax.jit, static_argnames=("family",))
def _values(family, theta, points):
    return jax.vmap(lambda w: family(w, theta))(points)


def _seed_grid(bounds: Bounds, per_axis: int) -> np.ndarray:
    (x0, x1), (y0, y1) = bounds
    inset = lambda lo, hi: np.linspace(lo, hi, per_axis + 1)[:-1] + (hi - lo) / (2 * per_axis)
    gx, gy = np.meshgrid(inset(x0, x1), inset(y0, y1))
    return np.stack([gx.ravel(), gy.ravel()], axis=1)


def _ring_kind(family, theta, xy: np.ndarray, value: float, radius: float) -> str:
    angles = np.linspace(0.0, 2.0 * np.pi, RING, endpoint=False)
    ring = xy + radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    around = np.asarray(_values(family, theta, jnp.asarray(ring)))
    margin = 1e-12 * (1.0 + abs(value))
    if np.all(np.abs(around - value) <= margin):
        return "flat"
    if np.all(around > value + margin):
        return "local_min"
    if np.all(around < value - margin):
        return "max"
    return "degenerate"


@functools.lru_cache(maxsize=128)
def _find(family, theta_items: tuple, bounds: Bounds, seeds_per_axis: int, steps: int) -> tuple[FoundPoint, ...]:
    (x0, x1), (y0, y1) = bounds
    span = max(x1 - x0, y1 - y0)
    with jax.enable_x64(True):
        theta = {name: jnp.float64(value) for name, value in theta_items}
        seeds = jnp.asarray(_seed_grid(bounds, seeds_per_axis), dtype=jnp.float64)
        w, values, gnorm, hessians, last_step, gradient_scale = jax.device_get(
            _search(family, theta, seeds, jnp.float64(span), steps)
        )
        gradient_tol = 1e-7 * max(float(gradient_scale), 1e-6) if np.isfinite(gradient_scale) else 1e-7
        margin = 1e-9 * span
        inside = (w[:, 0] >= x0 - margin) & (w[:, 0] <= x1 + margin) & (w[:, 1] >= y0 - margin) & (w[:, 1] <= y1 + margin)
        accepted = np.isfinite(values) & (gnorm <= gradient_tol) & (last_step <= 1e-6 * span) & inside
        curvature = float(gradient_scale) / span if np.isfinite(gradient_scale) and gradient_scale > 0 else 1.0
        zero = 1e-6 * curvature  # a typical slope over the plot's size is the yardstick for "zero"
        points: list[FoundPoint] = []
        kept: list[np.ndarray] = []
        for index in np.argsort(np.where(accepted, gnorm, np.inf))[: int(accepted.sum())]:
            xy = w[index]
            eigenvalues, eigenvectors = np.linalg.eigh(hessians[index])
            singular = bool(np.min(np.abs(eigenvalues)) <= zero)
            merge = (0.05 if singular else 1e-3) * span
            if kept and np.min(np.hypot(*(np.asarray(kept) - xy).T)) < merge:
                continue
            if singular:
                kind = _ring_kind(family, theta, xy, float(values[index]), 1e-3 * span)
                if kind == "flat":
                    continue  # a plateau, not an isolated critical point
            elif eigenvalues[0] > 0:
                kind = "local_min"
            elif eigenvalues[1] < 0:
                kind = "max"
            else:
                kind = "saddle"
            kept.append(xy)
            points.append(FoundPoint(
                (float(xy[0]), float(xy[1])), kind, float(values[index]),
                (float(eigenvalues[0]), float(eigenvalues[1])),
                (tuple(map(float, eigenvectors[:, 0])), tuple(map(float, eigenvectors[:, 1]))),
                float(gnorm[index]), singular,
            ))
            if len(points) >= MAX_POINTS:
                break
    return _mark_global(points)


def _mark_global(points: list[FoundPoint]) -> tuple[FoundPoint, ...]:
    minima = [p.value for p in points if p.kind == "local_min"]
    if minima:
        lowest = min(minima)
        tie = 1e-7 * (1.0 + abs(lowest))
        points = [p._replace(kind="global_min") if p.kind == "local_min" and p.value <= lowest + tie else p
                  for p in points]
    return tuple(sorted(points, key=lambda p: (p.value, p.xy)))


def find_critical_points(landscape, seeds_per_axis: int = DEFAULT_SEEDS, newton_steps: int = NEWTON_STEPS) -> tuple[FoundPoint, ...]:
    """Every critical point of ``landscape`` (with its current parameters) inside its bounds, lowest value first."""
    theta_items = tuple(sorted(landscape.theta.items()))
    return _find(landscape.family, theta_items, tuple(map(tuple, landscape.bounds)), int(seeds_per_axis), int(newton_steps))


def critical_points_of(family, bounds: Bounds, theta: Mapping[str, float]) -> tuple[CriticalPoint, ...]:
    """The ``Landscape.critical`` of a surface known only by its formula: the finder's points, as CriticalPoints."""
    found = _find(family, tuple(sorted(theta.items())), bounds, DEFAULT_SEEDS, NEWTON_STEPS)
    return tuple(CriticalPoint(p.xy, p.kind) for p in found)
