"""What the engine accepts: the valid range of every hyperparameter, start, seed, step count and batch size.

Every public entry point (``make``, ``run``, ``run_many``) checks its inputs here first and raises a
ValueError that names the value and its range, instead of running a rule outside its domain (a negative
learning rate climbs, β ≥ 1 never forgets, ε < 0 can divide by zero) or failing deep inside NumPy.

The hyperparameters' ranges are declared with them (``optimizers.hyperparameters``: the page's sliders lie
inside them). The checks are a few comparisons (vectorized for ``run_many``'s arrays): they sit on the page's
hot path.
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from optimizers.hyperparameters import HYPERPARAMETERS, LARGEST, Range

MAX_STEPS = 1_000_000  # a recorded run keeps every step; the step counter is a 32-bit integer
MAX_SEED = 2**32 - 1  # seeds are unsigned 32-bit integers


# Every hyperparameter a rule takes, and the values for which its update is defined.
HPARAM_RANGES: dict[str, Range] = {name: h.valid for name, h in HYPERPARAMETERS.items()}


def _is_plain(value: Any) -> bool:
    """A Python int or float: the page's values, checked without NumPy (a few µs less per call)."""
    return type(value) is float or type(value) is int


def _numbers(what: str, value: Any) -> np.ndarray:
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"{what} must be a number, got {_shown(value)}") from None


def _shown(value: Any) -> str:
    try:
        text = repr(value)
    except ValueError:  # an int of more than 4300 digits
        return "a number of more than 4300 digits"
    return text if len(text) <= 60 else text[:59] + "…"


def _first_bad(ok: np.ndarray, numbers: np.ndarray) -> str:
    """The first value that failed, and where it is when there are many."""
    index = int(np.flatnonzero(~ok.ravel())[0])
    where = f" (at index {np.unravel_index(index, ok.shape)[0]})" if ok.ndim else ""
    value = float(numbers.ravel()[index])
    return f"{int(value) if value.is_integer() else value!r}{where}"


def check_hparams(optimizer_id: str, values: Mapping[str, Any], *, batched: bool = False) -> None:
    """Each value (a number, or with ``batched`` a number or a 1-D array of them) within its name's range."""
    for name, value in values.items():
        valid = HPARAM_RANGES[name]
        if _is_plain(value) and valid.holds(value):
            continue
        numbers = _numbers(f"{optimizer_id}: {name}", value)
        if numbers.ndim > (1 if batched else 0):
            raise ValueError(f"{optimizer_id}: {name} must be a number{' or a 1-D array' if batched else ''}, "
                             f"got an array of shape {numbers.shape}")
        ok = valid.holds(numbers)
        if not np.all(ok):
            raise ValueError(f"{optimizer_id}: {name} must be in {valid}, got {_first_bad(ok, numbers)}")


def check_points(what: str, value: Any, *, many: bool = False, dimension: int | None = 2) -> np.ndarray:
    """A point (n,) of finite numbers, or with ``many`` an (M, n) array or one point; as float64.

    n is ``dimension`` (a surface's 2, a model's number of parameters), or any n ≥ 1 when None.
    """
    numbers = _numbers(what, value)
    n = numbers.shape[-1] if dimension is None and numbers.ndim else dimension
    shaped = numbers.ndim >= 1 and n is not None and n >= 1 and (
        numbers.shape == (n,) or (many and numbers.ndim == 2 and numbers.shape[1] == n))
    if not shaped:
        size = "n" if dimension is None else str(dimension)
        expected = f"({size},) or (M, {size})" if many else f"({size},)"
        raise ValueError(f"{what} must have shape {expected}, got {numbers.shape}")
    if numbers.size == 2 and abs(numbers.item(0)) <= LARGEST and abs(numbers.item(1)) <= LARGEST:
        return numbers  # one point of a surface: no array operations needed
    ok = np.all(np.abs(numbers) <= LARGEST, axis=-1)  # False for NaN
    if not np.all(ok):
        index = int(np.flatnonzero(~ok.ravel())[0])
        where = f" (at index {index})" if numbers.ndim == 2 else ""
        raise ValueError(f"{what} must be finite numbers within ±{LARGEST:.4g}, got "
                         f"{_shown(numbers.reshape(-1, n)[index].tolist())}{where}")
    return numbers


def _whole(what: str, value: Any, low: int, high: int, *, many: bool = False) -> np.ndarray | int:
    if type(value) is int and low <= value <= high:
        return value
    numbers = _numbers(what, value)
    if isinstance(value, bool) or numbers.ndim > (1 if many else 0):
        raise ValueError(f"{what} must be a whole number{' or a 1-D array of them' if many else ''}, got "
                         f"{_shown(value)}")
    ok = np.isfinite(numbers) & (numbers == np.round(numbers)) & (numbers >= low) & (numbers <= high)
    if not np.all(ok):
        raise ValueError(f"{what} must be a whole number in [{low}, {high}], got {_first_bad(ok, numbers)}")
    return numbers


def check_batch_size(batch_size: Any, samples: int) -> int:
    return int(_whole("batch size", batch_size, 1, samples))


def _check_tolerance(value: Any) -> None:
    if _is_plain(value) and 0 <= value <= LARGEST:
        return
    numbers = _numbers("grad_tol", value)
    if numbers.ndim or not 0 <= numbers <= LARGEST:
        raise ValueError(f"grad_tol must be a number in [0, {LARGEST:g}], got {_shown(value)}")


def run_inputs(x0: Any, steps: Any, seed: Any, grad_tol: Any, dimension: int | None = 2) -> tuple[np.ndarray, int]:
    """``run``'s start (as float64) and step count, after checking them, its seed and its tolerance."""
    _whole("seed", seed, 0, MAX_SEED)
    _check_tolerance(grad_tol)
    return check_points("the start point", x0, dimension=dimension), int(_whole("steps", steps, 1, MAX_STEPS))


def run_many_inputs(optimizer_id: str, starts: Any, hparams: Mapping[str, Any], steps: Any, seed: Any,
                    grad_tol: Any, dimension: int | None = 2) -> tuple[np.ndarray, int, np.ndarray]:
    """``run_many``'s starts (M, n), step count and seeds, after checking them, the overrides and the tolerance.

    Each override and ``seed`` may be one value or a 1-D array of them (one per run).
    """
    check_hparams(optimizer_id, hparams, batched=True)
    _check_tolerance(grad_tol)
    starts = np.atleast_2d(check_points("starts", starts, many=True, dimension=dimension))
    return starts, int(_whole("steps", steps, 1, MAX_STEPS)), _whole("seed", seed, 0, MAX_SEED, many=True)
