"""``analysis.convergence``, "arrived at a minimum and stayed": hand-built paths against numbers written from the
definition, its callers (the metrics, the maps) and the engine, which streams the same answer while it steps."""

from __future__ import annotations

import numpy as np
import pytest

import optimizers
from analysis import compute, convergence, maps
from landscapes import LANDSCAPES, as_finite_sum, parse_formula

# Two minima on the x axis, 4 apart; the tolerance 0.625 = 5/8 so that (3/8, 4/8) lies exactly on it (3-4-5).
CENTRES = np.array([[0.0, 0.0], [4.0, 0.0]])
TOL = 0.625
JUST_PAST = 0.625 + 2.0**-20  # the smallest step past the tolerance that float32 still tells apart

# name: (path of 5 points, diverged_at, expected (minimum, since)), the expectation read off the definition
CASES = {
    "arrives and stays": ([(2, 2), (1, 1), (0.5, 0), (0.25, 0), (0, 0)], -1, (0, 2)),
    "arrives at the other minimum": ([(1, 0), (2, 0), (3, 0), (3.5, 0), (4, 0.5)], -1, (1, 3)),
    "starts inside and stays": ([(0.5, 0), (0, 0.5), (0, 0), (0, 0), (0, 0)], -1, (0, 0)),
    "arrives, leaves, returns": ([(3, 0), (0.25, 0), (1, 0), (0.5, 0), (0.125, 0)], -1, (0, 3)),
    "never arrives": ([(2, 2), (2, 1.5), (2.5, 1), (2.5, 1), (2.5, 1)], -1, (-1, -1)),
    "passes through, ends outside": ([(-1, 0), (0, 0), (0.25, 0), (1, 0), (2.5, 0)], -1, (-1, -1)),
    "ends inside but diverged": ([(2, 2), (1, 1), (0.5, 0), (0.25, 0), (0.25, 0)], 4, (-1, -1)),
    "exactly on the boundary": ([(1, 1), (0.375, 0.5), (0, -0.625), (0.625, 0), (-0.375, -0.5)], -1, (0, 1)),
    "just past the boundary": ([(0.375, 0.5), (JUST_PAST, 0), (0, 0.625), (0, 0), (0, 0)], -1, (0, 2)),
    "ends just past the boundary": ([(0, 0), (0, 0), (0, 0), (0, 0), (0, JUST_PAST)], -1, (-1, -1)),
    "equidistant from both: the lower index": ([(2, 3), (2, 2.5), (2, 0), (2, 0), (2, 0)], -1, (0, 2)),
}
WIDE_TOL = 2.0  # for the equidistant case: (2, 0) is 2 from both minima


def tolerance_of(name: str) -> float:
    return WIDE_TOL if name.startswith("equidistant") else TOL


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", CASES)
def test_hand_built_paths_follow_the_definition(name, dtype):
    path, diverged_at, expected = CASES[name]
    found = convergence.arrivals(np.array([path], dtype), np.array([diverged_at]), CENTRES, tolerance_of(name))
    assert (int(found.minimum[0]), int(found.since[0])) == expected
    assert found.minimum.dtype == found.since.dtype == np.int32


def test_many_paths_at_once_give_each_path_its_own_answer():
    names = [name for name in CASES if tolerance_of(name) == TOL]
    paths = np.array([CASES[name][0] for name in names], np.float32)
    found = convergence.arrivals(paths, np.array([CASES[name][1] for name in names]), CENTRES, TOL)
    assert list(zip(found.minimum.tolist(), found.since.tolist())) == [CASES[name][2] for name in names]


def test_without_minima_nothing_arrives():
    path, _, _ = CASES["arrives and stays"]
    found = convergence.arrivals(np.array([path, path]), np.array([-1, -1]), np.zeros((0, 2)), TOL)
    assert found.minimum.tolist() == [-1, -1] and found.since.tolist() == [-1, -1]
    assert convergence.centres(()).shape == (0, 2)


def test_the_default_tolerance_is_one_percent_of_the_larger_side():
    assert convergence.default_tolerance(parse_formula("x**2 + y**2", bounds=((-3.0, 3.0), (-1.0, 1.0)))) == \
        pytest.approx(0.06)
    assert convergence.default_tolerance(parse_formula("x**2 + y**2", bounds=((0.0, 1.0), (-5.0, 5.0)))) == \
        pytest.approx(0.1)
    assert convergence.tolerance_for(LANDSCAPES["bowl"], None) == pytest.approx(0.06)  # bounds ±3
    assert convergence.tolerance_for(LANDSCAPES["bowl"], 0.5) == 0.5


# --- the callers -------------------------------------------------------------------------------------------

def hand_trajectory(points, diverged_at=None) -> optimizers.Trajectory:
    params = np.array(points, np.float32)
    return optimizers.Trajectory(params, np.zeros(len(params), np.float32), None, None, None, diverged_at)


