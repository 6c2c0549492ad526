"""The views in Chromium, against the floor: one step → every plot shows it, page load → every plot drawn, Play.

    python -m benchmarks.browser                       # 1920×1080, then the projector theme and 1280×800
    python -m benchmarks.browser --cases default --repeats 12
    python -m benchmarks.browser --cases default --preset mlp_not_a_bowl --plays 1   # a model scene

Headless Chromium (/usr/bin/chromium through Playwright, the flags of tests/browser/conftest.py, software WebGL)
against two servers started for the run (benchmarks/loadtest.py's ``Server``), both warmed up by one untimed visit:

- the page (app.py, its default scene: three runs of 100 steps; ``--preset`` opens a preset's scene instead,
  by its link: e.g. ``mlp_not_a_bowl``, four runs of the small network, 300 steps, its loss seen on a PCA slice);
- the floor (benchmarks/floor_app.py): a bare Streamlit page with a contour and a 3D surface of a 200×200 grid
  (st.plotly_chart) and a slider whose change moves a marker on both — a plain server rerun.

Every time is taken inside the page with ``performance.now()``:

- **one step**: the step slider focused (the page's ``.lab-views input[type=range]``, the floor's Streamlit
  slider), ArrowRight pressed; from the key press (a capturing ``keydown`` listener) to the moment every plot
  shows the new step. For the page that is the last of the views' draw records of that step
  (``window.__lossLabStats.views.frames``: each draw's end, after Plotly has drawn it); for the floor, the
  first animation frame in which both plots' marker traces hold the new step (``_fullData[…].meta.step``).
  After each press the benchmark waits until the page is idle (the page reports the step back to Python) and
  0.3 s more; the page's and the floor's presses alternate, so both see the same load on the machine;
- **page load**: a new browser context (an empty cache, as a student's first visit), from the navigation start to
  the end of the first draw of every plot;
- **Play** (the page only): from step 0, the Play button clicked; the component's clock from the start to the
  end (``__lossLabStats.views.played``), the time until every view has drawn the last step, and the draws per
  second of each view while it played;
- **a new η** (the page only): the first run's learning-rate slider in the sidebar moved one notch with the
  keyboard; from the key press to the end of every view's redraw with the new run (a server rerun: the run
  recomputed, its trajectory sent, the views redrawn — what the floor's step costs, for comparison). A view is
  drawn again only when its figure changed or the step moved, and an η change leaves the step where it is: the
  first draw after the press is the new data. On a model scene every view changes (the runs' new paths, and a
  PCA slice's new plane and its 3,721 losses).

Prints a table and writes everything to ``--output`` (out/browser.json); each case names the load average of
the machine while it ran.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks import machine
from benchmarks.loadtest import REPO, Server
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

DEFAULT_OUTPUT = REPO / "out" / "browser.json"
FLOOR_APP = REPO / "benchmarks" / "floor_app.py"
VIEWS = ("contour", "surface", "loss")
TIMEOUT_MS = 300_000
SETTLE_MS = 300

# name → (viewport width, height, query string of the page)
CASES = {
    "default": (1920, 1080, ""),
    "projector": (1920, 1080, "v_projector=1"),
    "1280×800": (1280, 800, ""),
}

PAGE_SLIDER = ".lab-views input[type=range]"
PAGE_PLAY = ".lab-views .lab-play"
LEARNING_RATE = ".st-key-run0-hp-lr input[type=range]"  # the first run's η, in its settings in the sidebar
RUN_SETTINGS = "[data-testid=stSidebar] [data-testid=stExpander] summary"
SIDEBAR_OPENER = "[data-testid=stExpandSidebarButton]"
FLOOR_SLIDER = ".st-key-step input[type=range]"

# In every page: the time of each key press.
KEYS = """
window.__bench = {keys: []};
window.addEventListener('keydown', () => window.__bench.keys.push(performance.now()), true);
"""

# The floor: an animation-frame poll for the first frame in which both plots' markers hold a step.
FLOOR_WATCH = """
window.__bench.markerSteps = () => {
  const steps = {};
  for (const gd of document.querySelectorAll('.js-plotly-plot')) {
    const data = gd._fullData || [];
    const kind = data.some(t => t.type === 'surface') ? 'surface' : data.some(t => t.type === 'contour') ? 'contour' : null;
    const marker = data.find(t => t.name === 'marker');
    if (kind && marker && gd.querySelector('.main-svg')) steps[kind] = marker.meta.step;
  }
  return steps;
};
window.__bench.watch = (step) => {
  window.__bench.shown = null;
  const poll = () => {
    const steps = window.__bench.markerSteps();
    if (steps.contour === step && steps.surface === step) window.__bench.shown = performance.now();
    else requestAnimationFrame(poll);
  };
  requestAnimationFrame(poll);
};
window.__bench.loaded = null;
const firstDraw = () => {
  const steps = window.__bench.markerSteps();
  if ('contour' in steps && 'surface' in steps) window.__bench.loaded = performance.now();
  else requestAnimationFrame(firstDraw);
};
requestAnimationFrame(firstDraw);
"""

# The page: the end of the last view's first draw (ms since the navigation start), or null.
PAGE_DRAWN = """
() => {
  const stats = window.__lossLabStats && window.__lossLabStats.views;
  if (!stats) return null;
  const ends = %s.map(view => { const f = stats.frames[view]; return f && f.steps.length ? f.steps[0][1] : null; });
  return ends.every(end => end !== null) ? Math.max(...ends) : null;
}
""" % json.dumps(VIEWS)

# The page's load, step by step (ms since the navigation start): its scripts fetched, each view's first draw.
PAGE_LOAD_PARTS = """
() => {
  const fetched = name => { const e = performance.getEntriesByType('resource').find(r => r.name.includes(name));
                            return e ? e.responseEnd : null; };
  const frames = window.__lossLabStats.views.frames;
  const parts = {'lab_view.js fetched': fetched('/static/lab_view.js'), 'plotly.js fetched': fetched('/static/vendor/plotly')};
  for (const view of %s) parts[`${view} drawn`] = frames[view].steps[0][1];
  return parts;
}
""" % json.dumps(VIEWS)

# The page: ms from the last key press to the end of the last view's draw of ``step`` after it, or null.
PAGE_STEP_DRAWN = """
(step) => {
  const pressed = window.__bench.keys[window.__bench.keys.length - 1];
  const frames = window.__lossLabStats.views.frames;
  const ends = %s.map(view => {
    const drawn = (frames[view] ? frames[view].steps : []).find(([k, at]) => k === step && at >= pressed);
    return drawn ? drawn[1] : null;
  });
  return ends.every(end => end !== null) ? Math.max(...ends) - pressed : null;
}
""" % json.dumps(VIEWS)

# The page: ms from the last key press to the end of the last view's first draw after it (a new figure), or null.
PAGE_REDRAWN = """
() => {
  const pressed = window.__bench.keys[window.__bench.keys.length - 1];
  const frames = window.__lossLabStats.views.frames;
  const ends = %s.map(view => {
    const drawn = (frames[view] ? frames[view].steps : []).find(([k, at]) => at >= pressed);
    return drawn ? drawn[1] : null;
  });
  return ends.every(end => end !== null) ? Math.max(...ends) - pressed : null;
}
""" % json.dumps(VIEWS)

PAGE_REPORTED = """
(step) => { const r = window.__lossLabStats.views.reported;
  return !!r && r[0] === step && r[1] >= window.__bench.keys[window.__bench.keys.length - 1]; }
