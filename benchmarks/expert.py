"""The baselines the engine is measured against, written as a NumPy expert would write them.

float32, one array per coordinate (structure of arrays), every operation in place (``out=``) into
buffers made once, no temporaries and no per-point Python in the loop. The same code runs on torch
tensors (``xp = torch``): both libraries spell these ufuncs alike.

Each step does what the engine does without history (``optimizers.run_many``): the loss and the
gradient at the point, the divergence test of the point (finite, within the escape radius, finite
loss; the start is not tested), the convergence test of the gradient, the lecture-convention update.
The tests run on whole-batch reductions; only when one of them may have fired does an exact,
per-run pass record which runs and at which step (rare). A run that diverged is marked with NaN
(NaN stays NaN) and ends at its last good point, as in the engine.
"""

from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np

NAN = float("nan")


# --- surfaces: the loss and the gradient in closed form, into given buffers ---------------------------------

def rosenbrock(xp, x, y, theta, loss, gx, gy, scratch):
    """(a - x)² + b (y - x²)²; ``loss`` may be None (not needed)."""
    a, b = theta["a"], theta["b"]
    ravine, shifted = scratch[0], scratch[1]
    xp.multiply(x, x, out=ravine)
    xp.subtract(y, ravine, out=ravine)
    xp.multiply(ravine, 2.0 * b, out=gy)  # 2 b r
    xp.subtract(x, a, out=shifted)  # x - a
    xp.multiply(x, gy, out=gx)
    xp.subtract(shifted, gx, out=gx)
    xp.multiply(gx, 2.0, out=gx)  # 2 (x - a) - 4 b x r
    if loss is not None:
        xp.multiply(shifted, shifted, out=loss)
        xp.multiply(ravine, gy, out=shifted)  # 2 b r²
        xp.multiply(shifted, 0.5, out=shifted)
        xp.add(loss, shifted, out=loss)


def himmelblau(xp, x, y, theta, loss, gx, gy, scratch):
    """(x² + y - 11)² + (x + y² - 7)²."""
    first, second = scratch[0], scratch[1]
    xp.multiply(x, x, out=first)
    xp.add(first, y, out=first)
    xp.subtract(first, 11.0, out=first)  # A
    xp.multiply(y, y, out=second)
    xp.add(second, x, out=second)
    xp.subtract(second, 7.0, out=second)  # B
    xp.multiply(first, x, out=gx)
    xp.multiply(gx, 2.0, out=gx)
    xp.add(gx, second, out=gx)
    xp.multiply(gx, 2.0, out=gx)  # 4 A x + 2 B
    xp.multiply(second, y, out=gy)
    xp.multiply(gy, 2.0, out=gy)
    xp.add(gy, first, out=gy)
    xp.multiply(gy, 2.0, out=gy)  # 2 A + 4 B y
    if loss is not None:
        xp.multiply(first, first, out=loss)
        xp.multiply(second, second, out=first)
        xp.add(loss, first, out=loss)


SURFACES: dict[str, Callable] = {"rosenbrock": rosenbrock, "himmelblau": himmelblau}


# --- rules: the lecture's GD and Adam; the next point written into ``out`` -------------------------------------

def gd_update(xp, t, w, g, state, hp, scratch, out):
    for wi, gi, oi in zip(w, g, out):
        xp.multiply(gi, hp["lr"], out=gi)
        xp.subtract(wi, gi, out=oi)


def adam_update(xp, t, w, g, state, hp, scratch, out):
    b1, b2 = hp["beta1"], hp["beta2"]
    factor = hp["lr"] * np.sqrt(1.0 - b2 ** t) / (1.0 - b1 ** t)  # t counts from 1
    term = scratch[0]
    for wi, gi, mi, vi, oi in zip(w, g, state[: len(w)], state[len(w):], out):
        xp.multiply(mi, b1, out=mi)
        xp.multiply(gi, 1.0 - b1, out=term)
        xp.add(mi, term, out=mi)
        xp.multiply(vi, b2, out=vi)
        xp.multiply(gi, gi, out=term)
        xp.multiply(term, 1.0 - b2, out=term)
        xp.add(vi, term, out=vi)
        xp.sqrt(vi, out=term)
        xp.add(term, hp["eps"], out=term)
        xp.divide(mi, term, out=term)
        xp.multiply(term, factor, out=term)
        xp.subtract(wi, term, out=oi)


RULES: dict[str, tuple[int, Callable]] = {"gd": (0, gd_update), "adam": (4, adam_update)}  # state arrays, update


class Runs(NamedTuple):
    final_params: np.ndarray  # (M, 2) float32, the last good point (the last point without bookkeeping)
    final_loss: np.ndarray | None  # (M,), None without bookkeeping
    diverged_at: np.ndarray | None  # (M,) int32, -1 where it did not diverge
    converged_at: np.ndarray | None  # (M,) int32, -1 where the gradient norm never fell below grad_tol
    xs: np.ndarray | None  # (steps+1, M) every x with record=True (NaN from a divergence on)
    ys: np.ndarray | None


def _nan_free_extremes(xp, a, marked: int) -> tuple[float, float]:
    """The smallest and largest value of ``a``, ignoring NaN (the ``marked`` runs, diverged)."""
    if xp is np:
        return float(np.fmin.reduce(a)), float(np.fmax.reduce(a))
    if marked == 0:
        low, high = xp.aminmax(a)
        return float(low), float(high)
    finite = a[~xp.isnan(a)]
    return (float(finite.min()), float(finite.max())) if len(finite) else (0.0, 0.0)


