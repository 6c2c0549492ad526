"""Keeps a set of child processes running: starts them, restarts one that dies, stops them all.

Each child runs in its own session (a Ctrl-C in the terminal reaches only the supervisor, which then
stops the children in order) and is told by the kernel to stop if the supervisor itself dies
(``PR_SET_PDEATHSIG``, set by a small launcher that then becomes the command: no ``preexec_fn``, which
is unsafe in a process with threads), so nothing it started outlives it. A child that dies is started again at
once; one that dies again soon after that start waits 1, 2, 4, … up to 30 s between tries.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

QUICK_DEATH_SECONDS = 10.0
MAX_RESTART_DELAY = 30.0
# argv: the supervisor's pid, then the command. Asks for SIGTERM when the supervisor dies (Linux; elsewhere
# Ctrl-C and SIGTERM still stop the children), gives up if it already died, then becomes the command.
_LAUNCHER = """
import ctypes, os, signal, sys
try:
    ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
except (OSError, AttributeError):
    pass
if os.getppid() != int(sys.argv[1]):
    sys.exit(1)
os.execvp(sys.argv[2], sys.argv[2:])
"""


def launched(command: list[str]) -> list[str]:
    """``command`` behind the launcher: the same process (same pid), stopped by the kernel with its supervisor."""
    return [sys.executable, "-c", _LAUNCHER, str(os.getpid()), *command]


@dataclasses.dataclass
class Child:
    """A command to keep running, with its own log file."""

    name: str
    command: list[str]
    log: Path
    cwd: Path | None = None
    env: dict[str, str] | None = None
    port: int | None = None
    process: subprocess.Popen | None = None
    started_at: float = 0.0
    restarts: int = 0
    quick_deaths: int = 0
    restart_at: float | None = None

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None


def restart_delay(quick_deaths: int) -> float:
    """Seconds to wait before starting a child that died ``quick_deaths`` times in a row soon after starting."""
    return 0.0 if quick_deaths <= 1 else min(2.0 ** (quick_deaths - 2), MAX_RESTART_DELAY)


class Supervisor:
    def __init__(self, children: list[Child], state_file: Path | None = None,
                 report: Callable[[str], None] = print):
        self.children = children
        self.state_file = state_file
        self.report = report
        self.stopping = False

    def start(self, child: Child) -> None:
        with child.log.open("ab") as log:
            child.process = subprocess.Popen(
                launched(child.command), cwd=child.cwd, env=child.env, stdin=subprocess.DEVNULL, stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True,
            )
        child.started_at = time.monotonic()
        child.restart_at = None
        self.write_state()

    def start_all(self) -> None:
        for child in self.children:
            self.start(child)

    def check(self) -> None:
        """Notice children that died and start those whose restart is due. Call it about every second."""
        if self.stopping:
            return
        now = time.monotonic()
        for child in self.children:
            if child.process is None or child.running():
                continue
            if child.restart_at is None:
                lived = now - child.started_at
                child.quick_deaths = child.quick_deaths + 1 if lived < QUICK_DEATH_SECONDS else 0
                child.restart_at = now + restart_delay(child.quick_deaths)
                self.report(f"{child.name} (pid {child.pid}) exited with code {child.process.returncode} "
                            f"after {lived:.0f} s; restarting it"
                            + (f" in {child.restart_at - now:.0f} s" if child.restart_at > now else ""))
            if child.restart_at <= now:
                child.restarts += 1
                self.start(child)
                self.report(f"{child.name} restarted (pid {child.pid}, restart #{child.restarts})")

    def stop_all(self, timeout: float = 20.0) -> None:
        """SIGTERM to every child, in reverse order of the list; SIGKILL to those still there after ``timeout``."""
        self.stopping = True
        running = [child for child in reversed(self.children) if child.running()]
        for child in running:
            child.process.terminate()
        deadline = time.monotonic() + timeout
        for child in running:
            try:
                child.process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.process.kill()
                child.process.wait()

    def state(self) -> dict:
        return {
            "supervisor_pid": os.getpid(),
            "children": [{"name": c.name, "pid": c.pid, "port": c.port, "restarts": c.restarts, "log": str(c.log)}
                         for c in self.children],
        }

    def write_state(self) -> None:
        """The children's pids and ports as JSON, replaced atomically (what a test or an operator reads)."""
        if self.state_file is None:
            return
        partial = self.state_file.with_suffix(".partial")
        partial.write_text(json.dumps(self.state(), indent=1), encoding="utf-8")
        partial.replace(self.state_file)
