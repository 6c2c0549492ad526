"""Lesson mode: section 2.3.7 walked through in order, one scene per claim of the lecture.

Each ``Lesson`` carries its scene and a ``check(scene) -> ClaimResult`` that measures the claim
through the engine on exactly that scene. The page shows the scene and the measured figures, and
tests/test_lessons.py asserts on the same figures, so the picture and the proof cannot drift apart.
Texts (title, explanation, question, the one-line result) live in i18n/strings_lessons.py.
"""

from __future__ import annotations

import dataclasses
from typing import Callable, Mapping

import jax
import jax.numpy as jnp
import numpy as np

import compute
import optimizers
from i18n import t
from internals import curvature, hessian_at
from landscapes import Landscape
from presets import PRESETS
from scene import LANGUAGES, PALETTE, Run, Scene, View


@dataclasses.dataclass(frozen=True)
class ClaimResult:
    lesson_id: str
    passed: bool
    figures: Mapping[str, float]  # the measured numbers, by name

    def statement(self, language: str = "ko") -> str:
        """One line with the measured figures, e.g. "momentum: 36 sign changes vs GD: 150"."""
        return t(f"lesson.{self.lesson_id}.result", language, **self.figures)


@dataclasses.dataclass(frozen=True)
class Lesson:
    id: str
    order: int  # 1-based position in LESSONS
    claim: int | None  # the number of the claim this lesson proves (None: an extra lesson)
    section: str  # where in the lecture note
    scene: Scene
    check: Callable[[Scene], ClaimResult]

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

    def result(self) -> ClaimResult:
        return self.check(self.scene)


# --- measuring helpers -------------------------------------------------------------------------------

def run_index(scene: Scene, optimizer: str, nth: int = 0) -> int:
    """Index of the ``nth`` run of ``optimizer`` in the scene."""
    matches = [i for i, run in enumerate(scene.runs) if run.optimizer == optimizer]
    if len(matches) <= nth:
        raise ValueError(f"the scene has no run #{nth + 1} of {optimizer}")
    return matches[nth]


def traced(scene: Scene, optimizer: str, nth: int = 0, **changes) -> optimizers.Trajectory:
    """The trajectory of the scene's ``nth`` ``optimizer`` run; ``changes`` replace scene fields first."""
    scene = scene.replace(**changes) if changes else scene
    return compute.trajectory(scene, scene.runs[run_index(scene, optimizer, nth)])


def step_lengths(traj: optimizers.Trajectory) -> np.ndarray:
    return np.linalg.norm(np.diff(np.asarray(traj.params, dtype=np.float64), axis=0), axis=1)


def sign_changes(values: np.ndarray) -> int:
    """How many times a sequence crosses zero (exact zeros are skipped)."""
    signs = np.sign(values)
    signs = signs[signs != 0]
    return int(np.sum(signs[1:] != signs[:-1]))


def distance_to(traj: optimizers.Trajectory, point) -> np.ndarray:
    return np.linalg.norm(np.asarray(traj.params, dtype=np.float64) - np.asarray(point, dtype=np.float64), axis=1)


def global_minimum(landscape: Landscape) -> tuple[float, float]:
    return next(p.xy for p in landscape.critical_points if p.kind == "global_min")


def steps_to_minimum(landscape: Landscape, traj: optimizers.Trajectory) -> int:
    """First step from which the run stays within 1% of the plot's width of a minimum; −1 if never."""
    reached = compute.metrics(landscape, traj).steps_to_tolerance
    return -1 if reached is None else reached


def gradients_at(landscape: Landscape, points) -> np.ndarray:
    return np.asarray(jax.vmap(jax.grad(landscape.fn))(jnp.asarray(points, dtype=jnp.float32)), dtype=np.float64)


def _result(lesson_id: str, passed: bool, **figures: float) -> ClaimResult:
    return ClaimResult(lesson_id, bool(passed), {k: float(v) for k, v in figures.items()})


# --- 2.3.7.1 the difficulties ------------------------------------------------------------------------

MINIMA_SCENE = PRESETS["local_minima_start"].scene.replace(view=View(field="stream"))


