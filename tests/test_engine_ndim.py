"""The engine in n dimensions: a surface's runs are the n = 2 case of the same path, and an n-dimensional
loss made of independent 2-D surfaces runs each pair of coordinates exactly as the 2-D runs do."""

import json
import pathlib

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import optimizers
from landscapes import LANDSCAPES
from landscapes.catalog import bowl, himmelblau, wells
from landscapes import models
from landscapes.models import CUBIC, CUBIC_X, CUBIC_Y
from optimizers.engine import FORWARD_MODE_MAX, STRETCH
from tests.test_optimizers import TORCH_FLOAT64_TOLERANCE

BOWL, WELLS, HIMMELBLAU = LANDSCAPES["bowl"], LANDSCAPES["wells"], LANDSCAPES["himmelblau"]
PARTS = (BOWL, WELLS, HIMMELBLAU)
STARTS = (BOWL.starts[0], WELLS.starts[0], HIMMELBLAU.starts[0])
STEPS = STRETCH + 9


def three_surfaces(w):
    """f(w) = bowl(w₀, w₁) + wells(w₂, w₃) + himmelblau(w₄, w₅): n = 6, above FORWARD_MODE_MAX."""
    theta = BOWL.theta_arrays()
    return bowl(w[0:2], theta) + wells(w[2:4], {}) + himmelblau(w[4:6], {})


def bowl_and_line(w):
    """n = 3, the forward-mode side: the bowl in (w₀, w₁) and ½ (w₂ − 1)² beside it."""
    return bowl(w[0:2], BOWL.theta_arrays()) + 0.5 * (w[2] - 1.0) ** 2