def _count_nan(xp, a) -> int:
    return int(xp.count_nonzero(xp.isnan(a)))


class _Divergence:
    """The divergence test of a point of every run, and the runs it marked (diverged_at, last good point)."""

    def __init__(self, xp, starts, radius, as_array):
        self.xp, self.radius = xp, radius
        self.diverged_at = as_array(np.full(len(starts), -1, np.int32))
        self.good = as_array(np.array(starts, np.float32))
        self.marked = 0

    def test(self, t, x, y, loss, before) -> bool:
        """Point t is (x, y) with ``loss``; ``before`` is point t - 1. True if it marked runs."""
        xp = self.xp
        low_x, high_x = _nan_free_extremes(xp, x, self.marked)
        low_y, high_y = _nan_free_extremes(xp, y, self.marked)
        if (max(-low_x, high_x, -low_y, high_y) <= self.radius
                and _nan_free_extremes(xp, loss, self.marked)[1] < np.inf and _count_nan(xp, loss) == self.marked):
            return False
        bad = ~(xp.isfinite(loss) & (xp.abs(x) <= self.radius) & (xp.abs(y) <= self.radius)) & (self.diverged_at < 0)
        self.diverged_at[bad] = t
        self.good[bad, 0], self.good[bad, 1] = before[0][bad], before[1][bad]
        x[bad], y[bad] = NAN, NAN
        self.marked = _count_nan(xp, x)
        return bool(bad.any())


def run_batch(xp, surface: str, rule: str, hparams: dict, theta: dict, starts: np.ndarray, steps: int,
              radius: float, grad_tol: float, *, record: bool = False, bookkeeping: bool = True,
              as_array: Callable = lambda a: a) -> Runs:
    """M runs from ``starts`` (M, 2), all at once. ``bookkeeping=False``: the dynamics alone (no tests;
    the end points only). ``record``: every point kept; the update writes straight into (steps+1, M) rows."""
    value_and_gradient, (state_arrays, update) = SURFACES[surface], RULES[rule]
    m = len(starts)
    hp = {k: float(v) for k, v in hparams.items()}
    theta = {k: float(v) for k, v in theta.items()}
    empty = lambda: as_array(np.empty(m, np.float32))
    start_x, start_y = (as_array(np.ascontiguousarray(starts[:, i], np.float32)) for i in (0, 1))
    if record:
        xs, ys = as_array(np.empty((steps + 1, m), np.float32)), as_array(np.empty((steps + 1, m), np.float32))
        xs[0], ys[0] = start_x, start_y
        point = lambda t: (xs[t], ys[t])
    else:
        xs = ys = None
        buffers = ((start_x, start_y), (empty(), empty()))  # the point and the next, alternately
        point = lambda t: buffers[t % 2]
    state = [as_array(np.zeros(m, np.float32)) for _ in range(state_arrays)]
    loss, gx, gy, scratch = empty(), empty(), empty(), [empty(), empty()]
    divergence = _Divergence(xp, starts, radius, as_array) if bookkeeping else None
    converged_at = as_array(np.full(m, -1, np.int32))
    settled = as_array(np.zeros(m, np.float32))  # +inf once a run has converged: it leaves the batch's minimum
    tolerance = grad_tol * grad_tol
    for t in range(steps):
        x, y = point(t)
        value_and_gradient(xp, x, y, theta, loss if bookkeeping else None, gx, gy, scratch)
        if bookkeeping:
            if t > 0 and divergence.test(t, x, y, loss, point(t - 1)):
                value_and_gradient(xp, x, y, theta, loss, gx, gy, scratch)  # NaN for the runs just marked
            flat = scratch[0]
            xp.multiply(gx, gx, out=flat)
            xp.multiply(gy, gy, out=scratch[1])
            xp.add(flat, scratch[1], out=flat)
            xp.maximum(flat, settled, out=flat)
            if _nan_free_extremes(xp, flat, divergence.marked)[0] < tolerance:
                newly = flat < tolerance
                converged_at[newly], settled[newly] = t, np.inf
        update(xp, t + 1, (x, y), (gx, gy), state, hp, scratch, point(t + 1))
    x, y = point(steps)
    if not bookkeeping:
        final = np.stack([np.asarray(x), np.asarray(y)], 1)
        return Runs(final, None, None, None, None if xs is None else np.asarray(xs), None if ys is None else np.asarray(ys))
    value_and_gradient(xp, x, y, theta, loss, gx, gy, scratch)
    divergence.test(steps, x, y, loss, point(steps - 1))
    fine, good = divergence.diverged_at < 0, divergence.good
    good[fine, 0], good[fine, 1] = x[fine], y[fine]
    final_loss = np.asarray(loss).copy()
    diverged = ~np.asarray(fine)
    if diverged.any():  # the loss at their last good point
        at = np.asarray(good)[diverged]
        part = [as_array(np.empty(len(at), np.float32)) for _ in range(5)]
        value_and_gradient(xp, as_array(at[:, 0].copy()), as_array(at[:, 1].copy()), theta, part[0], part[1],
                           part[2], part[3:])
        final_loss[diverged] = np.asarray(part[0])
    to_numpy = lambda a: None if a is None else np.asarray(a)
    return Runs(np.asarray(good), final_loss, to_numpy(divergence.diverged_at), to_numpy(converged_at),
                to_numpy(xs), to_numpy(ys))
