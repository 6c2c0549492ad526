"""What happens inside a run, step by step, and the spread of stochastic gradients.

Pure functions of a Scene (no Streamlit, no Plotly), like analysis/compute.py:

- ``internals(scene, run_index)``: per step, the gradient, the momentum or first-moment vector, the
  step the rule's learning-rate factor makes of the gradient, the step actually taken, ‖g‖, the
  per-coordinate effective learning rate, the accumulators (a, G, H, m, v) and Adam's
  bias-correction factors.
- ``noise_ellipse(scene, run, point)``: the exact covariance of the mini-batch gradient at a point.
- ``next_step(scene, run, traj, step)``: where the next point lands over the draws of the mini-batch,
  given the run's state (its momentum, accumulators, step count), for every rule.
- ``seed_band(scene, run, seeds)``: mean path and spread over several seeds, in one vmapped program.
- ``curvature(landscape)``: Hessian eigenvalues and the largest stable GD learning rate 2/λ_max.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import math
from typing import Mapping, Sequence

import jax
import jax.numpy as jnp
import numpy as np

from analysis import compute
import optimizers
from landscapes import FiniteSum, Landscape
from optimizers.rules import nadam_momentum
from scene import Run, Scene


@dataclasses.dataclass(frozen=True)
class InternalsInfo:
    """Everything the internals panel draws for one run. Row t describes the update from w_t to w_{t+1}."""

    run_index: int
    optimizer: str
    convention: str
    params: np.ndarray  # (k+1, 2) w_0 … w_k
    gradient: np.ndarray  # (k, 2) g_t, the gradient the rule used (NAG: at the look-ahead point)
    moment: np.ndarray | None  # (k, 2) a_{t+1} (momentum, NAG) or m_t (Adam); None for rules without one
    moment_symbol: str | None  # "a" or "m"
    scaled_gradient_step: np.ndarray  # (k, 2) −lr_eff ⊙ g_t: the gradient after the rule's per-coordinate scaling
    actual_step: np.ndarray  # (k, 2) w_{t+1} − w_t
    grad_norm: np.ndarray  # (k,) ‖g_t‖
    lr_eff: np.ndarray  # (k, 2)
    accumulators: Mapping[str, np.ndarray]  # symbol → (k, 2), after step t
    bias_correction: Mapping[str, np.ndarray]  # name → (k,): the factors the rule uses (see _bias_factors)
    step: int  # the row shown: the scene's shared step, clamped to the last update
    diverged_at: int | None

    @property
    def steps(self) -> int:
        return len(self.gradient)

    def at(self, name: str) -> np.ndarray:
        """One per-step array at the shown step, e.g. ``info.at("actual_step")``."""
        return np.asarray(getattr(self, name))[self.step]

    def at_factor(self, name: str) -> float:
        """A bias-correction factor at the shown step."""
        return float(self.bias_correction[name][self.step])

    @property
    def point(self) -> np.ndarray:
        return self.params[self.step]


def _bias_factors(run: Run, state: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The bias-correction factors the run's rule divides by at each step (ones where switched off):
    Adam's (AdamW's, AdaBelief's) 1−β1^t and √(1−β2^t); Nadam's √(1−β2^t) and the two factors of its Nesterov first moment,
    1−β1^t and 1−β1^(t+1) in the lecture's (Dozat's) form, 1−Π_{i≤t} μ_i and 1−Π_{i≤t+1} μ_i in torch's."""
    settings = run.settings
    t = np.asarray(state["count"], dtype=np.float64)
    beta1 = settings["beta1"]
    second = {"√(1−β2^t)": np.sqrt(1.0 - settings["beta2"] ** t)}
    if optimizers.SPECS[run.optimizer].bias_factors == "adam":
        factors = {"1−β1^t": 1.0 - beta1**t, **second}
        switched_off = not optimizers.bias_correction_on(run.optimizer, run.convention, settings)
        if "bias_correction" in settings and switched_off:  # AdamW and AdaBelief have no switch: always on
            factors = {name: np.ones_like(t) for name in factors}
    elif "mu_product" in state:
        product = np.asarray(state["mu_product"], dtype=np.float64)
        factors = {"1−Πμ_i (i≤t)": 1.0 - product,
                   "1−Πμ_i (i≤t+1)": 1.0 - product * nadam_momentum(beta1, t + 1.0), **second}
    else:
        factors = {"1−β1^t": 1.0 - beta1**t, "1−β1^(t+1)": 1.0 - beta1 ** (t + 1.0), **second}
    return {name: value.astype(np.float32) for name, value in factors.items()}