"""

IDLE = ("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " && !document.querySelector('[data-stale=\"true\"]')")


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


# --- one browser tab of each side ------------------------------------------------------------------------

def new_tab(browser, url: str, viewport: tuple[int, int], script: str):
    """A new context (empty cache) and its page, the init script installed, the URL opened."""
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
    tab = context.new_page()
    tab.set_default_timeout(TIMEOUT_MS)
    tab.add_init_script(script)
    tab.goto(url)
    return tab


def settle(tab) -> None:
    tab.wait_for_function(IDLE, timeout=TIMEOUT_MS)
    tab.wait_for_timeout(SETTLE_MS)


class PageTab:
    """The app's page: its views component stepped with the keyboard and played."""

    def __init__(self, browser, url: str, viewport: tuple[int, int]):
        self.tab = new_tab(browser, url, viewport, KEYS)
        self.loaded_ms = self.tab.wait_for_function(PAGE_DRAWN, timeout=TIMEOUT_MS, polling="raf").json_value()
        self.load_parts = self.tab.evaluate(PAGE_LOAD_PARTS)
        settle(self.tab)
        self.slider = self.tab.locator(PAGE_SLIDER)
        self.steps = int(self.slider.get_attribute("max"))

    def shown_step(self) -> int:
        return int(self.tab.evaluate("() => +document.querySelector('.lab-views').dataset.step"))

    def press(self, key: str, step: int) -> float:
        """Press ``key`` on the focused step slider: ms until every view has drawn ``step``; then the step's report."""
        self.slider.focus()
        self.tab.keyboard.press(key)
        drawn = self.tab.wait_for_function(PAGE_STEP_DRAWN, arg=step, timeout=TIMEOUT_MS, polling="raf").json_value()
        self.tab.wait_for_function(PAGE_REPORTED, arg=step, timeout=TIMEOUT_MS)
        settle(self.tab)
        return drawn

    def to_start(self) -> None:
        if self.shown_step() != 0:
            self.press("Home", 0)

    def step(self) -> float:
        """One step forward (back to 0 first at the end)."""
        if self.shown_step() >= self.steps:
            self.to_start()
        return self.press("ArrowRight", self.shown_step() + 1)

    def new_learning_rate(self, key: str) -> float:
        """The first run's η moved one notch with ``key``: ms until every view has drawn the new figures (a server
        rerun, the run's new trajectory sent, the views redrawn)."""
        slider = self.tab.locator(LEARNING_RATE)
        if not slider.count() or not slider.first.is_visible():
            if self.tab.locator(SIDEBAR_OPENER).count():  # projector mode folds the sidebar away
                self.tab.locator(SIDEBAR_OPENER).first.click()
            self.tab.locator(RUN_SETTINGS).first.click()
            slider.first.wait_for(state="visible", timeout=TIMEOUT_MS)
            settle(self.tab)
        slider.first.focus()
        self.tab.keyboard.press(key)
        redrawn = self.tab.wait_for_function(PAGE_REDRAWN, timeout=TIMEOUT_MS, polling="raf").json_value()
        settle(self.tab)
        return redrawn

    def play(self) -> dict[str, Any]:
        self.to_start()
        self.tab.locator(PAGE_PLAY).click()
        self.tab.wait_for_function("() => document.querySelector('.lab-views').dataset.playing === '0'",
                                   timeout=TIMEOUT_MS)
        stats = self.tab.wait_for_function(
            """(steps) => { const s = window.__lossLabStats.views;
                 const ends = %s.map(v => s.frames[v].steps.find(([k, at]) => k === steps && at >= s.played[0]));
                 return ends.every(Boolean) && s.played.length >= 3 ? {played: s.played, frames: s.frames} : null; }"""
            % json.dumps(VIEWS), arg=self.steps, timeout=TIMEOUT_MS).json_value()
        settle(self.tab)
        return play_figures(stats, self.steps)

    def close(self) -> None:
        self.tab.context.close()


