"""``python -m lablab.serve``: real app processes behind a real HAProxy, driven by the project's protocol client.

Each session is benchmarks/loadtest.py's ``Session`` (the browser's websocket protocol, with its
cookies); the balancer names the process behind every answer in ``X-Backend``.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import random
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from benchmarks.loadtest import Server, Session, SessionError, arguments as load_arguments, cpu_seconds, moved_slider
from benchmarks.scaleout import ServedClass, load_with_a_kill
from lablab.serve import balancer
from lablab.serve.__main__ import COOKIE_SECRET_ENV
from lablab.serve.supervisor import MAX_RESTART_DELAY, Child, Supervisor, restart_delay

REPO = Path(__file__).resolve().parent.parent
RECONNECT_BOUND = 30.0  # seconds from the kill until a session's page is back (generous: a shared 2-core machine)
TAKEN_BACK_BOUND = 120.0  # seconds until the supervisor restarted the process and the balancer sends to it again
CACHE_ENV = "LOSS_LAB_JAX_CACHE"


@pytest.fixture(scope="module")
def jax_cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("jax-cache")


@pytest.fixture(scope="module")
def served(tmp_path_factory, jax_cache):
    with ServedClass(2, env={CACHE_ENV: str(jax_cache)}, run_dir=tmp_path_factory.mktemp("serve")) as served:
        yield served


def run(coroutine):
    """Run on a thread of its own: Playwright's sync API (the browser tests) keeps an event loop in the main thread."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


async def opened(url: str, query: str = "", backend: str | None = None) -> Session:
    """A session with its first run's settings open; ``backend`` sends it to that process (its affinity cookie)."""
    session = Session(url, query, timeout=120)
    if backend:
        session.cookies[balancer.AFFINITY_COOKIE] = backend
    await session.open()
    await session.open_expander("run0.settings")
    return session


