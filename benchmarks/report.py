"""Performance report: measures the page and writes its sections of benchmarks/README.md.

    python -m benchmarks.report                      # everything (about 10 minutes on 2 cores)
    python -m benchmarks.report --only server,browser

Sections (each names the machine it ran on):
- ``server``: rerun latency of the default scene on an idle server, measured by the protocol
  client (a learning-rate slider moved, rerun request sent → ``script_finished``), payload bytes
  and messages per rerun, the largest message.
- ``browser``: ``python -m benchmarks.browser``: the views in headless Chromium (/usr/bin/chromium,
  Playwright) against a bare Streamlit page with a contour and a 200×200 surface (the floor): one step →
  every plot shows it, page load → every plot drawn, Play, a new η; at 1920×1080, in the projector theme and
  at 1280×800.
- ``coldstart``: ``streamlit run`` started → first run finished, with JAX's persistent
  compilation cache off, on but empty, and on and filled by the previous start.
- ``engine``: ``python -m benchmarks.engine`` (the engine against expert NumPy, a minimal JAX program
  and the machine's measured arithmetic bound), its output verbatim.
- ``soak``: ``python -m benchmarks.soak`` (1,000 page reruns with random settings in one process).
- ``loadtest``: ``python -m benchmarks.loadtest`` with 30 sessions for 60 s as configured, and the same
  with Streamlit's full garbage collection after every run (``runner.postScriptGC``) back on.
- ``classmix``: ``python -m benchmarks.loadtest --mix realistic`` with 10 and 30 sessions for 60 s: every
  kind of control a student touches, one change per 2 s ± 50 % each; per kind of move.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

from benchmarks import browser, machine
from benchmarks.loadtest import (
    REPO, Server, Session, moved_slider, percentile, run_load_test, arguments as loadtest_arguments,
    describe as describe_load,
)

README = REPO / "benchmarks" / "README.md"
RESULTS = REPO / "out" / "report.json"
LR_SLIDER = "run0.hp.lr"
RUN_SETTINGS = "run0.settings"  # the expander holding the first run's sliders


def section_head(title: str, intro: str, columns: list[str]) -> list[str]:
    """A section's first lines: its title, what was measured, and the head of its table."""
    return [f"### {title}", "", intro, "", "| " + " | ".join(columns) + " |", "|" + " --- |" * len(columns)]


def commands_and_machine(runs: dict[str, dict], info: dict[str, Any]) -> list[str]:
    """A section's last lines: the command of each run, then the machine."""
    return ["", "Commands:", "", *(f"    {run['command']}" for run in runs.values()), "", machine.line(info)]


def ms(seconds: float | None) -> str:
    return "–" if seconds is None else f"{1000 * seconds:.0f} ms"


# --- server side -----------------------------------------------------------------------------------------

async def _server_reruns(url: str, reruns: int, pause: float) -> dict[str, Any]:
    rng = random.Random(1)
    session = Session(url, timeout=300.0)
    try:
        first = await session.open()
        largest = session.largest_message
        await session.open_expander(RUN_SETTINGS)
        results = []
        for _ in range(reruns):
            await asyncio.sleep(pause)
            slider = session.find_slider(LR_SLIDER)
            proto = session.widgets[slider][1]
            results.append(await session.rerun(moved_slider(slider, proto, session.widget_states.get(slider), rng)))
        return {"first_run_seconds": first.seconds, "first_run_bytes": first.received_bytes,
                "reruns": [r.seconds for r in results], "bytes": [r.received_bytes for r in results],
                "messages": [r.messages for r in results], "referenced": [r.referenced for r in results],
                "largest_message_bytes": max(largest, session.largest_message)}
    finally:
        await session.close()


def _element_sizes(node) -> list[int]:
    proto = getattr(node, "proto", None)
    sizes = [proto.ByteSize()] if proto is not None and hasattr(proto, "ByteSize") else []
    for child in getattr(node, "children", {}).values():
        sizes += _element_sizes(child)
    return sizes


