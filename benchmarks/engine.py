"""The engine's batch against expert NumPy, a minimal JAX program and the machine's arithmetic bound.

    python -m benchmarks.engine            # from the repository root: 256×256 starts × 500 steps
    python -m benchmarks.engine --grid 64  # a quicker, smaller batch

Rosenbrock, the lecture's GD and Adam, float32. The sides, all timed in one process, in turns:

- engine: ``optimizers.run_many`` without history: end points, final losses, divergence and
  convergence steps.
- minimal JAX: ``lax.scan`` over the steps of the same rule (``optimizers.rules``) with
  ``jax.grad`` of the same surface, vmapped over the batch: the dynamics alone, no bookkeeping.
- expert NumPy: ``benchmarks.expert`` (float32, one array per coordinate, in-place ufuncs, no
  temporaries in the loop), with the engine's outputs; and the same with the dynamics alone.

The bound: the arithmetic per point and step of the rule and surface, counted by XLA's cost
analysis of one step of the minimal program, against the machine's attainable float32 rate, measured
in the same run by a simple kernel (a cache-resident array, a chain of multiply-adds per element).
Before a ratio is printed every side must end at the engine's points (float32 paths computed in a
different order part by ~1e-6; Adam's near-sign steps amplify that on a handful of the paths).
"""

from __future__ import annotations

import argparse
import functools

import jax
import numpy as np

import optimizers
from benchmarks import expert, machine
from benchmarks.timing import in_turns, repeated
from landscapes import LANDSCAPES
from optimizers.engine import DEFAULT_GRAD_TOL
from optimizers.spec import RULE_TABLE