def play_figures(stats: dict[str, Any], steps: int) -> dict[str, Any]:
    """From the component's records of one play: its clock's duration, the time until every view showed the last
    step, and each view's draws per second while it played."""
    start, end, last_step = stats["played"][:3]
    seconds = (end - start) / 1000
    views = {}
    for view in VIEWS:
        records = stats["frames"][view]["steps"]
        during = [(k, at, ms) for k, at, ms in records if start <= at <= end]
        last = min(at for k, at, _ in records if k == steps and at >= start)
        views[view] = {"draws": len(during), "fps": len(during) / seconds if seconds else None,
                       "steps_shown": len({k for k, _, _ in during}), "last_step_drawn_seconds": (last - start) / 1000,
                       "draw_ms_median": median([ms for _, _, ms in during])}
    return {"steps": steps, "seconds": seconds, "ended_at_step": last_step,
            "all_drawn_seconds": max(v["last_step_drawn_seconds"] for v in views.values()), "views": views}


class FloorTab:
    """The floor: a Streamlit slider stepped with the keyboard, both charts redrawn by a server rerun."""

    def __init__(self, browser, url: str, viewport: tuple[int, int]):
        self.tab = new_tab(browser, url, viewport, KEYS + FLOOR_WATCH)
        self.loaded_ms = self.tab.wait_for_function("() => window.__bench.loaded", timeout=TIMEOUT_MS).json_value()
        settle(self.tab)
        self.slider = self.tab.locator(FLOOR_SLIDER)
        self.steps = int(self.slider.get_attribute("max"))

    def press(self, key: str, step: int) -> float:
        self.slider.focus()
        self.tab.evaluate("(step) => window.__bench.watch(step)", step)
        self.tab.keyboard.press(key)
        self.tab.wait_for_function("() => window.__bench.shown !== null", timeout=TIMEOUT_MS)
        shown = self.tab.evaluate("() => window.__bench.shown - window.__bench.keys[window.__bench.keys.length - 1]")
        settle(self.tab)
        return shown

    def step(self) -> float:
        now = int(self.slider.evaluate("input => +input.value"))
        if now >= self.steps:
            self.press("Home", 0)
            now = 0
        return self.press("ArrowRight", now + 1)

    def close(self) -> None:
        self.tab.context.close()