def check_minima(scene: Scene) -> ClaimResult:
    """Claim 2: GD from different starts ends in different minima; from the scene's start in a local one."""
    landscape = scene.surface()
    gd = scene.runs[run_index(scene, "gd")]
    starts = np.array([scene.start, *landscape.starts], dtype=np.float64)
    batch = optimizers.run_many(compute.make_optimizer(gd), landscape, starts, scene.steps)
    minima = landscape.minima
    centres = np.array([m.xy for m in minima])
    nearest = np.argmin(np.linalg.norm(batch.final_params[:, None] - centres[None], axis=2), axis=1)
    ends = [minima[i] for i in nearest]
    own_end = ends[0]
    levels = compute.values_at(landscape, centres).astype(np.float64)
    gap = float(batch.final_loss[0]) - float(levels.min())
    distinct = len(set(nearest.tolist()))
    return _result(
        "minima", distinct >= 2 and own_end.kind == "local_min" and gap > 0.1,
        distinct_minima=distinct, starts=len(starts), final_loss=float(batch.final_loss[0]),
        global_loss=float(levels.min()), loss_gap=gap,
    )


SADDLE_SCENE = PRESETS["saddle_escape"].scene.replace(
    runs=PRESETS["saddle_escape"].scene.runs + (Run.of("minibatch", lr=0.05, batch_size=8, color=PALETTE[2]),),
)
SADDLE_RADIUS = 0.1


def check_saddle(scene: Scene) -> ClaimResult:
    """Claim 3: zero gradient but not a minimum; GD lingers, momentum and noise escape; exactly on the axis GD never leaves."""
    landscape = scene.surface()
    saddle = next(p.xy for p in landscape.critical_points if p.kind == "saddle")
    grad_norm = float(np.linalg.norm(gradients_at(landscape, [saddle])[0]))
    lowest_curvature = float(np.linalg.eigvalsh(hessian_at(landscape, saddle))[0])
    near = {opt: int(np.sum(distance_to(traced(scene, opt), saddle) < SADDLE_RADIUS))
            for opt in ("gd", "momentum", "minibatch")}
    on_axis = (scene.start[0], saddle[1])
    axis_gd = traced(scene, "gd", start=on_axis)
    axis_noise = traced(scene, "minibatch", start=on_axis)
    saddle_loss = float(compute.values_at(landscape, np.array([saddle]))[0])
    noise_drop = saddle_loss - float(axis_noise.loss[-1])
    passed = (grad_norm < 1e-6 and lowest_curvature < 0 and near["gd"] >= 3 * max(near["momentum"], 1)
              and near["gd"] > near["minibatch"] and float(distance_to(axis_gd, saddle)[-1]) < 1e-3
              and noise_drop > 0.2)
    return _result(
        "saddle", passed, grad_norm=grad_norm, lowest_curvature=lowest_curvature,
        gd_near=near["gd"], momentum_near=near["momentum"], noise_near=near["minibatch"], steps=scene.steps,
        axis_gd_distance=float(distance_to(axis_gd, saddle)[-1]), axis_noise_drop=noise_drop,
    )


# --- 2.3.7.2 (1) gradient descent --------------------------------------------------------------------

GD_SCENE = PRESETS["bowl_gd_momentum"].scene


def check_gd(scene: Scene) -> ClaimResult:
    """Claim 1: every GD step points along −∇f, the loss never rises, and GD reaches the minimum."""
    landscape = scene.surface()
    traj = traced(scene, "gd")
    steps = np.diff(np.asarray(traj.params, dtype=np.float64), axis=0)
    downhill = -gradients_at(landscape, traj.params[:-1])
    moving = np.linalg.norm(steps, axis=1) > 1e-9
    cosine = np.sum(steps * downhill, axis=1) / (np.linalg.norm(steps, axis=1) * np.linalg.norm(downhill, axis=1))
    min_cosine = float(np.min(cosine[moving]))
    rises = int(np.sum(np.diff(np.asarray(traj.loss, dtype=np.float64)) > 0))
    final_distance = float(distance_to(traj, global_minimum(landscape))[-1])
    return _result("gd", min_cosine > 0.9999 and rises == 0 and final_distance < 0.01,
                   min_cosine=min_cosine, rises=rises, final_distance=final_distance,
                   initial_distance=float(distance_to(traj, global_minimum(landscape))[0]))


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
    lr_below, lr_above = (scene.runs[run_index(scene, "gd", nth)].settings["lr"] for nth in (0, 1))
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


