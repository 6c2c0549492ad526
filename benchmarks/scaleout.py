"""Scale-out: the same class load against one app process directly and against N behind the balancer.

    python -m benchmarks.scaleout                       # 30, 60, 90 sessions; 1 process vs 2 behind HAProxy
    python -m benchmarks.scaleout --sessions 60 --replicas 2 --seconds 60

The load is benchmarks/loadtest.py's: protocol-level sessions that open the page, open the first
run's settings and move its learning-rate slider every ``--interval`` s ± ``--jitter`` (default
2 s ± 50 %). For each session count it runs the load twice: against ``streamlit run app.py``
directly, then through ``python -m lablab.serve --replicas N``; it prints reruns/s, latency p50/p95,
errors and the RSS of every process together, and the ratio of reruns/s. Both sides use the same
JAX compilation cache (a fresh one per command), which the warm-up session fills. The load client
runs on the same machine and takes CPU from the servers (its CPU time is printed).

    python -m benchmarks.scaleout --failover            # kill one of 2 processes under 30 sessions' load

``--failover`` measures what the students of a process that dies see: the sessions reconnect through
the balancer (``--reconnect``), and the command prints how long after the kill each got its page
back, whether it showed the same scene, the errors of every session, and how long the supervisor
and the balancer took to take the process back.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from lablab.serve.__main__ import STATE_FILE, STATS_SOCKET
from lablab.serve.balancer import AFFINITY_COOKIE, server_status

from benchmarks import machine
from benchmarks.loadtest import (LOCALHOST, REPO, Server, Session, Tally, arguments as load_arguments, cpu_seconds,
                                 free_port, load,
                                 percentile, rss_bytes, user)

DEFAULT_OUTPUT = REPO / "out" / "scaleout.json"
READY_LINE = "Serving. Students open:"


class ServedClass:
    """``python -m lablab.serve --replicas N`` on a free 127.0.0.1 port while the ``with`` block lasts.

    Its run directory (balancer configuration, logs, stats socket, state.json) is a temporary folder
    unless ``run_dir`` is given.
    """

    def __init__(self, replicas: int, env: dict[str, str] | None = None, run_dir: Path | None = None,
                 startup_timeout: float = 300.0):
        self.replicas = replicas
        self.env = {**os.environ, **(env or {})}
        self.startup_timeout = startup_timeout
        self._temporary = tempfile.TemporaryDirectory(prefix="lablab-served-") if run_dir is None else None
        self.run_dir = Path(self._temporary.name) if run_dir is None else run_dir
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.url = f"http://{LOCALHOST}:{self.port}"
        self.options = {"replicas": replicas}
        self.output = self.run_dir / "serve.out"
        self.process: subprocess.Popen | None = None

    def command(self) -> list[str]:
        return [sys.executable, "-m", "lablab.serve", "--replicas", str(self.replicas), "--port", str(self.port),
                "--address", LOCALHOST, "--run-dir", str(self.run_dir)]

    def __enter__(self) -> "ServedClass":
        with self.output.open("wb") as output:
            self.process = subprocess.Popen(self.command(), cwd=REPO, env=self.env, stdout=output,
                                            stderr=subprocess.STDOUT)
        try:
            self._wait_ready()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def printed(self) -> str:
        return self.output.read_text(encoding="utf-8", errors="replace")

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        while READY_LINE not in self.printed():
            if self.process.poll() is not None:
                raise RuntimeError(f"lablab.serve exited with {self.process.returncode}:\n{self.printed()[-3000:]}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"lablab.serve was not serving within {self.startup_timeout:.0f} s")
            time.sleep(0.2)

    def state(self) -> dict[str, Any]:
        return json.loads((self.run_dir / STATE_FILE).read_text(encoding="utf-8"))

    def pids(self) -> dict[str, int]:
        """Each child's pid by name (app1, app2, …, haproxy), as the supervisor last wrote them."""
        return {child["name"]: child["pid"] for child in self.state()["children"]}

    def _summed(self, measure):
        """``measure(pid)`` added up over every process it started (a process being restarted counts 0)."""
        total = 0
        for pid in self.pids().values():
            try:
                total += measure(pid)
            except (OSError, RuntimeError):
                pass
        return total

    def cpu_seconds(self) -> float:
        """User + system CPU time of every process it started (the load client's server measure)."""
        return float(self._summed(cpu_seconds))

    def rss(self) -> int:
        """The resident set sizes of every process it started, added up."""
        return self._summed(rss_bytes)

    def balancer_status(self) -> dict[str, str]:
        """Each app process's status as HAProxy sees it (``UP``, ``DOWN``, …)."""
        return server_status(self.run_dir / STATS_SOCKET)

    def stop(self, signum: int = signal.SIGTERM, timeout: float = 60.0) -> int:
        """Send ``signum`` (SIGINT is a Ctrl-C) and wait for the command to end; its exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signum)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)
        return self.process.returncode

    def __exit__(self, *exc) -> None:
        if self.process is not None:
            self.stop()
        if self._temporary is not None:
            self._temporary.cleanup()


# --- failover ------------------------------------------------------------------------------------------

@dataclasses.dataclass
class Failover:
    tally: Tally
    sessions_on_victim: int
    killed_pid: int
    killed_at: float  # time.perf_counter()
    taken_back: dict[str, float | None]  # seconds after the kill: "restarted" by the supervisor, "up" in HAProxy


async def load_with_a_kill(served: ServedClass, args: argparse.Namespace, victim: str, kill_after: float,
                           taken_back_timeout: float = 120.0) -> Failover:
    """loadtest's class (``args``, with ``--reconnect``) through the balancer; ``victim`` is SIGKILLed ``kill_after`` s in.

    While the load goes on, a thread watches the supervisor start the victim again and HAProxy take it back.
    """
    tally, gate, deadline = Tally(), asyncio.Event(), [float("inf")]
    users = [asyncio.create_task(user(i, served.url, args, gate, deadline, tally)) for i in range(args.sessions)]
    gate.set()
    while len(tally.first_runs) + sum(tally.errors.values()) < args.sessions:
        await asyncio.sleep(0.05)
    deadline[0] = time.perf_counter() + args.seconds
    await asyncio.sleep(kill_after)
    on_victim = sum(session.backend == victim for session in tally.sessions)
    killed_pid = served.pids()[victim]
    killed_at = time.perf_counter()
    os.kill(killed_pid, signal.SIGKILL)
    watcher = asyncio.create_task(asyncio.to_thread(seconds_until_taken_back, served, victim, killed_pid, killed_at,
                                                    taken_back_timeout))
    await asyncio.gather(*users)
    return Failover(tally, on_victim, killed_pid, killed_at, await watcher)


def seconds_until_taken_back(served: ServedClass, victim: str, killed_pid: int, since: float,
                             timeout: float) -> dict[str, float | None]:
    """Seconds from ``since`` (perf_counter) until the supervisor started the victim again ("restarted") and
    until HAProxy reports it UP ("up"); None where that did not happen within ``timeout``."""
    deadline = time.perf_counter() + timeout
    seconds: dict[str, float | None] = {"restarted": None, "up": None}
    while time.perf_counter() < deadline:
        if seconds["restarted"] is None and served.pids()[victim] != killed_pid:
            seconds["restarted"] = time.perf_counter() - since
        if seconds["restarted"] is not None and served.balancer_status().get(victim) == "UP":
            seconds["up"] = time.perf_counter() - since
            break
        time.sleep(0.1)
    return seconds


def failover(args: argparse.Namespace) -> dict[str, Any]:
    sessions = args.sessions[0]
    load_args = load_arguments(["--sessions", str(sessions), "--seconds", str(args.seconds), "--interval",
                                str(args.interval), "--jitter", str(args.jitter), "--reconnect"])
    with tempfile.TemporaryDirectory(prefix="lablab-jax-") as cache, \
            ServedClass(args.replicas, env={"LOSS_LAB_JAX_CACHE": cache}) as served:
        asyncio.run(warm_up_every_process(served, load_args))
        outcome = asyncio.run(load_with_a_kill(served, load_args, "app1", args.kill_after))
    back = [r.restored_at - outcome.killed_at for r in outcome.tally.reconnects]
    return {
        "sessions": sessions, "replicas": args.replicas, "kill_after": args.kill_after,
        "sessions_on_killed_process": outcome.sessions_on_victim,
        "reconnected": len(back), "same_scene": sum(r.same_scene for r in outcome.tally.reconnects),
        "reconnect_seconds_after_kill": {"min": min(back, default=None), "p50": percentile(back, 50),
                                         "max": max(back, default=None)},
        "errors": sum(outcome.tally.errors.values()), "errors_by_kind": outcome.tally.errors,
        "reruns": len(outcome.tally.reruns), "taken_back_seconds": outcome.taken_back,
    }


async def warm_up_every_process(served: ServedClass, args: argparse.Namespace) -> None:
    """The teacher's first page on each process (the first compiles, the others load from the shared cache)."""
    for name in sorted(n for n in served.pids() if n.startswith("app")):
        session = Session(served.url, args.query, timeout=180)
        session.cookies[AFFINITY_COOKIE] = name
        await session.open()
        await session.close()