def largest_elements(app: Path) -> dict[str, int]:
    """The largest element (≈ one websocket message) of each tab, and of the largest maps, in bytes.

    Through AppTest: every tab opened in turn, then the Maps tab's basin map at its finest resolution
    coloured by steps (two heatmaps) and its largest sweep.
    """
    from streamlit.testing.v1 import AppTest

    from i18n import t
    from ui.tabs import maps as maps_ui

    page = AppTest.from_file(str(app), default_timeout=900)
    page.run()
    sizes = {}
    tabs = [tab.label for tab in page.tabs]
    for label in tabs:
        page.session_state["tabs"] = label
        page.run()
        sizes[label] = max(_element_sizes(page._tree))
    page.session_state["tabs"] = t("maps.tab", "ko")
    page.run()
    page.select_slider(key="maps.resolution").set_value(max(maps_ui.RESOLUTIONS))
    page.radio(key="maps.coloring").set_value("steps")
    page.button(key="maps.compute").click().run()
    page.select_slider(key="maps.sweep_size").set_value(max(maps_ui.SWEEP_SIZES))
    page.button(key="maps.sweep_compute").click().run()
    if page.exception:
        raise RuntimeError(f"the maps raised {page.exception[0].value}")
    sizes["maps at their largest"] = max(_element_sizes(page._tree))
    return sizes


def measure_server(app: Path, reruns: int = 30, pause: float = 0.3) -> dict[str, Any]:
    with Server(app) as server:
        asyncio.run(_server_reruns(server.url, 3, pause))  # warm-up: compile what the reruns use
        result = asyncio.run(_server_reruns(server.url, reruns, pause))
    times = result["reruns"]
    result.update(p50=percentile(times, 50), p95=percentile(times, 95), max=max(times),
                  mean_bytes=statistics.fmean(result["bytes"]), mean_messages=statistics.fmean(result["messages"]),
                  mean_referenced=statistics.fmean(result["referenced"]), largest_elements=largest_elements(app))
    return result


def server_section(result: dict[str, Any], info: dict[str, Any]) -> str:
    return "\n".join([
        "### Rerun of the default scene, server side",
        "",
        f"One session on an idle server moves the first run's learning-rate slider {len(result['reruns'])} times "
        "(protocol client: rerun request sent → `script_finished` received, localhost).",
        "",
        "| | p50 | p95 | max |",
        "| --- | --- | --- | --- |",
        f"| rerun latency | {ms(result['p50'])} | {ms(result['p95'])} | {ms(result['max'])} |",
        "",
        f"- Payload per rerun: {result['mean_bytes'] / 1024:.1f} KiB in {result['mean_messages']:.0f} messages "
        f"({result['mean_referenced']:.1f} sent as references to messages the browser holds).",
        f"- First run of a new session: {ms(result['first_run_seconds'])}, {result['first_run_bytes'] / 1024:.1f} KiB.",
        f"- Largest message of these reruns: {result['largest_message_bytes'] / 1024:.1f} KiB. Largest element per tab "
        "(AppTest; each is one websocket message): "
        + ", ".join(f"{name} {size / 1024:.0f} KiB" for name, size in result["largest_elements"].items())
        + f". `server.maxMessageSize` is {_configured_message_limit()} MB.",
        "",
        machine.line(info),
    ])


def _configured_message_limit() -> int:
    import tomllib

    with (REPO / ".streamlit" / "config.toml").open("rb") as file:
        return tomllib.load(file)["server"]["maxMessageSize"]


# --- Chromium ---------------------------------------------------------------------------------------------

def measure_browser(app: Path) -> dict[str, Any]:
    return browser.run(list(browser.CASES), repeats=12, extra_repeats=6, plays=3, visits=3, app=app)


def browser_section(result: dict[str, Any], info: dict[str, Any]) -> str:
    return "\n".join([
        "### The views in Chromium, against the floor",
        "",
        "`python -m benchmarks.browser`: headless Chromium (Playwright, software WebGL), warm servers. The floor is "
        "benchmarks/floor_app.py, a bare Streamlit page with a contour and a 3D surface of a 200×200 grid "
        "(`st.plotly_chart`) and a slider that moves a marker on both through a server rerun. Times are taken in the "
        "page: one step is the key press (ArrowRight on the step slider) → every plot shows the new step; page load is "
        "the navigation start (a new browser context) → every plot drawn; Play is the component's clock over the "
        "default scene's 100 steps, and the draws per second of each view while it played; a new η is a key press on "
        "the first run's learning-rate slider → every view redrawn (a server rerun). The load average is the "
        "machine's (1 minute) at the start and end of each case.",
        "",
        browser.table(result),
        "",
        f"- {result['chromium']}.",
        "",
        machine.line(info),
    ])


