"""Serve the page to a class on every core: N app processes on private localhost ports behind HAProxy.

    python -m lablab.serve                      # one process per core, students open port 8501
    python -m lablab.serve --replicas 2 --port 8501 --address 127.0.0.1

Streamlit keeps a session in the process that opened it, so the balancer keeps each browser on one
process (a cookie). Every process gets the same ``server.cookieSecret`` (Streamlit's
``STREAMLIT_SERVER_COOKIE_SECRET``: the one in the environment, or a new random one) and the same
JAX compilation cache on disk (``LOSS_LAB_JAX_CACHE``, see lablab/runtime.py), so a program compiled by one
process is loaded by the others. A process that dies is restarted; the balancer stops sending
students to it within ~2 s and takes it back once it answers. Ctrl-C stops everything.

``--run-dir`` holds the balancer's configuration, its stats socket, one log per process and
``state.json`` (each process's pid and port). Exit codes: 0 stopped by Ctrl-C or SIGTERM, 2 bad
option or port in use, 3 no HAProxy, 4 a process did not start.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from lablab.serve import balancer
from lablab.serve.supervisor import Child, Supervisor

REPO = Path(__file__).resolve().parents[2]
LOCALHOST = "127.0.0.1"
COOKIE_SECRET_ENV = "STREAMLIT_SERVER_COOKIE_SECRET"
STATE_FILE = "state.json"
STATS_SOCKET = "haproxy.sock"
STARTUP_SECONDS = 180.0
MAX_REPLICAS = 64


class ServeError(Exception):
    """A one-line reason to stop, with its exit code."""

    def __init__(self, message: str, code: int):
        super().__init__(message)
        self.code = code


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def free_local_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOCALHOST, 0))
        return probe.getsockname()[1]


def port_is_free(address: str, port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("" if address in ("*", "0.0.0.0") else address, port))
        except OSError:
            return False
    return True


def lan_addresses() -> list[str]:
    """This machine's IPv4 addresses other than loopback, as ``hostname -I`` lists them."""
    try:
        output = subprocess.run(["hostname", "-I"], capture_output=True, text=True, timeout=5).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return [a for a in output.split() if "." in a and not a.startswith("127.")]


def student_urls(address: str, port: int) -> list[str]:
    if address in ("*", "0.0.0.0"):
        hosts = lan_addresses() or ["localhost"]
    else:
        hosts = [address]
    return [f"http://{host}:{port}" for host in hosts]


def replica_command(app: Path, port: int) -> list[str]:
    """One app process; the rest of its settings come from the app directory's .streamlit/config.toml."""
    return [sys.executable, "-m", "streamlit", "run", app.name, "--server.address", LOCALHOST,
            "--server.port", str(port)]


def replica_environment(base: dict[str, str]) -> dict[str, str]:
    """The environment every app process shares: one cookie secret, unbuffered logs.

    The JAX cache directory is left as the caller set it (``LOSS_LAB_JAX_CACHE`` or the user's
    default cache): every process resolves the same one.
    """
    return {**base, COOKIE_SECRET_ENV: base.get(COOKIE_SECRET_ENV) or secrets.token_hex(32), "PYTHONUNBUFFERED": "1"}


def build_children(app: Path, address: str, port: int, replicas: int, run_dir: Path, haproxy: str,
                   environ: dict[str, str]) -> list[Child]:
    """The app processes, then the balancer (stopped first, so no student is sent to a stopping process)."""
    environment = replica_environment(environ)
    apps = [Child(name=f"app{i}", command=replica_command(app, p), log=run_dir / f"app{i}.log", cwd=app.parent,
                  env=environment, port=p)
            for i, p in enumerate((free_local_port() for _ in range(replicas)), start=1)]
    config = run_dir / "haproxy.cfg"
    config.write_text(balancer.local_config(address, port, [balancer.Replica(c.name, LOCALHOST, c.port) for c in apps],
                                            stats_socket=run_dir / STATS_SOCKET), encoding="utf-8")
    check = subprocess.run([haproxy, "-c", "-q", "-f", str(config)], capture_output=True, text=True)
    if check.returncode != 0:
        raise ServeError(f"HAProxy refused its configuration {config}: {(check.stderr or check.stdout).strip()}", 2)
    return apps + [Child(name="haproxy", command=[haproxy, "-db", "-f", str(config)], log=run_dir / "haproxy.log",
                         port=port)]