@pytest.mark.parametrize("rule", optimizers.RULES, ids=lambda rule: f"{rule.id}-{'-'.join(rule.conventions)}")
def test_each_pair_of_a_six_dimensional_run_is_the_two_dimensional_run(rule):
    assert 6 > FORWARD_MODE_MAX
    opt = optimizers.make(rule.id, rule.conventions[0])
    start = np.concatenate(STARTS)
    with jax.enable_x64(True):
        whole = optimizers.run(opt, three_surfaces, start, STEPS)
        pairs = [optimizers.run(opt, part, part_start, STEPS) for part, part_start in zip(PARTS, STARTS)]
    assert whole.params.shape == (STEPS + 1, 6) and whole.grads.shape == whole.lr_eff.shape == (STEPS, 6)
    for i, pair in enumerate(pairs):
        np.testing.assert_allclose(whole.params[:, 2 * i:2 * i + 2], pair.params, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(whole.lr_eff[:, 2 * i:2 * i + 2], pair.lr_eff, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(whole.loss, sum(pair.loss for pair in pairs), rtol=1e-12)
    assert not np.allclose(whole.params[-1], start)


@pytest.mark.parametrize("optimizer_id, convention", [("gd", "lecture"), ("nag", "lecture"), ("adam", "torch"),
                                                      ("adadelta", "lecture")])
@pytest.mark.parametrize("fn, n", [(three_surfaces, 6), (bowl_and_line, 3)], ids=["n6-one-block", "n3-per-coordinate"])
def test_batches_without_history_end_where_recorded_runs_end_in_n_dimensions(optimizer_id, convention, fn, n):
    rng = np.random.default_rng(1)
    starts = rng.uniform(-2.0, 2.0, (5, n))
    if n == 6:  # Himmelblau's pair near its minimum (3, 2), not near its maximum, where paths part exponentially
        starts[:, 4:] = rng.uniform(2.5, 3.5, (5, 2))
    lrs = {"lr": np.geomspace(1e-3, 2e-2, 5)} if "lr" in optimizers.hyperparameters(optimizer_id, convention) else {}
    with jax.enable_x64(True):
        opt = optimizers.make(optimizer_id, convention)
        final = optimizers.run_many(opt, fn, starts, STEPS, hparams=lrs)
        recorded = optimizers.run_many(opt, fn, starts, STEPS, hparams=lrs, history=True)
        singles = [optimizers.run(optimizers.make(optimizer_id, convention, **{k: v[i] for k, v in lrs.items()}), fn,
                                  starts[i], STEPS) for i in (0, 4)]
    assert final.final_params.shape == (5, n) and recorded.params.shape == (5, STEPS + 1, n)
    np.testing.assert_allclose(final.final_params, recorded.params[:, -1], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(final.final_loss, recorded.loss[:, -1], rtol=1e-10, atol=1e-12)
    np.testing.assert_array_equal(final.diverged_at, recorded.diverged_at)
    for i, single in zip((0, 4), singles):
        np.testing.assert_allclose(recorded.params[i], single.params, rtol=1e-10, atol=1e-12)
    assert not np.allclose(final.final_params, starts)


def runaway(w):
    """n = 6: the bowl, the wells, a parabola and −w₅², down which GD (η = 0.05) runs away: w₅ ← 1.1 w₅."""
    return bowl(w[0:2], BOWL.theta_arrays()) + wells(w[2:4], {}) + 0.5 * (w[4] - 1.0) ** 2 - w[5] ** 2


def test_a_divergence_and_targets_in_six_dimensions():
    """The escape test covers every coordinate (here only the last one runs away), and the targets are points of
    the whole space."""
    opt = optimizers.make("gd", lr=0.05)
    start = np.concatenate(STARTS)
    traj = optimizers.run(opt, runaway, start, 300)
    radius = optimizers.engine.DEFAULT_ESCAPE_RADIUS
    assert traj.diverged_at == int(np.ceil(np.log(radius / 0.9) / np.log(1.1)))  # the first k with 0.9 · 1.1ᵏ > radius
    assert np.all(np.abs(traj.params) <= radius)
    batch = optimizers.run_many(opt, runaway, start, 300)
    assert batch.diverged_at[0] == traj.diverged_at
    np.testing.assert_allclose(batch.final_params[0], traj.params[-1], rtol=1e-5)
    slower = optimizers.make("gd", lr=0.01)  # Himmelblau's curvature (up to ~80) needs η < 0.025
    settled = optimizers.run(slower, three_surfaces, start, 300).params[-1]
    targets = np.stack([settled + 5.0, settled])
    reached = optimizers.run_many(slower, three_surfaces, start, 300, targets=targets, target_tol=1e-2)
    assert reached.target_index[0] == 1 and 0 < reached.arrived_at[0] < 300


def test_a_dict_of_arrays_is_flattened_and_compiles_once():
    weights = {"w": np.array([[1.0, -2.0], [0.5, 3.0]]), "b": np.array([0.25])}

    def loss(params):
        return jnp.sum(params["w"] ** 2) + 4.0 * jnp.sum((params["b"] - 1.0) ** 2)

    opt = optimizers.make("gd", lr=0.1)
    traj = optimizers.run(opt, loss, weights, 20)
    fn, flat, unravel = optimizers.flattened(loss, weights)
    assert traj.params.shape == (21, 5) and np.allclose(traj.params[0], flat)
    assert set(unravel(traj.params[-1])) == {"w", "b"}
    np.testing.assert_allclose(np.asarray(unravel(traj.params[-1])["b"]), [1.0 - 0.75 * 0.2 ** 20], atol=1e-6)
    np.testing.assert_allclose(np.asarray(unravel(traj.params[-1])["w"]), weights["w"] * 0.8 ** 20, rtol=1e-5)
    before = optimizers.compiled_programs()
    optimizers.run(opt, loss, {"w": weights["w"] + 1.0, "b": weights["b"]}, 20)
    optimizers.run(optimizers.make("gd", lr=0.3), loss, weights, 20)
    assert optimizers.compiled_programs() == before


@pytest.mark.parametrize("call, message", [
    (lambda: optimizers.run(optimizers.make("gd"), BOWL, np.zeros(6), 10), "the start point must have shape (2,)"),
    (lambda: optimizers.run(optimizers.make("gd"), three_surfaces, np.zeros((2, 6)), 10),
     "the start point must have shape (n,), got (2, 6)"),
    (lambda: optimizers.run_many(optimizers.make("gd"), BOWL, np.zeros((3, 6)), 10), "starts must have shape (2,) or (M, 2)"),
    (lambda: optimizers.run(optimizers.make("gd"), three_surfaces, np.r_[np.zeros(5), np.nan], 10),
     "the start point must be finite numbers"),
    (lambda: optimizers.run(optimizers.make("gd"), BOWL, {"w": np.zeros(2)}, 10), "needs a plain function"),
])
def test_starts_of_the_wrong_dimension_are_refused_clearly(call, message):
    with pytest.raises(ValueError) as error:
        call()
    assert message in str(error.value)


TORCH_OPTIM = tuple(spec.id for spec in optimizers.SPECS.values() if spec.torch_optim)  # not Lion, AdaBelief
CUBIC_REFERENCE = json.loads((pathlib.Path(__file__).parent / "data" / "torch_reference_cubic.json").read_text("utf-8"))


def test_cubic_reference_covers_every_optimizer_in_four_dimensions():
    assert CUBIC_REFERENCE["torch_version"].split("+")[0] == "2.13.0" and CUBIC_REFERENCE["steps"] == 30
    assert {case["optimizer"] for case in CUBIC_REFERENCE["cases"]} == set(TORCH_OPTIM)
    for case in CUBIC_REFERENCE["cases"]:
        assert case["landscape"] == CUBIC.id and np.asarray(case["params"]).shape == (31, 4)


def test_the_cubic_in_float64_after_float32_computes_with_float64_data(monkeypatch):
    """The float64 runs below once took float32-rounded data when the page had run the cubic before them in the
    same process (JAX 0.10.2: once a function closing over a NumPy array was traced in float32 and again under
    jax.enable_x64, jnp.asarray of that array gives back its float32 copy): 7e-10 off torch, 2e-9 in the loss.
    The data are fresh copies, so what earlier tests traced does not matter."""
    monkeypatch.setattr(models, "CUBIC_X", CUBIC_X.copy())
    monkeypatch.setattr(models, "CUBIC_Y", CUBIC_Y.copy())
    w = np.asarray(CUBIC.initial)
    exact = np.mean((w[0] + w[1] * CUBIC_X + w[2] * CUBIC_X**2 + w[3] * CUBIC_X**3 - CUBIC_Y) ** 2)
    loss = lambda w: CUBIC.family(w, {})  # noqa: E731  a function of this test's own: traced here first
    jax.jit(loss)(w.astype(np.float32))
    with jax.enable_x64(True):
        values = [float(jax.jit(loss)(w)), float(jax.jit(lambda w: CUBIC.family(w, {}))(w))]
    np.testing.assert_allclose(values, exact, rtol=1e-14)


@pytest.mark.parametrize("optimizer_id", TORCH_OPTIM)
def test_torch_convention_on_the_cubic_equals_torch_optim_for_30_steps(optimizer_id):
    """torch.optim on the tutorial's model, 4 parameters, 2,000 points, float64 (scripts/make_torch_reference.py)."""
    cases = [case for case in CUBIC_REFERENCE["cases"] if case["optimizer"] == optimizer_id]
    assert len(cases) == 2
    with jax.enable_x64(True):
        for case in cases:
            opt = optimizers.make(optimizer_id, "torch", **case["hparams"])
            traj = optimizers.run(opt, CUBIC, case["start"], CUBIC_REFERENCE["steps"])
            expected = np.asarray(case["params"])
            assert traj.diverged_at is None and not np.allclose(expected[-1], expected[0])
            np.testing.assert_allclose(traj.params, expected, **TORCH_FLOAT64_TOLERANCE, err_msg=str(case["hparams"]))
