"""The optimizers, driven through ONE table of every optimizer × convention.

Each row carries an independent NumPy transcription of the formula (from the lecture note or the
torch.optim documentation, not from ``optimizers/rules.py``), the per-coordinate factor the issue
states for ``lr_eff``, and whether torch.optim or an optax transformation computes the same rule.
Exactness checks run under ``jax.enable_x64`` (the engine then works in float64).
"""

from __future__ import annotations

import dataclasses
import json
import pathlib
from typing import Callable, Mapping

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

import optimizers
from landscapes import LANDSCAPES, FiniteSum, Landscape, as_finite_sum
from optimizers import CONVENTIONS, OPTIMIZER_IDS, RULE_TABLE, SPECS

REFERENCE = json.loads((pathlib.Path(__file__).parent / "data" / "torch_reference.json").read_text("utf-8"))

# float64 against torch's float64 reference (here and in test_engine_ndim.py). The JSON keeps 12 significant
# digits, a relative rounding of at most 5e-13, and every run agrees to 5e-12 relative, except RMSProp
# (η = 0.05, γ = 0.8) on Rosenbrock at 1.9e-10: its jump across the valley at steps 21-24 amplifies float64
# rounding ~200× (the engine against itself from a start moved by 1e-13 differs by 4e-11). atol = 0: the error
# is relative and no stored coordinate is nearer zero than 7.5e-6, so any atol would only loosen the check.
TORCH_FLOAT64_TOLERANCE = {"rtol": 1e-9, "atol": 0.0}

# Non-default hyperparameters for the hand computations; ε is large so that where it sits shows.
HAND_HP = {"lr": 0.05, "beta": 0.7, "gamma": 0.8, "beta1": 0.8, "beta2": 0.9, "eps": 0.1, "weight_decay": 0.1}

# f(w) = ½ wᵀAw + bᵀw, the quadratic of the hand computations.
QUADRATIC_A = np.array([[3.0, 1.0], [1.0, 2.0]])
QUADRATIC_B = np.array([-1.0, 0.5])
QUADRATIC_START = (1.0, -2.0)

BOWL = LANDSCAPES["bowl"]  # ½ (x² + 10 y²) at its defaults
WELLS = LANDSCAPES["wells"]  # non-quadratic, with curvature small enough for HAND_HP's learning rate


def quadratic(w):
    return 0.5 * jnp.dot(w, jnp.dot(QUADRATIC_A, w)) + jnp.dot(QUADRATIC_B, w)


def quadratic_gradient(w):
    return QUADRATIC_A @ w + QUADRATIC_B


def bowl_gradient(w):
    return np.array([1.0, BOWL.theta["kappa"]]) * w


# --- the formulas, transcribed by hand: step(grad, w, state, t, hp) -> (w, state), t = 1, 2, ... --------

def hand_gd(grad, w, s, t, hp):
    return w - hp["lr"] * grad(w), s


def hand_momentum_lecture(grad, w, s, t, hp):
    a = hp["beta"] * s.get("a", 0.0) + grad(w)
    return w - hp["lr"] * a, {"a": a}


def hand_momentum_torch(grad, w, s, t, hp):
    g = grad(w)
    b = g if t == 1 else hp["beta"] * s["b"] + g
    return w - hp["lr"] * b, {"b": b}


def hand_nag_lecture(grad, w, s, t, hp):
    a = s.get("a", 0.0)
    a = hp["beta"] * a + grad(w - hp["lr"] * hp["beta"] * a)
    return w - hp["lr"] * a, {"a": a}


def hand_nag_torch(grad, w, s, t, hp):
    g = grad(w)
    b = g if t == 1 else hp["beta"] * s["b"] + g
    return w - hp["lr"] * (g + hp["beta"] * b), {"b": b}


def hand_adagrad(grad, w, s, t, hp):
    g = grad(w)
    G = s.get("G", 0.0) + g**2
    return w - hp["lr"] / (np.sqrt(G) + hp["eps"]) * g, {"G": G}


def hand_adadelta_lecture(grad, w, s, t, hp):
    g, gamma, eps = grad(w), hp["gamma"], hp["eps"]
    G = gamma * s.get("G", 0.0) + (1 - gamma) * g**2
    H = s.get("H", 0.0)
    dw = -(np.sqrt(H) + eps) / (np.sqrt(G) + eps) * g
    return w + dw, {"G": G, "H": gamma * H + (1 - gamma) * dw**2}


def hand_adadelta_torch(grad, w, s, t, hp):
    g, rho, eps = grad(w), hp["gamma"], hp["eps"]
    v = rho * s.get("v", 0.0) + (1 - rho) * g**2
    u = s.get("u", 0.0)
    dx = np.sqrt(u + eps) / np.sqrt(v + eps) * g
    return w - hp["lr"] * dx, {"v": v, "u": rho * u + (1 - rho) * dx**2}


def hand_rmsprop(grad, w, s, t, hp):
    g = grad(w)
    G = hp["gamma"] * s.get("G", 0.0) + (1 - hp["gamma"]) * g**2
    return w - hp["lr"] / (np.sqrt(G) + hp["eps"]) * g, {"G": G}


def hand_moments(grad, w, s, hp):
    g = grad(w)
    m = hp["beta1"] * s.get("m", 0.0) + (1 - hp["beta1"]) * g
    v = hp["beta2"] * s.get("v", 0.0) + (1 - hp["beta2"]) * g**2
    return g, m, v