# --- the cases -----------------------------------------------------------------------------------------------

def loads(browser, tab_type, url: str, viewport: tuple[int, int], count: int):
    """``count`` fresh visits: the load times (s), what each took its time for (the page only), and the last
    visit's tab, kept open for the steps."""
    times, parts, tab = [], [], None
    for _ in range(count):
        if tab is not None:
            tab.close()
        tab = tab_type(browser, url, viewport)
        times.append(tab.loaded_ms / 1000)
        parts.append(getattr(tab, "load_parts", None))
    return times, parts, tab


def page_query(case_query: str, preset: str | None) -> str:
    """The case's query, and the preset's scene as a link opens it (scene.query_string) when one is named."""
    if preset is None:
        return case_query
    from scene.presets import PRESETS
    from scene import query_string

    return "&".join(part for part in (case_query, query_string(PRESETS[preset].scene)) if part)


def with_query(url: str, query: str) -> str:
    return f"{url}/?{query}" if query else url


def measure_case(browser, name: str, page_url: str, floor_url: str, repeats: int, plays: int,
                 visits: int, preset: str | None = None) -> dict[str, Any]:
    width, height, case_query = CASES[name]
    query = page_query(case_query, preset)
    viewport = (width, height)
    load_before = machine.load_average()
    page_loads, load_parts, page = loads(browser, PageTab, with_query(page_url, query), viewport, visits)
    floor_loads, _, floor = loads(browser, FloorTab, floor_url, viewport, visits)
    try:
        page.to_start()
        page_steps, floor_steps = [], []
        for _ in range(repeats):  # alternately, so that both see the same load on the machine
            page_steps.append(page.step() / 1000)
            floor_steps.append(floor.step() / 1000)
        played = [page.play() for _ in range(plays)]
        learning_rate = [page.new_learning_rate(("ArrowLeft", "ArrowRight")[i % 2]) / 1000
                         for i in range(max(repeats // 2, 3))]
    finally:
        page.close()
        floor.close()
    return {
        "case": name, "viewport": viewport, "query": query, "preset": preset,
        "page": {"load_seconds": page_loads, "load_parts_ms": load_parts, "step_seconds": page_steps,
                 "learning_rate_seconds": learning_rate},
        "floor": {"load_seconds": floor_loads, "step_seconds": floor_steps},
        "step_ratio": median(page_steps) / median(floor_steps),
        "load_ratio": median(page_loads) / median(floor_loads),
        "play": played,
        "load_average": [load_before, machine.load_average()],
    }


def warm_up(browser, page_url: str, floor_url: str, preset: str | None = None) -> None:
    """One untimed visit of each: the servers compile and cache what every later visit reuses."""
    for tab_type, url in ((PageTab, with_query(page_url, page_query("", preset))), (FloorTab, floor_url)):
        tab_type(browser, url, (1280, 800)).close()


def chromium_version() -> str:
    return subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True).stdout.strip()


def run(cases: list[str], repeats: int, extra_repeats: int, plays: int, visits: int, app: Path = REPO / "app.py",
        preset: str | None = None) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    results = []
    with Server(app) as page_server, Server(FLOOR_APP) as floor_server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            warm_up(browser, page_server.url, floor_server.url, preset)
            for index, name in enumerate(cases):
                first = index == 0
                result = measure_case(browser, name, page_server.url, floor_server.url,
                                      repeats if first else extra_repeats, plays if first else min(plays, 1),
                                      visits if first else 1, preset)
                print(describe_case(result), flush=True)
                results.append(result)
        finally:
            browser.close()
    return {"cases": results, "chromium": chromium_version(), "machine": machine.describe()}


# --- the report ------------------------------------------------------------------------------------------------

def ms(seconds: float | None) -> str:
    return "–" if seconds is None else f"{1000 * seconds:.0f} ms"


def describe_case(result: dict[str, Any]) -> str:
    width, height = result["viewport"]
    before, after = result["load_average"]
    lines = [f"{result['case']} ({width}×{height}{', preset ' + result['preset'] if result.get('preset') else ''}"
             f"{', ?' + result['query'] if result['query'] and not result.get('preset') else ''}),"
             f" load average {before[0]:.1f} → {after[0]:.1f}"]
    for side in ("page", "floor"):
        steps, visits = result[side]["step_seconds"], result[side]["load_seconds"]
        lines.append(f"  {side:<5}  one step → all plots: median {ms(median(steps))}, max {ms(max(steps))}"
                     f" ({len(steps)} steps)   page load → all plots: median {ms(median(visits))}"
                     f" ({', '.join(ms(v) for v in visits)})")
    lines.append(f"  page / floor: one step {result['step_ratio']:.2f}×, page load {result['load_ratio']:.2f}×")
    for parts in result["page"]["load_parts_ms"]:
        lines.append("  page load, ms since the navigation start: "
                     + ", ".join(f"{name} {'–' if at is None else f'{at:.0f}'}" for name, at in parts.items()))
    learning_rate = result["page"]["learning_rate_seconds"]
    lines.append(f"  page   a new η of run 1 → all plots: median {ms(median(learning_rate))}, range {ms(min(learning_rate))}"
                 f"–{ms(max(learning_rate))} ({len(learning_rate)} changes: {', '.join(ms(v) for v in learning_rate)})")
    for play in result["play"]:
        views = ", ".join(f"{view} {v['fps']:.1f} fps ({v['steps_shown']} steps shown, draw median "
                          f"{v['draw_ms_median']:.0f} ms)" for view, v in play["views"].items())
        lines.append(f"  Play {play['steps']} steps: clock {play['seconds']:.2f} s, every view at the last step after"
                     f" {play['all_drawn_seconds']:.2f} s; {views}")
    return "\n".join(lines)


def table(results: dict[str, Any]) -> str:
    """The Markdown table of every case."""
    rows = ["| case | one step → all plots: page (median, max) | floor (median, max) | page / floor |"
            " page load: page | floor | Play: 100 steps took | draws/s contour, 3D, loss | new η → all plots |"
            " load average |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for case in results["cases"]:
        page, floor = case["page"], case["floor"]
        plays = case["play"]
        took = ", ".join(f"{p['seconds']:.2f} s" for p in plays)
        fps = "; ".join(", ".join(f"{p['views'][v]['fps']:.1f}" for v in VIEWS) for p in plays)
        width, height = case["viewport"]
        label = f"{case['case']} ({width}×{height}{', ' + case['preset'] if case.get('preset') else ''})"
        rows.append(
            f"| {label} | {ms(median(page['step_seconds']))}, {ms(max(page['step_seconds']))} |"
            f" {ms(median(floor['step_seconds']))}, {ms(max(floor['step_seconds']))} | {case['step_ratio']:.2f}× |"
            f" {ms(median(page['load_seconds']))} | {ms(median(floor['load_seconds']))} | {took} | {fps} |"
            f" {ms(median(page['learning_rate_seconds']))} |"
            f" {case['load_average'][0][0]:.1f} → {case['load_average'][1][0]:.1f} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> None:
    from scene.presets import PRESETS

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", default=",".join(CASES), help=f"comma-separated, the first in full: {', '.join(CASES)}")
    parser.add_argument("--repeats", type=int, default=12, help="steps timed on each side in the first case")
    parser.add_argument("--extra-repeats", type=int, default=6, help="steps timed on each side in the other cases")
    parser.add_argument("--plays", type=int, default=3, help="plays timed in the first case (one in the others)")
    parser.add_argument("--visits", type=int, default=3, help="page loads timed on each side in the first case")
    parser.add_argument("--preset", choices=sorted(PRESETS), help="open this preset's scene instead of the default")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)
    cases = [name.strip() for name in args.cases.split(",") if name.strip()]
    unknown = sorted(set(cases) - set(CASES))
    if unknown:
        parser.error(f"unknown cases {unknown}; choose from {', '.join(CASES)}")
    started = time.perf_counter()
    results = run(cases, args.repeats, args.extra_repeats, args.plays, args.visits, preset=args.preset)
    results["command"] = "python -m benchmarks.browser " + " ".join(argv if argv is not None else sys.argv[1:])
    results["seconds"] = time.perf_counter() - started
    print(table(results))
    print(f"{results['chromium']}; measured on a shared machine ({results['machine']['cores']} cores)")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    print(f"written to {args.output}")


if __name__ == "__main__":
    main()