ROSENBROCK = LANDSCAPES["rosenbrock"]
STEPS = 500
HPARAMS = {
    "gd": {"lr": 1e-4},  # stable everywhere in the plotted box (curvature ≤ ~5200 there)
    "adam": {"lr": 0.01, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
}
AGREEMENT, AGREEING_SHARE, WORST_CASE = 1e-4, 0.999, 1e-2


# --- the sides ---------------------------------------------------------------------------------------------------

def engine_batch(rule_id: str, starts: np.ndarray, steps: int = STEPS) -> optimizers.Batch:
    opt = optimizers.make(rule_id, "lecture", **HPARAMS[rule_id])
    return optimizers.run_many(opt, ROSENBROCK, starts, steps)


def numpy_batch(rule_id: str, starts: np.ndarray, steps: int = STEPS, bookkeeping: bool = True) -> expert.Runs:
    return expert.run_batch(np, "rosenbrock", rule_id, HPARAMS[rule_id], ROSENBROCK.theta, starts, steps,
                            float(np.float32(ROSENBROCK.escape_radius)), DEFAULT_GRAD_TOL, bookkeeping=bookkeeping)


def _rule_and_hparams(rule_id: str):
    rule = RULE_TABLE[(rule_id, "lecture")]
    return rule, {k: np.float32(v) for k, v in {**rule.defaults, **HPARAMS[rule_id]}.items()}


def _minimal_step(rule, family):
    def step(w, state, hp, theta):
        updates, state, _ = rule.update(jax.grad(family)(w, theta), state, w, hp)
        return w + updates, state
    return step


@functools.partial(jax.jit, static_argnames=("rule", "family", "steps"))
def _minimal_program(rule, family, steps, starts, hp, theta):
    step = _minimal_step(rule, family)

    def one(w):
        return jax.lax.scan(lambda c, _: (step(*c, hp, theta), None), (w, rule.init(w)), None, length=steps)[0][0]

    return jax.vmap(one)(starts)


def minimal_batch(rule_id: str, starts: np.ndarray, steps: int = STEPS) -> np.ndarray:
    """The minimal JAX program's end points."""
    rule, hp = _rule_and_hparams(rule_id)
    theta = {k: np.float32(v) for k, v in ROSENBROCK.theta.items()}
    return np.asarray(_minimal_program(rule, ROSENBROCK.family, steps, starts, hp, theta))


# --- the bound ---------------------------------------------------------------------------------------------------

def flops_per_point_step(rule_id: str, points: int = 4096) -> float:
    """XLA's count of the floating-point operations of one step of the rule on the surface, per point."""
    rule, hp = _rule_and_hparams(rule_id)
    theta = {k: np.float32(v) for k, v in ROSENBROCK.theta.items()}
    step = jax.vmap(_minimal_step(rule, ROSENBROCK.family), in_axes=(0, 0, None, None))
    w = np.zeros((points, 2), np.float32)
    state = jax.vmap(rule.init)(w)
    return jax.jit(step).lower(w, state, hp, theta).compile().cost_analysis()["flops"] / points


@functools.partial(jax.jit, static_argnames=("depth", "repeats"))
def _multiply_adds(x, a, b, depth, repeats):
    def body(_, x):
        for _ in range(depth):
            x = x * a + b
        return x
    return jax.lax.fori_loop(0, repeats, body, x)


def attainable_flops(repeats: int = 5) -> tuple[float, str]:
    """The machine's float32 rate (flop/s) on a simple kernel: the best over chain depths, best of ``repeats``."""
    x, a, b = np.linspace(0, 1, 65536, dtype=np.float32), np.float32(0.999), np.float32(1e-3)
    best, how = 0.0, ""
    for depth in (4, 8, 16):
        loops = 4096 // depth
        _multiply_adds(x, a, b, depth, loops).block_until_ready()
        seconds = repeated(lambda: _multiply_adds(x, a, b, depth, loops).block_until_ready(), repeats).wall.min
        rate = 2 * depth * loops * len(x) / seconds
        if rate > best:
            best, how = rate, f"x = a·x + b, {depth} per element per pass, {len(x)} float32 elements in cache"
    return best, how


# --- measuring ---------------------------------------------------------------------------------------------------

def start_grid(size: int) -> np.ndarray:
    (x0, x1), (y0, y1) = ROSENBROCK.bounds
    xs, ys = np.meshgrid(np.linspace(x0, x1, size), np.linspace(y0, y1, size))
    return np.stack([xs.ravel(), ys.ravel()], axis=1).astype(np.float32)


def assert_same_points(label: str, points: np.ndarray, reference: np.ndarray) -> float:
    """The largest distance between two sides' end points, after asserting they are the same computation."""
    error = np.abs(points - reference).reshape(len(points), -1).max(axis=1)
    agreeing = float(np.mean(error < AGREEMENT))
    assert agreeing >= AGREEING_SHARE and error.max() < WORST_CASE, (
        f"{label}: the end points disagree with the engine's ({agreeing:.2%} within {AGREEMENT}, worst "
        f"{error.max():.3g}); the timings would not be of the same work"
    )
    return float(error.max())


def fmt(seconds: float) -> str:
    return f"{seconds * 1e3:9.2f} ms" if seconds < 1 else f"{seconds:9.2f} s "


SIDES = ("engine", "minimal JAX", "expert NumPy", "NumPy, dynamics")
SIDE_NOTES = {
    "engine": "optimizers.run_many, no history: points, losses, divergence and convergence steps",
    "minimal JAX": "lax.scan of the same rule, jax.grad, vmap over the batch: the dynamics alone",
    "expert NumPy": "benchmarks.expert: float32, an array per coordinate, in-place ufuncs; the engine's outputs",
    "NumPy, dynamics": "the same NumPy code without the divergence and convergence tests: end points only",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grid", type=int, default=256, help="starts per side of the batch (default 256)")
    parser.add_argument("--repeats", type=int, default=7, help="timed repeats of each side, in turns (default 7)")
    args = parser.parse_args()
    starts = start_grid(args.grid)
    work = len(starts) * STEPS

    print(machine.line(machine.describe()))
    print(f"work: rosenbrock {ROSENBROCK.theta}, {args.grid}×{args.grid} starts × {STEPS} steps, lecture rules, float32")
    bound, how = attainable_flops()
    print(f"attainable float32 rate, measured now: {bound / 1e9:.1f} GFLOP/s ({how})")
    for side, note in SIDE_NOTES.items():
        print(f"  {side:16} {note}")
    print(f"wall: median of {args.repeats} (best); CPU: median CPU time of the process, all threads (steadier on a "
          "shared machine); × NumPy, × min JAX: how many times faster than expert NumPy and the minimal JAX program, "
          "by wall and by CPU time; GFLOP/s and bound: counted flops per wall second, and that over the attainable rate")
    print(f"{'rule':5} {'side':16} {'wall':>12} {'(best)':>12} {'CPU':>12} {'× NumPy':>13} {'× min JAX':>13} "
          f"{'GFLOP/s':>8} {'bound':>6}  max |Δ|")
    for rule_id in HPARAMS:
        flops = flops_per_point_step(rule_id) * work
        engine = engine_batch(rule_id, starts)
        numpy_result = numpy_batch(rule_id, starts)
        errors = {
            "engine": 0.0,
            "minimal JAX": assert_same_points(f"{rule_id} minimal JAX", minimal_batch(rule_id, starts), engine.final_params),
            "expert NumPy": assert_same_points(f"{rule_id} expert NumPy", numpy_result.final_params, engine.final_params),
            "NumPy, dynamics": assert_same_points(f"{rule_id} NumPy dynamics", numpy_batch(rule_id, starts, bookkeeping=False).final_params,
                                                  engine.final_params),
        }
        assert np.array_equal(engine.diverged_at, numpy_result.diverged_at), f"{rule_id}: different runs diverged"
        timings = in_turns({
            "engine": lambda: engine_batch(rule_id, starts),
            "minimal JAX": lambda: minimal_batch(rule_id, starts),
            "expert NumPy": lambda: numpy_batch(rule_id, starts),
            "NumPy, dynamics": lambda: numpy_batch(rule_id, starts, bookkeeping=False),
        }, args.repeats)
        for side in SIDES:
            wall, cpu = timings[side].wall.median, timings[side].cpu.median
            rate = flops / wall
            faster = lambda other: (f"{timings[other].wall.median / wall:5.2f}/"
                                    f"{timings[other].cpu.median / cpu:5.2f}×")
            print(f"{rule_id:5} {side:16} {fmt(wall)} {fmt(timings[side].wall.min)} {fmt(cpu)} "
                  f"{faster('expert NumPy'):>13} {faster('minimal JAX'):>13} "
                  f"{rate / 1e9:8.2f} {rate / bound:6.1%}  {errors[side]:.1e}", flush=True)
        print(f"{rule_id:5} {flops / work:.0f} flops per point and step (XLA's count of one step of the minimal program)")


if __name__ == "__main__":
    main()