def internals_of(scene: Scene, run_index: int, traj: optimizers.Trajectory) -> InternalsInfo:
    """The internals record from a trajectory already computed (the page caches trajectories)."""
    run = scene.runs[run_index]
    params = np.asarray(traj.params, dtype=np.float32)
    gradient = np.asarray(traj.grads, dtype=np.float32)
    lr_eff = np.asarray(traj.lr_eff, dtype=np.float32)
    state = traj.state._asdict() if hasattr(traj.state, "_asdict") else {}
    spec = optimizers.SPECS[run.optimizer]
    accumulators = {  # the per-coordinate state arrays (k, n), by the symbols of the rule's formula
        spec.state_symbols[name]: np.asarray(value, dtype=np.float32)
        for name, value in state.items() if np.ndim(value) == 2
    }
    bias = _bias_factors(run, state) if spec.bias_factors is not None else {}
    k = len(gradient)
    return InternalsInfo(
        run_index=run_index, optimizer=run.optimizer, convention=run.convention, params=params,
        gradient=gradient,
        moment=None if spec.moment is None else np.asarray(state[spec.moment], dtype=np.float32),
        moment_symbol=None if spec.moment is None else spec.state_symbols[spec.moment],
        scaled_gradient_step=-lr_eff * gradient, actual_step=np.diff(params, axis=0),
        grad_norm=np.linalg.norm(gradient, axis=1).astype(np.float32), lr_eff=lr_eff,
        accumulators=accumulators, bias_correction=bias,
        step=max(min(scene.shown_step, k - 1), 0), diverged_at=traj.diverged_at,
    )


def internals(scene: Scene, run_index: int) -> InternalsInfo:
    """The internals of ``scene.runs[run_index]``, at the scene's shared step."""
    if not 0 <= run_index < len(scene.runs):
        raise ValueError(f"the scene has {len(scene.runs)} runs; there is no run {run_index + 1}")
    return internals_of(scene, run_index, compute.trajectory(scene, scene.runs[run_index]))


# --- gradient noise ------------------------------------------------------------------------------------

