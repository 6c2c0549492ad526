"""Basin-map benchmark: JAX (``maps.basin_map``) against expert NumPy, and torch when it is installed.

    python -m benchmarks.maps                                # 256×256 starts × 100 steps, Himmelblau
    python -m benchmarks.maps --resolution 128 --steps 200 --repeats 3

The result, the same on every side: each start of a resolution² grid runs N steps of the lecture's
rule in float32 (loss and gradient, divergence test, update), and is labelled by the minimum it ends
within tolerance of, with the step from which it stays there, or as diverged / not converged.

- JAX: the map as the page computes it: chunks of ``maps.CHUNK`` starts through
  ``optimizers.run_many``, which tracks each run's arrival at the minima while it steps.
- expert NumPy (``benchmarks.expert``): float32, one array per coordinate, in-place ufuncs; all
  starts at once. The update writes each step's point straight into rows kept for the labels
  (no copy), and one pass over the rows afterwards finds each run's arrival at its minimum.
- torch: the same code on torch tensors (vectorised over the batch, no per-point optimizer objects).

"core" rows time the runs alone, all starts at once (end points and divergence, no labels). Before
any ratio is printed the sides must agree: the same label and the same steps to converge for at
least 99.5 % of the starts (float32 paths computed in a different order part ways at basin
boundaries and on chaotic runs).
"""

from __future__ import annotations

import argparse

import numpy as np

from analysis import maps
import optimizers
from benchmarks import expert, machine
from benchmarks.engine import fmt
from benchmarks.timing import in_turns
from landscapes import LANDSCAPES
from optimizers.engine import DEFAULT_GRAD_TOL
from scene import Run, Scene

LANDSCAPE = "himmelblau"
RULES = {"gd": {"lr": 0.01}, "adam": {"lr": 0.1, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}}
AGREEING_SHARE = 0.995


def labelled(runs: expert.Runs, minima, tolerance: float) -> tuple[np.ndarray, np.ndarray]:
    """``maps.outcomes`` of recorded rows (steps+1, M), one row at a time into buffers made once."""
    xs, ys = runs.xs, runs.ys
    m = xs.shape[1]
    label = np.full(m, maps.NOT_CONVERGED, np.int16)
    steps = np.full(m, -1, np.int32)
    if minima:
        centres = np.array([a.xy for a in minima], np.float64)
        final = np.stack([xs[-1], ys[-1]], axis=1).astype(np.float64)
        distance = np.linalg.norm(final[:, None, :] - centres[None], axis=2)
        nearest = np.argmin(distance, axis=1)
        arrived = distance[np.arange(m), nearest] <= tolerance
        label[arrived] = nearest[arrived]
        target_x, target_y = (centres[nearest, i].astype(np.float32) for i in (0, 1))
        dx, dy, outside = np.empty(m, np.float32), np.empty(m, np.float32), np.empty(m, bool)
        last_outside = np.full(m, -1, np.int32)
        limit = np.float32(tolerance) ** 2
        for t in range(len(xs)):
            np.subtract(xs[t], target_x, out=dx)
            np.multiply(dx, dx, out=dx)
            np.subtract(ys[t], target_y, out=dy)
            np.multiply(dy, dy, out=dy)
            np.add(dx, dy, out=dx)
            np.greater(dx, limit, out=outside)
            np.copyto(last_outside, t, where=outside)
        steps[arrived] = (last_outside + 1)[arrived]
    diverged = runs.diverged_at >= 0
    label[diverged] = maps.DIVERGED
    steps[diverged] = -1
    return label, steps


