"""The JAX engine against a vectorized NumPy implementation of the same rules, on Rosenbrock.

    python -m benchmarks.engine            # from the repository root
    python -m benchmarks.engine --grid 64  # a quicker, smaller batch

Both sides do the same work per step: the gradient, the lecture-convention update, the loss at the
new point, the divergence check with freezing, and the convergence check; the single trajectory also
keeps its history (points, losses, gradients, lr_eff). Both work in float32. Before printing a ratio
the benchmark asserts that NumPy and JAX end at the same points, so the two timings are of the same work.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from typing import Callable, NamedTuple

import jax
import numpy as np

import optimizers
from landscapes import LANDSCAPES
from optimizers.engine import DEFAULT_GRAD_TOL

ROSENBROCK = LANDSCAPES["rosenbrock"]
STEPS = 500
SINGLE_START = (-1.5, 2.5)
HPARAMS = {
    "gd": {"lr": 1e-4},  # stable everywhere in the plotted box (curvature ≤ ~5200 there)
    "adam": {"lr": 0.01, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
}
# Float32 paths of 500 steps computed in a different order (autodiff vs closed form) agree to ~1e-6,
# but Adam's near-sign steps amplify rounding on a handful of the 65 536 paths.
AGREEMENT, AGREEING_SHARE, WORST_CASE = 1e-4, 0.999, 1e-2


# --- the NumPy side ------------------------------------------------------------------------------------------

def rosenbrock_loss(w, a, b):
    x, y = w[:, 0], w[:, 1]
    return (a - x) ** 2 + b * (y - x * x) ** 2


def rosenbrock_gradient(w, a, b):
    x, y = w[:, 0], w[:, 1]
    ravine = y - x * x
    return np.stack([-2 * (a - x) - 4 * b * x * ravine, 2 * b * ravine], axis=1)


def gd_init(w):
    return ()


def gd_update(g, state, t, hp):
    lr_eff = np.broadcast_to(hp["lr"], g.shape)
    return -lr_eff * g, state, lr_eff


def adam_init(w):
    return np.zeros_like(w), np.zeros_like(w)


def adam_lecture_update(g, state, t, hp):
    m, v = state
    m = hp["beta1"] * m + (1 - hp["beta1"]) * g
    v = hp["beta2"] * v + (1 - hp["beta2"]) * g * g
    correction = np.sqrt(1 - hp["beta2"] ** t) / (1 - hp["beta1"] ** t)
    lr_eff = hp["lr"] / (np.sqrt(v) + hp["eps"]) * correction
    return -lr_eff * m, (m, v), lr_eff


NUMPY_RULES: dict[str, tuple[Callable, Callable]] = {"gd": (gd_init, gd_update), "adam": (adam_init, adam_lecture_update)}


class NumpyResult(NamedTuple):
    final_params: np.ndarray
    diverged_at: np.ndarray
    converged_at: np.ndarray
    params: np.ndarray | None  # (steps+1, M, 2) with history


def numpy_run(rule_id: str, starts: np.ndarray, steps: int, history: bool) -> NumpyResult:
    """The engine's scan, vectorized over M starts with NumPy (float32)."""
    init, update = NUMPY_RULES[rule_id]
    hp = {k: np.float32(v) for k, v in HPARAMS[rule_id].items()}
    a, b = (np.float32(ROSENBROCK.theta[k]) for k in ("a", "b"))
    radius = np.float32(ROSENBROCK.escape_radius)
    w = np.array(starts, dtype=np.float32)
    loss, state = rosenbrock_loss(w, a, b), init(w)
    diverged_at = np.full(len(w), -1)
    converged_at = np.full(len(w), -1)
    rows = [(w, loss, None, None)]
    for t in range(steps):
        g = rosenbrock_gradient(w, a, b)
        step, new_state, lr_eff = update(g, state, np.float32(t + 1), hp)
        new_w = w + step
        new_loss = rosenbrock_loss(new_w, a, b)
        bad = ~(np.isfinite(new_w).all(axis=1) & np.isfinite(new_loss)) | (np.abs(new_w).max(axis=1) > radius)
        alive = diverged_at < 0
        keep = alive & ~bad
        diverged_at[alive & bad] = t + 1
        converged_at[alive & (converged_at < 0) & (np.linalg.norm(g, axis=1) < DEFAULT_GRAD_TOL)] = t
        w = np.where(keep[:, None], new_w, w)
        loss = np.where(keep, new_loss, loss)
        state = tuple(np.where(keep[:, None], new, old) for new, old in zip(new_state, state))
        if history:
            rows.append((w, loss, g, lr_eff))
    params = np.stack([row[0] for row in rows]) if history else None
    return NumpyResult(w, diverged_at, converged_at, params)


# --- the JAX side ----------------------------------------------------------------------------------------------