def principal_axes(covariance: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(standard deviations along the principal axes, unit axis vectors as columns) of a 2×2 covariance."""
    values, vectors = np.linalg.eigh(covariance)
    return np.sqrt(np.maximum(values, 0.0)), vectors


@dataclasses.dataclass(frozen=True)
class NoiseEllipse:
    """The mini-batch gradient ĝ at ``point``: its mean (the full gradient) and exact covariance."""

    point: np.ndarray  # (2,)
    mean_gradient: np.ndarray  # (2,) the full-batch gradient ∇f
    covariance: np.ndarray  # (2, 2) Cov[ĝ] for B samples drawn without replacement
    batch_size: int
    n: int

    @property
    def axes(self) -> tuple[np.ndarray, np.ndarray]:
        return principal_axes(self.covariance)


@functools.partial(jax.jit, static_argnames=("sample_loss",))
def _per_sample_gradients(sample_loss, w, data, theta):
    return jax.vmap(jax.grad(sample_loss), (None, 0, None))(w, data, theta)


def per_sample_gradients(finite_sum: FiniteSum, point) -> np.ndarray:
    """(N, 2) the gradient of each per-sample loss at ``point``."""
    w = jnp.asarray(point, dtype=jnp.float32)
    grads = _per_sample_gradients(finite_sum.sample_loss, w, jnp.asarray(finite_sum.data),
                                  finite_sum.landscape.theta_arrays())
    return np.asarray(grads, dtype=np.float64)


def minibatch_covariance(per_sample: np.ndarray, batch_size: int) -> np.ndarray:
    """Cov of the mean of B rows drawn without replacement from N: S·(N−B)/((N−1)·B), S the population covariance."""
    n = len(per_sample)
    centred = per_sample - per_sample.mean(axis=0)
    population = centred.T @ centred / n
    if n == 1:
        return np.zeros((2, 2))
    return population * (n - batch_size) / ((n - 1) * batch_size)


def noise_ellipse(scene: Scene, run: Run, point) -> NoiseEllipse:
    """The exact distribution (mean and covariance) of ``run``'s mini-batch gradient at ``point``.

    A run with the exact gradient (``batch_size`` None) is the B = N case: zero covariance.
    """
    surface = scene.surface()
    finite_sum, _ = compute.gradient_source(scene, dataclasses.replace(run, batch_size=1), surface)
    batch_size = finite_sum.n if run.batch_size is None else min(max(int(run.batch_size), 1), finite_sum.n)
    grads = per_sample_gradients(finite_sum, point)
    return NoiseEllipse(
        point=np.asarray(point, dtype=np.float64), mean_gradient=grads.mean(axis=0),
        covariance=minibatch_covariance(grads, batch_size), batch_size=batch_size, n=finite_sum.n,
    )


# --- the next step's distribution ------------------------------------------------------------------------

MAX_LISTED_BATCHES = 4096  # up to this many possible mini-batches, every one is taken; beyond, a random sample
SAMPLED_BATCHES = 4096


@dataclasses.dataclass(frozen=True)
class NextStep:
    """Where w_{t+1} lands over the draws of step t's mini-batch, given the run's state before the step.

    Only for plain (mini-batch) GD is this w − η ĝ with covariance η²·Cov[ĝ]: momentum adds −ηβa to the
    centre, NAG takes ĝ at its look-ahead point, and the adaptive rules scale each coordinate by a factor
    that itself depends on ĝ. So each possible batch's gradient goes through the rule's own update.
    """

    point: np.ndarray  # (2,) w_t
    samples: np.ndarray  # (K, 2) w_{t+1}, one per mini-batch: every possible one (``exact``) or a random sample
    mean: np.ndarray  # (2,)
    covariance: np.ndarray  # (2, 2)
    exact: bool
    batch_size: int
    n: int

    @property
    def axes(self) -> tuple[np.ndarray, np.ndarray]:
        return principal_axes(self.covariance)


def batch_choices(n: int, batch_size: int, seed: int = 0) -> tuple[np.ndarray, bool]:
    """(K, N) weights, each row one mini-batch of B of the N samples with weight 1/B, and whether the K rows
    are every possible batch (else SAMPLED_BATCHES drawn uniformly, without replacement within a batch)."""
    if math.comb(n, batch_size) <= MAX_LISTED_BATCHES:
        picks = np.array(list(itertools.combinations(range(n), batch_size)), dtype=np.int64).reshape(-1, batch_size)
        exact = True
    else:
        rng = np.random.default_rng(seed)
        picks = np.argsort(rng.random((SAMPLED_BATCHES, n)), axis=1)[:, :batch_size]
        exact = False
    weights = np.zeros((len(picks), n))
    np.put_along_axis(weights, picks, 1.0 / batch_size, axis=1)
    return weights, exact


@functools.partial(jax.jit, static_argnames=("rule",))
def _next_points(rule, grads, state, w, hp):
    return w + jax.vmap(lambda g: rule.update(g, state, w, hp)[0])(grads)


def state_before(opt: optimizers.Optimizer, traj: optimizers.Trajectory, step: int):
    """The rule's state going into update ``step`` (the trajectory records it after each update)."""
    if step == 0:
        return opt.init(np.asarray(traj.params[0]))
    return jax.tree.map(lambda leaf: jnp.asarray(leaf[step - 1]), traj.state)


def next_step(scene: Scene, run: Run, traj: optimizers.Trajectory, step: int) -> NextStep:
    """The distribution of w_{step+1} given the run's state at ``step`` (see ``NextStep``)."""
    surface = scene.surface()
    finite_sum, _ = compute.gradient_source(scene, dataclasses.replace(run, batch_size=1), surface)
    batch_size = finite_sum.n if run.batch_size is None else min(max(int(run.batch_size), 1), finite_sum.n)
    opt = compute.make_optimizer(run)
    w = jnp.asarray(traj.params[step], dtype=jnp.float32)
    state = state_before(opt, traj, step)
    at = opt.rule.lookahead(w, state, opt.hparams) if opt.rule.lookahead is not None else w
    weights, exact = batch_choices(finite_sum.n, batch_size, seed=scene.seed)
    grads = (weights @ per_sample_gradients(finite_sum, np.asarray(at))).astype(np.float32)
    samples = np.asarray(_next_points(opt.rule, grads, state, w, opt.hparams), dtype=np.float64)
    centred = samples - samples.mean(axis=0)
    return NextStep(np.asarray(w, np.float64), samples, samples.mean(axis=0), centred.T @ centred / len(samples),
                    exact, batch_size, finite_sum.n)


# --- several seeds -------------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class SeedBand:
    seeds: np.ndarray  # (S,)
    params: np.ndarray  # (S, k+1, 2) every seed's path
    loss: np.ndarray  # (S, k+1)
    mean: np.ndarray  # (k+1, 2) the mean path
    spread: np.ndarray  # (k+1,) root-mean-square distance of the seeds' points from the mean point
    loss_mean: np.ndarray  # (k+1,)
    loss_std: np.ndarray  # (k+1,)
    diverged: int  # how many seeds diverged (frozen at their last good point)


def seed_band(scene: Scene, run: Run, seeds: int | Sequence[int]) -> SeedBand:
    """``run`` repeated with several seeds (an int S means scene.seed, …, scene.seed+S−1), in one program."""
    seeds = np.arange(scene.seed, scene.seed + int(seeds)) if np.ndim(seeds) == 0 else np.asarray(seeds)
    fn, batch_size = compute.gradient_source(scene, run)
    batch = optimizers.run_many(compute.make_optimizer(run), fn, np.asarray(scene.start), scene.steps,
                                batch_size=batch_size, seed=seeds.astype(np.uint32), history=True)
    params, loss = batch.params.astype(np.float64), batch.loss.astype(np.float64)
    mean = params.mean(axis=0)
    spread = np.sqrt(np.mean(np.sum((params - mean) ** 2, axis=2), axis=0))
    return SeedBand(seeds, params.astype(np.float32), loss.astype(np.float32), mean.astype(np.float32),
                    spread.astype(np.float32), loss.mean(axis=0).astype(np.float32),
                    loss.std(axis=0).astype(np.float32), int(np.sum(batch.diverged_at >= 0)))


# --- curvature -----------------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Curvature:
    point: tuple[float, float]  # where the Hessian was taken: the first declared minimum, else the centre
    hessian: np.ndarray  # (2, 2)
    eigenvalues: np.ndarray  # (2,) ascending
    quadratic: bool  # the Hessian is the same everywhere in the plotted box
    lr_max: float | None  # 2/λ_max, the largest learning rate for which GD converges; None if λ_max ≤ 0

    def lr_at(self, fraction: float) -> float:
        """A learning rate as a fraction of 2/λ_max (0.9 converges, 1.1 diverges)."""
        if self.lr_max is None:
            raise ValueError("the surface has no positive curvature here, so GD has no stability limit")
        return fraction * self.lr_max


@functools.partial(jax.jit, static_argnames=("family",))
def _hessians(family, theta, points):
    return jax.vmap(jax.hessian(lambda w: family(w, theta)))(points)


def hessians_at(landscape: Landscape, points) -> np.ndarray:
    """(M, 2, 2) Hessians at the rows of ``points``, in float64, in one program."""
    with jax.enable_x64(True):
        theta = {k: jnp.float64(v) for k, v in landscape.theta.items()}
        return np.asarray(_hessians(landscape.family, theta, jnp.asarray(points, dtype=jnp.float64).reshape(-1, 2)),
                          dtype=np.float64)


def hessian_at(landscape: Landscape, point) -> np.ndarray:
    return hessians_at(landscape, [point])[0]


def curvature(landscape: Landscape) -> Curvature:
    """Hessian eigenvalues at the minimum and the GD stability limit 2/λ_max (global on a quadratic)."""
    (x0, x1), (y0, y1) = landscape.bounds
    minima = landscape.minima
    point = minima[0].xy if minima else ((x0 + x1) / 2, (y0 + y1) / 2)
    hessian, *at_corners = hessians_at(landscape, [point, (x0, y0), (x0, y1), (x1, y0), (x1, y1)])
    scale = max(1.0, float(np.max(np.abs(hessian))))
    quadratic = all(np.allclose(corner, hessian, atol=1e-9 * scale) for corner in at_corners)
    eigenvalues = np.linalg.eigvalsh(hessian)
    lam = float(eigenvalues[-1])
    return Curvature(tuple(float(v) for v in point), hessian, eigenvalues, quadratic, 2.0 / lam if lam > 0 else None)
