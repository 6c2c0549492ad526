"""Basin-map benchmark: JAX (``maps.basin_map``) against NumPy, and torch when it is installed.

    python -m benchmarks.maps                                # 256×256 starts × 100 steps, Himmelblau
    python -m benchmarks.maps --resolution 128 --steps 200 --repeats 3

The result, the same on every side: each start of a resolution² grid runs N steps of the lecture's
rule in float32 (gradient, update, loss at the new point, divergence check), and is labelled by the
minimum it ends within tolerance of, with the step from which it stays there, or as diverged / not
converged. NumPy and torch record each path (freezing diverged runs) and label the paths with
``maps.outcomes``; they run all starts at once, vectorized, with the gradient in closed form. JAX runs
the map as the page does: chunks of ``maps.CHUNK`` starts through ``optimizers.run_many``, which
tracks each run's arrival at the minima while it steps, with no path recorded. The "core" rows time
the runs alone (JAX: ``run_many`` on all starts at once; NumPy: the loop without recording the path).

Before any ratio is printed the sides must agree: the same label and the same steps to converge for
at least 99.5 % of the starts (float32 paths computed in a different order part ways at basin
boundaries and on chaotic runs).
"""

from __future__ import annotations

import argparse
from typing import NamedTuple

import numpy as np

import maps
import optimizers
from benchmarks.engine import fmt, machine, timed
from landscapes import LANDSCAPES
from scene import Run, Scene

LANDSCAPE = "himmelblau"
RULES = {"gd": {"lr": 0.01}, "adam": {"lr": 0.1, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}}
AGREEING_SHARE = 0.995


def himmelblau(xp, x, y):
    """Loss and gradient in closed form, for NumPy or torch arrays."""
    a, b = x * x + y - 11.0, x + y * y - 7.0
    return a * a + b * b, 4.0 * a * x + 2.0 * b, 2.0 * a + 4.0 * b * y


class Paths(NamedTuple):
    paths: np.ndarray | None  # (M, N+1, 2), or None when not recorded
    final: np.ndarray  # (M, 2)
    diverged_at: np.ndarray  # (M,), -1 where it did not diverge


def vectorized_runs(xp, rule: str, starts, steps: int, radius: float, record: bool, as_array=lambda a: a) -> Paths:
    """The engine's scan over all starts at once, with ``xp`` = numpy or torch (float32, x and y apart)."""
    hp = RULES[rule]
    x, y = as_array(starts[:, 0].copy()), as_array(starts[:, 1].copy())
    loss, _, _ = himmelblau(xp, x, y)
    moments = [x * 0.0 for _ in range(4)]  # Adam's m and v per coordinate
    diverged_at = as_array(np.full(len(starts), -1, np.int32))
    rows = [(x, y)]
    for t in range(1, steps + 1):
        _, gx, gy = himmelblau(xp, x, y)
        if rule == "gd":
            dx, dy, new_moments = -hp["lr"] * gx, -hp["lr"] * gy, moments
        else:
            b1, b2 = hp["beta1"], hp["beta2"]
            mx, my = b1 * moments[0] + (1 - b1) * gx, b1 * moments[1] + (1 - b1) * gy
            vx, vy = b2 * moments[2] + (1 - b2) * gx * gx, b2 * moments[3] + (1 - b2) * gy * gy
            correction = np.sqrt(1 - b2**t) / (1 - b1**t)
            dx = -hp["lr"] / (xp.sqrt(vx) + hp["eps"]) * correction * mx
            dy = -hp["lr"] / (xp.sqrt(vy) + hp["eps"]) * correction * my
            new_moments = [mx, my, vx, vy]
        nx, ny = x + dx, y + dy
        new_loss, _, _ = himmelblau(xp, nx, ny)
        bad = ~(xp.isfinite(nx) & xp.isfinite(ny) & xp.isfinite(new_loss)) | (xp.maximum(xp.abs(nx), xp.abs(ny)) > radius)
        alive = diverged_at < 0
        keep = alive & ~bad
        diverged_at = xp.where(alive & bad, t, diverged_at)
        x, y, loss = xp.where(keep, nx, x), xp.where(keep, ny, y), xp.where(keep, new_loss, loss)
        moments = [xp.where(keep, new, old) for new, old in zip(new_moments, moments)]
        if record:
            rows.append((x, y))
    to_numpy = lambda a: np.asarray(a)
    paths = np.stack([np.stack([to_numpy(a), to_numpy(b)], axis=1) for a, b in rows], axis=1) if record else None
    return Paths(paths, np.stack([to_numpy(x), to_numpy(y)], axis=1), to_numpy(diverged_at))