# --- cold start ------------------------------------------------------------------------------------------

async def _first_run(url: str) -> float:
    session = Session(url, timeout=600.0)
    try:
        return (await session.open()).seconds
    finally:
        await session.close()


COLDSTART_ROUNDS = 5  # each round starts the server three times: cache off, on but empty, on and filled


def _cold_start(app: Path, cache: str) -> dict[str, float]:
    with Server(app, env={"LOSS_LAB_JAX_CACHE": cache}, startup_timeout=300.0) as server:
        healthy = time.perf_counter() - server.started_at
        first_run = asyncio.run(_first_run(server.url))
        total = time.perf_counter() - server.started_at
    entries = 0 if cache == "off" else sum(path.name.endswith("-cache") for path in Path(cache).iterdir())
    return {"healthy_seconds": healthy, "first_run_seconds": first_run, "total_seconds": total,
            "cache_entries": entries}


def measure_coldstart(app: Path, rounds: int = COLDSTART_ROUNDS) -> dict[str, Any]:
    """Each configuration ``rounds`` times, interleaved (a load on the machine hits all three alike)."""
    starts: dict[str, list[dict[str, float]]] = {"cache off": [], "cache on, empty": [], "cache on, filled": []}
    for _ in range(rounds):
        with tempfile.TemporaryDirectory(prefix="jax-cache-") as directory:
            starts["cache off"].append(_cold_start(app, "off"))
            starts["cache on, empty"].append(_cold_start(app, directory))
            starts["cache on, filled"].append(_cold_start(app, directory))
    return starts


def coldstart_section(result: dict[str, Any], info: dict[str, Any]) -> str:
    rounds = len(next(iter(result.values())))
    lines = section_head(
        "Cold start to the first figure",
        "`streamlit run app.py` started → `/_stcore/health` answers → the first session's first run finished "
        "(its figures sent), each in a fresh process. lablab/runtime.py turns JAX's persistent compilation cache on "
        "(under the user's cache directory; `LOSS_LAB_JAX_CACHE=off` turns it off). Medians of "
        f"{rounds} rounds of the three starts, the range in brackets; entries: the cache's files after the start.",
        ["JAX compilation cache", "server up", "first run", "total", "cache entries"],
    )

    def seconds(rows, key: str) -> str:
        values = sorted(row[key] for row in rows)
        return f"{statistics.median(values):.1f} s ({values[0]:.1f}–{values[-1]:.1f})"

    for name, rows in result.items():
        lines.append(f"| {name} | {seconds(rows, 'healthy_seconds')} | {seconds(rows, 'first_run_seconds')} | "
                     f"{seconds(rows, 'total_seconds')} | {statistics.median(r['cache_entries'] for r in rows):.0f} |")
    lines += ["", machine.line(info)]
    return "\n".join(lines)


# --- engine ----------------------------------------------------------------------------------------------

def measure_engine(app: Path) -> dict[str, Any]:
    if not (app.parent / "benchmarks" / "engine.py").exists():
        return {"output": "benchmarks/engine.py does not exist yet."}
    done = subprocess.run([sys.executable, "-m", "benchmarks.engine"], cwd=app.parent, capture_output=True, text=True,
                          timeout=1800)
    return {"output": (done.stdout + (done.stderr if done.returncode else "")).strip(), "returncode": done.returncode}


def engine_section(result: dict[str, Any], info: dict[str, Any]) -> str:
    return "\n".join([
        "### The engine against expert NumPy, a minimal JAX program and the machine's bound",
        "",
        "`python -m benchmarks.engine`, as the report ran it:",
        "",
        "```text",
        result["output"],
        "```",
        "",
        machine.line(info),
    ])


# --- load test -------------------------------------------------------------------------------------------

def measure_loadtest(app: Path, sessions: int, seconds: float) -> dict[str, Any]:
    runs = {}
    for name, options in (("as configured (postScriptGC off)", []),
                          ("postScriptGC on", ["--server-option", "runner.postScriptGC=true"])):
        argv = ["--sessions", str(sessions), "--seconds", str(seconds), *options]
        arguments = loadtest_arguments([*argv, "--app", str(app)])
        result = run_load_test(arguments)
        result["command"] = "python -m benchmarks.loadtest " + " ".join(argv)
        print(describe_load(result), flush=True)
        runs[name] = result
    return runs


