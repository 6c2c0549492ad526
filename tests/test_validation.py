"""The engine's entry points refuse every input outside its valid range with a ValueError naming the value and
the range, and accept every input inside it: property tests over arbitrary floats and integers."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, strategies as st

import optimizers
from landscapes import LANDSCAPES, as_finite_sum
from optimizers import RULES, validation
from scene import HPARAM_RANGES as SLIDER_RANGES

BOWL = LANDSCAPES["bowl"]
F32_MAX = float(np.finfo(np.float32).max)

# The domain of each rule's update, stated again independently of optimizers/validation.py.
DEFINED = {
    "lr": lambda v: 0 < v <= F32_MAX,
    "beta": lambda v: 0 <= v < 1,
    "gamma": lambda v: 0 <= v < 1,
    "beta1": lambda v: 0 <= v < 1,
    "beta2": lambda v: 0 <= v <= 1,
    "eps": lambda v: 0 <= v <= F32_MAX,
    "weight_decay": lambda v: 0 <= v <= F32_MAX,  # AdamW's and Lion's decoupled decay: λ < 0 would push away
    "bias_correction": lambda v: 0 <= v <= 1,
}
RULE_HPARAMS = sorted({(rule.id, convention, name) for rule in RULES for convention in rule.conventions
                       for name in rule.defaults})
anything = st.floats() | st.integers(-10, 10) | st.sampled_from([0.0, -0.0, 1.0, 1e-300, F32_MAX, 2 * F32_MAX])


def test_every_hyperparameter_has_a_range_that_holds_its_default_and_the_sliders():
    names = {name for _, _, name in RULE_HPARAMS}
    assert names == set(validation.HPARAM_RANGES) == set(DEFINED)
    for rule in RULES:
        for name, default in rule.defaults.items():
            assert validation.HPARAM_RANGES[name].holds(np.float64(default)), (rule.id, name)
    for name, (low, high, _) in SLIDER_RANGES.items():  # the page offers only valid values
        assert validation.HPARAM_RANGES[name].holds(np.array([low, high])).all(), name


@given(st.sampled_from(RULE_HPARAMS), anything)
def test_make_accepts_exactly_the_defined_hyperparameters(rule_hparam, value):
    optimizer_id, convention, name = rule_hparam
    if DEFINED[name](value):
        assert float(optimizers.make(optimizer_id, convention, **{name: value}).hparams[name]) == pytest.approx(
            np.float32(value), rel=1e-6, abs=1e-45)
    else:
        with pytest.raises(ValueError) as error:
            optimizers.make(optimizer_id, convention, **{name: value})
        message = str(error.value)
        assert f"{optimizer_id}: {name} must be in {validation.HPARAM_RANGES[name]}" in message
        assert message.endswith(repr(value) if not float(value).is_integer() else str(int(value)))


@given(st.sampled_from(["lr", "beta"]), st.lists(anything, min_size=2, max_size=6))
def test_run_many_overrides_are_checked_value_by_value(name, values):
    opt = optimizers.make("momentum", lr=0.1)
    bad = [i for i, v in enumerate(values) if not DEFINED[name](v)]
    call = lambda: optimizers.run_many(opt, BOWL, (1.0, 1.0), 3, hparams={name: np.array(values)})
    if bad:
        with pytest.raises(ValueError, match=rf"momentum: {name} must be in .*\(at index {bad[0]}\)$"):
            call()
    else:
        assert call().final_params.shape == (len(values), 2)


@given(st.lists(st.tuples(anything, anything), min_size=1, max_size=5))
def test_starts_must_be_finite_points(points):
    opt = optimizers.make("gd", lr=0.1)
    bad = [i for i, point in enumerate(points) if not all(abs(v) <= F32_MAX for v in point)]
    if bad:
        with pytest.raises(ValueError, match=rf"starts must be finite numbers .*\(at index {bad[0]}\)$"):
            optimizers.run_many(opt, BOWL, np.array(points, dtype=np.float64), 3)
        with pytest.raises(ValueError, match="the start point must be finite numbers"):
            optimizers.run(opt, BOWL, points[bad[0]], 3)
    else:
        batch = optimizers.run_many(opt, BOWL, np.array(points, dtype=np.float64), 3)
        assert batch.final_params.shape == (len(points), 2)
        assert not np.isnan(batch.final_params).any()


@given(st.integers(-2**40, 2**40) | st.floats() | st.sampled_from([0, 2**32 - 1, 2**32, -1]))
def test_seeds_are_whole_numbers_of_32_bits(seed):
    opt = optimizers.make("sgd", lr=0.1)
    finite_sum = as_finite_sum(BOWL)
    valid = math.isfinite(seed) and float(seed).is_integer() and 0 <= seed < 2**32
    calls = (lambda: optimizers.run(opt, finite_sum, (1.0, 1.0), 3, batch_size=1, seed=seed),
             lambda: optimizers.run_many(opt, finite_sum, (1.0, 1.0), 3, batch_size=1, seed=np.array([0, seed])))
    for call in calls:
        if valid:
            call()
        else:
            with pytest.raises(ValueError, match=r"seed must be a whole number"):
                call()


@given(st.integers(-1000, 100) | st.sampled_from([validation.MAX_STEPS, validation.MAX_STEPS + 1, 2**40]) | st.floats())
def test_step_counts_are_whole_numbers_from_one_to_a_million(steps):
    valid = math.isfinite(steps) and float(steps).is_integer() and 1 <= steps <= validation.MAX_STEPS
    if valid:
        assert validation.run_inputs((0.0, 0.0), steps, 0, 1e-3)[1] == int(steps)
        return
    opt = optimizers.make("gd", lr=0.1)
    for call in (lambda: optimizers.run(opt, BOWL, (1.0, 1.0), steps),
                 lambda: optimizers.run_many(opt, BOWL, (1.0, 1.0), steps)):
        with pytest.raises(ValueError, match=r"steps must be a whole number in \[1, 1000000\]"):
            call()


@pytest.mark.parametrize("batch_size", [0, 65, 2.5, -1, float("nan")])
def test_batch_sizes_are_whole_numbers_up_to_the_samples(batch_size):
    with pytest.raises(ValueError, match=r"batch size must be a whole number in \[1, 64\]"):
        optimizers.run(optimizers.make("sgd", lr=0.1), as_finite_sum(BOWL), (1.0, 1.0), 3, batch_size=batch_size)


@pytest.mark.parametrize("grad_tol", [-1.0, float("nan"), float("inf")])
def test_the_convergence_tolerance_is_a_number_of_at_least_zero(grad_tol):
    for call in (optimizers.run, optimizers.run_many):
        with pytest.raises(ValueError, match="grad_tol must be a number in"):
            call(optimizers.make("gd", lr=0.1), BOWL, (1.0, 1.0), 3, grad_tol=grad_tol)
