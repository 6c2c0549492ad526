"""Server rerun time of the page, through Streamlit's AppTest (the real script, no browser).

    python -m benchmarks.rerun             # from the repository root
    python -m benchmarks.rerun --runs 10   # quicker
    LOSS_LAB_MEASURE_LESSONS=off python -m benchmarks.rerun --preset mlp_not_a_bowl --runs 8   # a preset's scene

After warm-up (first load, JAX compilation), it times reruns of the default scene:
- ``unchanged``: a rerun with nothing changed (what a widget that changes nothing costs);
- ``step``: the step reported by the views component (the browser steps and plays by itself and reports the
  step once the user stops: the rerun each report costs; nothing recomputed, no figure sent again);
- ``new lr``: a learning rate moved to a value not seen before (one trajectory recomputed, the grid cached).
The baseline is a one-line Streamlit script run the same way in the same process, so the ratios show
what the page costs beyond AppTest's own overhead. ``--preset`` opens that preset's scene instead (its first
run's η is moved). runtime is imported first, as app.py does in the server. ``LOSS_LAB_MEASURE_LESSONS=off``
keeps the lessons' background measurements (the server's first minutes) out of the times.
"""

from __future__ import annotations

from lablab import runtime  # noqa: F401  first, as in app.py: its process settings before NumPy and JAX load

import argparse
from pathlib import Path

from streamlit.testing.v1 import AppTest

from benchmarks import machine
from benchmarks.timing import summarised, timed
from scene.presets import PRESETS
from scene import to_query
from tests.page_views import send
from ui.controls import log_options
from ui.state import run_key

APP = str(Path(__file__).resolve().parents[1] / "app.py")
BASELINE = "import streamlit as st\nst.write('baseline')\n"


def median_seconds(make_change, runs: int) -> float:
    return summarised(timed(make_change(i)) for i in range(runs)).wall.median


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--preset", choices=sorted(PRESETS), help="this preset's scene instead of the default one")
    args = parser.parse_args()

    print(machine.line(machine.describe()))
    baseline = AppTest.from_string(BASELINE, default_timeout=60)
    baseline.run()
    base = median_seconds(lambda i: baseline.run, args.runs)

    page = AppTest.from_file(APP, default_timeout=300)
    for key, value in (to_query(PRESETS[args.preset].scene) if args.preset else {}).items():
        page.query_params[key] = value
    first = timed(page.run)[0]
    page.session_state[run_key(0, "settings")] = True  # the first run's sliders are shown in its open settings
    page.run()  # warm: the first rerun after load may still compile

    unchanged = median_seconds(lambda i: page.run, args.runs)

    def move_step(i: int):
        return lambda: send(page, "step", 10 + i % 80)

    step = median_seconds(move_step, args.runs)

    lr_values = log_options(1e-4, 1.0)  # the learning-rate slider's own values, each one new to the cache

    def move_lr(i: int):
        return lambda: page.select_slider(key="run0.hp.lr").set_value(lr_values[i % len(lr_values)]).run()

    new_lr = median_seconds(move_lr, min(args.runs, len(lr_values)))

    assert not page.exception, [e.message for e in page.exception]
    print(f"first load (imports, JAX compilation): {first:.2f} s")
    print(f"baseline one-line script rerun:        {1000 * base:.1f} ms (median of {args.runs})")
    for name, seconds in (("unchanged", unchanged), ("step", step), ("new lr", new_lr)):
        print(f"{args.preset or 'default scene'} rerun, {name:<10}       {1000 * seconds:.1f} ms  = "
              f"{seconds / base:.1f} × baseline")
    print(f"after: {machine.load_text()}")


if __name__ == "__main__":
    main()