def loadtest_section(result: dict[str, Any], info: dict[str, Any]) -> str:
    lines = section_head(
        "Load test: a class on one server",
        "Protocol-level sessions (benchmarks/loadtest.py) against one `streamlit run app.py` on localhost: one "
        "session warms the server up, then all open the page at once and each moves the first run's learning-rate "
        "slider to a random position about every 2 s. \"2nd half\" is the latency of the reruns sent in the second "
        "half of the minute, when the caches are warm.",
        ["server", "sessions", "reruns/s", "p50", "p95", "max", "p95, 2nd half", "errors", "KiB/rerun",
         "RSS start → end", "RSS growth, 2nd half"],
    )
    for name, run in result.items():
        rss, rerun = run["rss"], run["rerun"]
        lines.append(
            f"| {name} | {run['sessions']} | {run['reruns_per_second']:.1f} | {ms(rerun['p50'])} | {ms(rerun['p95'])} | "
            f"{ms(rerun['max'])} | {ms(run['rerun_second_half']['p95'])} | {run['errors']} | "
            f"{(run['received_bytes_per_rerun'] or 0) / 1024:.0f} | "
            f"{rss['start_mb']:.0f} → {rss['end_mb']:.0f} MiB | {100 * rss['growth_second_half']:+.1f}% |")
    return "\n".join(lines + commands_and_machine(result, info))


# --- a class's realistic mix ----------------------------------------------------------------------------

CLASS_SIZES = (10, 30)


def measure_classmix(app: Path, sessions: int, seconds: float) -> dict[str, Any]:
    runs = {}
    for size in sorted({*CLASS_SIZES, sessions}):
        argv = ["--mix", "realistic", "--sessions", str(size), "--seconds", str(seconds)]
        result = run_load_test(loadtest_arguments([*argv, "--app", str(app)]))
        result["command"] = "python -m benchmarks.loadtest " + " ".join(argv)
        print(describe_load(result), flush=True)
        runs[str(size)] = result
    return runs


