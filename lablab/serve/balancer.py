"""HAProxy in front of the app processes: its configuration, and its binary.

One configuration serves both places it runs: ``python -m lablab.serve`` on one machine (fixed
servers on localhost ports) and ``deploy/compose.yaml`` (servers found in Docker's DNS). Only the
server lines differ (``python -m lablab.serve.balancer > deploy/haproxy.cfg`` writes the latter).
What the app needs from a balancer:

- a browser's websocket (``/_stcore/stream``) must reach the process that holds its session, so the
  first answer sets a cookie naming the process and later requests follow it;
- the websocket is one long, mostly idle connection: ``timeout tunnel`` keeps it for hours;
- ``/_stcore/health`` is checked every second: a dead process (connection refused) is out after three
  failures, back after two answers; a cookie that names a process marked down is ignored (the student
  lands elsewhere). A busy process answers late, not never: a check waits 3 s, and a process marked
  down keeps its open websockets (no ``on-marked-down shutdown-sessions``), because a process that
  really died has closed them itself. Cutting them cost a loaded process all its students at once
  (30 of 60 sessions, benchmarks/README.md);
- every answer names the process in ``X-Backend`` (for tests and for a person debugging).
"""

from __future__ import annotations

import csv
import dataclasses
import shutil
import socket
from pathlib import Path
from typing import Sequence

HEALTH_PATH = "/_stcore/health"
AFFINITY_COOKIE = "lablab_backend"
BACKEND_HEADER = "X-Backend"
BACKEND_NAME = "app"
INSTALL_HINT = "HAProxy is not installed; install it with: sudo apt-get install haproxy"

# Seconds. A student reading the page leaves the websocket idle for minutes; the class lasts hours.
TUNNEL_TIMEOUT = "2h"
CHECK_INTERVAL = "1s"
CHECK_TIMEOUT = "3s"


@dataclasses.dataclass(frozen=True)
class Replica:
    """One app process as the balancer sees it."""

    name: str
    host: str
    port: int

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"


def haproxy_binary() -> str | None:
    return shutil.which("haproxy")


def server_status(stats_socket: Path) -> dict[str, str]:
    """Each server's status as HAProxy sees it (``UP``, ``DOWN``, ``UP 1/2``, …), asked on its stats socket."""
    with socket.socket(socket.AF_UNIX) as stats:
        stats.settimeout(5)
        stats.connect(str(stats_socket))
        stats.sendall(b"show stat\n")
        answer = b"".join(iter(lambda: stats.recv(65536), b""))
    rows = csv.DictReader(answer.decode().lstrip("# ").splitlines())
    return {row["svname"]: row["status"] for row in rows if row["svname"] not in ("FRONTEND", "BACKEND")}


def _global_section(stats_socket: Path | None) -> list[str]:
    lines = ["global", "    maxconn 4096"]
    if stats_socket is not None:
        lines.append(f"    stats socket {stats_socket} mode 600 level operator")
    return lines


def _defaults_section() -> list[str]:
    return [
        "defaults",
        "    mode http",
        "    timeout connect 5s",
        "    timeout client 60s",
        "    timeout server 60s",
        "    timeout http-request 10s",
        "    timeout http-keep-alive 10s",
        "    timeout queue 30s",
        f"    timeout tunnel {TUNNEL_TIMEOUT}",
        "    timeout client-fin 10s",
        "    timeout server-fin 10s",
    ]


def _frontend_section(address: str, port: int) -> list[str]:
    return [
        "frontend students",
        f"    bind {address}:{port}",
        "    option forwardfor",
        f"    default_backend {BACKEND_NAME}",
    ]


def _backend_head(dynamic_cookie_key: str | None) -> list[str]:
    cookie = f"    cookie {AFFINITY_COOKIE} insert indirect nocache httponly attr SameSite=Lax"
    lines = [
        f"backend {BACKEND_NAME}",
        # New students go to the process with the fewest open websockets.
        "    balance leastconn",
        cookie + (" dynamic" if dynamic_cookie_key else ""),
    ]
    if dynamic_cookie_key:
        lines.append(f"    dynamic-cookie-key {dynamic_cookie_key}")
    return lines + [
        # A cookie naming a process that does not answer: try elsewhere instead of failing.
        "    option redispatch",
        "    retries 2",
        "    option httpchk",
        f"    http-check send meth GET uri {HEALTH_PATH}",
        "    http-check expect status 200",
        f"    timeout check {CHECK_TIMEOUT}",
        f"    default-server inter {CHECK_INTERVAL} fastinter 500ms downinter {CHECK_INTERVAL} fall 3 rise 2",
        f"    http-response set-header {BACKEND_HEADER} %[srv_name]",
    ]


def local_config(address: str, port: int, replicas: Sequence[Replica], stats_socket: Path | None = None) -> str:
    """The balancer of ``python -m lablab.serve``: fixed processes, each cookie value its name."""
    servers = [f"    server {r.name} {r.address} check cookie {r.name}" for r in replicas]
    sections = [_global_section(stats_socket), _defaults_section(), _frontend_section(address, port),
                _backend_head(None) + servers]
    return "\n\n".join("\n".join(section) for section in sections) + "\n"


def compose_config(port: int = 8501, service: str = "app", service_port: int = 8501, max_replicas: int = 16) -> str:
    """The balancer of deploy/compose.yaml: up to ``max_replicas`` processes of ``service`` found in Docker's DNS.

    Their addresses change when a container is replaced, so each cookie value is a hash of the
    process's address (HAProxy's dynamic cookies) rather than a fixed name.
    """
    resolvers = ["resolvers docker", "    nameserver docker 127.0.0.11:53", "    hold valid 5s"]
    servers = [f"    server-template {service} 1-{max_replicas} {service}:{service_port} check resolvers docker"
               " init-addr none"]
    header = ["# deploy/compose.yaml's balancer, written by `python -m lablab.serve.balancer`: edit lablab/serve/balancer.py"]
    sections = [header + _global_section(None), resolvers, _defaults_section(), _frontend_section("*", port),
                _backend_head(dynamic_cookie_key="loss-landscape-lab") + servers]
    return "\n\n".join("\n".join(section) for section in sections) + "\n"


if __name__ == "__main__":
    print(compose_config(), end="")