def check_batch(scene: Scene) -> ClaimResult:
    """Claim 4: batch GD's path is the shortest and smoothest, SGD's the noisiest, mini-batch between."""
    figures = {}
    for opt in ("gd", "minibatch", "sgd"):
        traj = traced(scene, opt)
        steps = np.diff(np.asarray(traj.params, dtype=np.float64), axis=0)
        late = steps[len(steps) // 2:]
        figures[f"{opt}_length"] = float(step_lengths(traj).sum())
        figures[f"{opt}_variance"] = float(np.sum(np.var(late, axis=0)))
    passed = (figures["gd_length"] * 1.5 < figures["minibatch_length"] and
              figures["minibatch_length"] * 1.5 < figures["sgd_length"] and
              figures["gd_variance"] < figures["minibatch_variance"] / 10 and
              figures["minibatch_variance"] * 3 < figures["sgd_variance"])
    return _result("batch", passed, **figures)


# --- momentum and NAG --------------------------------------------------------------------------------

RAVINE_SCENE = PRESETS["ravine_momentum"].scene


def cross_valley(landscape: Landscape, traj: optimizers.Trajectory) -> np.ndarray:
    """The coordinate across the bowl's steep axis (v in the rotated frame of ``landscapes.catalog.bowl``)."""
    angle = np.deg2rad(landscape.theta["angle"])
    params = np.asarray(traj.params, dtype=np.float64)
    return -np.sin(angle) * params[:, 0] + np.cos(angle) * params[:, 1]


def check_ravine(scene: Scene) -> ClaimResult:
    """Claim 5: momentum crosses the ravine's floor fewer times than GD and reaches the minimum sooner."""
    landscape = scene.surface()
    figures = {}
    for opt in ("gd", "momentum"):
        traj = traced(scene, opt)
        figures[f"{opt}_flips"] = sign_changes(cross_valley(landscape, traj))
        figures[f"{opt}_steps"] = steps_to_minimum(landscape, traj)
    passed = (figures["momentum_flips"] * 2 <= figures["gd_flips"]
              and 0 < figures["momentum_steps"] < figures["gd_steps"])
    return _result("ravine", passed, **figures)


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
    momentum, nag = scene.runs[run_index(scene, "momentum")], scene.runs[run_index(scene, "nag")]
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
    """Claim 7: Adagrad's effective learning rate only falls, and the run slows to a crawl far from the minimum."""
    landscape = scene.surface()
    traj = traced(scene, "adagrad")
    lr_eff = np.asarray(traj.lr_eff, dtype=np.float64)
    rises = int(np.sum(np.diff(lr_eff, axis=0) > 0))
    decay = float(np.max(lr_eff[-1] / lr_eff[0]))
    lengths = step_lengths(traj)
    slowdown = float(lengths[-WINDOW:].mean() / lengths[:WINDOW].mean())
    final_distance = float(distance_to(traj, global_minimum(landscape))[-1])
    passed = rises == 0 and decay < 0.25 and slowdown < 0.2 and final_distance > 1.0
    return _result("adagrad", passed, rises=rises, decay=decay, slowdown=slowdown,
                   final_distance=final_distance, steps=scene.steps)


def check_rmsprop(scene: Scene) -> ClaimResult:
    """Claim 8: RMSProp's effective learning rate does not decay to 0, and it gets past where Adagrad stalls."""
    landscape = scene.surface()
    minimum = global_minimum(landscape)
    rmsprop, adagrad = traced(scene, "rmsprop"), traced(scene, "adagrad")
    lr_eff = np.asarray(rmsprop.lr_eff, dtype=np.float64)
    late_floor = float(np.min(lr_eff[-WINDOW:] / lr_eff[0]))
    rms_distance, ada_distance = distance_to(rmsprop, minimum), distance_to(adagrad, minimum)
    passed_at = np.nonzero(rms_distance < ada_distance[-1])[0]
    passed_step = int(passed_at[0]) if passed_at.size else -1
    passed = late_floor > 1.0 and 0 <= passed_step < scene.steps and rms_distance[-1] < 0.5 * ada_distance[-1]
    return _result("rmsprop", passed, late_floor=late_floor, rmsprop_distance=float(rms_distance[-1]),
                   adagrad_distance=float(ada_distance[-1]), passed_step=passed_step, steps=scene.steps)


ADADELTA_SCENE = Scene(
    landscape="bowl", landscape_params=(("angle", 0.0), ("kappa", 10.0)), start=(-2.5, 2.0), steps=200,
    runs=(Run.of("adadelta", gamma=0.99, eps=1e-2, color=PALETTE[5]),
          Run.of("adadelta", gamma=0.9, eps=1e-6, color=PALETTE[6])),
)


def check_adadelta(scene: Scene) -> ClaimResult:
    """Claim 9: Adadelta (lecture form) has no learning rate and still reaches the minimum."""
    landscape = scene.surface()
    run = scene.runs[run_index(scene, "adadelta")]
    has_lr = "lr" in optimizers.hyperparameters(run.optimizer, run.convention)
    traj = traced(scene, "adadelta")
    minimum = global_minimum(landscape)
    tiny = traced(scene, "adadelta", 1)
    loss_drop = 1.0 - float(traj.loss[-1]) / float(traj.loss[0])
    final_distance = float(distance_to(traj, minimum)[-1])
    passed = not has_lr and final_distance < 0.01 and loss_drop > 0.999
    return _result("adadelta", passed, has_lr=has_lr, travelled=float(step_lengths(traj).sum()),
                   final_distance=final_distance, loss_drop=loss_drop, eps=run.settings["eps"],
                   tiny_eps=scene.runs[run_index(scene, "adadelta", 1)].settings["eps"],
                   tiny_travelled=float(step_lengths(tiny).sum()))


ADAM_SCENE = Scene(
    landscape="bowl", landscape_params=(("angle", 0.0), ("kappa", 10.0)), start=(-2.5, 2.0), steps=150,
    runs=(Run.of("momentum", lr=0.02, beta=0.9, color=PALETTE[1]),
          Run.of("rmsprop", lr=0.1, gamma=0.9, color=PALETTE[3]),
          Run.of("adam", lr=0.1, beta1=0.9, beta2=0.9, color=PALETTE[2]),
          Run.of("adam", lr=0.1, beta1=0.9, beta2=0.9, bias_correction=0.0, color=PALETTE[4])),
)
EARLY = 5  # the "first steps" of claim 10


def check_adam(scene: Scene) -> ClaimResult:
    """Claim 10: Adam = momentum's first moment + RMSProp's scaling; without bias correction its first steps are smaller."""
    landscape = scene.surface()
    adam_run, rms_run = scene.runs[run_index(scene, "adam")], scene.runs[run_index(scene, "rmsprop")]
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
    predicted = (1 - beta1) / np.sqrt(1 - beta2)
    default_betas = optimizers.hyperparameters("adam")
    default_ratio = (1 - default_betas["beta1"]) / np.sqrt(1 - default_betas["beta2"])
    passed = (momentum_gap < 1e-4 and rmsprop_gap < 1e-4 and first_ratio < 0.5 and early_ratio < 0.7
              and abs(first_ratio - predicted) < 1e-3 * predicted)
    return _result("adam", passed, momentum_gap=momentum_gap, rmsprop_gap=rmsprop_gap, first_ratio=first_ratio,
                   early_ratio=early_ratio, predicted_ratio=predicted, beta1=beta1, beta2=beta2,
                   default_ratio=default_ratio, early=EARLY)


# --- the lessons, in the lecture's order --------------------------------------------------------------

_DECLARED = (
    ("minima", 2, "2.3.7.1", MINIMA_SCENE, check_minima),
    ("saddle", 3, "2.3.7.1", SADDLE_SCENE, check_saddle),
    ("gd", 1, "2.3.7.2 (1)", GD_SCENE, check_gd),
    ("curvature", None, "2.3.7.2 (1)", CURVATURE_SCENE, check_curvature),
    ("batch", 4, "2.3.7.2 (1)–(2)", BATCH_SCENE, check_batch),
    ("ravine", 5, "2.3.7.2 (3)", RAVINE_SCENE, check_ravine),
    ("nag", 6, "2.3.7.2 (4)", NAG_SCENE, check_nag),
    ("adagrad", 7, "2.3.7.2 (5)", ADAGRAD_SCENE, check_adagrad),
    ("adadelta", 9, "2.3.7.2 (6)", ADADELTA_SCENE, check_adadelta),
    ("rmsprop", 8, "2.3.7.2 (7)", RMSPROP_SCENE, check_rmsprop),
    ("adam", 10, "2.3.7.2 (8)", ADAM_SCENE, check_adam),
)

LESSONS: tuple[Lesson, ...] = tuple(
    Lesson(lesson_id, order, claim, section, scene, check)
    for order, (lesson_id, claim, section, scene, check) in enumerate(_DECLARED, start=1)
)
LESSONS_BY_ID: dict[str, Lesson] = {lesson.id: lesson for lesson in LESSONS}
