"""Lesson mode: section 2.3.7 walked through in order, one scene per claim of the lecture.

Each ``Lesson`` carries its scene and a ``check(scene) -> ClaimResult`` that measures the claim
through the engine on exactly that scene. The page shows the scene and the measured figures, and
tests/test_lessons.py asserts on the same figures, so the picture and the proof cannot drift apart.
Texts (title, explanation, question, condition, the one-line result) live in i18n/strings_lessons.py.

A claim must hold beyond the scene it was set up on. ``conditions`` names the scene fields a claim
depends on by design (the 2/λ_max lesson is about the learning rate); everything else must not
matter: ``robustness(lesson)`` runs the check on the nearby scenes of ``perturbations`` (other seeds
where a run is stochastic, every learning rate scaled, the start moved a little in 8 directions) and
counts where it still holds. The page shows that share beside the claim.

Both take seconds to a minute per lesson on a loaded machine (benchmarks/lessons.py), so ``MEASUREMENTS``
computes every lesson's check and share once per process, in one background thread the app starts with
``measure_at_start``; a page waits for a lesson a bounded time and says what is still being measured.
"""

from __future__ import annotations

import dataclasses
import math
import os
import threading
from typing import Any, Callable, Mapping

import numpy as np

from analysis import compute
from analysis import convergence
from analysis import maps
import optimizers
from i18n import t
from analysis.internals import curvature, hessian_at
from landscapes import Landscape
from scene.presets import PRESETS
from scene import LANGUAGES, PALETTE, Run, Scene, View, clamp_hparam


@dataclasses.dataclass(frozen=True)
class ClaimResult:
    lesson_id: str
    passed: bool
    figures: Mapping[str, float]  # the measured numbers, by name
    records: Mapping[str, Any] = dataclasses.field(default_factory=dict)  # typed records the page draws

    def statement(self, language: str = "ko") -> str:
        """One line with the measured figures, e.g. "momentum: 17 steps vs GD: 99"."""
        return t(f"lesson.{self.lesson_id}.result", language, **self.figures)


@dataclasses.dataclass(frozen=True)
class Lesson:
    id: str
    order: int  # 1-based position in LESSONS
    claim: int | None  # the number of the claim this lesson proves (None: an extra lesson)
    section: str  # where in the lecture note
    scene: Scene
    check: Callable[[Scene], ClaimResult]
    conditions: tuple[str, ...] = ()  # PERTURBED fields the claim depends on by design; they are not perturbed
    see_also: tuple[str, ...] = ()  # ids of lessons the text refers to

    def _texts(self, part: str) -> dict[str, str]:
        return {language: t(f"lesson.{self.id}.{part}", language) for language in LANGUAGES}

    @property
    def title(self) -> dict[str, str]:
        return self._texts("title")

    @property
    def explanation(self) -> dict[str, str]:
        return self._texts("explanation")

    @property
    def question(self) -> dict[str, str]:
        return self._texts("question")

    @property
    def condition(self) -> dict[str, str]:
        """When the claim holds, in words (it names the ``conditions`` where there are any)."""
        return self._texts("condition")

    def result(self) -> ClaimResult:
        return self.check(self.scene)


# --- measuring helpers -------------------------------------------------------------------------------

def run_index(scene: Scene, optimizer: str, nth: int = 0) -> int:
    """Index of the ``nth`` run of ``optimizer`` in the scene."""
    matches = [i for i, run in enumerate(scene.runs) if run.optimizer == optimizer]
    if len(matches) <= nth:
        raise ValueError(f"the scene has no run #{nth + 1} of {optimizer}")
    return matches[nth]


def run_of(scene: Scene, optimizer: str, nth: int = 0) -> Run:
    return scene.runs[run_index(scene, optimizer, nth)]


def traced(scene: Scene, optimizer: str, nth: int = 0, **changes) -> optimizers.Trajectory:
    """The trajectory of the scene's ``nth`` ``optimizer`` run; ``changes`` replace scene fields first."""
    scene = scene.replace(**changes) if changes else scene
    return compute.trajectory(scene, run_of(scene, optimizer, nth))


def seed_runs(scene: Scene, run: Run, seeds: int, start=None) -> optimizers.Batch:
    """``run`` with the seeds scene.seed … scene.seed + seeds − 1, every step recorded, in one program."""
    fn, batch_size = compute.gradient_source(scene, run)
    chosen = np.arange(scene.seed, scene.seed + seeds).astype(np.uint32)
    return optimizers.run_many(compute.make_optimizer(run), fn, np.asarray(scene.start if start is None else start),
                               scene.steps, batch_size=batch_size, seed=chosen, history=True)


def step_lengths(traj: optimizers.Trajectory) -> np.ndarray:
    return np.linalg.norm(np.diff(np.asarray(traj.params, dtype=np.float64), axis=0), axis=1)


def distance_to(traj: optimizers.Trajectory, point) -> np.ndarray:
    return np.linalg.norm(np.asarray(traj.params, dtype=np.float64) - np.asarray(point, dtype=np.float64), axis=1)


def global_minimum(landscape: Landscape) -> tuple[float, float]:
    return next(p.xy for p in landscape.critical_points if p.kind == "global_min")


def steps_to_minimum(landscape: Landscape, traj: optimizers.Trajectory) -> int:
    """First step from which the run stayed at its minimum (``analysis.convergence``); −1 if it did not arrive."""
    reached = compute.metrics(landscape, traj).steps_to_tolerance
    return -1 if reached is None else reached


def _result(lesson_id: str, passed: bool, records: Mapping[str, Any] | None = None, **figures: float) -> ClaimResult:
    return ClaimResult(lesson_id, bool(passed), {k: float(v) for k, v in figures.items()}, dict(records or {}))


# --- 2.3.7.1 the difficulties ------------------------------------------------------------------------

# From (0.1, −1.4) the nearest minimum is a local one, yet GD ends in the global one.
MINIMA_SCENE = Scene(landscape="wells", start=(0.1, -1.4), steps=150, view=View(field="stream"),
                     runs=(Run.of("gd", lr=0.1, color=PALETTE[0]),))
BASIN_RESOLUTION = 64