def jax_single(rule_id: str) -> np.ndarray:
    opt = optimizers.make(rule_id, "lecture", **HPARAMS[rule_id])
    return optimizers.run(opt, ROSENBROCK, SINGLE_START, STEPS).params


def jax_batch(rule_id: str, starts: np.ndarray) -> optimizers.Batch:
    opt = optimizers.make(rule_id, "lecture", **HPARAMS[rule_id])
    return optimizers.run_many(opt, ROSENBROCK, starts, STEPS)


# --- measuring -------------------------------------------------------------------------------------------------

class Timing(NamedTuple):
    wall: float  # median seconds
    cpu: float  # median CPU seconds of this process (all its threads): steadier on a shared machine


def timed(work: Callable[[], object], repeats: int) -> Timing:
    walls, cpus = [], []
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        work()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return Timing(statistics.median(walls), statistics.median(cpus))


def start_grid(size: int) -> np.ndarray:
    (x0, x1), (y0, y1) = ROSENBROCK.bounds
    xs, ys = np.meshgrid(np.linspace(x0, x1, size), np.linspace(y0, y1, size))
    return np.stack([xs.ravel(), ys.ravel()], axis=1).astype(np.float32)


def machine() -> str:
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            model = next(line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return (f"{model}, {os.cpu_count()} cores; {platform.system()} {platform.release()}; "
            f"Python {platform.python_version()}, jax {jax.__version__} ({jax.default_backend()}), numpy {np.__version__}")


def assert_same_points(label: str, jax_points: np.ndarray, numpy_points: np.ndarray) -> float:
    """The largest distance between the two sides' points, after asserting they are the same computation."""
    error = np.abs(jax_points - numpy_points).reshape(len(jax_points), -1).max(axis=1)
    agreeing = float(np.mean(error < AGREEMENT))
    assert agreeing >= AGREEING_SHARE and error.max() < WORST_CASE, (
        f"{label}: JAX and NumPy disagree ({agreeing:.2%} within {AGREEMENT}, worst {error.max():.3g}); "
        "the timings would not be of the same work"
    )
    return float(error.max())


def fmt(seconds: float) -> str:
    return f"{seconds * 1e3:9.2f} ms" if seconds < 1 else f"{seconds:9.2f} s "


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grid", type=int, default=256, help="starts per side of the batch (default 256)")
    parser.add_argument("--repeats", type=int, default=5, help="timed repeats; the median is printed (default 5)")
    args = parser.parse_args()
    starts = start_grid(args.grid)

    print(f"machine: {machine()}")
    print(f"surface: rosenbrock {ROSENBROCK.theta}, lecture convention, float32, {STEPS} steps")
    print(f"{'rule':6} {'work':34} {'JAX':>12} {'NumPy':>12} {'NumPy/JAX':>10}  {'CPU time: JAX':>13} "
          f"{'NumPy':>12} {'NumPy/JAX':>10}  max |Δ|")
    for rule_id in NUMPY_RULES:
        compile_start = time.perf_counter()
        jax_params = jax_single(rule_id)
        batch = jax_batch(rule_id, starts)
        warm_up = time.perf_counter() - compile_start

        numpy_single = numpy_run(rule_id, np.array([SINGLE_START]), STEPS, history=True)
        single_error = assert_same_points(f"{rule_id} single", jax_params, numpy_single.params[:, 0])
        numpy_batch = numpy_run(rule_id, starts, STEPS, history=False)
        batch_error = assert_same_points(f"{rule_id} batch", batch.final_params, numpy_batch.final_params)
        assert np.array_equal(batch.diverged_at, numpy_batch.diverged_at), f"{rule_id}: different runs diverged"

        rows = [
            (f"1 trajectory × {STEPS} steps", lambda: jax_single(rule_id),
             lambda: numpy_run(rule_id, np.array([SINGLE_START]), STEPS, history=True), single_error),
            (f"{args.grid}×{args.grid} starts × {STEPS} steps", lambda: jax_batch(rule_id, starts),
             lambda: numpy_run(rule_id, starts, STEPS, history=False), batch_error),
        ]
        for label, jax_work, numpy_work, error in rows:
            jax_time, numpy_time = timed(jax_work, args.repeats), timed(numpy_work, args.repeats)
            print(f"{rule_id:6} {label:34} {fmt(jax_time.wall)} {fmt(numpy_time.wall)} "
                  f"{numpy_time.wall / jax_time.wall:9.1f}×  {fmt(jax_time.cpu):>13} {fmt(numpy_time.cpu)} "
                  f"{numpy_time.cpu / jax_time.cpu:9.1f}×  {error:.1e}", flush=True)
        print(f"{rule_id:6} {'(first JAX calls, with compilation)':34} {fmt(warm_up)}")


if __name__ == "__main__":
    main()
