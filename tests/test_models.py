"""The real models as landscapes: the cubic fit of PyTorch's tutorial and the small MLP on two moons."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import optimizers
from landscapes import as_finite_sum
from landscapes.models import CUBIC, CUBIC_SAMPLES, MLP, MLP_PARAMETERS, MOONS_SAMPLES, accuracy_along, cubic_optimum

TRAINING_STEPS = 500


def test_the_cubic_optimum_is_where_full_batch_gd_converges():
    optimum = cubic_optimum()
    with jax.enable_x64(True):
        gradient = jax.grad(CUBIC.family)(jnp.asarray(optimum), CUBIC.theta_arrays())
        initial_gradient = jax.grad(CUBIC.family)(jnp.asarray(CUBIC.initial_parameters), CUBIC.theta_arrays())
        traj = optimizers.run(optimizers.make("gd", lr=0.006), CUBIC, CUBIC.initial_parameters, 6000)
    # the normal equations' solution is a stationary point (in the whole suite once 7e-8 of the start's ~10: float32
    # rounding somewhere; alone 1e-14)
    assert np.abs(np.asarray(gradient)).max() < 1e-6 * np.abs(np.asarray(initial_gradient)).max()
    assert np.linalg.norm(CUBIC.initial_parameters - optimum) > 0.5
    np.testing.assert_allclose(traj.params[-1], optimum, atol=1e-6)
    np.testing.assert_allclose(optimum[[1, 3]], [0.8567, -0.0933], atol=1e-4)  # the tutorial's b ≈ 0.857, d ≈ −0.093


def test_the_cubic_trains_with_the_tutorials_batch_sizes():
    """Full batch, one sample per step and a mini-batch: 2,000 rows, drawn without replacement."""
    data = as_finite_sum(CUBIC)
    assert data.data.shape == (CUBIC_SAMPLES, 2)
    start = CUBIC.initial_parameters
    for optimizer_id, batch_size in (("gd", None), ("sgd", 1), ("minibatch", 64)):
        traj = optimizers.run(optimizers.make(optimizer_id, lr=0.002), data, start, 400, batch_size=batch_size)
        assert traj.diverged_at is None and traj.loss[-1] < 0.5 * traj.loss[0], optimizer_id


def test_the_mlp_reaches_95_percent_with_adam_from_the_default_start():
    start = MLP.parameters(MLP.default_start)
    np.testing.assert_array_equal(start, MLP.initial_parameters)
    traj = optimizers.run(optimizers.make("adam"), MLP, start, TRAINING_STEPS)
    accuracy = accuracy_along(MLP, traj.params)
    assert MLP.dimension == MLP_PARAMETERS == 337 and traj.params.shape == (TRAINING_STEPS + 1, 337)
    assert accuracy[0] < 0.8 and accuracy[-1] >= 0.95
    assert traj.loss[-1] < 0.25 * traj.loss[0]


def test_moving_the_learning_rate_or_the_data_seed_compiles_nothing():
    start = MLP.initial_parameters
    optimizers.run(optimizers.make("adam", lr=0.01), MLP, start, 50)
    before = optimizers.compiled_programs()
    faster = optimizers.run(optimizers.make("adam", lr=0.02), MLP, start, 50)
    other_data = MLP.with_params(data_seed=7)
    optimizers.run(optimizers.make("adam", lr=0.01), other_data, start, 50)
    assert optimizers.compiled_programs() == before
    slower = optimizers.run(optimizers.make("adam", lr=0.01), MLP, start, 50)
    assert not np.allclose(faster.params[-1], slower.params[-1])


def test_the_data_set_is_drawn_from_its_seed():
    first, again, other = (m.dataset() for m in (MLP, MLP.with_params(data_seed=0), MLP.with_params(data_seed=7)))
    assert first.shape == (MOONS_SAMPLES, 3) and set(np.unique(first[:, 2])) == {0.0, 1.0}
    np.testing.assert_array_equal(first, again)
    assert not np.allclose(first[:, :2], other[:, :2])


@pytest.mark.parametrize("model", [CUBIC, MLP], ids=lambda m: m.id)
def test_a_start_names_the_initial_parameters_moved_in_a_fixed_plane(model):
    theta0, directions = model.initial_parameters, model.start_directions()
    np.testing.assert_allclose(directions @ directions.T, np.eye(2), atol=1e-12)
    np.testing.assert_array_equal(model.parameters((0.0, 0.0)), theta0)
    moved = model.parameters((0.1, -0.2))
    np.testing.assert_allclose(np.linalg.norm(moved - theta0), np.hypot(0.1, 0.2) * np.linalg.norm(theta0))


@pytest.mark.parametrize("model", [CUBIC, MLP], ids=lambda m: m.id)
def test_the_finite_sums_mean_is_the_models_loss(model):
    """A mini-batch's loss is an unbiased sample of the training loss: the mean over every row equals it."""
    data = as_finite_sum(model)
    rng = np.random.default_rng(2)
    with jax.enable_x64(True):
        theta = model.theta_arrays()
        for _ in range(3):
            w = jnp.asarray(model.initial_parameters + 0.3 * rng.standard_normal(model.dimension))
            samples = jax.vmap(lambda datum: data.sample_loss(w, datum, theta))(jnp.asarray(data.data, jnp.float64))
            np.testing.assert_allclose(float(jnp.mean(samples)), float(model.family(w, theta)), rtol=1e-5)
            assert float(jnp.std(samples)) > 1e-3