def check_minima(scene: Scene) -> ClaimResult:
    """Claim 2: GD ends in the minimum whose basin of attraction holds its start, which is often not the nearest
    one, and often a local one: a zero gradient is no proof of the global minimum."""
    basin = maps.basin_map(scene, run_index(scene, "gd"), BASIN_RESOLUTION)
    centres = convergence.centres(basin.minima)
    gx, gy = np.meshgrid(basin.xs, basin.ys)
    nearest = convergence.nearest(np.stack([gx.ravel(), gy.ravel()], axis=1), centres).reshape(gx.shape)
    settled = basin.label >= 0
    ends = basin.label[settled]
    not_nearest = float(np.mean(ends != nearest[settled]))
    in_local = float(np.mean([basin.minima[i].kind == "local_min" for i in ends]))
    own = traced(scene, "gd")
    own_end = int(convergence.nearest(own.params[-1:], centres)[0])
    (x0, x1), (y0, y1) = scene.surface().bounds
    column = min(int((scene.start[0] - x0) / (x1 - x0) * basin.resolution), basin.resolution - 1)
    row = min(int((scene.start[1] - y0) / (y1 - y0) * basin.resolution), basin.resolution - 1)
    own_basin = int(basin.label[row, column])
    start_distances = np.linalg.norm(centres - np.asarray(scene.start), axis=1)
    distinct = len(set(ends.tolist()))
    passed = distinct >= 2 and not_nearest > 0.03 and in_local > 0.1 and own_end == own_basin
    return _result(
        "minima", passed, {"basin": basin, "path": np.asarray(own.params, dtype=np.float32)}, distinct_minima=distinct, starts=basin.resolution**2,
        not_nearest=100 * not_nearest, in_local=100 * in_local, end_distance=start_distances[own_end],
        nearest_distance=start_distances.min(), end_is_nearest=own_end == int(np.argmin(start_distances)),
        own_basin_agrees=own_end == own_basin,
    )


SADDLE_SCENE = PRESETS["saddle_escape"].scene.replace(
    steps=300, runs=PRESETS["saddle_escape"].scene.runs + (Run.of("minibatch", lr=0.05, batch_size=8, color=PALETTE[2]),),
)
ESCAPE_DISTANCE = 0.5  # from the saddle along its falling direction: halfway to the minima at y = ±1
SADDLE_SEEDS = 16


@dataclasses.dataclass(frozen=True)
class SaddleEscape:
    """Distance from the saddle's stable axis at every step (along the Hessian's falling eigenvector)."""

    gd: np.ndarray  # (k+1,)
    momentum: np.ndarray  # (k+1,)
    noise: np.ndarray  # (S, k+1) mini-batch, one row per seed
    noise_on_axis: np.ndarray  # (S, k+1) mini-batch started exactly on the stable axis
    escape_distance: float


def escape_step(distance: np.ndarray) -> int:
    """First step at ESCAPE_DISTANCE or more from the stable axis; −1 if the run never gets there."""
    beyond = np.nonzero(np.abs(distance) >= ESCAPE_DISTANCE)[0]
    return int(beyond[0]) if beyond.size else -1


def _censored(steps: np.ndarray, never: int) -> np.ndarray:
    """Escape steps with "never" (−1) counted as ``never``, for medians and comparisons."""
    return np.where(steps < 0, never, steps)


def check_saddle(scene: Scene) -> ClaimResult:
    """Claim 3: zero gradient but not a minimum. GD lingers near the saddle, momentum leaves sooner; exactly on the
    stable axis GD never leaves, while mini-batch noise does (over 16 seeds, as a distribution)."""
    landscape = scene.surface()
    saddle = np.asarray(next(p.xy for p in landscape.critical_points if p.kind == "saddle"), dtype=np.float64)
    grad_norm = float(np.linalg.norm(compute.gradients_at(landscape, [saddle])[0]))
    eigenvalues, eigenvectors = np.linalg.eigh(hessian_at(landscape, saddle))
    falling = eigenvectors[:, 0]
    off_axis = lambda params: (np.asarray(params, dtype=np.float64) - saddle) @ falling
    on_axis = np.asarray(scene.start, dtype=np.float64) - off_axis(scene.start) * falling
    noise_run = run_of(scene, "minibatch")
    record = SaddleEscape(
        gd=off_axis(traced(scene, "gd").params), momentum=off_axis(traced(scene, "momentum").params),
        noise=off_axis(seed_runs(scene, noise_run, SADDLE_SEEDS).params),
        noise_on_axis=off_axis(seed_runs(scene, noise_run, SADDLE_SEEDS, start=on_axis).params),
        escape_distance=ESCAPE_DISTANCE,
    )
    never = scene.steps + 1
    gd, momentum = escape_step(record.gd), escape_step(record.momentum)
    noise = np.array([escape_step(row) for row in record.noise])
    on_axis_noise = np.array([escape_step(row) for row in record.noise_on_axis])
    axis_gd = traced(scene, "gd", start=tuple(on_axis))
    axis_gd_distance = float(np.max(np.abs(off_axis(axis_gd.params))))
    escaped_on_axis = int(np.sum(on_axis_noise >= 0))
    passed = (grad_norm < 1e-6 and eigenvalues[0] < 0 < eigenvalues[1]
              and _censored(np.array(momentum), never) < _censored(np.array(gd), never)
              and axis_gd_distance < 1e-6 and escaped_on_axis >= 0.75 * SADDLE_SEEDS)
    noise_steps, axis_steps = _censored(noise, never), _censored(on_axis_noise, never)
    return _result(
        "saddle", passed, {"escape": record}, grad_norm=grad_norm, lowest_curvature=eigenvalues[0],
        steps=scene.steps, start_offset=abs(off_axis(scene.start)), gd_escape=gd, momentum_escape=momentum,
        noise_median=np.median(noise_steps), noise_min=noise_steps.min(), noise_max=noise_steps.max(),
        axis_gd_distance=axis_gd_distance, axis_escaped=escaped_on_axis, seeds=SADDLE_SEEDS,
        axis_median=np.median(axis_steps), axis_min=axis_steps.min(), axis_max=axis_steps.max(),
    )


# --- 2.3.7.2 (1) gradient descent --------------------------------------------------------------------

