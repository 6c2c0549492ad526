"""What the lessons page's robustness shares cost: every lesson's check on all its nearby scenes.

    python -m benchmarks.lessons          # from the repository root

Per lesson, in lesson order, in one process: its own check the first time (``cold``: JAX compiles
its programs), the same check again (``warm``, the median of 3: the baseline), and the check on all
its nearby scenes (``lessons.robustness``) the first time and again. The ratio of the warm
robustness to the warm check is about the number of nearby scenes when a nearby scene costs what the
lesson's own scene does. Basin maps are cleared from ``maps``' cache before each timing, so nothing
is served from a previous one. The page computes a lesson's share once per process, the first time
the lesson is opened: the ``share, cold`` column is what that first visitor waits (after the lesson's
own check has run).
"""

from __future__ import annotations

import statistics
import time

import lessons
import maps
from benchmarks.loadtest import machine


def timed(action) -> float:
    maps.cache_clear()
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main() -> None:
    print(f"machine: {machine()}")
    print(f"{'lesson':10} {'scenes':>6} {'check, cold':>12} {'check, warm':>12} {'share, cold':>12} "
          f"{'share, warm':>12} {'share/check':>12}  held")
    totals = [0.0, 0.0, 0.0, 0.0]
    for lesson in lessons.LESSONS:
        cold = timed(lesson.result)
        warm = statistics.median(timed(lesson.result) for _ in range(3))
        found = []
        share_cold = timed(lambda: found.append(lessons.robustness(lesson)))
        share_warm = timed(lambda: lessons.robustness(lesson))
        robust = found[0]
        for k, value in enumerate((cold, warm, share_cold, share_warm)):
            totals[k] += value
        print(f"{lesson.id:10} {robust.total:6d} {cold:11.2f}s {warm:11.3f}s {share_cold:11.2f}s {share_warm:11.2f}s "
              f"{share_warm / warm:11.1f}×  {robust.held}/{robust.total}")
    print(f"{'all':10} {'':6} {totals[0]:11.2f}s {totals[1]:11.3f}s {totals[2]:11.2f}s {totals[3]:11.2f}s "
          f"{totals[3] / totals[1]:11.1f}×")


if __name__ == "__main__":
    main()