def describe_failover(result: dict[str, Any]) -> str:
    seconds = result["reconnect_seconds_after_kill"]
    s = lambda v: "–" if v is None else f"{v:.1f} s"
    return (f"{result['sessions']} sessions on {result['replicas']} processes; app1 killed (SIGKILL) "
            f"{result['kill_after']:g} s into the load\n"
            f"  sessions on app1: {result['sessions_on_killed_process']}; reconnected: {result['reconnected']}, "
            f"same scene: {result['same_scene']}; page back after the kill: min {s(seconds['min'])}, "
            f"median {s(seconds['p50'])}, max {s(seconds['max'])}\n"
            f"  errors (all sessions): {result['errors']} {result['errors_by_kind'] or ''}; reruns: {result['reruns']}\n"
            f"  after the kill, app1 was started again in {s(result['taken_back_seconds']['restarted'])} and"
            f" UP in HAProxy in {s(result['taken_back_seconds']['up'])}")


# --- scale-out ------------------------------------------------------------------------------------------

def run_one(target, args: argparse.Namespace) -> dict[str, Any]:
    result = asyncio.run(load(target, args))
    result.pop("rss_samples", None)
    return result


def row(label: str, result: dict[str, Any]) -> str:
    rerun, rss = result["rerun"], result["rss"] or {}
    ms = lambda s: "–" if s is None else f"{1000 * s:.0f} ms"
    return (f"{result['sessions']:>8}  {label:<22} {result['reruns_per_second']:>7.1f}/s {ms(rerun['p50']):>9}"
            f" {ms(rerun['p95']):>9} {result['errors']:>6}  {rss.get('peak_mb', 0):>7.0f} MiB"
            f"  {result['client_cpu_seconds']:>6.1f} s")