def hand_adam_lecture(grad, w, s, t, hp):
    _, m, v = hand_moments(grad, w, s, hp)
    correction = np.sqrt(1 - hp["beta2"] ** t) / (1 - hp["beta1"] ** t) if hp.get("bias_correction", 1) else 1.0
    return w - hp["lr"] / (np.sqrt(v) + hp["eps"]) * correction * m, {"m": m, "v": v}


def hand_adam_torch(grad, w, s, t, hp):
    _, m, v = hand_moments(grad, w, s, hp)
    if hp.get("bias_correction", 1):
        m_hat, v_hat = m / (1 - hp["beta1"] ** t), v / (1 - hp["beta2"] ** t)
    else:
        m_hat, v_hat = m, v
    return w - hp["lr"] * m_hat / (np.sqrt(v_hat) + hp["eps"]), {"m": m, "v": v}


def hand_nadam_lecture(grad, w, s, t, hp):
    g, m, v = hand_moments(grad, w, s, hp)
    b1 = hp["beta1"]
    m_bar = b1 * m / (1 - b1 ** (t + 1)) + (1 - b1) * g / (1 - b1**t)
    return w - hp["lr"] * np.sqrt(1 - hp["beta2"] ** t) / (np.sqrt(v) + hp["eps"]) * m_bar, {"m": m, "v": v}


def hand_nadam_torch(grad, w, s, t, hp, psi=0.004):
    g, m, v = hand_moments(grad, w, s, hp)
    b1 = hp["beta1"]
    mu_t, mu_next = b1 * (1 - 0.5 * 0.96 ** (t * psi)), b1 * (1 - 0.5 * 0.96 ** ((t + 1) * psi))
    product = s.get("product", 1.0) * mu_t
    m_hat = mu_next * m / (1 - product * mu_next) + (1 - mu_t) * g / (1 - product)
    v_hat = v / (1 - hp["beta2"] ** t)
    return w - hp["lr"] * m_hat / (np.sqrt(v_hat) + hp["eps"]), {"m": m, "v": v, "product": product}


def hand_adamw_lecture(grad, w, s, t, hp):
    w_next, state = hand_adam_lecture(grad, w, s, t, hp)
    return w_next - hp["lr"] * hp["weight_decay"] * w, state


def hand_adamw_torch(grad, w, s, t, hp):
    """torch.optim.AdamW: the point decays by the factor 1 − ηλ, then takes Adam's step."""
    _, m, v = hand_moments(grad, w, s, hp)
    m_hat, v_hat = m / (1 - hp["beta1"] ** t), v / (1 - hp["beta2"] ** t)
    return w * (1 - hp["lr"] * hp["weight_decay"]) - hp["lr"] * m_hat / (np.sqrt(v_hat) + hp["eps"]), {"m": m, "v": v}


def hand_lion(grad, w, s, t, hp):
    """Chen et al. 2023, Algorithm 2."""
    g, m = grad(w), s.get("m", 0.0)
    c = hp["beta1"] * m + (1 - hp["beta1"]) * g
    return w - hp["lr"] * (np.sign(c) + hp["weight_decay"] * w), {"m": hp["beta2"] * m + (1 - hp["beta2"]) * g}


def hand_adabelief(grad, w, s, t, hp):
    """Zhuang et al. 2020, Algorithm 2: ε is added to s_t and to the denominator."""
    g = grad(w)
    m = hp["beta1"] * s.get("m", 0.0) + (1 - hp["beta1"]) * g
    belief = hp["beta2"] * s.get("s", 0.0) + (1 - hp["beta2"]) * (g - m) ** 2 + hp["eps"]
    m_hat, s_hat = m / (1 - hp["beta1"] ** t), belief / (1 - hp["beta2"] ** t)
    return w - hp["lr"] * m_hat / (np.sqrt(s_hat) + hp["eps"]), {"m": m, "s": belief}


def hand_trajectory(step, grad, start, hp, steps) -> np.ndarray:
    w, state, points = np.asarray(start, dtype=np.float64), {}, [np.asarray(start, dtype=np.float64)]
    for t in range(1, steps + 1):
        w, state = step(grad, w, state, t, hp)
        points.append(w)
    return np.array(points)


# --- the factor lr_eff must be, computed from the state arrays (each row = the state after a step) ---------

def previous(rows):
    """The state before each step: zeros, then every row but the last."""
    return np.concatenate([np.zeros_like(rows[:1]), rows[:-1]])


def stated_learning_rate(traj, hp):
    return np.broadcast_to(hp["lr"], traj.grads.shape)


def stated_over_root_sum(traj, hp):
    return hp["lr"] / (np.sqrt(traj.state.sum_sq) + hp["eps"])


def stated_over_root_average(traj, hp):
    return hp["lr"] / (np.sqrt(traj.state.avg_sq_grad) + hp["eps"])


def stated_adadelta_lecture(traj, hp):
    G, H = traj.state.avg_sq_grad, traj.state.avg_sq_delta
    return (np.sqrt(previous(H)) + hp["eps"]) / (np.sqrt(G) + hp["eps"])


def stated_adadelta_torch(traj, hp):
    G, H = traj.state.avg_sq_grad, traj.state.avg_sq_delta
    return hp["lr"] * np.sqrt(previous(H) + hp["eps"]) / np.sqrt(G + hp["eps"])