def test_metrics_report_the_step_it_stayed_from_and_nothing_for_a_diverged_run():
    bowl = LANDSCAPES["bowl"]  # its one minimum at (0, 0), the default tolerance 0.06
    (minimum,) = [m.xy for m in bowl.minima]
    assert minimum == (0.0, 0.0)
    path = [(1.0, 0.0), (0.05, 0.0), (0.1, 0.0), (0.03, 0.0), (0.0, 0.01)]
    stayed = compute.metrics(bowl, hand_trajectory(path))
    assert stayed.steps_to_tolerance == 3 and stayed.nearest_minimum == (0.0, 0.0)
    assert stayed.distance == pytest.approx(0.01)
    diverged = compute.metrics(bowl, hand_trajectory(path, diverged_at=5))
    assert diverged.steps_to_tolerance is None and diverged.diverged_at == 5
    assert diverged.distance == pytest.approx(0.01)  # where it ended is still shown
    wider = compute.metrics(bowl, hand_trajectory(path), tolerance=0.2)
    assert wider.steps_to_tolerance == 1


def test_map_outcomes_label_what_arrived_what_did_not_and_what_diverged():
    attractors = tuple(maps.Attractor(tuple(c), "local_min", 0.0) for c in CENTRES)
    names = ["arrives and stays", "arrives at the other minimum", "never arrives", "ends inside but diverged"]
    paths = np.array([CASES[name][0] for name in names], np.float32)
    label, steps = maps.outcomes(paths, np.array([CASES[name][1] for name in names]), attractors, TOL)
    assert label.tolist() == [0, 1, maps.NOT_CONVERGED, maps.DIVERGED]
    assert steps.tolist() == [2, 3, -1, -1]


# --- the engine streams the same answer -------------------------------------------------------------------

# landscape, optimizer, the learning rates drawn from (log-uniform), fixed settings, steps, batch size, some diverge
ENGINE_CASES = {
    "gd-himmelblau": ("himmelblau", "gd", (1e-3, 0.06), {}, 60, None, True),  # four minima
    "momentum-wells": ("wells", "momentum", (0.01, 0.2), {"beta": 0.9}, 90, None, False),
    "nag-wells": ("wells", "nag", (0.01, 0.2), {"beta": 0.8}, 90, None, False),
    "adam-camel": ("six_hump_camel", "adam", (0.003, 0.1), {}, 120, None, False),
    "rmsprop-rastrigin": ("rastrigin", "rmsprop", (0.001, 0.05), {}, 50, None, False),  # 121 minima
    "gd-bowl": ("bowl", "gd", (0.05, 0.4), {}, 40, None, True),
    "sgd-wells": ("wells", "sgd", (0.005, 0.1), {}, 80, 1, False),  # stochastic: a seed per run
}
RUNS = 64


def random_runs(landscape, lr_range, seed: int):
    """RUNS starts across the plot and RUNS learning rates, drawn from ``seed``."""
    rng = np.random.default_rng(seed)
    (x0, x1), (y0, y1) = landscape.bounds
    starts = np.stack([rng.uniform(x0, x1, RUNS), rng.uniform(y0, y1, RUNS)], axis=1)
    return starts, np.exp(rng.uniform(*np.log(lr_range), RUNS))


@pytest.mark.parametrize("case", ENGINE_CASES)
def test_run_many_arrivals_equal_the_definition_on_the_recorded_paths(case):
    landscape_id, optimizer_id, lr_range, fixed, steps, batch_size, diverges = ENGINE_CASES[case]
    landscape = LANDSCAPES[landscape_id]
    fn = landscape if batch_size is None else as_finite_sum(landscape, noise=1.0, seed=0)
    starts, lrs = random_runs(landscape, lr_range, seed=len(case))
    centres, tol = convergence.centres(landscape.minima), convergence.default_tolerance(landscape)
    options = dict(hparams={"lr": lrs}, batch_size=batch_size, seed=np.arange(RUNS), targets=centres, target_tol=tol)
    opt = optimizers.make(optimizer_id, **fixed)
    recorded = optimizers.run_many(opt, fn, starts, steps, history=True, **options)
    streamed = optimizers.run_many(opt, fn, starts, steps, **options)
    np.testing.assert_array_equal(recorded.diverged_at, streamed.diverged_at)
    expected = convergence.arrivals(recorded.params, recorded.diverged_at, centres, tol)
    for batch in (recorded, streamed):
        np.testing.assert_array_equal(batch.target_index, expected.minimum)
        np.testing.assert_array_equal(batch.arrived_at, expected.since)
    arrived = expected.minimum >= 0
    assert arrived.any() and not arrived.all()  # the case mixes outcomes
    assert np.any(expected.since > 0)
    assert np.any(recorded.diverged_at >= 0) == diverges
