"""The benchmarks' timings: wall and CPU seconds of each call, summarised by pytest-benchmark's ``Stats``.

Sides that are compared are timed in turns (one call of each, then again), so that a load that comes and goes
on a shared machine falls on every side alike; the ratios against a baseline are taken within one run.
"""

from __future__ import annotations

import time
from typing import Callable, Iterable, Mapping, NamedTuple

from pytest_benchmark.stats import Stats


class Timing(NamedTuple):
    wall: Stats  # seconds of each call
    cpu: Stats  # CPU seconds of this process (all its threads) during each call: steadier on a shared machine


def timed(work: Callable[[], object]) -> tuple[float, float]:
    """Wall and CPU seconds of one call of ``work``."""
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - wall, time.process_time() - cpu


def summarised(samples: Iterable[tuple[float, float]]) -> Timing:
    """(wall, CPU) samples as the statistics of each."""
    timing = Timing(Stats(), Stats())
    for wall, cpu in samples:
        timing.wall.update(wall)
        timing.cpu.update(cpu)
    return timing


def repeated(work: Callable[[], object], repeats: int) -> Timing:
    return summarised(timed(work) for _ in range(repeats))


def in_turns(works: Mapping[str, Callable[[], object]], repeats: int) -> dict[str, Timing]:
    """Each work ``repeats`` times, in turns: one call of each, then again."""
    samples = {name: [] for name in works}
    for _ in range(repeats):
        for name, work in works.items():
            samples[name].append(timed(work))
    return {name: summarised(taken) for name, taken in samples.items()}


def median_and_range(seconds: Stats) -> str:
    """'median ms [min–max]', for a figure that swings on a shared machine."""
    return f"{1e3 * seconds.median:8.1f} ms [{1e3 * seconds.min:.1f}–{1e3 * seconds.max:.1f}]"