def agreement(name: str, outcome: tuple[np.ndarray, np.ndarray], reference: tuple[np.ndarray, np.ndarray]) -> float:
    """The share of starts with the same label and the same steps to converge as ``reference``."""
    (labels, steps), (reference_labels, reference_steps) = outcome, reference
    share = float(np.mean((labels.ravel() == reference_labels.ravel()) & (steps.ravel() == reference_steps.ravel())))
    assert share >= AGREEING_SHARE, f"{name}: only {share:.2%} of the outcomes agree with JAX; not the same work"
    return share


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resolution", type=int, default=256, help="starts per side (default 256)")
    parser.add_argument("--steps", type=int, default=100, help="steps per run (default 100)")
    parser.add_argument("--repeats", type=int, default=5, help="timed repeats, in turns; the median is printed")
    args = parser.parse_args()
    try:
        import torch
        torch.set_num_threads(1)  # as NumPy; two threads spin against each other on a loaded 2-core machine
    except ImportError:
        torch = None

    landscape = LANDSCAPES[LANDSCAPE]
    _, _, starts = maps.start_grid(landscape, args.resolution)
    radius = float(np.float32(landscape.escape_radius))
    print(machine.line(machine.describe()))
    print(f"torch {torch.__version__} ({torch.get_num_threads()} threads)" if torch else "torch not installed")
    print(f"work: {LANDSCAPE}, {args.resolution}×{args.resolution} starts × {args.steps} steps, lecture rules, "
          f"float32; JAX in chunks of {maps.CHUNK} on {maps.WORKERS} threads; NumPy and torch: benchmarks.expert")
    print(f"{'rule':5} {'work':5} {'side':13} {'wall':>12} {'CPU':>12} {'× NumPy (wall/CPU)':>19}  outcomes as JAX")
    for rule, hparams in RULES.items():
        scene = Scene(landscape=LANDSCAPE, runs=(Run.of(rule, **hparams),), steps=args.steps)
        opt = optimizers.make(rule, **hparams)
        info = maps.basin_map(scene, 0, args.resolution)  # compiles, and finds the minima once
        reference = info.label, info.steps_to_converge

        def runs(xp, record, as_array=lambda a: a):
            return expert.run_batch(xp, LANDSCAPE, rule, hparams, {}, starts, args.steps, radius, DEFAULT_GRAD_TOL,
                                    record=record, as_array=as_array)

        def jax_map():
            maps.cache_clear()
            return maps.basin_map(scene, 0, args.resolution)

        sides = {
            "JAX": (jax_map, lambda: optimizers.run_many(opt, landscape, starts, args.steps)),
            "expert NumPy": (lambda: labelled(runs(np, True), info.minima, info.tolerance), lambda: runs(np, False)),
        }
        shares = {"JAX": 1.0, "expert NumPy": agreement(f"{rule} NumPy", sides["expert NumPy"][0](), reference)}
        core = optimizers.run_many(opt, landscape, starts, args.steps)
        np.testing.assert_array_equal(runs(np, False).diverged_at, core.diverged_at)
        if torch is not None:
            as_tensor = torch.from_numpy
            sides["torch"] = (lambda: labelled(runs(torch, True, as_tensor), info.minima, info.tolerance),
                              lambda: runs(torch, False, as_tensor))
            shares["torch"] = agreement(f"{rule} torch", sides["torch"][0](), reference)
        for work, index in (("map", 0), ("core", 1)):
            timings = in_turns({side: pair[index] for side, pair in sides.items()}, args.repeats)
            base = timings["expert NumPy"]
            for side, timing in timings.items():
                wall, cpu = timing.wall.median, timing.cpu.median
                print(f"{rule:5} {work:5} {side:13} {fmt(wall)} {fmt(cpu)} "
                      f"{base.wall.median / wall:9.2f}/{base.cpu.median / cpu:5.2f}×  {shares[side]:.2%}", flush=True)
        counts = {maps.DIVERGED: "diverged", maps.NOT_CONVERGED: "not converged"}
        summary = ", ".join(f"{counts.get(code, f'minimum {code + 1}')}: {n}" for code, n in info.counts().items())
        print(f"{rule:5} outcomes: {summary}")


if __name__ == "__main__":
    main()
