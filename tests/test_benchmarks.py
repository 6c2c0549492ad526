"""The benchmarks' baselines do the engine's work: the same end points, divergences and labels."""

import numpy as np
import pytest

from analysis import maps
import optimizers
from benchmarks import engine as engine_benchmark
from benchmarks import expert
from benchmarks.maps import labelled
from landscapes import LANDSCAPES
from optimizers.engine import DEFAULT_GRAD_TOL
from scene import Run, Scene

ROSENBROCK = LANDSCAPES["rosenbrock"]
RADIUS = float(np.float32(ROSENBROCK.escape_radius))


def rosenbrock_numpy(rule, hparams, starts, steps, grad_tol=DEFAULT_GRAD_TOL, **options):
    return expert.run_batch(np, "rosenbrock", rule, hparams, ROSENBROCK.theta, starts, steps, RADIUS, grad_tol,
                            **options)


@pytest.mark.parametrize("rule", ["gd", "adam"])
def test_the_numpy_baseline_ends_where_the_engine_ends(rule):
    starts = engine_benchmark.start_grid(16)
    hparams = engine_benchmark.HPARAMS[rule]
    grad_tol = 0.5  # reached by some runs within 300 steps
    batch = optimizers.run_many(optimizers.make(rule, **hparams), ROSENBROCK, starts, 300, grad_tol=grad_tol)
    numpy_runs = rosenbrock_numpy(rule, hparams, starts, 300, grad_tol)
    engine_benchmark.assert_same_points(rule, numpy_runs.final_params, batch.final_params)
    np.testing.assert_allclose(numpy_runs.final_loss, batch.final_loss, rtol=1e-3, atol=1e-5)
    np.testing.assert_array_equal(numpy_runs.diverged_at, batch.diverged_at)
    assert np.mean(numpy_runs.converged_at == batch.converged_at) >= 0.99
    assert np.any(batch.converged_at >= 0)  # the convergence test is really exercised
    dynamics = rosenbrock_numpy(rule, hparams, starts, 300, grad_tol, bookkeeping=False)
    np.testing.assert_array_equal(dynamics.final_params, numpy_runs.final_params)
    np.testing.assert_allclose(engine_benchmark.minimal_batch(rule, starts, 300), batch.final_params, atol=1e-4)


def test_the_numpy_baseline_marks_divergences_as_the_engine_does():
    starts = engine_benchmark.start_grid(12)
    hparams = {"lr": 2e-3}  # unstable where the curvature exceeds 1000: the outer starts escape
    batch = optimizers.run_many(optimizers.make("gd", **hparams), ROSENBROCK, starts, 120)
    numpy_runs = rosenbrock_numpy("gd", hparams, starts, 120)
    assert np.any(batch.diverged_at > 0) and np.any(batch.diverged_at < 0)
    np.testing.assert_array_equal(numpy_runs.diverged_at, batch.diverged_at)
    # an escaping run grows its float32 rounding with every step: its last good point agrees to ~1e-3
    np.testing.assert_allclose(numpy_runs.final_params, batch.final_params, rtol=1e-2)
    np.testing.assert_allclose(numpy_runs.final_loss, batch.final_loss, rtol=1e-2, atol=1e-3)
    calm = batch.diverged_at < 0  # near the edge of stability, rounding grows too: most agree to 1e-4
    error = np.abs(numpy_runs.final_params[calm] - batch.final_params[calm]).max(axis=1)
    assert np.mean(error < 1e-4) >= 0.95
    assert np.all(np.isfinite(numpy_runs.final_params)) and np.all(np.isfinite(numpy_runs.final_loss))


@pytest.mark.parametrize("rule, hparams", [("gd", {"lr": 0.01}), ("adam", {"lr": 0.1, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8})])
def test_the_numpy_map_labels_every_start_as_the_page_does(rule, hparams):
    himmelblau = LANDSCAPES["himmelblau"]
    info = maps.basin_map(Scene(landscape="himmelblau", runs=(Run.of(rule, **hparams),), steps=60), 0, 24)
    _, _, starts = maps.start_grid(himmelblau, 24)
    runs = expert.run_batch(np, "himmelblau", rule, hparams, {}, starts, 60,
                            float(np.float32(himmelblau.escape_radius)), DEFAULT_GRAD_TOL, record=True)
    assert runs.xs.shape == (61, len(starts))
    np.testing.assert_array_equal(np.stack([runs.xs[-1], runs.ys[-1]], axis=1), runs.final_params)
    label, steps = labelled(runs, info.minima, info.tolerance)
    assert np.mean((label == info.label.ravel()) & (steps == info.steps_to_converge.ravel())) >= 0.995
    assert len(set(label.tolist()) - {maps.NOT_CONVERGED, maps.DIVERGED}) >= 2 and np.any(steps > 0)


def test_the_models_benchmarks_numpy_slice_is_the_engines_slice():
    from benchmarks import models as models_benchmark
    from landscapes.models import MLP
    from analysis.slices import coordinate_slice, filter_normalized_slice, slice_losses

    xs, ys = np.linspace(-1.0, 1.0, 5, dtype=np.float32), np.linspace(-0.5, 0.5, 4, dtype=np.float32)
    # the output layer's two weights, and two directions that move every layer
    for plane in (coordinate_slice(MLP, MLP.initial_parameters), filter_normalized_slice(MLP, MLP.initial_parameters, 5)):
        expected = slice_losses(MLP, plane, xs, ys)
        assert expected.std() > 0
        np.testing.assert_allclose(models_benchmark.numpy_slice(plane, xs, ys), expected, rtol=1e-4, atol=1e-6)


def test_the_browser_benchmarks_preset_opens_the_presets_scene_by_its_link():
    from urllib.parse import parse_qs

    from benchmarks import browser as browser_benchmark
    from scene.presets import PRESETS
    from scene import from_query

    assert browser_benchmark.page_query("v_projector=1", None) == "v_projector=1"
    query = parse_qs(browser_benchmark.page_query("v_projector=1", "mlp_not_a_bowl"))
    assert query["v_projector"] == ["1"]
    scene, notices = from_query(query)
    assert not notices
    assert scene.replace(view=PRESETS["mlp_not_a_bowl"].scene.view) == PRESETS["mlp_not_a_bowl"].scene
    assert scene.view.projector