def classmix_section(result: dict[str, Any], info: dict[str, Any]) -> str:
    first = next(iter(result.values()))
    weights = ", ".join(f"{kind} {weight}" for kind, weight in first["weights"].items())
    lines = section_head(
        "A class's realistic mix",
        "Protocol-level sessions (benchmarks/loadtest.py `--mix realistic`): each opens every run's settings, then "
        f"changes one control every {first['interval']:g} s ± {100 * first['jitter']:.0f} %, drawn from a shuffled "
        f"deck by weight ({weights}): the step and the 3D camera reported by the views component, a click on the "
        "contour, a run's hyperparameter slider (η half of the time), a landscape parameter, a typed start, a typed "
        "number of steps. \"changed\" counts the moves after which the URL or the views' payloads changed. Server "
        "CPU is its share of one core during the load; the load average is the machine's (1 minute) at the end.",
        ["sessions", "offered", "reruns/s", "p50", "p95", "max", "p95, 2nd half", "errors", "KiB/rerun (refs)",
         "server CPU", "load average"],
    )
    for run in result.values():
        rerun = run["rerun"]
        lines.append(
            f"| {run['sessions']} | {run['offered_reruns_per_second']:.1f}/s | {run['reruns_per_second']:.1f} |"
            f" {ms(rerun['p50'])} | {ms(rerun['p95'])} | {ms(rerun['max'])} | {ms(run['rerun_second_half']['p95'])} |"
            f" {run['errors']} | {(run['received_bytes_per_rerun'] or 0) / 1024:.0f}"
            f" ({run['referenced_per_rerun'] or 0:.1f}) | {100 * run['server_cpu_share']:.0f}% |"
            f" {run['load_average'][0]:.1f} |")
    for run in result.values():
        lines += ["", f"Per kind of move, {run['sessions']} sessions:", "",
                  "| kind | weight | reruns | changed | p50 | p95 | max | KiB/rerun | messages | as references |",
                  "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
        for kind, row in run["by_kind"].items():
            lines.append(f"| {kind} | {run['weights'][kind]} | {row['count']} | {row['changed']} | {ms(row['p50'])} |"
                         f" {ms(row['p95'])} | {ms(row['max'])} | {row['received_bytes_per_rerun'] / 1024:.0f} |"
                         f" {row['messages_per_rerun']:.0f} | {row['referenced_per_rerun']:.1f} |")
    return "\n".join(lines + commands_and_machine(result, info))


# --- soak ------------------------------------------------------------------------------------------------

def measure_soak(app: Path, reruns: int = 1000) -> dict[str, Any]:
    output = REPO / "out" / "soak.json"
    subprocess.run([sys.executable, "-m", "benchmarks.soak", "--reruns", str(reruns), "--app", str(app),
                    "--output", str(output)], cwd=REPO, check=True, timeout=7200, capture_output=True)
    return json.loads(output.read_text(encoding="utf-8"))


def soak_section(result: dict[str, Any], info: dict[str, Any]) -> str:
    lines = section_head(
        "Soak: many reruns in one process",
        f"`python -m benchmarks.soak --reruns {result['reruns']}`: one AppTest session, each rerun moves one control "
        "at random (a hyperparameter or landscape slider, the start, the step, the step count within its compiled "
        "length, a view toggle).",
        ["reruns", "RSS", "rerun mean", "rerun p95", "XLA compilations (total)", "session-state keys"],
    )
    for row in result["rows"]:
        lines.append(f"| {row['reruns']} | {row['rss_mb']:.0f} MiB | {row['mean_ms']:.0f} ms | {row['p95_ms']:.0f} ms | "
                     f"{row['compilations']} | {row['session_keys']} |")
    lines += ["", f"After the warm-up ({result['warmup_reruns']} reruns): RSS {100 * result['rss_growth_after_warmup']:+.1f}%, "
              f"{result['compilations_after_warmup']} compilations.", "", machine.line(info)]
    return "\n".join(lines)


# --- the README --------------------------------------------------------------------------------------------

SECTIONS: dict[str, tuple[Callable[..., dict], Callable[[dict, dict], str]]] = {
    "server": (measure_server, server_section),
    "browser": (measure_browser, browser_section),
    "coldstart": (measure_coldstart, coldstart_section),
    "engine": (measure_engine, engine_section),
    "soak": (measure_soak, soak_section),
    "loadtest": (measure_loadtest, loadtest_section),
    "classmix": (measure_classmix, classmix_section),
}
README_HEAD = "# Benchmarks\n\nEach benchmark is one command; each figure names the machine it was measured on.\n"
INTRO = (
    "## The page: rerun, cold start, soak, load (`python -m benchmarks.report`)\n\n"
    "`python -m benchmarks.report` measures and rewrites the sections between `report:` markers below "
    "(`--only server,browser` for some of them); the engine's own notes follow its section."
)


def write_section(name: str, text: str, readme: Path = README) -> None:
    """Replace (or append) the README block between this section's markers; other sections stay as they are."""
    begin, end = f"<!-- report:{name} -->", f"<!-- /report:{name} -->"
    block = f"{begin}\n{text.strip()}\n{end}"
    current = readme.read_text(encoding="utf-8") if readme.exists() else README_HEAD
    pattern = re.compile(re.escape(begin) + ".*?" + re.escape(end), re.S)
    if pattern.search(current):
        updated = pattern.sub(lambda _: block, current)
    else:
        updated = current.rstrip("\n") + "\n\n" + block + "\n"
    readme.write_text(updated, encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default=",".join(SECTIONS), help=f"comma-separated: {', '.join(SECTIONS)}")
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--app", type=Path, default=REPO / "app.py", help="the page (e.g. in a `git archive` snapshot)")
    parser.add_argument("--readme", type=Path, default=README, help="where the sections are written")
    args = parser.parse_args(argv)
    chosen = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = sorted(set(chosen) - set(SECTIONS))
    if unknown:
        raise SystemExit(f"unknown sections {unknown}; choose from {', '.join(SECTIONS)}")
    info = machine.describe()
    if "<!-- report:intro -->" not in (args.readme.read_text(encoding="utf-8") if args.readme.exists() else ""):
        write_section("intro", INTRO, args.readme)
    results = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    for name in chosen:
        measure, section = SECTIONS[name]
        print(f"== {name}", flush=True)
        app = args.app.resolve()
        result = measure(app, args.sessions, args.seconds) if name in ("loadtest", "classmix") else measure(app)
        results[name] = {"result": result, "machine": info}
        text = section(result, info)
        print(text, flush=True)
        write_section(name, text, args.readme)
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