def wait_until_serving(supervisor: Supervisor, stop: threading.Event, stats_socket: Path) -> None:
    """Until HAProxy sends to every app process (each answered its health checks); a process that exits is fatal here."""
    apps = {child.name for child in supervisor.children if child.name != "haproxy"}
    deadline = time.monotonic() + STARTUP_SECONDS
    while not stop.is_set():
        for child in supervisor.children:
            if not child.running():
                tail = child.log.read_text(encoding="utf-8", errors="replace")[-1500:]
                raise ServeError(f"{child.name} exited with code {child.process.returncode} while starting:\n{tail}", 4)
        try:
            waiting = {name for name, status in balancer.server_status(stats_socket).items() if status != "UP"}
        except OSError:  # HAProxy has not opened its socket yet
            waiting = apps
        if not waiting:
            return
        if time.monotonic() > deadline:
            raise ServeError(f"{', '.join(sorted(waiting))} did not answer {balancer.HEALTH_PATH} within "
                             f"{STARTUP_SECONDS:.0f} s (logs in {stats_socket.parent})", 4)
        stop.wait(0.3)


def arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m lablab.serve", description=__doc__.split("\n\n")[0])
    parser.add_argument("--replicas", type=int, default=cores(), help="app processes (default: the cores, %(default)s)")
    parser.add_argument("--port", type=int, default=8501, help="the port students open (default %(default)s)")
    parser.add_argument("--address", default="0.0.0.0",
                        help="the address the balancer listens on (default %(default)s: every network)")
    parser.add_argument("--app", type=Path, default=REPO / "app.py", help="the page (default: this repository's)")
    parser.add_argument("--run-dir", type=Path, default=None,
                        help="configuration, logs, stats socket and state.json (default: a new temporary folder)")
    args = parser.parse_args(argv)
    if not 1 <= args.replicas <= MAX_REPLICAS:
        parser.error(f"--replicas must be between 1 and {MAX_REPLICAS}, got {args.replicas}")
    if not 1 <= args.port <= 65535:
        parser.error(f"--port must be between 1 and 65535, got {args.port}")
    if not args.app.is_file():
        parser.error(f"--app: no such file {args.app}")
    return args


def serve(args: argparse.Namespace, stop: threading.Event) -> None:
    haproxy = balancer.haproxy_binary()
    if haproxy is None:
        raise ServeError(balancer.INSTALL_HINT, 3)
    if not port_is_free(args.address, args.port):
        raise ServeError(f"port {args.port} on {args.address} is in use; choose another with --port", 2)
    temporary = args.run_dir is None
    run_dir = Path(tempfile.mkdtemp(prefix="lablab-serve-")) if temporary else args.run_dir.resolve()
    run_dir.mkdir(parents=True, exist_ok=True)
    supervisor = None
    try:
        supervisor = Supervisor(build_children(args.app.resolve(), args.address, args.port, args.replicas, run_dir,
                                               haproxy, dict(os.environ)),
                                state_file=run_dir / STATE_FILE, report=lambda line: print(line, flush=True))
        supervisor.start_all()
        print(f"Starting {args.replicas} app process(es) behind HAProxy (logs in {run_dir}) …", flush=True)
        wait_until_serving(supervisor, stop, run_dir / STATS_SOCKET)
        if not stop.is_set():
            print("Serving. Students open: " + "  ".join(student_urls(args.address, args.port)), flush=True)
            print("Ctrl-C stops every process.", flush=True)
        while not stop.wait(0.5):
            supervisor.check()
    finally:
        if supervisor is not None:
            print("Stopping …", flush=True)
            supervisor.stop_all()
        if temporary:
            shutil.rmtree(run_dir, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    try:
        serve(args, stop)
    except ServeError as error:
        print(f"error: {error}", file=sys.stderr)
        return error.code
    return 0


if __name__ == "__main__":
    sys.exit(main())
