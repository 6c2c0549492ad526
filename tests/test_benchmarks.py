"""The benchmarks' baselines do the engine's work: the same end points, divergences and labels; their timings and
the machine they name are what was measured."""

import json
import os
import platform
import types

import jax
import numpy as np
import plotly
import pytest
import streamlit

from analysis import maps
import optimizers
from benchmarks import engine as engine_benchmark
from benchmarks import expert, machine, timing
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


def test_the_machine_description_names_the_cpu_the_load_and_the_versions_measured_with():
    info = machine.describe()
    assert json.loads(json.dumps(info)) == info  # stored with the figures as JSON
    assert info["cores"] == os.cpu_count() and info["python"] == platform.python_version()
    assert (info["jax"], info["numpy"], info["streamlit"], info["plotly"]) == (
        jax.__version__, np.__version__, streamlit.__version__, plotly.__version__)
    assert info["jax_backend"] == jax.default_backend()
    assert len(info["load_average"]) == 3 and all(value >= 0 for value in info["load_average"])
    if os.path.exists("/proc/cpuinfo"):
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            assert f"model name\t: {info['cpu']}" in cpuinfo.read()
        assert info["memory_gb"] > 0
    sentence = machine.line(info)
    for fact in (info["cpu"], f"{info['cores']} cores", f"JAX {jax.__version__}", f"Plotly {plotly.__version__}",
                 f"Streamlit {streamlit.__version__}", f"Python {platform.python_version()}", "load average"):
        assert fact in sentence


def test_sides_are_timed_in_turns_and_summarised_from_their_own_samples(monkeypatch):
    """A clock that each side moves by known amounts: the statistics are of exactly those calls, in turns."""
    clock = types.SimpleNamespace(wall=0.0, cpu=0.0)
    monkeypatch.setattr(timing, "time", types.SimpleNamespace(perf_counter=lambda: clock.wall,
                                                              process_time=lambda: clock.cpu))
    calls, walls = [], iter([3.0, 1.0, 2.0, 5.0, 4.0])

    def side(name, wall, cpu):
        def work():
            calls.append(name)
            clock.wall += wall() if callable(wall) else wall
            clock.cpu += cpu
        return work

    timings = timing.in_turns({"baseline": side("baseline", 1.0, 0.5),
                               "other": side("other", lambda: next(walls), 0.25)}, 5)
    assert calls == ["baseline", "other"] * 5
    assert (timings["other"].wall.median, timings["other"].wall.min, timings["other"].wall.max) == (3.0, 1.0, 5.0)
    assert timings["other"].wall.rounds == 5 and timings["baseline"].wall.median == 1.0
    assert (timings["baseline"].cpu.median, timings["other"].cpu.median) == (0.5, 0.25)
    assert timing.repeated(side("once", 0.25, 0.0), 3).wall.data == [0.25] * 3
    assert timing.median_and_range(timings["other"].wall).split() == ["3000.0", "ms", "[1000.0–5000.0]"]
