"""Soak: many page reruns with random settings in one process (Streamlit's AppTest); RSS per 100.

    python -m benchmarks.soak --reruns 1000

One session opens the page, then each rerun moves one control to a random position: a
hyperparameter or landscape slider, the start point, the shared step, the step count within its
compiled length, a view toggle. These only change traced values, so after the warm-up nothing
should compile and the resident memory should stay flat. Prints, per 100 reruns: RSS, rerun time,
JAX compilations and the number of session-state keys; writes the same as JSON (``--output``).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable

import jax

from benchmarks import machine
from benchmarks.loadtest import REPO, percentile, rss_bytes

DEFAULT_OUTPUT = REPO / "out" / "soak.json"
STEP_COUNTS = (65, 128)  # one compiled scan length (optimizers.engine.scan_length)
TOGGLES = ("log_loss", "show_critical")


class CompileCounter:
    """Counts XLA compilations in this process while it is registered (any jitted or eager JAX code)."""

    EVENT = "/jax/core/compile/backend_compile_duration"

    def __init__(self):
        self.count = 0
        jax.monitoring.register_event_duration_secs_listener(self._listen)

    def _listen(self, event: str, duration: float, **kwargs) -> None:
        if event == self.EVENT:
            self.count += 1

    def close(self) -> None:
        jax.monitoring.unregister_event_duration_listener(self._listen)


# --- random moves of the page's controls (each returns what it did, or None if it does not apply) ---

def _move_choice_slider(app, rng: random.Random) -> str | None:
    sliders = [s for s in app.select_slider if s.key]
    if not sliders:
        return None
    slider = rng.choice(sliders)
    option = rng.choice([o for o in slider.options if o != slider.format_func(slider.value)] or slider.options)
    slider.set_value(type(slider.value)(option) if isinstance(slider.value, (int, float)) else option)
    return f"{slider.key}={option}"


def _move_slider(app, rng: random.Random) -> str | None:
    sliders = [s for s in app.slider if s.key]
    if not sliders:
        return None
    slider = rng.choice(sliders)
    positions = max(int(round((slider.max - slider.min) / slider.step)), 1)
    value = slider.min + rng.randint(0, positions) * slider.step
    value = int(round(value)) if isinstance(slider.value, int) else round(float(value), 9)
    slider.set_value(value)
    return f"{slider.key}={value}"


def _type_start(app, rng: random.Random) -> str | None:
    inputs = [n for n in app.number_input if n.key in ("start_x", "start_y")]
    if not inputs:
        return None
    box = rng.choice(inputs)
    value = round(rng.uniform(box.min, box.max), 3)
    box.set_value(value)
    return f"{box.key}={value}"


def _type_steps(app, rng: random.Random) -> str | None:
    inputs = [n for n in app.number_input if n.key == "steps"]
    if not inputs:
        return None
    value = rng.randint(*STEP_COUNTS)
    inputs[0].set_value(value)
    return f"steps={value}"


def _flip_toggle(app, rng: random.Random) -> str | None:
    toggles = [t for t in app.toggle if t.key in TOGGLES]
    if not toggles:
        return None
    toggle = rng.choice(toggles)
    toggle.set_value(not toggle.value)
    return f"{toggle.key}={not toggle.value}"


MOVES: tuple[tuple[Callable, int], ...] = (  # (move, weight)
    (_move_choice_slider, 5), (_move_slider, 2), (_type_start, 2), (_type_steps, 1), (_flip_toggle, 1),
)


def random_move(app, rng: random.Random) -> str:
    """Move one control of the page at random (a traced-only change) and return what moved."""
    moves, weights = zip(*MOVES)
    while True:
        done = rng.choices(moves, weights)[0](app, rng)
        if done is not None:
            return done


def open_page(app_path: Path | str = REPO / "app.py", timeout: float = 300.0):
    """The page in AppTest after its first run, with every run's settings open (their sliders shown)."""
    from streamlit.testing.v1 import AppTest

    from ui.state import RUN_IDS, run_key

    app = AppTest.from_file(str(app_path), default_timeout=timeout)
    app.run()
    for run_id in app.session_state[RUN_IDS]:
        app.session_state[run_key(run_id, "settings")] = True
    app.run()
    raise_page_errors(app, "first run")
    return app


def raise_page_errors(app, what: str) -> None:
    if app.exception:
        raise RuntimeError(f"{what}: the page raised {app.exception[0].value}")


def soak(reruns: int, seed: int = 0, report_every: int = 100, app_path: Path | str = REPO / "app.py",
         echo: Callable[[str], None] = print) -> dict[str, Any]:
    rng = random.Random(seed)
    counter = CompileCounter()
    try:
        started = time.perf_counter()
        app = open_page(app_path)
        first_run = time.perf_counter() - started
        rows, times, moves = [], [], []
        for number in range(1, reruns + 1):
            moves.append(random_move(app, rng))
            started = time.perf_counter()
            app.run()
            times.append(time.perf_counter() - started)
            raise_page_errors(app, f"rerun {number} after {moves[-1]}")
            if number % report_every == 0:
                window = times[-report_every:]
                rows.append({
                    "reruns": number,
                    "rss_mb": rss_bytes(os.getpid()) / 2**20,
                    "mean_ms": 1000 * statistics.fmean(window),
                    "p95_ms": 1000 * percentile(window, 95),
                    "compilations": counter.count,
                    "session_keys": len(app.session_state),
                })
                echo("{reruns:5d} reruns  RSS {rss_mb:7.1f} MiB  rerun mean {mean_ms:6.1f} ms  p95 {p95_ms:6.1f} ms"
                     "  compilations {compilations:4d}  session keys {session_keys:3d}".format(**rows[-1]))
    finally:
        counter.close()
    warm, last = rows[min(1, len(rows) - 1)], rows[-1]
    return {
        "reruns": reruns,
        "seed": seed,
        "first_run_seconds": first_run,
        "rows": rows,
        "rss_growth_after_warmup": (last["rss_mb"] - warm["rss_mb"]) / warm["rss_mb"],
        "compilations_after_warmup": last["compilations"] - warm["compilations"],
        "warmup_reruns": warm["reruns"],
        "move_examples": moves[:20],
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reruns", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--every", type=int, default=100, help="reruns per report row; the first row is the warm-up")
    parser.add_argument("--app", type=Path, default=REPO / "app.py")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)
    result = soak(args.reruns, args.seed, args.every, app_path=args.app)
    print(f"after the warm-up ({result['warmup_reruns']} reruns): RSS {100 * result['rss_growth_after_warmup']:+.1f}%,"
          f" {result['compilations_after_warmup']} compilations")
    result["machine"] = machine.describe()
    result["command"] = "python -m benchmarks.soak " + " ".join(sys.argv[1:] if argv is None else argv)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