GD_SCENE = PRESETS["bowl_gd_momentum"].scene
SHRINK_FLOOR = 1e-4  # distances below this fraction of the first are float noise, not steps


def check_gd(scene: Scene) -> ClaimResult:
    """Claim 1: every GD step points along −∇f and the loss never rises; on a quadratic with η < 2/λ_max each step
    shrinks the distance to the minimum by at least ρ = max|1 − ηλ| < 1, so it gets there from any start, at a
    rate that does not depend on how many steps the scene happens to show."""
    landscape = scene.surface()
    traj = traced(scene, "gd")
    steps = np.diff(np.asarray(traj.params, dtype=np.float64), axis=0)
    downhill = -compute.gradients_at(landscape, traj.params[:-1])
    moving = np.linalg.norm(steps, axis=1) > 1e-9
    cosine = np.sum(steps * downhill, axis=1) / (np.linalg.norm(steps, axis=1) * np.linalg.norm(downhill, axis=1))
    rises = int(np.sum(np.diff(np.asarray(traj.loss, dtype=np.float64)) > 0))
    info = curvature(landscape)
    lr = run_of(scene, "gd").settings["lr"]
    rho = float(np.max(np.abs(1.0 - lr * info.eigenvalues)))
    distance = distance_to(traj, global_minimum(landscape))
    counted = distance[:-1] > SHRINK_FLOOR * distance[0]
    worst_shrink = float(np.max(distance[1:][counted] / distance[:-1][counted]))
    to_one_percent = math.ceil(math.log(0.01) / math.log(rho)) if rho < 1 else -1
    passed = (float(np.min(cosine[moving])) > 0.9999 and rises == 0 and info.quadratic and rho < 1
              and worst_shrink <= rho * (1 + 1e-4))
    return _result("gd", passed, min_cosine=np.min(cosine[moving]), rises=rises, lr=lr, lr_max=info.lr_max or 0.0,
                   rho=rho, worst_shrink=worst_shrink, to_one_percent=to_one_percent, initial_distance=distance[0])


CURVATURE_KAPPA = 10.0
CURVATURE_SCENE = Scene(
    landscape="bowl", landscape_params=(("angle", 0.0), ("kappa", CURVATURE_KAPPA)), start=(-2.5, 2.0), steps=60,
    runs=(Run.of("gd", lr=round(0.95 * 2.0 / CURVATURE_KAPPA, 6), color=PALETTE[0]),  # rounded: the URL keeps 6 digits
          Run.of("gd", lr=round(1.05 * 2.0 / CURVATURE_KAPPA, 6), color=PALETTE[1])),
)


def check_curvature(scene: Scene) -> ClaimResult:
    """GD on a quadratic converges for η < 2/λ_max and diverges for η > 2/λ_max."""
    landscape = scene.surface()
    info = curvature(landscape)
    below, above = (traced(scene, "gd", nth) for nth in (0, 1))
    minimum = global_minimum(landscape)
    lr_below, lr_above = (run_of(scene, "gd", nth).settings["lr"] for nth in (0, 1))
    below_distance = float(distance_to(below, minimum)[-1])
    above_distance = distance_to(above, minimum)
    above_diverged = -1 if above.diverged_at is None else above.diverged_at
    passed = (info.quadratic and info.lr_max is not None and lr_below < info.lr_max < lr_above
              and below_distance < 0.05 and above_diverged > 0)
    return _result(
        "curvature", passed, lambda_max=float(info.eigenvalues[-1]), lambda_min=float(info.eigenvalues[0]),
        lr_max=info.lr_max or 0.0, lr_below=lr_below, lr_above=lr_above, below_distance=below_distance,
        above_diverged_at=above_diverged, above_max_distance=float(above_distance.max()),
    )


# --- batch, SGD, mini-batch --------------------------------------------------------------------------

BATCH_SCENE = PRESETS["batch_sgd_minibatch"].scene.replace(view=View(seeds=8, noise_ellipse=True))
BUDGET_SEEDS = 8
BUDGET_PASSES = 16  # the work compared: this many passes over the data (GD: this many steps)
BUDGET_OPTIMIZERS = ("gd", "minibatch", "sgd")


@dataclasses.dataclass(frozen=True)
class BudgetCurve:
    """f − f* against the per-sample gradients evaluated: a step of batch size B costs B of them (GD: all N)."""

    optimizer: str
    color: str
    cost: int  # per-sample gradients per step
    seeds: int
    work: np.ndarray  # (k+1,) gradients evaluated after each step
    median: np.ndarray  # (k+1,) over the seeds
    low: np.ndarray  # (k+1,) the first quartile over the seeds
    high: np.ndarray  # (k+1,) the third quartile


