"""Arrived at a minimum and stayed: the one definition, for one run or many at once.

A run of points p_0 … p_T arrived at minimum k and stayed from step s when:

- it did not diverge (its point never became non-finite nor escaped);
- k is the minimum nearest its last point p_T (distances in float64; the lower index on a tie);
- p_T is within ``tolerance`` of k, and so is every point from p_s on, s the smallest such step.

"Within" is |p − c_k|² ≤ tolerance², computed in the paths' float dtype: the engine tests its points
in the same way while it steps (``optimizers.engine._outside``), so its streamed ``arrived_at`` and
``target_index`` are this definition without a recorded path. Otherwise the run has not arrived: −1
for both. ``tolerance`` is 1% of the plot's larger side unless given.
"""

from __future__ import annotations

from typing import Iterable, NamedTuple

import numpy as np

from landscapes import Landscape

TOLERANCE_FRACTION = 0.01
NOT_ARRIVED = -1


class Arrivals(NamedTuple):
    minimum: np.ndarray  # (M,) int32: index of the minimum arrived at, NOT_ARRIVED where none
    since: np.ndarray  # (M,) int32: first step from which the path stayed within tolerance, NOT_ARRIVED where none


def default_tolerance(landscape: Landscape) -> float:
    (x0, x1), (y0, y1) = landscape.bounds
    return TOLERANCE_FRACTION * max(x1 - x0, y1 - y0)


def tolerance_for(landscape: Landscape, tolerance: float | None) -> float:
    """``tolerance`` as given, or the landscape's default when None."""
    return default_tolerance(landscape) if tolerance is None else float(tolerance)


def centres(minima: Iterable) -> np.ndarray:
    """(K, 2) float64 centres of minima given as anything with an ``xy`` (critical points, attractors)."""
    return np.array([m.xy for m in minima], np.float64).reshape(-1, 2)


def nearest(points, centres: np.ndarray) -> np.ndarray:
    """(M,) index of the centre nearest each of the (M, n) points, in float64 (the lower index on a tie)."""
    points = np.asarray(points, np.float64)
    squared = ((points[:, None, :] - np.asarray(centres, np.float64)[None]) ** 2).sum(axis=2)
    return np.argmin(squared, axis=1)


def arrivals(paths, diverged_at, centres: np.ndarray, tolerance: float) -> Arrivals:
    """The definition above for M paths (M, T+1, n), ``diverged_at`` (M,) (−1 where a path did not diverge)."""
    paths = np.asarray(paths)
    if not np.issubdtype(paths.dtype, np.floating):
        paths = paths.astype(np.float64)
    m = len(paths)
    minimum, since = np.full(m, NOT_ARRIVED, np.int32), np.full(m, NOT_ARRIVED, np.int32)
    if not len(centres) or not m:
        return Arrivals(minimum, since)
    target_index = nearest(paths[:, -1], centres)
    target = np.asarray(centres, np.float64)[target_index].astype(paths.dtype)
    squared = sum((paths[:, :, i] - target[:, i:i + 1]) ** 2 for i in range(paths.shape[2]))
    outside = squared > paths.dtype.type(tolerance) ** 2
    # one after the last step outside: its last True, found from the end (0 when never outside)
    stayed_from = np.where(outside.any(axis=1), outside.shape[1] - np.argmax(outside[:, ::-1], axis=1), 0)
    arrived = ~outside[:, -1] & (np.asarray(diverged_at) < 0)
    minimum[arrived], since[arrived] = target_index[arrived], stayed_from[arrived]
    return Arrivals(minimum, since)