def environment_of(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return dict(entry.decode().split("=", 1) for entry in raw if b"=" in entry)


def test_a_class_opening_a_newly_started_process_at_once_sees_no_error(tmp_path):
    """What a restarted process gets after a failover, or a server started just before the class."""

    async def class_arrives(url: str) -> list[str]:
        sessions = [Session(url, timeout=180) for _ in range(8)]
        try:
            results = await asyncio.gather(*(session.open() for session in sessions), return_exceptions=True)
        finally:
            for session in sessions:
                await session.close()
        return [str(result) for result in results if isinstance(result, (SessionError, OSError))]

    with Server(env={CACHE_ENV: str(tmp_path / "cache")}) as server:
        assert run(class_arrives(server.url)) == []


def test_each_session_stays_on_one_process_and_its_reruns_succeed(served):
    async def scenario():
        rng = random.Random(1)
        sessions = [await opened(served.url) for _ in range(6)]
        try:
            for _ in range(3):
                for session in sessions:
                    slider = session.find_slider("run0.hp.lr")
                    move = moved_slider(slider, session.widgets[slider][1], session.widget_states.get(slider), rng)
                    result = await session.rerun(move)
                    assert result.messages > 0
            for session in sessions:  # a new websocket (a reload, a Wi-Fi hiccup) follows the cookie
                await session.reconnect()
            return [list(s.backends) for s in sessions]
        finally:
            for session in sessions:
                await session.close()

    backends = run(scenario())
    for answered in backends:
        assert len(answered) == 4  # health and websocket, twice
        assert len(set(answered)) == 1, answered
    assert {answered[0] for answered in backends} == {"app1", "app2"}  # the class is spread over both


def test_every_process_shares_the_cookie_secret_and_the_jax_cache(served, jax_cache):
    apps = {name: pid for name, pid in served.pids().items() if name.startswith("app")}
    assert len(apps) == 2
    environments = [environment_of(pid) for pid in apps.values()]
    secrets = {env[COOKIE_SECRET_ENV] for env in environments}
    assert len(secrets) == 1 and len(secrets.pop()) == 64
    assert {env[CACHE_ENV] for env in environments} == {str(jax_cache)}
    # …and Streamlit takes the secret from that variable.
    script = "from streamlit import config; print(config.get_option('server.cookieSecret'))"
    shown = subprocess.run([sys.executable, "-c", script], cwd=REPO, env={**os.environ, COOKIE_SECRET_ENV: "s3cret"},
                           capture_output=True, text=True, check=True, timeout=120).stdout.split()
    assert shown[-1] == "s3cret"


def test_an_xsrf_token_from_one_process_is_accepted_by_the_other(served):
    """Streamlit checks a PUT's X-Xsrftoken against its XSRF cookie (an upload): the cookie may come from any process."""

    def upload_status(backend: str, cookie: str, token: str) -> int:
        request = urllib.request.Request(
            f"{served.url}/_stcore/upload_file/no-such-session/no-such-file", data=b"", method="PUT",
            headers={"Cookie": f"{balancer.AFFINITY_COOKIE}={backend}; _streamlit_xsrf={cookie}",
                     "X-Xsrftoken": token})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as error:
            assert error.headers.get(balancer.BACKEND_HEADER) == backend
            return error.code

    session = Session(served.url)
    session.cookies[balancer.AFFINITY_COOKIE] = "app1"
    session._health()
    cookie = session.cookies["_streamlit_xsrf"]
    assert session.backends == ["app1"]
    # Past the XSRF check on app2 (then refused for the unknown session), refused at it with a wrong token.
    assert upload_status("app2", cookie, cookie) == 400
    assert upload_status("app2", cookie, "2|00000000|" + "0" * 32 + "|1700000000") == 403


def test_a_program_compiled_by_one_process_is_loaded_by_the_other(served, jax_cache):
    query = "ls=rosenbrock&run=nadam,lr=0.02&steps=77"  # a scene no other test opens: new programs

    def entries() -> dict[str, int]:
        """Each cached program and when it was last read or written (JAX's own access stamp)."""
        return {p.name.removesuffix("-atime"): int.from_bytes(p.read_bytes(), "little")
                for p in jax_cache.glob("*-atime")}

    async def scenario():
        before = entries()
        first = await opened(served.url, query, backend="app1")
        await first.close()
        after_first = entries()
        second_started = time.time_ns()
        second = await opened(served.url, query, backend="app2")
        await second.close()
        return before, after_first, second_started, entries(), first.backends, second.backends

    before, after_first, second_started, after_second, first_backends, second_backends = run(scenario())
    assert set(first_backends) == {"app1"} and set(second_backends) == {"app2"}
    compiled_by_first = set(after_first) - set(before)
    assert compiled_by_first  # the first process compiled (and stored) the scene's programs
    assert set(after_second) == set(after_first)  # the second stored nothing new…
    assert all(after_second[key] >= second_started for key in compiled_by_first)  # …it read every one from disk


def test_the_balancer_passes_static_paths_through_unchanged(served):
    def status(url: str) -> tuple[int, str | None]:
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                return response.status, response.headers.get(balancer.BACKEND_HEADER)
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get(balancer.BACKEND_HEADER)

    app_port = served.state()["children"][0]["port"]
    for path in ("/app/static/view/index.html", "/static/favicon.png"):
        through, backend = status(served.url + path)
        direct, _ = status(f"http://127.0.0.1:{app_port}{path}")
        assert backend in {"app1", "app2"}
        assert through == direct, path


def test_a_killed_process_sessions_come_back_with_their_scene_and_the_others_see_no_error(served):
    victim, sessions = "app1", 8
    args = load_arguments(["--sessions", str(sessions), "--seconds", "40", "--interval", "1", "--reconnect",
                           "--timeout", "60"])
    outcome = run(load_with_a_kill(served, args, victim, kill_after=8.0, taken_back_timeout=TAKEN_BACK_BOUND))
    tally = outcome.tally
    assert tally.errors == {}, tally.error_examples
    assert outcome.sessions_on_victim >= 1
    assert len(tally.reconnects) == outcome.sessions_on_victim  # every session of the killed process, no other
    restarted = outcome.taken_back["restarted"]
    for back in tally.reconnects:
        assert back.backend_before == victim
        # The other process, or the victim once the supervisor has started it again (HAProxy's cookie sends the tab
        # back there as soon as it answers; the pid poll that dates the restart runs every 0.1 s).
        assert back.backend_after == "app2" or (
            back.backend_after == victim and restarted is not None
            and back.restored_at >= outcome.killed_at + restarted - 0.5), (back, restarted)
        assert back.same_scene
        assert back.restored_at - outcome.killed_at <= RECONNECT_BOUND
    assert len(tally.reruns) > sessions * 10

    assert outcome.taken_back["up"] is not None, f"{victim} not taken back: {outcome.taken_back}"
    assert served.balancer_status() == {"app1": "UP", "app2": "UP"}
    assert "app1 restarted" in served.printed()

    async def back_on_the_restarted_process():
        session = await opened(served.url, backend=victim)
        await session.close()
        return session.backends

    assert set(run(back_on_the_restarted_process())) == {victim}


def test_a_process_marked_down_while_busy_keeps_its_students(served):
    """A process too busy to answer its health checks (here: stopped) is taken out for new students only."""
    rng = random.Random(2)

    async def scenario():
        sessions = [await opened(served.url, backend=name) for name in ("app1", "app1", "app2")]
        handshakes = [len(session.backends) for session in sessions]
        pid = served.pids()["app1"]
        os.kill(pid, signal.SIGSTOP)
        try:
            deadline = time.monotonic() + 60
            while not served.balancer_status()["app1"].startswith("DOWN"):
                assert time.monotonic() < deadline, served.balancer_status()
                await asyncio.sleep(0.5)
        finally:
            os.kill(pid, signal.SIGCONT)
        try:
            for session in sessions:
                slider = session.find_slider("run0.hp.lr")
                await session.rerun(moved_slider(slider, session.widgets[slider][1], None, rng))
            return handshakes, [len(session.backends) for session in sessions]
        finally:
            for session in sessions:
                await session.close()

    before, after = run(scenario())
    assert after == before  # every rerun on the session's own connection: none was cut
    deadline = time.monotonic() + TAKEN_BACK_BOUND
    while served.balancer_status() != {"app1": "UP", "app2": "UP"} and time.monotonic() < deadline:
        time.sleep(0.5)
    assert served.balancer_status() == {"app1": "UP", "app2": "UP"}


def test_ctrl_c_stops_every_process_it_started(tmp_path):
    with ServedClass(1, env={CACHE_ENV: str(tmp_path / "cache")}, run_dir=tmp_path / "run") as served:
        pids = served.pids()
        assert set(pids) == {"app1", "haproxy"}
        assert served.stop(signal.SIGINT) == 0
    for pid in pids.values():
        assert not Path(f"/proc/{pid}").exists(), pid
    assert "Serving. Students open: http://127.0.0.1:" in served.printed()


def serve_command(*options: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lablab.serve", *options], cwd=REPO, capture_output=True,
                          text=True, timeout=120, env={**os.environ, **(env or {})})


def test_without_haproxy_it_says_how_to_install_it_in_one_line(tmp_path):
    done = serve_command("--replicas", "1", "--port", "18599", env={"PATH": str(tmp_path)})
    assert done.returncode == 3
    assert done.stderr.strip().splitlines() == [f"error: {balancer.INSTALL_HINT}"]
    assert "apt-get install haproxy" in done.stderr


def test_a_port_in_use_or_a_bad_option_is_one_line_not_a_traceback():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = serve_command("--replicas", "1", "--port", str(port), "--address", "127.0.0.1")
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [f"error: port {port} on 127.0.0.1 is in use; choose another with --port"]
    bad = serve_command("--replicas", "0")
    assert bad.returncode == 2 and "--replicas must be between 1 and" in bad.stderr and "Traceback" not in bad.stderr


# --- the supervisor alone, with plain processes -----------------------------------------------------

def test_restart_delays_grow_for_a_process_that_keeps_dying_and_stay_bounded():
    assert restart_delay(0) == restart_delay(1) == 0.0
    assert [restart_delay(n) for n in (2, 3, 4, 5)] == [1.0, 2.0, 4.0, 8.0]
    assert restart_delay(50) == MAX_RESTART_DELAY


def test_the_supervisor_restarts_a_dead_child_and_stops_all_of_them(tmp_path):
    lines = []
    children = [Child(name=f"sleeper{i}", command=["sleep", "300"], log=tmp_path / f"{i}.log") for i in (1, 2)]
    supervisor = Supervisor(children, state_file=tmp_path / "state.json", report=lines.append)
    supervisor.start_all()
    try:
        first, second = (child.pid for child in children)
        os.kill(first, signal.SIGKILL)
        children[0].process.wait(timeout=10)
        supervisor.check()
        assert children[0].pid != first and children[0].running() and children[0].restarts == 1
        assert children[1].pid == second and children[1].restarts == 0
        assert any("sleeper1" in line and "exited" in line for line in lines)
        assert f'"pid": {children[0].pid}' in (tmp_path / "state.json").read_text()
    finally:
        supervisor.stop_all(timeout=10)
    assert not any(child.running() for child in children)
    supervisor.check()  # once stopping, a stopped child is not started again
    assert not any(child.running() for child in children)


def test_children_stop_when_the_supervisor_itself_is_killed(tmp_path):
    script = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from lablab.serve.supervisor import Child, Supervisor\n"
        "children = [Child(name=f'c{i}', command=['sleep', '300'], log=Path(sys.argv[1]) / f'{i}.log') for i in (1, 2)]\n"
        "Supervisor(children).start_all()\n"
        "print(' '.join(str(c.pid) for c in children), flush=True)\n"
        "time.sleep(300)\n"
    )
    supervisor = subprocess.Popen([sys.executable, "-c", script, str(tmp_path)], cwd=REPO, stdout=subprocess.PIPE,
                                  text=True)
    try:
        pids = [int(pid) for pid in supervisor.stdout.readline().split()]
        assert len(pids) == 2 and all(Path(f"/proc/{pid}").exists() for pid in pids)
        time.sleep(0.5)  # the launcher has become `sleep`
        assert all("sleep" in Path(f"/proc/{pid}/cmdline").read_text() for pid in pids)
    finally:
        supervisor.kill()
        supervisor.wait(timeout=10)
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{pid}").exists() for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(Path(f"/proc/{pid}").exists() for pid in pids)


def test_a_child_that_dies_at_once_waits_before_it_is_started_again(tmp_path):
    child = Child(name="crasher", command=["false"], log=tmp_path / "crasher.log")
    supervisor = Supervisor([child], report=lambda line: None)
    supervisor.start_all()
    child.process.wait(timeout=10)
    supervisor.check()  # the first death: started again at once
    assert child.restarts == 1
    child.process.wait(timeout=10)
    supervisor.check()  # died again within QUICK_DEATH_SECONDS of that start: the retry waits 1 s
    assert child.restarts == 1 and child.restart_at is not None
    time.sleep(1.1)
    supervisor.check()
    assert child.restarts == 2
    supervisor.stop_all(timeout=5)


def test_the_served_class_counts_the_cpu_of_every_process_it_started(served):
    """benchmarks.loadtest's server measure works on the balanced class too (scale-out runs called it and failed)."""
    busy = served.cpu_seconds()
    assert busy > 0
    app_pids = [pid for name, pid in served.pids().items() if name.startswith("app")]
    assert busy >= max(cpu_seconds(pid) for pid in app_pids)
