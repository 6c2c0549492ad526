"""The Landscape record: one analytic loss surface f(w), w = (x, y), and what is known about it.

A landscape is a *family* of surfaces ``family(w, theta)``, where ``theta`` maps the names of its
tunable parameters (condition number, Rosenbrock's a and b, ...) to values. ``family`` is a
module-level function, so the engine can use it as a static compile key while ``theta`` stays a
traced value: moving a landscape slider never recompiles.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Callable, Mapping, NamedTuple

import jax.numpy as jnp

Bounds = tuple[tuple[float, float], tuple[float, float]]
Family = Callable[[jnp.ndarray, Mapping[str, jnp.ndarray]], jnp.ndarray]

KINDS = ("global_min", "local_min", "saddle", "max", "degenerate")


class CriticalPoint(NamedTuple):
    xy: tuple[float, float]
    kind: str  # one of KINDS


class Param(NamedTuple):
    """A tunable landscape parameter, with its range and labels."""

    name: str
    default: float
    low: float
    high: float
    label: Mapping[str, str]
    log: bool = False

    def clamp(self, value: float) -> float:
        value = float(value)
        if not math.isfinite(value):
            return self.default
        return min(max(value, self.low), self.high)


def _no_points(theta: Mapping[str, float]) -> tuple[CriticalPoint, ...]:
    return ()


DEFAULT_VIEW_ANGLE = (-135.0, 25.0)  # a 3D camera's azimuth (from +x, counter-clockwise) and elevation, degrees


@dataclasses.dataclass(frozen=True)
class Landscape:
    """One surface: an id, names, ``family(w, theta)``, bounds, critical points, start points.

    ``fn`` is the surface with the current parameter values bound, a pure JAX function of a
    shape-(2,) array. ``critical(theta)`` gives the known critical points for those values.
    """

    id: str
    name: Mapping[str, str]
    family: Family
    bounds: Bounds
    starts: tuple[tuple[float, float], ...]
    description: Mapping[str, str]
    critical: Callable[[Mapping[str, float]], tuple[CriticalPoint, ...]] = _no_points
    params: tuple[Param, ...] = ()
    values: tuple[tuple[str, float], ...] = ()  # current values, as a hashable tuple
    latex: str = ""
    dimension: int = 2  # coordinates of a point: 2 for a surface, a model's number of parameters (models.py)
    view_angle: tuple[float, float] = DEFAULT_VIEW_ANGLE  # the 3D view's first azimuth and elevation, degrees

    @property
    def theta(self) -> dict[str, float]:
        """Every parameter's current value (defaults where not set)."""
        chosen = dict(self.values)
        return {p.name: float(chosen.get(p.name, p.default)) for p in self.params}

    def theta_arrays(self) -> dict[str, jnp.ndarray]:
        """The current values as arrays of the default float dtype (float64 under ``jax.enable_x64``)."""
        return {k: jnp.asarray(v, dtype=jnp.result_type(float)) for k, v in self.theta.items()}

    @property
    def fn(self) -> Callable[[jnp.ndarray], jnp.ndarray]:
        theta = self.theta_arrays()
        family = self.family
        return lambda w: family(w, theta)

    @property
    def critical_points(self) -> tuple[CriticalPoint, ...]:
        return tuple(self.critical(self.theta))

    @property
    def minima(self) -> tuple[CriticalPoint, ...]:
        return tuple(p for p in self.critical_points if p.kind in ("global_min", "local_min"))

    @property
    def default_start(self) -> tuple[float, float]:
        return self.starts[0]

    def parameters(self, start) -> tuple[float, ...]:
        """The point a scene's start (x, y) names: itself on a surface (a model maps it to its parameters)."""
        return tuple(float(v) for v in start)

    @property
    def escape_radius(self) -> float:
        """A point farther than this from the plot's centre has diverged."""
        (x0, x1), (y0, y1) = self.bounds
        return 50.0 * max(x1 - x0, y1 - y0) + max(abs(x0), abs(x1), abs(y0), abs(y1))

    def with_params(self, **values: float) -> "Landscape":
        """The same family with some parameters set (clamped to their ranges; unknown names ignored)."""
        by_name = {p.name: p for p in self.params}
        chosen = dict(self.values)
        for key, value in values.items():
            if key in by_name:
                chosen[key] = by_name[key].clamp(value)
        return dataclasses.replace(self, values=tuple(sorted(chosen.items())))