HEADER = f"{'sessions':>8}  {'server':<22} {'reruns':>9} {'p50':>9} {'p95':>9} {'errors':>6}  {'RSS peak':>11}  client CPU"


def arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=None,
                        help="session counts (default 30 60 90; with --failover, 30)")
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--interval", type=float, default=2.0)
    parser.add_argument("--jitter", type=float, default=0.5)
    parser.add_argument("--mix", choices=("slider", "realistic"), default="slider",
                        help="what each session changes (benchmarks.loadtest --mix)")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--failover", action="store_true",
                        help="instead: kill one process under the load of the first --sessions value (default 30)")
    parser.add_argument("--kill-after", type=float, default=20.0, help="with --failover: seconds into the load")
    args = parser.parse_args(argv)
    args.sessions = args.sessions or ([30] if args.failover else [30, 60, 90])
    return args


def main(argv: list[str] | None = None) -> None:
    args = arguments(argv)
    if args.failover:
        result = {**failover(args), "command": "python -m benchmarks.scaleout " + " ".join(sys.argv[1:]),
                  "machine": machine.describe()}
        print(describe_failover(result))
        output = args.output.with_name("failover.json") if args.output == DEFAULT_OUTPUT else args.output
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(result, indent=1, ensure_ascii=False), encoding="utf-8")
        print(f"written to {output}")
        return
    results = []
    with tempfile.TemporaryDirectory(prefix="lablab-jax-") as cache:
        env = {"LOSS_LAB_JAX_CACHE": cache}
        print(HEADER, flush=True)
        for sessions in args.sessions:
            load_args = load_arguments(["--sessions", str(sessions), "--seconds", str(args.seconds),
                                        "--interval", str(args.interval), "--jitter", str(args.jitter),
                                        "--mix", args.mix])
            with Server(env=env) as single:
                direct = run_one(single, load_args)
            print(row("1 process, direct", direct), flush=True)
            with ServedClass(args.replicas, env=env) as served:
                balanced = run_one(served, load_args)
            print(row(f"{args.replicas} behind HAProxy", balanced), flush=True)
            ratio = balanced["reruns_per_second"] / direct["reruns_per_second"]
            print(f"{'':>8}  reruns/s ratio {ratio:.2f}×", flush=True)
            results.append({"sessions": sessions, "direct": direct, "balanced": balanced, "ratio": ratio})
    summary = {"command": "python -m benchmarks.scaleout " + " ".join(sys.argv[1:]), "machine": machine.describe(),
               "replicas": args.replicas, "interval": args.interval, "jitter": args.jitter, "mix": args.mix,
               "results": results}
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(summary, indent=1, ensure_ascii=False), encoding="utf-8")
    print(f"written to {args.output}")


if __name__ == "__main__":
    main()