def stated_adam_lecture(traj, hp):
    t, v = traj.state.count[:, None], traj.state.nu
    return hp["lr"] / (np.sqrt(v) + hp["eps"]) * np.sqrt(1 - hp["beta2"] ** t) / (1 - hp["beta1"] ** t)


def stated_adam_torch(traj, hp):
    t, v = traj.state.count[:, None], traj.state.nu
    return hp["lr"] / (1 - hp["beta1"] ** t) / (np.sqrt(v / (1 - hp["beta2"] ** t)) + hp["eps"])


def stated_nadam_lecture(traj, hp):
    t, v = traj.state.count[:, None], traj.state.nu
    return hp["lr"] * np.sqrt(1 - hp["beta2"] ** t) / (np.sqrt(v) + hp["eps"])


def stated_nadam_torch(traj, hp):
    t, v = traj.state.count[:, None], traj.state.nu
    return hp["lr"] / (np.sqrt(v / (1 - hp["beta2"] ** t)) + hp["eps"])


# --- the table -----------------------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Case:
    optimizer: str
    convention: str
    hand_step: Callable
    stated_lr_eff: Callable
    torch_reference: bool = False  # torch.optim computes the same rule: the JSON trajectories apply
    optax: Callable[[Mapping[str, float]], optax.GradientTransformation] | None = None
    optax_hp: Mapping[str, float] = dataclasses.field(default_factory=dict)  # where optax coincides (ε = 0)
    step_proportional: bool = False  # the step is η times gradients: η = 10 on the bowl must diverge

    @property
    def id(self) -> str:
        return f"{self.optimizer}-{self.convention}"


def optax_sgd(hp):
    return optax.sgd(hp["lr"])


def optax_momentum(hp):
    return optax.sgd(hp["lr"], momentum=hp["beta"])


def optax_nesterov(hp):
    return optax.sgd(hp["lr"], momentum=hp["beta"], nesterov=True)


def optax_adagrad(hp):  # optax adds ε inside the root: it coincides at ε = 0
    return optax.adagrad(hp["lr"], initial_accumulator_value=0.0, eps=hp["eps"])


def optax_adadelta(hp):
    return optax.adadelta(hp["lr"], rho=hp["gamma"], eps=hp["eps"])


def optax_rmsprop(hp):
    return optax.rmsprop(hp["lr"], decay=hp["gamma"], eps=hp["eps"], eps_in_sqrt=False)


def optax_adam(hp):
    return optax.adam(hp["lr"], b1=hp["beta1"], b2=hp["beta2"], eps=hp["eps"])


def optax_nadam(hp):
    return optax.nadam(hp["lr"], b1=hp["beta1"], b2=hp["beta2"], eps=hp["eps"])


def optax_adamw(hp):
    return optax.adamw(hp["lr"], b1=hp["beta1"], b2=hp["beta2"], eps=hp["eps"], weight_decay=hp["weight_decay"])


def optax_lion(hp):
    return optax.lion(hp["lr"], b1=hp["beta1"], b2=hp["beta2"], weight_decay=hp["weight_decay"])


def optax_adabelief(hp):  # one ε, as in the paper: optax's eps_root is the ε added to s_t
    return optax.adabelief(hp["lr"], b1=hp["beta1"], b2=hp["beta2"], eps=hp["eps"], eps_root=hp["eps"])


EPS_ZERO = {"eps": 0.0}

CASES = [
    *[Case(optimizer_id, convention, hand_gd, stated_learning_rate, torch_reference=True, optax=optax_sgd,
           step_proportional=True)
      for optimizer_id in ("gd", "sgd", "minibatch") for convention in CONVENTIONS],
    Case("momentum", "lecture", hand_momentum_lecture, stated_learning_rate, torch_reference=True,
         optax=optax_momentum, step_proportional=True),
    Case("momentum", "torch", hand_momentum_torch, stated_learning_rate, torch_reference=True,
         optax=optax_momentum, step_proportional=True),
    Case("nag", "lecture", hand_nag_lecture, stated_learning_rate, step_proportional=True),
    Case("nag", "torch", hand_nag_torch, stated_learning_rate, torch_reference=True, optax=optax_nesterov,
         step_proportional=True),
    Case("adagrad", "lecture", hand_adagrad, stated_over_root_sum, torch_reference=True, optax=optax_adagrad,
         optax_hp=EPS_ZERO),
    Case("adagrad", "torch", hand_adagrad, stated_over_root_sum, torch_reference=True, optax=optax_adagrad,
         optax_hp=EPS_ZERO),
    Case("adadelta", "lecture", hand_adadelta_lecture, stated_adadelta_lecture),
    Case("adadelta", "torch", hand_adadelta_torch, stated_adadelta_torch, torch_reference=True,
         optax=optax_adadelta),
    Case("rmsprop", "lecture", hand_rmsprop, stated_over_root_average, torch_reference=True, optax=optax_rmsprop),
    Case("rmsprop", "torch", hand_rmsprop, stated_over_root_average, torch_reference=True, optax=optax_rmsprop),
    # optax's Adam has ε outside √v̂ (torch's form); the lecture's ε outside √v differs unless ε = 0.
    Case("adam", "lecture", hand_adam_lecture, stated_adam_lecture, optax=optax_adam, optax_hp=EPS_ZERO),
    Case("adam", "torch", hand_adam_torch, stated_adam_torch, torch_reference=True, optax=optax_adam),
    Case("nadam", "lecture", hand_nadam_lecture, stated_nadam_lecture, optax=optax_nadam, optax_hp=EPS_ZERO),
    Case("nadam", "torch", hand_nadam_torch, stated_nadam_torch, torch_reference=True),
    # After the lecture: AdamW as Adam (ε outside √v in the lecture's form), Lion and AdaBelief one rule each.
    Case("adamw", "lecture", hand_adamw_lecture, stated_adam_lecture, optax=optax_adamw, optax_hp=EPS_ZERO),
    Case("adamw", "torch", hand_adamw_torch, stated_adam_torch, torch_reference=True, optax=optax_adamw),
    *[Case("adabelief", convention, hand_adabelief, stated_adam_torch, optax=optax_adabelief)
      for convention in CONVENTIONS],
    *[Case("lion", convention, hand_lion, stated_learning_rate, optax=optax_lion) for convention in CONVENTIONS],
]

