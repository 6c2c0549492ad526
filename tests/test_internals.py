"""internals.py: the arrows are the engine's numbers, the noise ellipse is the exact mini-batch covariance,
the seed band is the single runs, and 2/λ_max is the GD stability limit."""

import dataclasses
import itertools

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from analysis import compute
from analysis import internals
from analysis import lessons
from figures import internals as internal_figures
from figures import theme_named
from landscapes import LANDSCAPES
from scene import Run, Scene


def test_internals_arrows_are_the_engines_numbers_at_the_shared_step():
    scene = lessons.ADAM_SCENE.replace(step=12)
    index = lessons.run_index(scene, "adam")
    info = internals.internals(scene, index)
    traj = compute.trajectory(scene, scene.runs[index])
    assert info.step == 12
    np.testing.assert_array_equal(info.point, traj.params[12])
    np.testing.assert_array_equal(info.at("gradient"), traj.grads[12])
    np.testing.assert_array_equal(info.at("actual_step"), traj.params[13] - traj.params[12])
    np.testing.assert_array_equal(info.at("moment"), traj.state.mu[12])
    # Adam's actual step is −lr_eff ⊙ m; the scaled-gradient arrow is −lr_eff ⊙ g.
    np.testing.assert_allclose(info.at("actual_step"), -traj.lr_eff[12] * traj.state.mu[12], rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(info.at("scaled_gradient_step"), -traj.lr_eff[12] * traj.grads[12], rtol=1e-6)
    assert info.at("grad_norm") == pytest.approx(float(np.linalg.norm(traj.grads[12])), rel=1e-6)
    assert set(info.accumulators) == {"m", "v"} and info.moment_symbol == "m"
    t = 13.0  # the 13th update
    assert info.at_factor("1−β1^t") == pytest.approx(1 - 0.9**t, rel=1e-5)
    assert info.at_factor("√(1−β2^t)") == pytest.approx(np.sqrt(1 - 0.9**t), rel=1e-5)


def test_bias_correction_off_shows_unit_factors():
    scene = lessons.ADAM_SCENE
    info = internals.internals(scene, lessons.run_index(scene, "adam", 1))
    assert all(np.all(values == 1.0) for values in info.bias_correction.values())
    assert len(info.bias_correction) == 2


def test_momentum_gradient_arrow_is_at_the_lookahead_point_for_nag():
    scene = lessons.NAG_SCENE.replace(step=5)
    info = internals.internals(scene, lessons.run_index(scene, "nag"))
    run = scene.runs[lessons.run_index(scene, "nag")]
    lr, beta = run.settings["lr"], run.settings["beta"]
    previous_a = info.moment[4]
    lookahead = info.point - lr * beta * previous_a
    expected = jax.grad(scene.surface().fn)(jnp.asarray(lookahead))
    np.testing.assert_allclose(info.at("gradient"), expected, rtol=1e-5)
    assert not np.allclose(info.at("gradient"), jax.grad(scene.surface().fn)(jnp.asarray(info.point)), rtol=1e-3)


def test_adagrad_lr_eff_never_rises_and_gd_has_no_accumulators():
    scene = lessons.ADAGRAD_SCENE
    info = internals.internals(scene, 0)
    assert np.all(np.diff(info.lr_eff, axis=0) <= 0)
    assert info.lr_eff[-1].max() < 0.5 * info.lr_eff[0].min()
    np.testing.assert_allclose(info.lr_eff, 0.5 / (np.sqrt(info.accumulators["G"]) + 1e-8), rtol=1e-5)
    gd = internals.internals(lessons.GD_SCENE, 0)
    assert gd.moment is None and gd.accumulators == {} and gd.bias_correction == {}
    np.testing.assert_allclose(gd.actual_step, gd.scaled_gradient_step, rtol=1e-5, atol=1e-7)


def test_shown_step_is_clamped_to_the_last_update_and_bad_run_index_is_refused():
    info = internals.internals(lessons.GD_SCENE, 0)  # step None = the end
    assert info.step == lessons.GD_SCENE.steps - 1
    with pytest.raises(ValueError, match="no run 9"):
        internals.internals(lessons.GD_SCENE, 8)


def test_diverged_run_stops_its_internals_at_the_divergence():
    scene = lessons.CURVATURE_SCENE
    info = internals.internals(scene, 1)
    assert info.diverged_at is not None
    assert info.steps == info.diverged_at - 1 and len(info.params) == info.diverged_at
    assert np.all(np.isfinite(info.actual_step))


@pytest.mark.parametrize("batch_size", [2, 62])
def test_noise_ellipse_equals_the_covariance_over_every_batch(batch_size):
    scene = lessons.BATCH_SCENE
    run = Run.of("minibatch", lr=0.3, batch_size=batch_size)
    point = (0.5, -0.5)
    ellipse = internals.noise_ellipse(scene, run, point)
    finite_sum, _ = compute.gradient_source(scene, run)
    per_sample = internals.per_sample_gradients(finite_sum, point)
    batches = np.array([per_sample[list(c)].mean(axis=0)
                        for c in itertools.combinations(range(finite_sum.n), batch_size)])
    assert len(batches) == 2016  # C(64, 2) = C(64, 62): every possible mini-batch, equally likely
    np.testing.assert_allclose(ellipse.mean_gradient, batches.mean(axis=0), atol=1e-9)
    np.testing.assert_allclose(ellipse.covariance, np.cov(batches.T, bias=True), rtol=1e-9, atol=1e-12)
    full = jax.grad(scene.surface().fn)(jnp.asarray(point, dtype=jnp.float32))
    np.testing.assert_allclose(ellipse.mean_gradient, full, rtol=1e-4, atol=1e-5)


def test_noise_ellipse_shrinks_with_the_batch_and_vanishes_for_full_batch():
    scene = lessons.BATCH_SCENE
    sizes = [1, 8, 32, 64]
    traces = [np.trace(internals.noise_ellipse(scene, Run.of("minibatch", batch_size=b), scene.start).covariance)
              for b in sizes]
    assert traces[0] > traces[1] > traces[2] > traces[3]
    assert traces[3] == pytest.approx(0.0, abs=1e-12)
    assert traces[0] / traces[1] == pytest.approx(8 * 63 / 56, rel=1e-9)  # (N−B)/((N−1)B) at B=1 vs 8
    exact = internals.noise_ellipse(scene, Run.of("gd"), scene.start)
    assert exact.batch_size == 64 and np.all(exact.covariance == 0)
    stds, vectors = internals.noise_ellipse(scene, Run.of("sgd"), scene.start).axes
    np.testing.assert_allclose(vectors.T @ vectors, np.eye(2), atol=1e-12)
    assert np.all(stds > 0)


def test_noise_ellipse_matches_sampled_minibatches_for_b8():
    """B = 8 has too many batches to list; 20 000 random ones agree within sampling error."""
    scene = lessons.BATCH_SCENE
    run = Run.of("minibatch", batch_size=8)
    ellipse = internals.noise_ellipse(scene, run, scene.start)
    finite_sum, _ = compute.gradient_source(scene, run)
    per_sample = internals.per_sample_gradients(finite_sum, scene.start)
    rng = np.random.default_rng(1)
    picks = np.argsort(rng.random((20000, finite_sum.n)), axis=1)[:, :8]
    sampled = per_sample[picks].mean(axis=1)
    np.testing.assert_allclose(np.cov(sampled.T), ellipse.covariance, rtol=0.05, atol=0.02 * ellipse.covariance.max())


def test_seed_band_equals_the_single_runs():
    scene = lessons.BATCH_SCENE
    run = scene.runs[lessons.run_index(scene, "sgd")]
    band = internals.seed_band(scene, run, 3)
    singles = np.stack([compute.trajectory(scene, run, seed=s).params for s in (0, 1, 2)])
    np.testing.assert_array_equal(band.seeds, [0, 1, 2])
    np.testing.assert_allclose(band.params, singles, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(band.mean, singles.mean(axis=0), rtol=1e-5, atol=1e-5)
    assert band.spread[0] == 0.0  # every seed starts at the scene's start
    assert band.spread[-1] > 0.05  # SGD's seeds end in different places
    assert band.diverged == 0
    exact = internals.seed_band(scene, scene.runs[lessons.run_index(scene, "gd")], [4, 9])
    assert float(exact.spread.max()) == 0.0  # batch GD has no randomness


def test_curvature_of_quadratics_and_of_a_non_quadratic():
    bowl = LANDSCAPES["bowl"].with_params(kappa=25.0, angle=30.0)
    info = internals.curvature(bowl)
    np.testing.assert_allclose(info.eigenvalues, [1.0, 25.0], rtol=1e-9)
    assert info.quadratic and info.lr_max == pytest.approx(2 / 25.0)
    booth = internals.curvature(LANDSCAPES["booth"])  # Hessian [[10, 8], [8, 10]]
    np.testing.assert_allclose(booth.eigenvalues, [2.0, 18.0], rtol=1e-9)  # 10 ∓ 8
    assert booth.lr_at(0.5) == pytest.approx(0.5 * 2 / 18.0)
    rosenbrock = internals.curvature(LANDSCAPES["rosenbrock"])
    assert not rosenbrock.quadratic and rosenbrock.point == (1.0, 1.0)
    saddle = internals.curvature(LANDSCAPES["saddle"])
    assert saddle.lr_max == pytest.approx(2 / 2.0)  # x² − y² has λ = 2 and −2; the limit comes from +2


@pytest.mark.parametrize("fraction, converges", [(0.9, True), (1.1, False)])
def test_gd_just_below_and_above_two_over_lambda_max(fraction, converges):
    bowl = LANDSCAPES["booth"]
    lr = internals.curvature(bowl).lr_at(fraction)
    scene = Scene(landscape="booth", start=(-8.0, -8.0), steps=200, runs=(Run.of("gd", lr=lr),))
    traj = compute.trajectory(scene, scene.runs[0])
    distance = float(np.linalg.norm(traj.params[-1] - np.array([1.0, 3.0])))
    if converges:
        assert traj.diverged_at is None and distance < 1e-3
    else:
        assert traj.diverged_at is not None


# --- figures/internals.py: records first, then figure fields ---------------------------------------------


def test_step_arrows_record_and_traces():
    scene = lessons.ADAM_SCENE.replace(step=3)
    info = internals.internals(scene, lessons.run_index(scene, "adam"))
    bounds = scene.surface().bounds
    arrows = {a.role: a for a in internal_figures.step_arrows(info, bounds, "en")}
    assert set(arrows) == {"gradient", "moment", "scaled", "actual"}
    for arrow in arrows.values():
        np.testing.assert_allclose(arrow.tail, info.point)
        np.testing.assert_allclose(arrow.head, arrow.tail + arrow.scale * arrow.vector, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(arrows["gradient"].vector, -info.at("gradient"))
    np.testing.assert_allclose(arrows["actual"].vector, info.at("actual_step"))
    width = 6.0
    longest = max(np.linalg.norm(arrows[r].head - arrows[r].tail) for r in ("gradient", "moment"))
    assert longest == pytest.approx(internal_figures.DIRECTION_LENGTH * width, rel=1e-4)
    assert arrows["scaled"].scale == arrows["actual"].scale >= 1.0  # one factor: their sizes compare
    traces = internal_figures.arrow_traces(arrows.values(), theme_named("screen"))
    assert [tr.meta["kind"] for tr in traces] == list(arrows)
    assert all(tr.marker.symbol == "arrow" and tr.marker.angleref == "previous" for tr in traces)


def test_internals_charts_mark_the_step_in_every_row():
    scene = lessons.ADAM_SCENE.replace(step=9)
    info = internals.internals(scene, lessons.run_index(scene, "adam"))
    figure = internal_figures.internals_charts(info, theme_named("screen"), "en")
    names = {tr.name for tr in figure.data}
    assert {"‖g‖", "η_eff,x", "η_eff,y", "m_x", "v_y", "1−β1^t", "√(1−β2^t)"} <= names
    assert [shape.x0 for shape in figure.layout.shapes] == [9, 9, 9, 9]
    series = next(tr for tr in figure.data if tr.name == "η_eff,y")
    np.testing.assert_array_equal(series.y, info.lr_eff[:, 1])
    assert figure.layout.yaxis.type == "log"


def test_seed_band_outline_is_discs_of_the_spread_around_the_mean():
    band = internals.seed_band(lessons.BATCH_SCENE, lessons.BATCH_SCENE.runs[1], 4)
    x, y = internal_figures.band_outline(band.mean, band.spread, most=10)
    discs = np.stack([x, y], axis=1).reshape(10, internal_figures.BAND_DISC_POINTS + 1, 2)
    assert np.all(np.isnan(discs[:, -1]))
    chosen = np.linspace(0, len(band.mean) - 1, 10).round().astype(int)
    radii = np.linalg.norm(discs[:, :-1] - band.mean[chosen, None], axis=2)
    np.testing.assert_allclose(radii, np.repeat(band.spread[chosen, None], internal_figures.BAND_DISC_POINTS, 1),
                               rtol=1e-4, atol=1e-5)
    traces = internal_figures.seed_band_traces(band, "#D55E00", "SGD", theme_named("screen"), upto=20)
    assert traces[0].fill == "toself" and len(traces[1].x) == 21


def stochastic_run_at(run: Run, step: int):
    scene = lessons.BATCH_SCENE
    traj = compute.trajectory(scene, run)
    finite_sum, _ = compute.gradient_source(scene, run)
    return scene, traj, finite_sum, internals.next_step(scene, run, traj, step)


def test_next_step_of_plain_sgd_is_the_gradient_ellipse_around_w_minus_eta_grad():
    run = Run.of("sgd", lr=0.3)
    scene, traj, _, next_step = stochastic_run_at(run, 10)
    gradient = internals.noise_ellipse(scene, run, traj.params[10])
    assert next_step.exact and len(next_step.samples) == 64  # B = 1: every sample is one possible batch
    np.testing.assert_allclose(next_step.mean, traj.params[10] - 0.3 * gradient.mean_gradient, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(next_step.covariance, 0.3**2 * gradient.covariance, rtol=1e-4, atol=1e-9)


def test_next_step_of_momentum_is_centred_past_w_minus_eta_grad_by_its_velocity():
    run = Run.of("momentum", lr=0.1, beta=0.9, batch_size=2)
    scene, traj, _, next_step = stochastic_run_at(run, 10)
    a = traj.state.accumulation[9]  # a_t going into step 10
    gradient = internals.noise_ellipse(scene, run, traj.params[10])
    assert next_step.exact and len(next_step.samples) == 2016  # C(64, 2)
    expected = traj.params[10] - 0.1 * 0.9 * a - 0.1 * gradient.mean_gradient
    np.testing.assert_allclose(next_step.mean, expected, rtol=1e-5, atol=1e-5)
    assert np.linalg.norm(next_step.mean - (traj.params[10] - 0.1 * gradient.mean_gradient)) > 0.1  # the old centre
    np.testing.assert_allclose(next_step.covariance, 0.01 * gradient.covariance, rtol=1e-3, atol=1e-9)


def test_next_step_of_nag_takes_the_batch_gradient_at_the_look_ahead_point():
    run = Run.of("nag", lr=0.1, beta=0.9, batch_size=1)
    scene, traj, finite_sum, next_step = stochastic_run_at(run, 6)
    a = np.asarray(traj.state.accumulation[5], np.float64)
    w = np.asarray(traj.params[6], np.float64)
    per_sample = internals.per_sample_gradients(finite_sum, w - 0.1 * 0.9 * a)
    np.testing.assert_allclose(next_step.samples, w - 0.1 * (0.9 * a + per_sample), rtol=1e-5, atol=1e-5)


def test_next_step_of_adam_applies_its_per_coordinate_factor_to_each_batch():
    run = Run.of("adam", lr=0.1, batch_size=1)
    scene, traj, finite_sum, next_step = stochastic_run_at(run, 12)
    w = np.asarray(traj.params[12], np.float64)
    m, v = (np.asarray(leaf[11], np.float64) for leaf in (traj.state.mu, traj.state.nu))
    g = internals.per_sample_gradients(finite_sum, w)
    t = 13.0
    m_next, v_next = 0.9 * m + 0.1 * g, 0.999 * v + 0.001 * g**2
    by_hand = w - 0.1 / (np.sqrt(v_next) + 1e-8) * np.sqrt(1 - 0.999**t) / (1 - 0.9**t) * m_next
    np.testing.assert_allclose(next_step.samples, by_hand, rtol=1e-4, atol=1e-5)
    centred = by_hand - by_hand.mean(axis=0)
    np.testing.assert_allclose(next_step.covariance, centred.T @ centred / 64, rtol=1e-3, atol=1e-10)


def test_next_step_of_a_large_batch_is_sampled_and_agrees_with_the_exact_covariance():
    run = Run.of("minibatch", lr=0.3, batch_size=8)
    scene, traj, _, next_step = stochastic_run_at(run, 20)
    gradient = internals.noise_ellipse(scene, run, traj.params[20])
    assert not next_step.exact and len(next_step.samples) == internals.SAMPLED_BATCHES
    np.testing.assert_allclose(next_step.covariance, 0.09 * gradient.covariance, rtol=0.1,
                               atol=0.03 * 0.09 * gradient.covariance.max())


def test_next_step_outline_is_the_two_sigma_contour_around_the_mean():
    _, _, _, next_step = stochastic_run_at(Run.of("momentum", lr=0.1, beta=0.9, batch_size=1), 10)
    x, y = internal_figures.ellipse_outline(next_step)
    offsets = np.stack([x, y], axis=1) - next_step.mean
    mahalanobis = np.einsum("ij,jk,ik->i", offsets, np.linalg.inv(next_step.covariance), offsets)
    np.testing.assert_allclose(mahalanobis, 4.0, rtol=1e-3)  # (2σ)²
    traces = internal_figures.noise_ellipse_traces(next_step, "#D55E00", "next", theme_named("screen"))
    assert [tr.meta["role"] for tr in traces] == ["noise_cloud", "noise_ellipse", "noise_centre"]
    np.testing.assert_allclose([traces[2].x[0], traces[2].y[0]], next_step.mean, rtol=1e-5)


def test_gradient_norm_heatmap_is_log_norm_on_the_field_grid():
    field = compute.gradient_field(LANDSCAPES["bowl"], 11)
    heatmap = internal_figures.gradient_norm_heatmap(field, theme_named("screen"))
    norm = np.hypot(field.gx, field.gy).reshape(11, 11)
    np.testing.assert_allclose(heatmap.customdata, norm, rtol=1e-6)
    np.testing.assert_allclose(heatmap.z, np.log10(np.maximum(norm, 1e-12)), rtol=1e-5)
    np.testing.assert_allclose(heatmap.x, np.linspace(-3, 3, 11), atol=1e-6)
    np.testing.assert_allclose(heatmap.y, np.linspace(-3, 3, 11), atol=1e-6)


def test_the_optimizers_after_the_lecture_name_their_state_by_their_formulas_symbols():
    scene = Scene(landscape="bowl", start=(-2.5, 2.0), steps=30, step=10,
                  runs=(Run.of("adabelief", lr=0.1), Run.of("lion", lr=0.1), Run.of("adamw", "torch", lr=0.1)))
    belief, lion, adamw = (internals.internals(scene, i) for i in range(3))
    assert set(belief.accumulators) == {"m", "s"} and belief.moment_symbol == "m"  # AdaBelief's sₜ, not vₜ
    assert set(lion.accumulators) == {"m"} and lion.bias_correction == {}
    assert set(adamw.accumulators) == {"m", "v"}
    for info in (belief, adamw):  # no switch: the correction is always on; t = 11 after update 10
        assert info.at_factor("1−β1^t") == pytest.approx(1 - 0.9**11, rel=1e-5)
        assert info.at_factor("√(1−β2^t)") == pytest.approx((1 - 0.999**11) ** 0.5, rel=1e-5)
