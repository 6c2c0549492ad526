"""run_many without a history: the same runs as recorded ones, the last good point of a run that diverged
mid-way, and the arrival at targets tracked while stepping (what the basin maps need)."""

import jax.numpy as jnp
import numpy as np
import pytest

import optimizers
from landscapes import LANDSCAPES
from optimizers.engine import BLOCK, STRETCH

BOWL = LANDSCAPES["bowl"]  # ½ (x² + 10 y²): GD diverges for lr > 0.2, the sooner the larger
WELLS = LANDSCAPES["wells"]


def grid(landscape, size):
    (x0, x1), (y0, y1) = landscape.bounds
    xs, ys = np.meshgrid(np.linspace(x0, x1, size), np.linspace(y0, y1, size))
    return np.stack([xs.ravel(), ys.ravel()], axis=1)


@pytest.mark.parametrize("optimizer_id, convention, lr", [
    ("gd", "lecture", 0.1), ("momentum", "lecture", 0.05), ("nag", "lecture", 0.05), ("adam", "lecture", 0.1),
    ("adadelta", "torch", 1.0), ("nadam", "torch", 0.05),
])
def test_without_history_the_runs_end_where_the_recorded_runs_end(optimizer_id, convention, lr):
    opt = optimizers.make(optimizer_id, convention, lr=lr)
    starts = grid(WELLS, 6)
    for steps in (1, STRETCH - 1, STRETCH, STRETCH + 1, 3 * STRETCH + 5):
        final = optimizers.run_many(opt, WELLS, starts, steps)
        recorded = optimizers.run_many(opt, WELLS, starts, steps, history=True)
        np.testing.assert_allclose(final.final_params, recorded.params[:, -1], rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(final.final_loss, recorded.loss[:, -1], rtol=1e-5, atol=1e-6)
        np.testing.assert_array_equal(final.diverged_at, recorded.diverged_at)
        np.testing.assert_array_equal(final.converged_at, recorded.converged_at)
        assert final.params is None and final.arrived_at is None and final.target_index is None


def test_one_program_serves_every_step_count_without_history():
    opt = optimizers.make("adam", lr=0.05)
    optimizers.run_many(opt, BOWL, BOWL.starts, 10)
    before = optimizers.compiled_programs()
    ends = [optimizers.run_many(opt, BOWL, BOWL.starts, steps).final_params for steps in (3, 40, 129, 300)]
    assert optimizers.compiled_programs() == before
    single = optimizers.run(opt, BOWL, BOWL.starts[0], 300)
    np.testing.assert_allclose(ends[-1][0], single.params[-1], rtol=1e-5, atol=1e-6)
    assert not np.allclose(ends[0], ends[1])  # the step count is really used


def test_a_run_diverging_inside_a_stretch_ends_at_its_last_good_point():
    learning_rates = np.linspace(0.205, 0.3, 24)  # diverge after ~100 down to ~7 steps, escaping the radius
    opt = optimizers.make("gd", lr=0.1)
    start = (2.0, 2.0)
    final = optimizers.run_many(opt, BOWL, start, 120, hparams={"lr": learning_rates})
    diverged_at = final.diverged_at
    assert np.all(diverged_at > 0)
    assert len(set(diverged_at // STRETCH)) >= 3 and np.any(diverged_at % STRETCH != 1)
    for i, lr in enumerate(learning_rates):
        single = optimizers.run(optimizers.make("gd", lr=lr), BOWL, start, 120)
        assert single.diverged_at == diverged_at[i]
        np.testing.assert_allclose(final.final_params[i], single.params[-1], rtol=1e-6)
        np.testing.assert_allclose(final.final_loss[i], single.loss[-1], rtol=1e-6)
    assert np.all(np.abs(final.final_params) <= BOWL.escape_radius)


def test_a_non_finite_loss_is_a_divergence_and_nothing_returned_is_non_finite():
    defined_right_of_minus_one = lambda w: 0.5 * w[0] ** 2 + w[1] ** 2 + 0.0 * jnp.log(w[0] + 1.0)
    starts = np.array([[0.5, 0.0], [0.1, 0.0], [0.01, 0.0], [0.5, 0.0]])
    learning_rates = np.array([2.5, 2.5, 2.5, 0.5])  # x ← −1.5 x: the loss is NaN once x < −1, the point finite
    opt = optimizers.make("gd", lr=0.5)
    final = optimizers.run_many(opt, defined_right_of_minus_one, starts, 40, hparams={"lr": learning_rates})
    recorded = optimizers.run_many(opt, defined_right_of_minus_one, starts, 40, hparams={"lr": learning_rates},
                                   history=True)
    np.testing.assert_array_equal(final.diverged_at, [3, 7, 13, -1])
    np.testing.assert_array_equal(recorded.diverged_at, final.diverged_at)
    for batch in (final, recorded):
        assert np.all(np.isfinite(batch.final_params)) and np.all(np.isfinite(batch.final_loss))
    assert np.all(np.isfinite(recorded.params)) and np.all(np.isfinite(recorded.loss))
    np.testing.assert_allclose(final.final_params, recorded.params[:, -1], rtol=1e-6)
    assert final.final_params[0, 0] == pytest.approx(0.5 * 1.5**2)  # x after 2 steps: 0.5 · (−1.5)²
    for i, k in enumerate(final.diverged_at[:3]):  # frozen from the divergence on
        assert np.all(recorded.params[i, k:] == recorded.params[i, k - 1])


# --- targets ----------------------------------------------------------------------------------------------

def arrival_written_out(path, diverged_at, targets, tol):
    """The definition for one recorded path: (target index, first step from which it stays within tol), or -1s."""
    if diverged_at >= 0 or len(targets) == 0:
        return -1, -1
    nearest = int(np.argmin(np.linalg.norm(targets - path[-1], axis=1)))
    distances = np.linalg.norm(path - targets[nearest], axis=1)
    if distances[-1] > tol:
        return -1, -1
    outside = np.nonzero(distances > tol)[0]
    return nearest, int(outside[-1] + 1) if outside.size else 0


@pytest.mark.parametrize("landscape, optimizer_id, lr, steps", [
    (WELLS, "gd", 0.3, 60),  # three minima, some runs still on their way
    (WELLS, "nag", 0.05, 90),
    (BOWL, "momentum", 0.02, 140),  # overshoots: passes through the disc before it stays
    (BOWL, "gd", 0.21, 90),  # those off y = 0 diverge (after 70-90 steps), those on it settle
])
def test_arrivals_tracked_while_stepping_follow_the_definition_on_recorded_paths(landscape, optimizer_id, lr, steps):
    targets = np.array([m.xy for m in landscape.minima])
    tol = 0.1
    opt = optimizers.make(optimizer_id, lr=lr)
    starts = grid(landscape, 7)
    if landscape is BOWL and optimizer_id == "gd":
        starts = starts * np.array([1.0, 0.1])  # near y = 0, where lr = 0.21 blows up slowly
    recorded = optimizers.run_many(opt, landscape, starts, steps, history=True, targets=targets, target_tol=tol)
    final = optimizers.run_many(opt, landscape, starts, steps, targets=targets, target_tol=tol)
    expected = np.array([arrival_written_out(recorded.params[i], recorded.diverged_at[i], targets, tol)
                         for i in range(len(starts))])
    for batch in (recorded, final):
        np.testing.assert_array_equal(batch.target_index, expected[:, 0])
        np.testing.assert_array_equal(batch.arrived_at, expected[:, 1])
    assert len({tuple(e) for e in expected}) >= 3  # the case really mixes outcomes
    assert np.any(recorded.diverged_at >= 0) == (landscape is BOWL and lr > 0.2)
    if optimizer_id == "momentum":
        first_inside = np.argmax(np.linalg.norm(recorded.params - targets[0], axis=2) <= tol, axis=1)
        assert np.any(final.arrived_at > first_inside)


def test_no_targets_and_bad_targets():
    opt = optimizers.make("gd", lr=0.1)
    none = optimizers.run_many(opt, BOWL, BOWL.starts, 20, targets=np.zeros((0, 2)), target_tol=0.1)
    assert np.all(none.target_index == -1) and np.all(none.arrived_at == -1)
    with pytest.raises(ValueError, match="tolerance"):
        optimizers.run_many(opt, BOWL, BOWL.starts, 20, targets=[(0.0, 0.0)])
    with pytest.raises(ValueError, match="finite"):
        optimizers.run_many(opt, BOWL, BOWL.starts, 20, targets=[(0.0, np.nan)], target_tol=0.1)


def test_a_large_batch_runs_in_blocks_of_one_program_with_the_same_results():
    m = BLOCK + 3
    rng = np.random.default_rng(0)
    starts = rng.uniform(-3, 3, (m, 2))
    learning_rates = rng.uniform(0.01, 0.6, m)  # momentum 0.9 on the κ = 10 bowl diverges for lr > 0.38
    opt = optimizers.make("momentum", lr=0.1)
    whole = optimizers.run_many(opt, BOWL, starts, 25, hparams={"lr": learning_rates}, seed=np.arange(m))
    programs = optimizers.compiled_programs()
    bigger = optimizers.run_many(opt, BOWL, np.concatenate([starts, starts]), 25,
                                 hparams={"lr": np.concatenate([learning_rates, learning_rates])})
    assert optimizers.compiled_programs() == programs  # every batch above BLOCK runs the BLOCK-sized program
    np.testing.assert_array_equal(bigger.final_params, np.concatenate([whole.final_params, whole.final_params]))
    assert len(whole.final_params) == m and np.any(whole.diverged_at > 0) and np.any(whole.diverged_at < 0)
    for i in (0, BLOCK - 1, BLOCK, m - 1):  # on both sides of the block boundary
        single = optimizers.run(optimizers.make("momentum", lr=learning_rates[i]), BOWL, starts[i], 25)
        np.testing.assert_allclose(whole.final_params[i], single.params[-1], rtol=1e-5, atol=1e-6)
        assert whole.diverged_at[i] == (-1 if single.diverged_at is None else single.diverged_at)


@pytest.mark.parametrize("rule", optimizers.RULES, ids=lambda rule: f"{rule.id}-{'-'.join(rule.conventions)}")
def test_every_rule_is_coordinate_wise_so_the_batch_path_can_step_each_coordinate_apart(rule):
    opt = optimizers.make(rule.id, rule.conventions[0])
    starts = grid(WELLS, 3)
    steps = STRETCH + 7
    final = optimizers.run_many(opt, WELLS, starts, steps)
    recorded = optimizers.run_many(opt, WELLS, starts, steps, history=True)  # the rule on (n,) arrays
    np.testing.assert_allclose(final.final_params, recorded.params[:, -1], rtol=1e-5, atol=1e-6)
    assert not np.allclose(final.final_params, starts)  # the runs really moved