by_case = pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)


def hand_hp(case: Case, **overrides: float) -> dict[str, float]:
    """HAND_HP restricted to the case's hyperparameters (the rule's defaults for any HAND_HP lacks)."""
    names = optimizers.hyperparameters(case.optimizer, case.convention)
    return {name: overrides.get(name, HAND_HP.get(name, default)) for name, default in names.items()}


def make(case: Case, **hp: float) -> optimizers.Optimizer:
    return optimizers.make(case.optimizer, case.convention, **hp)


def float64_surface(landscape: Landscape):
    theta = {k: jnp.asarray(v, jnp.float64) for k, v in landscape.theta.items()}
    return lambda w: landscape.family(w, theta)


def test_the_table_covers_every_optimizer_and_convention_once():
    assert sorted((c.optimizer, c.convention) for c in CASES) == sorted(RULE_TABLE)
    assert {c.optimizer for c in CASES} == set(OPTIMIZER_IDS)


# (a) the first three steps equal the formula computed by hand on a quadratic ---------------------------------

@by_case
def test_first_three_steps_equal_the_hand_computation(case):
    hp = hand_hp(case)
    expected = hand_trajectory(case.hand_step, quadratic_gradient, QUADRATIC_START, hp, 3)
    with jax.enable_x64(True):
        traj = optimizers.run(make(case, **hp), quadratic, QUADRATIC_START, 3)
    assert traj.params.dtype == np.float64
    assert np.linalg.norm(expected[3] - expected[0]) > 1e-3, "the hand computation does not move"
    np.testing.assert_allclose(traj.params, expected, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(traj.grads[0], quadratic_gradient(np.array(QUADRATIC_START)), rtol=1e-12)


@pytest.mark.parametrize("convention", CONVENTIONS)
def test_adam_without_bias_correction_equals_the_hand_computation(convention):
    case = next(c for c in CASES if c.id == f"adam-{convention}")
    hp = hand_hp(case, bias_correction=0.0)
    expected = hand_trajectory(case.hand_step, quadratic_gradient, QUADRATIC_START, hp, 3)
    corrected = hand_trajectory(case.hand_step, quadratic_gradient, QUADRATIC_START, hand_hp(case), 3)
    with jax.enable_x64(True):
        traj = optimizers.run(make(case, **hp), quadratic, QUADRATIC_START, 3)
    np.testing.assert_allclose(traj.params, expected, rtol=1e-12)
    assert not np.allclose(expected, corrected), "the switch makes no difference"


@pytest.mark.parametrize("convention", CONVENTIONS)
def test_adamw_without_weight_decay_is_adam(convention):
    hp = {"lr": 0.05, "beta1": 0.8, "beta2": 0.9, "eps": 0.1}
    with jax.enable_x64(True):
        adam = optimizers.run(optimizers.make("adam", convention, **hp), WELLS, WELLS.starts[0], 30)
        adamw = optimizers.run(optimizers.make("adamw", convention, weight_decay=0.0, **hp), WELLS, WELLS.starts[0], 30)
        decayed = optimizers.run(optimizers.make("adamw", convention, weight_decay=0.1, **hp), WELLS, WELLS.starts[0], 30)
    np.testing.assert_allclose(adamw.params, adam.params, rtol=1e-12, atol=1e-14)
    assert np.abs(decayed.params - adam.params).max() > 1e-3


def test_lion_moves_every_coordinate_by_exactly_its_learning_rate():
    with jax.enable_x64(True):
        traj = optimizers.run(optimizers.make("lion", lr=0.05, weight_decay=0.0), WELLS, WELLS.starts[0], 30)
    np.testing.assert_allclose(np.abs(np.diff(traj.params, axis=0)), 0.05, rtol=1e-12)


# (b) the torch convention reproduces torch.optim (reference data of scripts/make_torch_reference.py) -------

def reference_cases(optimizer_id: str) -> list[dict]:
    return [c for c in REFERENCE["cases"] if c["optimizer"] == optimizer_id]


def run_reference(case: Case, reference: dict) -> optimizers.Trajectory:
    landscape = LANDSCAPES[reference["landscape"]].with_params(**reference["landscape_params"])
    return optimizers.run(make(case, **reference["hparams"]), landscape, reference["start"], REFERENCE["steps"])


def test_reference_data_covers_every_optimizer_on_three_surfaces():
    assert REFERENCE["torch_version"].split("+")[0] == "2.13.0"
    assert REFERENCE["dtype"] == "float64" and REFERENCE["steps"] == 30
    assert REFERENCE["significant_digits"] >= 12  # TORCH_FLOAT64_TOLERANCE assumes the rounding is below 1e-11
    for optimizer_id in OPTIMIZER_IDS:
        cases = reference_cases(optimizer_id)
        if not SPECS[optimizer_id].torch_optim:  # torch.optim has no Lion, no AdaBelief
            assert cases == []
            continue
        assert {c["landscape"] for c in cases} == {"bowl", "rosenbrock", "himmelblau"}
        assert len({json.dumps(c["hparams"], sort_keys=True) for c in cases if c["landscape"] == "bowl"}) == 2
        for c in cases:
            assert np.asarray(c["params"]).shape == (REFERENCE["steps"] + 1, 2)


@pytest.mark.parametrize("case", [c for c in CASES if c.torch_reference], ids=lambda case: case.id)
def test_torch_convention_equals_torch_optim_for_30_steps(case):
    with jax.enable_x64(True):
        for reference in reference_cases(case.optimizer):
            traj = run_reference(case, reference)
            expected = np.asarray(reference["params"])
            assert traj.diverged_at is None
            np.testing.assert_allclose(traj.params, expected, **TORCH_FLOAT64_TOLERANCE,
                                       err_msg=f"{reference['landscape']} {reference['hparams']}")


@pytest.mark.parametrize("case", [c for c in CASES if c.torch_reference], ids=lambda case: case.id)
def test_torch_convention_in_float32_follows_torch_optim(case):
    for reference in reference_cases(case.optimizer):
        traj = run_reference(case, reference)
        expected = np.asarray(reference["params"])
        assert traj.params.dtype == np.float32
        scale = np.abs(expected).max()
        error = np.abs(traj.params - expected).max(axis=1) / scale
        # float32 rounding alone for 15 steps; later, oscillation across Rosenbrock's valley amplifies it
        # by up to ~5× a step (RMSProp with η = 0.05), so the rest only has to stay on the same path.
        assert error[:16].max() < 1e-5, f"{reference['landscape']} {reference['hparams']}: {error[:16]}"
        assert error.max() < 5e-2, f"{reference['landscape']} {reference['hparams']}: {error.max()}"


@pytest.mark.parametrize("case", [c for c in CASES if not c.torch_reference and SPECS[c.optimizer].torch_optim],
                         ids=lambda case: case.id)
def test_lecture_only_rules_differ_from_torch_optim(case):
    """The rows without torch data really are other formulas (else they should be checked against torch)."""
    torch_case = next(c for c in CASES if c.optimizer == case.optimizer and c.convention == "torch")
    hp = hand_hp(case)
    ours = hand_trajectory(case.hand_step, quadratic_gradient, QUADRATIC_START, hp, 3)
    torch_hp = hand_hp(torch_case, **{"lr": 1.0, **hp})  # no learning rate in the lecture's Adadelta: η = 1
    theirs = hand_trajectory(torch_case.hand_step, quadratic_gradient, QUADRATIC_START, torch_hp, 3)
    assert np.abs(ours - theirs).max() > 1e-4


# (c) optax, where its rule is the same -------------------------------------------------------------------

def optax_trajectory(transformation, f, start, steps) -> np.ndarray:
    gradient = jax.jit(jax.grad(f))
    w = jnp.asarray(start, jnp.float64)
    state, points = transformation.init(w), [w]
    for _ in range(steps):
        updates, state = transformation.update(gradient(w), state, w)
        w = optax.apply_updates(w, updates)
        points.append(w)
    return np.asarray(jnp.stack(points))


@pytest.mark.parametrize("case", [c for c in CASES if c.optax is not None], ids=lambda case: case.id)
def test_equals_optax_where_the_rule_coincides(case):
    hp = hand_hp(case, **case.optax_hp)
    with jax.enable_x64(True):
        expected = optax_trajectory(case.optax(hp), float64_surface(WELLS), WELLS.starts[0], 30)
        traj = optimizers.run(make(case, **hp), WELLS, WELLS.starts[0], 30)
    assert np.linalg.norm(expected[-1] - expected[0]) > 0.05, "too short a walk to compare"
    np.testing.assert_allclose(traj.params, expected, rtol=1e-10, atol=1e-12)


# (d) GD-like rules converge on the convex bowl; η = 10 is cut at diverged_at ---------------------------------

@pytest.mark.parametrize("case", [c for c in CASES if c.step_proportional], ids=lambda case: case.id)
def test_converges_on_the_convex_bowl(case):
    traj = optimizers.run(make(case, lr=0.05), BOWL, BOWL.starts[0], 500)
    assert traj.diverged_at is None
    assert np.linalg.norm(traj.params[-1]) < 1e-4
    assert traj.loss[-1] < 1e-8 * traj.loss[0]
    assert np.linalg.norm(traj.grads[-1]) < 1e-4


@pytest.mark.parametrize("case", [c for c in CASES if c.step_proportional], ids=lambda case: case.id)
def test_learning_rate_ten_on_the_bowl_is_cut_at_diverged_at(case):
    hp = hand_hp(case, lr=10.0)
    start = BOWL.starts[0]
    traj = optimizers.run(make(case, **hp), BOWL, start, 500)
    k = traj.diverged_at
    assert k is not None and 1 <= k < 500
    assert len(traj.params) == len(traj.loss) == k
    assert len(traj.grads) == len(traj.lr_eff) == k - 1
    for leaf in jax.tree.leaves(traj.state):
        assert len(leaf) == k - 1
    for array in (traj.params, traj.loss, traj.grads, traj.lr_eff, *jax.tree.leaves(traj.state)):
        assert np.all(np.isfinite(array))
    # The hand computation agrees up to the cut, and its next point is the one that escaped.
    expected = hand_trajectory(case.hand_step, bowl_gradient, start, hp, k)
    np.testing.assert_allclose(traj.params, expected[:k], rtol=1e-5)
    assert np.all(np.abs(expected[:k]) <= BOWL.escape_radius)
    escaped = expected[k]
    assert not np.all(np.isfinite(escaped)) or np.abs(escaped).max() > BOWL.escape_radius


# (e) lr_eff is the factor the issue states, recomputed from the state arrays -------------------------------

@by_case
def test_lr_eff_is_the_stated_factor(case):
    hp = hand_hp(case)
    with jax.enable_x64(True):
        traj = optimizers.run(make(case, **hp), WELLS, WELLS.starts[1], 30)
    assert traj.lr_eff.shape == traj.grads.shape == (30, 2)
    np.testing.assert_allclose(traj.lr_eff, case.stated_lr_eff(traj, hp), rtol=1e-12)
    if "count" in traj.state._fields:
        np.testing.assert_array_equal(traj.state.count, np.arange(1, 31))


# (f) the lecture's NAG differentiates at the look-ahead point w − ηβa -----------------------------------------

def test_lecture_nag_takes_its_gradient_at_the_look_ahead_point():
    hp = {"lr": 0.05, "beta": 0.9}
    with jax.enable_x64(True):
        traj = optimizers.run(optimizers.make("nag", "lecture", **hp), WELLS, WELLS.starts[0], 20)
        gradient = jax.vmap(jax.grad(float64_surface(WELLS)))
        accumulation = previous(traj.state.accumulation)  # a_t before step t
        look_ahead = traj.params[:-1] - hp["lr"] * hp["beta"] * accumulation
        at_look_ahead = np.asarray(gradient(jnp.asarray(look_ahead)))
        at_the_point = np.asarray(gradient(jnp.asarray(traj.params[:-1])))
    np.testing.assert_allclose(traj.grads, at_look_ahead, rtol=1e-10, atol=1e-13)
    assert np.abs(traj.grads[1:] - at_the_point[1:]).max() > 1e-3, "look-ahead and current gradients coincide"
    np.testing.assert_allclose(traj.state.accumulation[0], at_the_point[0], rtol=1e-12)


def test_torch_nag_takes_its_gradient_at_the_current_point():
    with jax.enable_x64(True):
        traj = optimizers.run(optimizers.make("nag", "torch", lr=0.05, beta=0.9), WELLS, WELLS.starts[0], 20)
        at_the_point = np.asarray(jax.vmap(jax.grad(float64_surface(WELLS)))(jnp.asarray(traj.params[:-1])))
    np.testing.assert_allclose(traj.grads, at_the_point, rtol=1e-10, atol=1e-13)


# (g) one compiled program per (rule, surface, steps): hyperparameters, starts and seeds are traced -----------

class CompileCounter:
    """Counts JAX's own compile and trace events while active."""

    EVENTS = ("/jax/core/compile/backend_compile_duration", "/jax/core/compile/jaxpr_trace_duration")

    def __init__(self):
        self.events: list[str] = []

    def _listen(self, event, duration, **kwargs):
        if event in self.EVENTS:
            self.events.append(event)

    def __enter__(self):
        jax.monitoring.register_event_duration_secs_listener(self._listen)
        return self

    def __exit__(self, *exc):
        jax.monitoring.unregister_event_duration_listener(self._listen)


def test_compile_counter_sees_a_compilation():
    surface_never_seen = lambda w: jnp.sum(w**2)
    with CompileCounter() as counter:
        before = optimizers.compiled_programs()
        optimizers.run(optimizers.make("gd", lr=0.01), surface_never_seen, (1.0, 1.0), 10)
    assert optimizers.compiled_programs() == before + 1
    assert counter.events.count("/jax/core/compile/backend_compile_duration") >= 1


def test_new_hyperparameters_starts_and_seeds_do_not_recompile():
    learning_rates = [0.001, 0.002, 1, 2, np.float32(0.01), np.float32(0.3), np.float64(0.02), 0.5, 3, 0.04,
                      np.float32(1e-4), 0.7, 5, 0.006, np.float32(0.08), 0.09, 1e-5, 4, np.float64(0.25), 0.12]
    rng = np.random.default_rng(0)
    starts = [tuple(p) for p in rng.uniform(-2, 2, (5, 2))] + [list(p) for p in rng.uniform(-2, 2, (5, 2))] + \
             list(rng.uniform(-2, 2, (5, 2)).astype(np.float32)) + list(rng.uniform(-2, 2, (5, 2)))
    rosenbrock = LANDSCAPES["rosenbrock"]
    noisy_bowl = as_finite_sum(BOWL)
    adam = lambda lr: optimizers.make("adam", "lecture", lr=lr, beta1=0.8)

    def one_of_each(i, lr, start):
        optimizers.run(adam(lr), rosenbrock.with_params(a=0.5 + i / 40, b=50 + i), start, 40, seed=i)
        optimizers.run(optimizers.make("sgd", lr=lr), noisy_bowl, start, 40, batch_size=1 + i % 8, seed=i)
        optimizers.run_many(adam(lr), rosenbrock, np.array([start, start]), 40, hparams={"lr": [lr, 2 * lr]},
                            seed=[i, i + 1])

    one_of_each(0, 0.1, (0.5, 0.5))  # warm-up: compiles the three programs
    before = optimizers.compiled_programs()
    with CompileCounter() as counter:
        for i, (lr, start) in enumerate(zip(learning_rates, starts)):
            one_of_each(i + 1, lr, start)
    assert optimizers.compiled_programs() == before
    assert counter.events == [], f"{len(counter.events)} compile/trace events for new slider values"


# (h) run_many equals single runs ------------------------------------------------------------------------

@by_case
def test_run_many_equals_single_runs_over_starts_and_hyperparameters(case):
    hp = hand_hp(case)
    name = "lr" if "lr" in hp else "eps"  # the lecture's Adadelta has no learning rate
    starts = np.array(WELLS.starts)
    scales = np.array([1.0, 0.5, 2.0, 0.25])
    with jax.enable_x64(True):
        opt = make(case, **hp)
        batch = optimizers.run_many(opt, WELLS, starts, 30, hparams={name: hp[name] * scales}, history=True)
        singles = [optimizers.run(make(case, **{**hp, name: hp[name] * s}), WELLS, x0, 30)
                   for x0, s in zip(starts, scales)]
    assert batch.params.shape == (4, 31, 2)
    for i, traj in enumerate(singles):
        np.testing.assert_allclose(batch.params[i], traj.params, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(batch.loss[i], traj.loss, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(batch.final_params[i], traj.params[-1], rtol=1e-12, atol=1e-14)
    assert np.all(batch.diverged_at == -1)


def test_run_many_freezes_a_diverged_member_where_the_single_run_stops():
    learning_rates = np.array([0.05, 10.0, 0.15, 0.25])
    opt = optimizers.make("gd", lr=0.05)
    batch = optimizers.run_many(opt, BOWL, BOWL.starts[0], 60, hparams={"lr": learning_rates}, history=True)
    for i, lr in enumerate(learning_rates):
        traj = optimizers.run(optimizers.make("gd", lr=lr), BOWL, BOWL.starts[0], 60)
        np.testing.assert_allclose(batch.final_params[i], traj.params[-1], rtol=1e-6)
        assert batch.diverged_at[i] == (-1 if traj.diverged_at is None else traj.diverged_at)
    assert batch.diverged_at[1] > 0 and batch.diverged_at[3] > 0  # 0.25 · κ = 2.5 > 2: unstable
    assert np.all(batch.diverged_at[[0, 2]] == -1)
    assert np.all(np.isfinite(batch.params)) and np.all(np.isfinite(batch.final_loss))


@pytest.mark.parametrize("optimizer_id, batch_size", [("sgd", 1), ("minibatch", 8)])
def test_run_many_with_seeds_equals_seeded_single_runs(optimizer_id, batch_size):
    noisy = as_finite_sum(LANDSCAPES["himmelblau"], noise=3.0)
    opt = optimizers.make(optimizer_id, lr=0.005)
    seeds = np.array([0, 1, 2, 7, 11])
    batch = optimizers.run_many(opt, noisy, (1.0, 1.0), 80, batch_size=batch_size, seed=seeds, history=True)
    for i, seed in enumerate(seeds):
        traj = optimizers.run(opt, noisy, (1.0, 1.0), 80, batch_size=batch_size, seed=int(seed))
        np.testing.assert_allclose(batch.params[i], traj.params, rtol=1e-5, atol=1e-6)
    assert len({tuple(p) for p in batch.final_params.round(6)}) == len(seeds), "seeds gave the same path"


# (i) stochastic gradients: a real finite sum, sampled without replacement per epoch ----------------------

IDENTIFYING_N = 12
# Sample i has loss zᵢ·w with zᵢ = (2^i, i): the gradient of a batch's mean, times B, is the batch's bitmask.
IDENTIFYING_DATA = np.stack([2.0 ** np.arange(IDENTIFYING_N), np.arange(IDENTIFYING_N)], axis=1)


def identifying_sample_loss(w, datum, theta):
    return jnp.dot(datum, w)


def identifying_mean(w, theta):
    return jnp.dot(jnp.asarray(IDENTIFYING_DATA.mean(axis=0)), w)


IDENTIFYING = FiniteSum(
    dataclasses.replace(BOWL, id="identifying", family=identifying_mean, critical=lambda theta: (), params=()),
    identifying_sample_loss,
    IDENTIFYING_DATA.astype(np.float32),
)


def batches_drawn(batch_size: int, epochs: int, seed: int) -> np.ndarray:
    """The bitmask of the samples in each step's batch."""
    with jax.enable_x64(True):
        traj = optimizers.run(optimizers.make("minibatch", lr=1e-3), IDENTIFYING, (0.0, 0.0),
                              epochs * IDENTIFYING_N // batch_size, batch_size=batch_size, seed=seed)
    return np.rint(traj.grads[:, 0] * batch_size).astype(np.int64)


@pytest.mark.parametrize("batch_size", [1, 3, 4, 12])
def test_each_epoch_visits_every_sample_once(batch_size):
    per_epoch = IDENTIFYING_N // batch_size
    masks = batches_drawn(batch_size, epochs=3, seed=5).reshape(3, per_epoch)
    everyone = 2**IDENTIFYING_N - 1
    for epoch in masks:
        assert all(bin(mask).count("1") == batch_size for mask in epoch)
        assert np.bitwise_or.reduce(epoch) == everyone and epoch.sum() == everyone  # disjoint and complete
    if batch_size < IDENTIFYING_N:
        assert len({tuple(epoch) for epoch in masks}) > 1, "every epoch draws the same batches"


def test_sampling_is_reproducible_by_seed_and_varies_with_it():
    assert np.array_equal(batches_drawn(1, 2, seed=3), batches_drawn(1, 2, seed=3))
    assert not np.array_equal(batches_drawn(1, 2, seed=3), batches_drawn(1, 2, seed=4))
    noisy = as_finite_sum(LANDSCAPES["rosenbrock"], noise=1.0)
    opt = optimizers.make("sgd", lr=1e-3)
    first, again, other = (optimizers.run(opt, noisy, (-1.0, 1.0), 50, batch_size=1, seed=s) for s in (3, 3, 4))
    assert np.array_equal(first.params, again.params) and np.array_equal(first.grads, again.grads)
    assert not np.allclose(first.params, other.params)


def gradient_noise_variance(finite_sum, batch_size, at) -> float:
    """Mean over coordinates of the variance of g − ∇f at a fixed point, over 8 epochs (η = 1e-300 keeps w at
    ``at``: its steps are far below w's last bit, and the engine refuses η = 0)."""
    with jax.enable_x64(True):
        traj = optimizers.run(optimizers.make("minibatch", lr=1e-300), finite_sum, at, 8 * finite_sum.n,
                              batch_size=batch_size)
        exact = np.asarray(jax.grad(float64_surface(finite_sum.landscape))(jnp.asarray(at, jnp.float64)))
    assert np.all(traj.params == np.asarray(at))
    return float(((traj.grads - exact) ** 2).mean())


@pytest.mark.parametrize("landscape_id", ["bowl", "line_fit"])  # tilted copies and real data
def test_gradient_variance_sgd_above_minibatch_above_full_batch_zero(landscape_id):
    landscape = LANDSCAPES[landscape_id]
    finite_sum = as_finite_sum(landscape, noise=2.0)
    n = finite_sum.n
    for at in landscape.starts[:2]:
        one = gradient_noise_variance(finite_sum, 1, at)  # each epoch draws every sample exactly once
        eight = gradient_noise_variance(finite_sum, 8, at)
        full = gradient_noise_variance(finite_sum, n, at)
        assert one > eight > full
        assert full < 1e-12 * one  # zero up to the float32 rounding of the data
        # without replacement, Var(mean of B) = σ²/B · (N − B)/(N − 1): a ratio of 9 for N = 64, B = 8
        assert 4.5 < one / eight < 18, one / eight
        if landscape_id != "line_fit":
            assert one == pytest.approx(2.0**2, rel=1e-5)  # σ² · Var(z) with unit-variance tilts


# (j) bad input gives a clear ValueError ------------------------------------------------------------------

@pytest.mark.parametrize("call, message", [
    (lambda: optimizers.make("adamax"), "unknown optimizer 'adamax'"),
    (lambda: optimizers.make("adam", "keras"), "unknown convention 'keras'"),
    (lambda: optimizers.make("adam", momentum=0.9), "adam (lecture) has no hyperparameter momentum"),
    (lambda: optimizers.make("adadelta", "lecture", lr=1.0), "has no hyperparameter lr"),
    (lambda: optimizers.make("gd", lr=float("nan")), "gd: lr must be in (0, 3.40282e+38], got nan"),
    (lambda: optimizers.make("rmsprop", eps=float("inf")), "rmsprop: eps must be in [0, 3.40282e+38], got inf"),
    (lambda: optimizers.run(optimizers.make("gd"), BOWL, (1.0, 2.0, 3.0), 10), "start point must have shape (2,)"),
    (lambda: optimizers.run(optimizers.make("gd"), BOWL, (float("nan"), 0.0), 10), "start point must be finite"),
    (lambda: optimizers.run(optimizers.make("sgd"), BOWL, (1.0, 1.0), 10, batch_size=4), "need a finite sum"),
    (lambda: optimizers.run(optimizers.make("sgd"), as_finite_sum(BOWL), (1.0, 1.0), 10, batch_size=0),
     "batch size must be a whole number in [1, 64], got 0"),
    (lambda: optimizers.run(optimizers.make("sgd"), as_finite_sum(BOWL), (1.0, 1.0), 10, batch_size=65),
     "batch size must be a whole number in [1, 64], got 65"),
    (lambda: optimizers.run(optimizers.make("gd"), BOWL, (1.0, 1.0), 0), "steps must be a whole number in [1, 1000000], got 0"),
    (lambda: optimizers.run_many(optimizers.make("gd"), BOWL, np.zeros((3, 2)), 10, hparams={"lr": [0.1, 0.2]}),
     "batch sizes disagree"),
    (lambda: optimizers.run_many(optimizers.make("gd"), BOWL, np.zeros((3, 2)), 10, hparams={"beta": 0.5}),
     "gd has no hyperparameter beta"),
], ids=["optimizer", "convention", "hyperparameter", "adadelta-lr", "nan", "inf", "start-shape", "start-nan",
        "no-finite-sum", "batch-zero", "batch-too-big", "steps", "batch-disagree", "run-many-hyperparameter"])
def test_bad_input_raises_a_clear_value_error(call, message):
    with pytest.raises(ValueError) as error:
        call()
    assert message in str(error.value)


def test_a_surface_of_the_wrong_type_is_a_type_error():
    with pytest.raises(TypeError, match="expected a Landscape, a FiniteSum or a function"):
        optimizers.run(optimizers.make("gd"), "bowl", (1.0, 1.0), 10)