def labelled(result: Paths, minima, tolerance: float):
    return maps.outcomes(result.paths, result.diverged_at, minima, tolerance)


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
    parser.add_argument("--repeats", type=int, default=3, help="timed repeats; the median is printed (default 3)")
    args = parser.parse_args()
    try:
        import torch
        torch.set_num_threads(2)
    except ImportError:
        torch = None

    landscape = LANDSCAPES[LANDSCAPE]
    _, _, starts = maps.start_grid(landscape, args.resolution)
    radius = float(np.float32(landscape.escape_radius))
    print(f"machine: {machine()}" + (f", torch {torch.__version__}" if torch else ", torch not installed"))
    print(f"work: {LANDSCAPE}, {args.resolution}×{args.resolution} starts × {args.steps} steps, lecture rules, "
          f"float32; JAX in chunks of {maps.CHUNK}")
    print(f"{'rule':5} {'work':6} {'side':6} {'wall':>12} {'CPU':>12} {'ratio to JAX (wall)':>20}  outcomes as JAX")
    for rule, hparams in RULES.items():
        scene = Scene(landscape=LANDSCAPE, runs=(Run.of(rule, **hparams),), steps=args.steps)
        opt = optimizers.make(rule, **hparams)
        info = maps.basin_map(scene, 0, args.resolution)  # compiles, and finds the minima once
        reference = info.label, info.steps_to_converge

        def jax_map():
            maps.cache_clear()
            return maps.basin_map(scene, 0, args.resolution)

        sides = {"JAX": (jax_map, lambda: optimizers.run_many(opt, landscape, starts, args.steps))}
        numpy_result = vectorized_runs(np, rule, starts, args.steps, radius, True)
        shares = {"JAX": 1.0, "NumPy": agreement(f"{rule} NumPy", labelled(numpy_result, info.minima, info.tolerance),
                                                 reference)}
        sides["NumPy"] = (
            lambda: labelled(vectorized_runs(np, rule, starts, args.steps, radius, True), info.minima, info.tolerance),
            lambda: vectorized_runs(np, rule, starts, args.steps, radius, False),
        )
        if torch is not None:
            as_tensor = torch.from_numpy
            torch_result = vectorized_runs(torch, rule, starts, args.steps, radius, True, as_tensor)
            shares["torch"] = agreement(f"{rule} torch", labelled(torch_result, info.minima, info.tolerance),
                                        reference)
            sides["torch"] = (
                lambda: labelled(vectorized_runs(torch, rule, starts, args.steps, radius, True, as_tensor),
                                 info.minima, info.tolerance),
                lambda: vectorized_runs(torch, rule, starts, args.steps, radius, False, as_tensor),
            )
        for work, index in (("map", 0), ("core", 1)):
            timings = {side: timed(pair[index], args.repeats) for side, pair in sides.items()}
            for side, timing in timings.items():
                ratio = timing.wall / timings["JAX"].wall
                print(f"{rule:5} {work:6} {side:6} {fmt(timing.wall)} {fmt(timing.cpu)} {ratio:19.1f}×  "
                      f"{shares[side]:.2%}", flush=True)
        counts = {maps.DIVERGED: "diverged", maps.NOT_CONVERGED: "not converged"}
        summary = ", ".join(f"{counts.get(code, f'minimum {code + 1}')}: {n}" for code, n in info.counts().items())
        print(f"{rule:5} outcomes: {summary}")


if __name__ == "__main__":
    main()
