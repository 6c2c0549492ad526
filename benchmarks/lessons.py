"""What the lessons page's robustness shares cost: every lesson's check on all its nearby scenes.

    python -m benchmarks.lessons          # from the repository root
    python -m benchmarks.lessons --wait   # what a lecturer waits on the lessons page, before and after

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

import argparse
import json
import os
import subprocess
import sys
import threading
import time

from analysis import lessons
from analysis import maps
from benchmarks import machine
from benchmarks.timing import summarised, timed


def uncached(action) -> tuple[float, float]:
    """Wall and CPU seconds of one call, with no basin map served from an earlier one."""
    maps.cache_clear()
    return timed(action)


def main() -> None:
    print(machine.line(machine.describe()))
    print(f"{'lesson':10} {'scenes':>6} {'check, cold':>12} {'check, warm':>12} {'share, cold':>12} "
          f"{'share, warm':>12} {'share/check':>12}  held")
    totals = [0.0, 0.0, 0.0, 0.0]
    for lesson in lessons.LESSONS:
        cold = uncached(lesson.result)[0]
        warm = summarised(uncached(lesson.result) for _ in range(3)).wall.median
        found = []
        share_cold = uncached(lambda: found.append(lessons.robustness(lesson)))[0]
        share_warm = uncached(lambda: lessons.robustness(lesson))[0]
        robust = found[0]
        for k, value in enumerate((cold, warm, share_cold, share_warm)):
            totals[k] += value
        print(f"{lesson.id:10} {robust.total:6d} {cold:11.2f}s {warm:11.3f}s {share_cold:11.2f}s {share_warm:11.2f}s "
              f"{share_warm / warm:11.1f}×  {robust.held}/{robust.total}")
    print(f"{'all':10} {'':6} {totals[0]:11.2f}s {totals[1]:11.3f}s {totals[2]:11.2f}s {totals[3]:11.2f}s "
          f"{totals[3] / totals[1]:11.1f}×")


# --- what a lecturer waits: on demand (before) vs measured in the background from the start (after) ---------
#
# A lecturer opens the lessons page as the server starts, reads each lesson for READING seconds and opens the
# next. Before, the page computed a lesson's check and share when it was first opened (st.cache_data): the
# lecturer waited for both, JAX's compilations included. After, the app starts lessons.MEASUREMENTS with the
# server and the page asks for the lesson it opens (it goes first): the lecturer waits only for what is not
# measured yet. Each way runs in a fresh process with JAX's persistent cache off, so both compile everything.

READING = 15.0  # seconds a lecturer spends on a lesson before opening the next


def lecturer(way: str, reading: float) -> dict:
    """One lecturer's waits in this process (``way``: "before" or "after"), in lesson order."""
    waits, start, everything = [], time.perf_counter(), []
    if way == "after":
        lessons.measure_at_start({})

        def watch() -> None:  # when the background has measured every lesson
            while len(set(lessons.MEASUREMENTS.progress())) > 1:
                time.sleep(0.1)
            everything.append(time.perf_counter() - start)

        threading.Thread(target=watch, daemon=True).start()
    for lesson in lessons.LESSONS:
        opened = time.perf_counter()
        if way == "after":
            lessons.MEASUREMENTS.wait(lesson.id, timeout=None)
        else:
            lesson.result()
            lessons.robustness(lesson)
        waits.append(time.perf_counter() - opened)
        time.sleep(reading if way == "after" else 0.0)  # before: reading changes nothing, nothing runs meanwhile
    while way == "after" and not everything:
        time.sleep(0.1)
    return {"waits": waits, "everything": everything[0] if everything else None}


def wait_main(reading: float) -> None:
    print(machine.line(machine.describe()))
    print(f"a lecturer reads each lesson for {reading:g} s; fresh processes, JAX's persistent cache off")
    env = {**os.environ, "LOSS_LAB_JAX_CACHE": "off"}
    found = {}
    for way in ("before", "after"):
        command = [sys.executable, "-m", "benchmarks.lessons", "--lecturer", way, "--reading", str(reading)]
        output = subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout
        found[way] = json.loads(output.strip().splitlines()[-1])
    before, after = found["before"]["waits"], found["after"]["waits"]
    print(f"{'lesson':10} {'before':>9} {'after':>9}")
    for lesson, b, a in zip(lessons.LESSONS, before, after):
        print(f"{lesson.id:10} {b:8.2f}s {a:8.2f}s")
    print(f"{'all':10} {sum(before):8.2f}s {sum(after):8.2f}s   after/before {sum(after) / sum(before):.2f}×; "
          f"longest wait {max(before):.2f}s → {max(after):.2f}s")
    print(f"after: every lesson measured {found['after']['everything']:.1f}s after the start; "
          f"before: {sum(before):.1f}s of computing, each part only when a page first opens it")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--wait", action="store_true", help="what a lecturer waits, before and after")
    parser.add_argument("--reading", type=float, default=READING, help="seconds spent on each lesson")
    parser.add_argument("--lecturer", choices=("before", "after"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.lecturer:
        print(json.dumps(lecturer(args.lecturer, args.reading)))
    elif args.wait:
        wait_main(args.reading)
    else:
        main()