def budget_curves(scene: Scene, n_samples: int) -> tuple[BudgetCurve, ...]:
    """Each of GD, mini-batch and SGD run until it has used BUDGET_PASSES × N per-sample gradients."""
    landscape = scene.surface()
    lowest = float(compute.values_at(landscape, np.array([global_minimum(landscape)]))[0])
    budget = BUDGET_PASSES * n_samples
    curves = []
    for optimizer in BUDGET_OPTIMIZERS:
        run = run_of(scene, optimizer)
        cost = n_samples if run.batch_size is None else min(run.batch_size, n_samples)
        seeds = 1 if run.batch_size is None else BUDGET_SEEDS
        batch = seed_runs(scene.replace(steps=budget // cost), run, seeds)
        gap = np.maximum(batch.loss.astype(np.float64) - lowest, 0.0)
        low, median, high = np.percentile(gap, [25, 50, 75], axis=0)
        curves.append(BudgetCurve(optimizer, run.color, cost, seeds, cost * np.arange(gap.shape[1]), median, low, high))
    return tuple(curves)


def check_batch(scene: Scene) -> ClaimResult:
    """Claim 4: per update, batch GD's path is the shortest and smoothest, SGD's the noisiest, mini-batch between;
    per unit of work (per-sample gradients), SGD and mini-batch get far lower than batch GD at first."""
    figures = {}
    for opt in BUDGET_OPTIMIZERS:
        traj = traced(scene, opt)
        steps = np.diff(np.asarray(traj.params, dtype=np.float64), axis=0)
        late = steps[len(steps) // 2:]
        figures[f"{opt}_length"] = float(step_lengths(traj).sum())
        figures[f"{opt}_variance"] = float(np.sum(np.var(late, axis=0)))
    n = compute.gradient_source(scene, run_of(scene, "sgd"))[0].n
    curves = {curve.optimizer: curve for curve in budget_curves(scene, n)}
    for opt, curve in curves.items():  # after one pass over the data: N per-sample gradients
        figures[f"{opt}_one_pass"] = float(curve.median[n // curve.cost])
    passed = (figures["gd_length"] * 1.5 < figures["minibatch_length"] and
              figures["minibatch_length"] * 1.5 < figures["sgd_length"] and
              figures["gd_variance"] < figures["minibatch_variance"] / 10 and
              figures["minibatch_variance"] * 3 < figures["sgd_variance"] and
              10 * figures["sgd_one_pass"] < figures["gd_one_pass"] and
              10 * figures["minibatch_one_pass"] < figures["gd_one_pass"])
    return _result("batch", passed, {"budget": tuple(curves.values())}, samples=n, seeds=BUDGET_SEEDS, **figures)


# --- momentum and NAG --------------------------------------------------------------------------------

RAVINE_SCENE = PRESETS["ravine_momentum"].scene  # each run at the best setting of check_ravine's sweep (a test says so)
TUNING_LRS = 10.0 ** np.linspace(-3.0, 0.0, 61)
TUNING_BETAS = np.round(np.arange(0.0, 0.951, 0.025), 3)
TUNING_STEPS = 400
RAVINE_KAPPAS = (10.0, 30.0, 100.0)


@dataclasses.dataclass(frozen=True)
class Tuned:
    """GD and momentum each at its own best setting on one bowl, measured, beside the classical rates."""

    kappa: float
    gd_lr: float
    gd_steps: int  # steps to stay within 1% of the plot's width of the minimum; −1 if no setting gets there
    momentum_lr: float
    momentum_beta: float
    momentum_steps: int
    gd_rate: float  # (κ−1)/(κ+1): GD at its best η = 2/(λ_min + λ_max)
    momentum_rate: float  # (√κ−1)/(√κ+1): heavy ball at its best η and β
    gd_theory_steps: float  # ln(tol/d₀)/ln(rate)
    momentum_theory_steps: float

    @property
    def ratio(self) -> float:
        return self.gd_steps / self.momentum_steps if self.momentum_steps > 0 else math.inf


@dataclasses.dataclass(frozen=True)
class Race:
    """The scene's runs' distances to the minimum per step, and the classical rates to draw beside them."""

    runs: tuple[Run, ...]
    distances: tuple[np.ndarray, ...]  # (k+1,) each
    rates: tuple[float, ...]  # per run: (κ−1)/(κ+1) for GD, (√κ−1)/(√κ+1) for momentum
    tolerance: float


def _best(opt: optimizers.Optimizer, landscape: Landscape, start, hparams: Mapping[str, np.ndarray]) -> tuple[int, int]:
    """(index of the setting that arrives first, its steps) over a sweep of ``hparams``; (−1, −1) if none arrives."""
    batch = optimizers.run_many(opt, landscape, np.asarray(start), TUNING_STEPS, hparams=hparams,
                                targets=[global_minimum(landscape)], target_tol=convergence.default_tolerance(landscape))
    arrived = np.where(batch.arrived_at >= 0, batch.arrived_at, np.iinfo(np.int32).max)
    best = int(np.argmin(arrived))
    return (best, int(arrived[best])) if batch.arrived_at[best] >= 0 else (-1, -1)


def tuned(scene: Scene, kappa: float) -> Tuned:
    """The sweep: GD over TUNING_LRS, momentum over TUNING_LRS × TUNING_BETAS, on the scene's bowl with κ = ``kappa``."""
    landscape = scene.surface().with_params(kappa=kappa)
    gd_index, gd_steps = _best(optimizers.make("gd"), landscape, scene.start, {"lr": TUNING_LRS})
    lrs, betas = (grid.ravel() for grid in np.meshgrid(TUNING_LRS, TUNING_BETAS))
    m_index, m_steps = _best(optimizers.make("momentum"), landscape, scene.start, {"lr": lrs, "beta": betas})
    gd_rate, momentum_rate = (kappa - 1) / (kappa + 1), (math.sqrt(kappa) - 1) / (math.sqrt(kappa) + 1)
    shrink = math.log(convergence.default_tolerance(landscape) / float(np.linalg.norm(np.subtract(scene.start,
                                                                                         global_minimum(landscape)))))
    return Tuned(kappa, float(TUNING_LRS[gd_index]), gd_steps, float(lrs[m_index]), float(betas[m_index]), m_steps,
                 gd_rate, momentum_rate, shrink / math.log(gd_rate), shrink / math.log(momentum_rate))


def check_ravine(scene: Scene) -> ClaimResult:
    """Claim 5: on an ill-conditioned bowl, momentum at its own best η and β converges faster than GD at its own best
    η, and the gap grows like √κ (rates (√κ−1)/(√κ+1) against (κ−1)/(κ+1))."""
    kappa = dict(scene.landscape_params)["kappa"]
    own = tuned(scene, kappa)
    table = tuple(tuned(scene, k) for k in RAVINE_KAPPAS)
    landscape = scene.surface()
    racers = tuple(run_of(scene, opt) for opt in ("gd", "momentum"))
    race = Race(racers, tuple(distance_to(compute.trajectory(scene, run), global_minimum(landscape)) for run in racers),
                (own.gd_rate, own.momentum_rate), convergence.default_tolerance(landscape))
    ratios = [row.ratio for row in table]
    passed = (0 < own.momentum_steps < own.gd_steps and all(0 < row.momentum_steps < row.gd_steps for row in table)
              and ratios == sorted(ratios) and all(0.5 < row.ratio / math.sqrt(row.kappa) < 1.5 for row in table))
    return _result("ravine", passed, {"race": race, "table": table}, kappa=kappa, gd_lr=own.gd_lr,
                   gd_steps=own.gd_steps, momentum_lr=own.momentum_lr, momentum_beta=own.momentum_beta,
                   momentum_steps=own.momentum_steps, ratio=own.ratio, sqrt_kappa=math.sqrt(kappa),
                   gd_theory_steps=own.gd_theory_steps, momentum_theory_steps=own.momentum_theory_steps)


NAG_SCENE = Scene(
    landscape="bowl", landscape_params=(("angle", 0.0), ("kappa", 10.0)), start=(-2.5, 2.0), steps=100,
    runs=(Run.of("momentum", lr=0.05, beta=0.9, color=PALETTE[1]), Run.of("nag", lr=0.05, beta=0.9, color=PALETTE[3])),
)


def overshoot(traj: optimizers.Trajectory, minimum) -> float:
    """The farthest the run goes past the minimum, along either axis, on the side opposite its start."""
    offset = np.asarray(traj.params, dtype=np.float64) - np.asarray(minimum, dtype=np.float64)
    past = -np.sign(offset[0]) * offset
    return float(np.max(np.maximum(past, 0.0)))


def check_nag(scene: Scene) -> ClaimResult:
    """Claim 6: at the same η and β, NAG overshoots the minimum less than momentum."""
    landscape = scene.surface()
    minimum = global_minimum(landscape)
    momentum, nag = run_of(scene, "momentum"), run_of(scene, "nag")
    same = momentum.settings == nag.settings
    figures = {}
    for opt in ("momentum", "nag"):
        traj = traced(scene, opt)
        figures[f"{opt}_overshoot"] = overshoot(traj, minimum)
        figures[f"{opt}_steps"] = steps_to_minimum(landscape, traj)
    passed = same and figures["nag_overshoot"] < 0.7 * figures["momentum_overshoot"]
    return _result("nag", passed, lr=momentum.settings["lr"], beta=momentum.settings["beta"], **figures)


# --- adaptive learning rates -------------------------------------------------------------------------

_ROSENBROCK = PRESETS["rosenbrock_adaptive"].scene.replace(steps=1000)
ADAGRAD_SCENE = _ROSENBROCK.replace(runs=tuple(r for r in _ROSENBROCK.runs if r.optimizer == "adagrad"))
RMSPROP_SCENE = _ROSENBROCK.replace(runs=tuple(r for r in _ROSENBROCK.runs if r.optimizer in ("adagrad", "rmsprop")))
WINDOW = 100  # steps compared at the start and at the end of a run


def check_adagrad(scene: Scene) -> ClaimResult:
    """Claim 7: Adagrad's effective learning rate η/(√Gₜ+ε) never rises, in any coordinate, and it falls as
    gradients come in. How far the run gets before it crawls depends on the start: that part is an example."""
    landscape = scene.surface()
    run = run_of(scene, "adagrad")
    traj = traced(scene, "adagrad")
    lr_eff = np.asarray(traj.lr_eff, dtype=np.float64)
    rule = run.settings["lr"] / (np.sqrt(np.asarray(traj.state.sum_sq, dtype=np.float64)) + run.settings["eps"])
    formula_gap = float(np.max(np.abs(lr_eff / rule - 1.0)))
    rises = int(np.sum(np.diff(lr_eff, axis=0) > 0))
    decay = float(np.max(lr_eff[-1] / lr_eff[0]))
    lengths = step_lengths(traj)
    slowdown = float(lengths[-WINDOW:].mean() / lengths[:WINDOW].mean())
    final_distance = float(distance_to(traj, global_minimum(landscape))[-1])
    passed = rises == 0 and formula_gap < 1e-4 and decay < 1.0
    return _result("adagrad", passed, rises=rises, formula_gap=formula_gap, decay=decay, slowdown=slowdown,
                   final_distance=final_distance, steps=scene.steps, lr=run.settings["lr"],
                   start_x=scene.start[0], start_y=scene.start[1])


def recovery(lr_eff: np.ndarray) -> float:
    """How far an effective rate climbs back above its lowest value so far: max over t of lr_t / min_{s≤t} lr_s."""
    rates = np.asarray(lr_eff, dtype=np.float64)
    return float(np.max(rates / np.minimum.accumulate(rates, axis=0)))


def check_rmsprop(scene: Scene) -> ClaimResult:
    """Claim 8: RMSProp's effective rate rises again once the gradients shrink (its average forgets old ones;
    Adagrad's sum cannot), and it gets past where Adagrad stalls."""
    landscape = scene.surface()
    minimum = global_minimum(landscape)
    rmsprop, adagrad = traced(scene, "rmsprop"), traced(scene, "adagrad")
    rms_distance, ada_distance = distance_to(rmsprop, minimum), distance_to(adagrad, minimum)
    passed_at = np.nonzero(rms_distance < ada_distance[-1])[0]
    passed_step = int(passed_at[0]) if passed_at.size else -1
    rms_recovery, ada_recovery = recovery(rmsprop.lr_eff), recovery(adagrad.lr_eff)
    passed = (rms_recovery > 2.0 and ada_recovery == 1.0 and 0 <= passed_step < scene.steps
              and rms_distance[-1] < 0.5 * ada_distance[-1])
    return _result("rmsprop", passed, recovery=rms_recovery, adagrad_recovery=ada_recovery,
                   rmsprop_distance=float(rms_distance[-1]), adagrad_distance=float(ada_distance[-1]),
                   passed_step=passed_step, steps=scene.steps)


ADADELTA_SCENE = Scene(
    landscape="bowl", landscape_params=(("angle", 0.0), ("kappa", 10.0)), start=(-2.5, 2.0), steps=200,
    runs=(Run.of("adadelta", gamma=0.9, eps=1e-6, color=PALETTE[5]),
          Run.of("adadelta", "torch", lr=1.0, gamma=0.9, eps=1e-6, color=PALETTE[3]),
          Run.of("adadelta", gamma=0.9, eps=1e-3, color=PALETTE[6])),
)


@dataclasses.dataclass(frozen=True)
class StepLengths:
    """|Δw| per step of some runs (the Adadelta lesson: ε sets the scale of every step)."""

    runs: tuple[Run, ...]
    lengths: tuple[np.ndarray, ...]  # (k,) each


def first_step_size(traj: optimizers.Trajectory) -> float:
    """The length of the first step per coordinate (the larger coordinate)."""
    return float(np.max(np.abs(np.asarray(traj.params[1], np.float64) - np.asarray(traj.params[0], np.float64))))


def check_adadelta(scene: Scene) -> ClaimResult:
    """Claim 9: Adadelta (lecture form) has no η: ε sets the step, about ε/√(1−γ) at first (PyTorch's form: η√ε/√(1−γ),
    since it puts ε inside the roots), and the step adapts from there."""
    lecture, small = run_of(scene, "adadelta"), run_of(scene, "adadelta", 2)
    torch_run = next(run for run in scene.runs if run.optimizer == "adadelta" and run.convention == "torch")
    has_lr = "lr" in optimizers.hyperparameters("adadelta", "lecture")
    runs = {name: compute.trajectory(scene, run) for name, run in
            (("lecture", lecture), ("larger", small), ("torch", torch_run))}
    first = {name: first_step_size(traj) for name, traj in runs.items()}
    predicted = {
        "lecture": lecture.settings["eps"] / math.sqrt(1 - lecture.settings["gamma"]),
        "larger": small.settings["eps"] / math.sqrt(1 - small.settings["gamma"]),
        "torch": torch_run.settings["lr"] * math.sqrt(torch_run.settings["eps"] / (1 - torch_run.settings["gamma"])),
    }
    first_error = max(abs(first[name] / predicted[name] - 1) for name in first)
    growth = float(np.max(step_lengths(runs["lecture"])) / step_lengths(runs["lecture"])[0])
    travelled = {name: float(step_lengths(traj).sum()) for name, traj in runs.items()}
    passed = (not has_lr and first_error < 0.05 and growth > 3.0
              and travelled["torch"] > 100 * travelled["lecture"])
    record = StepLengths((lecture, torch_run, small), tuple(step_lengths(runs[n]) for n in ("lecture", "torch", "larger")))
    return _result("adadelta", passed, {"steps": record}, has_lr=has_lr, eps=lecture.settings["eps"], gamma=lecture.settings["gamma"],
                   first=first["lecture"], predicted=predicted["lecture"], growth=growth,
                   larger_eps=small.settings["eps"], larger_first=first["larger"], torch_first=first["torch"],
                   torch_lr=torch_run.settings["lr"], first_error=first_error, travelled=travelled["lecture"],
                   torch_travelled=travelled["torch"], torch_ratio=travelled["torch"] / travelled["lecture"],
                   steps=scene.steps)


ADAM_SCENE = Scene(
    landscape="bowl", landscape_params=(("angle", 0.0), ("kappa", 10.0)), start=(-2.5, 2.0), steps=150,
    runs=(Run.of("momentum", lr=0.02, beta=0.9, color=PALETTE[1]),
          Run.of("rmsprop", lr=0.1, gamma=0.9, color=PALETTE[3]),
          Run.of("adam", lr=0.1, beta1=0.9, beta2=0.9, color=PALETTE[2]),
          Run.of("adam", lr=0.1, beta1=0.9, beta2=0.9, bias_correction=0.0, color=PALETTE[4])),
)
EARLY = 5  # the "first steps" of claim 10


def uncorrected_first_step(beta1: float, beta2: float) -> float:
    """How long Adam's first step is without bias correction, relative to with it: (1−β1)/√(1−β2)."""
    return (1 - beta1) / math.sqrt(1 - beta2)


def check_adam(scene: Scene) -> ClaimResult:
    """Claim 10: Adam = momentum's first moment + RMSProp's scaling. The estimates mₜ, vₜ start at 0 and are biased
    toward 0; without the correction the first step is (1−β1)/√(1−β2) times the corrected one (smaller here)."""
    landscape = scene.surface()
    adam_run, rms_run = run_of(scene, "adam"), run_of(scene, "rmsprop")
    beta1, beta2 = adam_run.settings["beta1"], adam_run.settings["beta2"]
    adam, plain = traced(scene, "adam"), traced(scene, "adam", 1)
    # The momentum half: m_t is (1−β1) times the momentum accumulation a_t of the same gradients.
    accumulation = np.zeros(2)
    momentum_gap = 0.0
    for g, m in zip(np.asarray(adam.grads, np.float64), np.asarray(adam.state.mu, np.float64)):
        accumulation = beta1 * accumulation + g
        momentum_gap = max(momentum_gap, float(np.max(np.abs(m - (1 - beta1) * accumulation))))
    # The RMSProp half: without the first moment (β1 = 0) and the correction, Adam is RMSProp with γ = β2.
    as_rmsprop = optimizers.make("adam", adam_run.convention, lr=rms_run.settings["lr"], beta1=0.0,
                                 beta2=rms_run.settings["gamma"], eps=rms_run.settings["eps"], bias_correction=0.0)
    reduced = optimizers.run(as_rmsprop, landscape, scene.start, scene.steps)
    rmsprop_gap = float(np.max(np.abs(reduced.params - traced(scene, "rmsprop").params)))
    corrected, uncorrected = step_lengths(adam)[:EARLY], step_lengths(plain)[:EARLY]
    first_ratio = float(uncorrected[0] / corrected[0])
    early_ratio = float(uncorrected.sum() / corrected.sum())
    predicted = uncorrected_first_step(beta1, beta2)
    default_betas = optimizers.hyperparameters("adam")
    default_ratio = uncorrected_first_step(default_betas["beta1"], default_betas["beta2"])
    passed = (momentum_gap < 1e-4 and rmsprop_gap < 1e-4 and first_ratio < 0.5 and early_ratio < 0.7
              and abs(first_ratio - predicted) < 1e-3 * predicted)
    return _result("adam", passed, momentum_gap=momentum_gap, rmsprop_gap=rmsprop_gap, first_ratio=first_ratio,
                   early_ratio=early_ratio, predicted_ratio=predicted, beta1=beta1, beta2=beta2,
                   default_ratio=default_ratio, early=EARLY)


# --- 2.3.7.1 a real loss: the small network ----------------------------------------------------------------

MODELS_SCENE = PRESETS["mlp_not_a_bowl"].scene
LOW_LOSS_RATIO = 5.0  # the best run's final loss is at least this many times lower than GD's
APART = 0.5  # two runs that reach the loss target end at least this many ‖θ_init‖ apart: not one bowl's bottom
HIDDEN_SHARE = 0.1  # the slice misreads a run's loss by at least this share of the initial loss somewhere


def check_models(scene: Scene) -> ClaimResult:
    """Real losses are not bowls. On the small network the same optimizers (1) do not all reach a low loss in the
    same budget: the best ends ≥ 5× lower than GD; (2) those that reach the model's loss target end at different
    parameters (≥ 0.5 ‖θ_init‖ apart): many low points, not one bottom; (3) the scene's 2-D slice hides part of
    it: the PCA plane keeps a share < 1 of the paths' variance, and the slice's loss at a run's projected point is
    off its true loss by ≥ 10 % of the initial loss somewhere on the path."""
    from landscapes.models import accuracy_along
    from analysis.slices import losses_at, plane_for, project

    model = scene.surface()
    shown = [(run, compute.trajectory(scene, run)) for run in scene.runs if run.visible]
    finals = [float(traj.loss[-1]) for _, traj in shown]
    gd_final = next(float(traj.loss[-1]) for run, traj in shown if run.optimizer == "gd")
    low = [np.asarray(traj.params[-1], np.float64) for _, traj in shown if traj.loss[-1] <= model.loss_target]
    scale = float(np.linalg.norm(model.initial_parameters))
    apart = min((np.linalg.norm(a - b) / scale for i, a in enumerate(low) for b in low[i + 1:]), default=0.0)
    plane = plane_for(scene.view.slice, model, [traj.params for _, traj in shown], model.parameters(scene.start),
                      scene.seed)
    misread = max(float(np.nanmax(np.abs(losses_at(model, plane, project(plane, traj.params)) - traj.loss)))
                  for _, traj in shown)
    initial = float(shown[0][1].loss[0])
    best = min(finals)
    explained = 1.0 if plane.explained is None else plane.explained
    accuracy = max(float(accuracy_along(model, traj.params[-1:])[0]) for _, traj in shown)
    passed = (gd_final >= LOW_LOSS_RATIO * best and len(low) >= 2 and apart >= APART and explained < 1.0
              and misread >= HIDDEN_SHARE * initial)
    return _result("models", passed, gd_final=gd_final, best_final=best, ratio=gd_final / best,
                   low_runs=len(low), runs=len(shown), target=model.loss_target, apart=apart,
                   explained=100 * explained, misread=misread, initial=initial, accuracy=100 * accuracy)


# --- the lessons, in the lecture's order --------------------------------------------------------------

_DECLARED = (
    # id, claim, section, scene, check, conditions, see also
    ("minima", 2, "2.3.7.1", MINIMA_SCENE, check_minima, (), ()),
    ("saddle", 3, "2.3.7.1", SADDLE_SCENE, check_saddle, (), ()),
    ("models", None, "2.3.7.1", MODELS_SCENE, check_models, (), ("minima", "saddle")),
    ("gd", 1, "2.3.7.2 (1)", GD_SCENE, check_gd, (), ("curvature",)),
    ("curvature", None, "2.3.7.2 (1)", CURVATURE_SCENE, check_curvature, ("lr",), ()),
    ("batch", 4, "2.3.7.2 (1)–(2)", BATCH_SCENE, check_batch, (), ()),
    ("ravine", 5, "2.3.7.2 (3)", RAVINE_SCENE, check_ravine, (), ()),
    ("nag", 6, "2.3.7.2 (4)", NAG_SCENE, check_nag, (), ()),
    ("adagrad", 7, "2.3.7.2 (5)", ADAGRAD_SCENE, check_adagrad, (), ("rmsprop",)),
    ("adadelta", 9, "2.3.7.2 (6)", ADADELTA_SCENE, check_adadelta, (), ()),
    ("rmsprop", 8, "2.3.7.2 (7)", RMSPROP_SCENE, check_rmsprop, (), ()),
    ("adam", 10, "2.3.7.2 (8)", ADAM_SCENE, check_adam, (), ()),
)

LESSONS: tuple[Lesson, ...] = tuple(
    Lesson(lesson_id, order, claim, section, scene, check, conditions, see_also)
    for order, (lesson_id, claim, section, scene, check, conditions, see_also) in enumerate(_DECLARED, start=1)
)
LESSONS_BY_ID: dict[str, Lesson] = {lesson.id: lesson for lesson in LESSONS}


# --- robustness: the claim on nearby scenes --------------------------------------------------------------

PERTURBED = ("seed", "lr", "start")
PERTURBED_SEEDS = tuple(range(1, 9))  # for scenes with a stochastic run
LR_FACTORS = (0.7, 0.8, 1.25, 1.4)  # every run's learning rate at once
START_SHIFT = 0.04  # of the plot's width
START_DIRECTIONS = 8
MIN_SHARE = 0.85  # of the nearby scenes where a claim must still hold


@dataclasses.dataclass(frozen=True)
class Perturbation:
    field: str  # one of PERTURBED
    value: float  # the seed, the factor on η, or the direction the start moves in (degrees)

    def apply(self, scene: Scene) -> Scene:
        if self.field == "seed":
            return scene.replace(seed=int(self.value))
        if self.field == "lr":
            scaled = lambda run: dataclasses.replace(run, hparams=tuple(
                (name, clamp_hparam(name, value * self.value) if name == "lr" else value) for name, value in run.hparams))
            return scene.replace(runs=tuple(scaled(run) for run in scene.runs))
        (x0, x1), (y0, y1) = scene.surface().bounds
        shift, angle = START_SHIFT * (x1 - x0), math.radians(self.value)
        x = min(max(scene.start[0] + shift * math.cos(angle), x0), x1)
        y = min(max(scene.start[1] + shift * math.sin(angle), y0), y1)
        return scene.replace(start=(x, y))

    def label(self, language: str = "ko") -> str:
        return t(f"robust.{self.field}", language, value=self.value)


def perturbations(lesson: Lesson) -> tuple[Perturbation, ...]:
    """The nearby scenes of a lesson: every PERTURBED field except its ``conditions``; seeds only where a run is
    stochastic, learning rates only where a run has one."""
    scene = lesson.scene
    chosen = []
    if "seed" not in lesson.conditions and any(run.batch_size is not None for run in scene.runs):
        chosen += [Perturbation("seed", seed) for seed in PERTURBED_SEEDS]
    if "lr" not in lesson.conditions and any("lr" in run.settings for run in scene.runs):
        chosen += [Perturbation("lr", factor) for factor in LR_FACTORS]
    if "start" not in lesson.conditions:
        chosen += [Perturbation("start", 360.0 * k / START_DIRECTIONS) for k in range(START_DIRECTIONS)]
    return tuple(chosen)


@dataclasses.dataclass(frozen=True)
class Robustness:
    lesson_id: str
    outcomes: tuple[tuple[Perturbation, bool], ...]  # each nearby scene and whether the claim held there

    @property
    def held(self) -> int:
        return sum(passed for _, passed in self.outcomes)

    @property
    def total(self) -> int:
        return len(self.outcomes)

    @property
    def share(self) -> float:
        return self.held / self.total if self.total else 1.0

    @property
    def failed(self) -> tuple[Perturbation, ...]:
        return tuple(p for p, passed in self.outcomes if not passed)

    def statement(self, language: str = "ko") -> str:
        """"holds in 11 of 12 nearby scenes"."""
        return t("robust.share", language, held=self.held, total=self.total)


def robustness(lesson: Lesson) -> Robustness:
    """The lesson's check on each of its nearby scenes."""
    return Robustness(lesson.id, tuple((p, lesson.check(p.apply(lesson.scene)).passed) for p in perturbations(lesson)))


# --- measured once per process, in the background -------------------------------------------------------

PARTS = ("check", "robustness")  # what the page shows of a lesson: its check's figures, then its share
MEASURE_ENV = "LOSS_LAB_MEASURE_LESSONS"  # "off": measure a lesson only when a page asks for it
BACKGROUND_NICENESS = 10  # the worker yields the processor to the sessions' threads (Linux: per thread)


class Measurements:
    """Every lesson's check and robustness share, computed once per process by one worker thread and kept.

    ``measure_all`` queues them all (the app does at start, so a lecturer rarely waits); ``ask`` puts a lesson
    first; ``get`` waits at most ``timeout`` seconds for a part and returns None if it is not measured yet. The
    worker calls no Streamlit: it only runs ``Lesson.check`` and ``robustness``. A part that raised keeps its
    exception, which ``get`` raises again.
    """

    def __init__(self, chosen: tuple[Lesson, ...] = LESSONS):
        self.lessons = {lesson.id: lesson for lesson in chosen}
        self.finished: list[tuple[str, str]] = []  # in the order the worker finished them
        self.worker_id: int | None = None  # the worker's native thread id, once it runs
        self._done: dict[tuple[str, str], Any] = {}
        self._queue: list[tuple[str, str]] = []
        self._busy: tuple[str, str] | None = None
        self._condition = threading.Condition()
        self._worker: threading.Thread | None = None

    def measure_all(self) -> None:
        """Queue every lesson, in the lecture's order (its check, then its share), behind what was asked for."""
        with self._condition:
            for lesson_id in self.lessons:
                for part in PARTS:
                    self._enqueue((lesson_id, part), first=False)
            self._start()

    def ask(self, lesson_id: str) -> None:
        """Measure this lesson next: its check, then its share."""
        with self._condition:
            for part in reversed(PARTS):
                self._enqueue((lesson_id, part), first=True)
            self._start()

    def get(self, lesson_id: str, part: str, timeout: float = 0.0):
        """The measured part (a ClaimResult or a Robustness), waiting up to ``timeout`` seconds; None if not yet."""
        key = (lesson_id, part)
        with self._condition:
            if key not in self._done:
                self.ask(lesson_id)
                self._condition.wait_for(lambda: key in self._done, timeout)
            value = self._done.get(key)
        if isinstance(value, Exception):
            raise value
        return value

    def wait(self, lesson_id: str, timeout: float) -> bool:
        """Whether every part of the lesson is measured, waiting up to ``timeout`` seconds (asking for it first)."""
        keys = [(lesson_id, part) for part in PARTS]
        with self._condition:
            if not all(key in self._done for key in keys):
                self.ask(lesson_id)
            return self._condition.wait_for(lambda: all(key in self._done for key in keys), timeout)

    def progress(self) -> tuple[int, int]:
        """(parts measured, parts in all)."""
        with self._condition:
            return len(self._done), len(self.lessons) * len(PARTS)

    def _enqueue(self, key: tuple[str, str], first: bool) -> None:
        if key in self._done or key == self._busy:
            return
        if first and key in self._queue:
            self._queue.remove(key)
        if first:
            self._queue.insert(0, key)
        elif key not in self._queue:
            self._queue.append(key)
        self._condition.notify_all()

    def _start(self) -> None:
        if self._worker is None:
            self._worker = threading.Thread(target=self._work, name="lesson-measurements", daemon=True)
            self._worker.start()

    def _measure(self, key: tuple[str, str]):
        lesson = self.lessons[key[0]]
        return lesson.result() if key[1] == "check" else robustness(lesson)

    def _work(self) -> None:
        self.worker_id = threading.get_native_id()
        try:
            os.setpriority(os.PRIO_PROCESS, self.worker_id, BACKGROUND_NICENESS)
        except (AttributeError, OSError):  # not Linux, or not allowed: the same priority as the sessions
            pass
        while True:
            with self._condition:
                self._condition.wait_for(lambda: self._queue)
                key = self._busy = self._queue.pop(0)
            try:
                value = self._measure(key)
            except Exception as error:  # shown to the page's user as a message, not as a traceback
                value = error
            with self._condition:
                self._done[key] = value
                self._busy = None
                self.finished.append(key)
                self._condition.notify_all()


MEASUREMENTS = Measurements()


def measure_at_start(environ=os.environ, measurements: Measurements | None = None) -> bool:
    """The app's start: every lesson measured in the background, unless ``LOSS_LAB_MEASURE_LESSONS=off``."""
    if environ.get(MEASURE_ENV, "").strip().lower() == "off":
        return False
    (measurements or MEASUREMENTS).measure_all()
    return True
