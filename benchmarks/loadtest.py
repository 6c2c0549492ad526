"""Load test: N protocol-level Streamlit sessions against one ``streamlit run app.py`` on localhost.

    python -m benchmarks.loadtest --sessions 30 --seconds 60
    python -m benchmarks.loadtest --sessions 30 --seconds 60 --mix realistic

Each session speaks the browser's protocol: it fetches ``/_stcore/health``, opens
``ws://…/_stcore/stream`` and sends ``BackMsg.rerun_script`` protobufs with its widget states; a
run ends with a ``script_finished`` ForwardMsg. Like the frontend, a session reports the hashes of
the large messages it already holds, so the server may answer with references to them (and reads
what a reference shows from the message it holds); it sends a trigger value once, and takes the value
a run sets on a widget as the one it holds.

The test starts the server on a free 127.0.0.1 port, warms it up with one session (the teacher
opening the page), opens all N sessions at once (the class) and has each change one control about
every ``--interval`` seconds (± ``--jitter``) until ``--seconds`` have passed:

- ``--mix slider`` (the default): each opens the first run's settings (``--open``) and moves its
  learning-rate slider (``--widget``) to a new random position;
- ``--mix realistic``: each opens every run's settings and changes what a student touches, drawn
  from a shuffled deck that holds each kind of move as often as its weight (``REALISTIC_MIX``):
  the step reported by the views component, a run's setting, a click on the contour, the 3D camera,
  a landscape parameter, the start point, the number of steps. The result counts, per kind, the
  moves after which the URL or the views' payloads changed.

It prints and writes (``--output``, JSON) the rerun latency (send → ``script_finished``), reruns per
second, errors, bytes received per rerun (per kind of move for the realistic mix), the server's CPU
time and its RSS over time.

Sessions keep cookies and the query string like a browser, so the same client runs through a balancer
(``python -m lablab.serve``; benchmarks/scaleout.py): each records the process named in the balancer's
``X-Backend`` header, and with ``--reconnect`` a session whose connection breaks connects again.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import http.cookies
import json
import math
import os
import random
import re
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any, Callable, Iterator

import websockets
from streamlit.components.v2.bidi_component.main import _make_trigger_id
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.NumberInput_pb2 import NumberInput
from streamlit.proto.Slider_pb2 import Slider
from streamlit.proto.WidgetStates_pb2 import WidgetState

from benchmarks import machine

REPO = Path(__file__).resolve().parent.parent
LOCALHOST = "127.0.0.1"
IDLE_CPU_SHARE = 0.1  # of one core: a server at rest
DEFAULT_OUTPUT = REPO / "out" / "loadtest.json"
FINISHED = ForwardMsg.ScriptFinishedStatus
RSS_SAMPLE_SECONDS = 0.5
BACKEND_HEADER = "X-Backend"  # which process answered, as a balancer in front names it (lablab.serve)
XSRF_COOKIE = "_streamlit_xsrf"
VIEWS_COMPONENT = "loss_lab.views"  # the views component's name (ui/view_component.py)
TRIGGER_VALUES = ("trigger_value", "string_trigger_value", "json_trigger_value")  # sent once, as the frontend does


# --- the server ------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOCALHOST, 0))
        return probe.getsockname()[1]


def rss_bytes(pid: int) -> int:
    """The resident set size of a process, from /proc (Linux)."""
    with open(f"/proc/{pid}/status", encoding="utf-8") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used, from /proc (Linux)."""
    with open(f"/proc/{pid}/stat", encoding="utf-8") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Server:
    """``streamlit run APP`` on a free 127.0.0.1 port while the ``with`` block lasts.

    It runs in APP's directory, so that directory's ``.streamlit/config.toml`` applies; ``options``
    are Streamlit config options (``{"runner.postScriptGC": "false"}``) given on the command line,
    so they override the file for this run only.
    """

    def __init__(self, app: str | Path = REPO / "app.py", options: dict[str, str] | None = None,
                 env: dict[str, str] | None = None, startup_timeout: float = 120.0):
        self.app = (REPO / app).resolve()
        self.options = dict(options or {})
        self.env = {**os.environ, **(env or {})}
        self.startup_timeout = startup_timeout
        self.port = free_port()
        self.url = f"http://{LOCALHOST}:{self.port}"
        self.process: subprocess.Popen | None = None
        self.started_at = 0.0
        self._log = tempfile.TemporaryFile()

    @property
    def pid(self) -> int:
        return self.process.pid

    def rss(self) -> int:
        return rss_bytes(self.pid)

    def cpu_seconds(self) -> float:
        return cpu_seconds(self.pid)

    def log_tail(self, characters: int = 3000) -> str:
        self._log.seek(0)
        return self._log.read().decode("utf-8", "replace")[-characters:]

    def __enter__(self) -> "Server":
        options = {
            "server.address": LOCALHOST,
            "server.port": str(self.port),
            "server.headless": "true",
            "browser.gatherUsageStats": "false",
            **self.options,
        }
        command = [sys.executable, "-m", "streamlit", "run", self.app.name, *(f"--{k}={v}" for k, v in options.items())]
        self.started_at = time.perf_counter()
        self.process = subprocess.Popen(command, cwd=self.app.parent, env=self.env, stdout=self._log,
                                        stderr=subprocess.STDOUT)
        try:
            self._wait_healthy()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _wait_healthy(self) -> None:
        deadline = time.perf_counter() + self.startup_timeout
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as response:
                    if response.read().strip() == b"ok":
                        return
            except OSError:
                pass
            time.sleep(0.1)
        raise TimeoutError(f"streamlit did not answer /_stcore/health within {self.startup_timeout:.0f} s")

    def __exit__(self, *exc) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)
        self._log.close()


# --- one session at the protocol level -----------------------------------------------------------------

class SessionError(RuntimeError):
    """The session broke: the run raised, failed to compile, timed out, or the connection closed."""

    def __init__(self, kind: str, detail: str = ""):
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind = kind


@dataclasses.dataclass
class RunResult:
    started: float  # time.perf_counter() when the rerun request was sent
    seconds: float  # rerun request sent → script_finished received
    received_bytes: int  # websocket payload bytes of this run's ForwardMsgs
    messages: int
    referenced: int  # messages the server sent as references to ones this session holds
    kind: str = ""  # the kind of move that caused it
    changed: bool = True  # whether the scene (URL, the views' payloads) changed


def widgets_of(message: ForwardMsg) -> Iterator[tuple[str, str, Any]]:
    """(widget id, type, proto) for a delta that is a widget, or a block with state (expander, tabs)."""
    if message.WhichOneof("type") != "delta":
        return
    delta = message.delta
    if delta.WhichOneof("type") == "new_element":
        kind = delta.new_element.WhichOneof("type")
        proto = getattr(delta.new_element, kind) if kind else None
    elif delta.WhichOneof("type") == "add_block":
        kind = delta.add_block.WhichOneof("type")
        proto = getattr(delta.add_block, kind) if kind else None
    else:
        return
    widget_id = getattr(proto, "id", "")
    if isinstance(widget_id, str) and widget_id.startswith("$$ID"):
        yield widget_id, kind, proto


def widget_key(widget_id: str) -> str:
    """The key the page gave a widget: the end of its id (``$$ID-<hash>-<key>``), "" if it has none."""
    parts = widget_id.split("-", 2)
    return parts[2] if len(parts) == 3 else ""


def state_set_by_server(widget_id: str, kind: str, proto) -> WidgetState | None:
    """The value a run set on a widget (``set_value``: a callback or the page changed it), as the frontend then
    holds it; None when the run set none, or for a kind this client does not move."""
    if not getattr(proto, "set_value", False):
        return None
    state = WidgetState(id=widget_id)
    if kind == "number_input":
        if proto.data_type == NumberInput.DataType.INT:
            state.int_value = int(proto.value)
        else:
            state.double_value = proto.value
    elif kind == "slider" and proto.type == Slider.Type.SELECT_SLIDER:
        state.string_array_value.data.extend(proto.raw_value)
    elif kind == "slider":
        state.double_array_value.data.extend(proto.value)
    else:
        return None
    return state


def exception_text(message: ForwardMsg) -> str | None:
    if message.WhichOneof("type") == "delta" and message.delta.WhichOneof("type") == "new_element":
        element = message.delta.new_element
        if element.WhichOneof("type") == "exception":
            return f"{element.exception.type}: {element.exception.message}"[:300]
    return None


class Session:
    """One browser tab, reduced to its protocol: widget states out, ForwardMsgs in.

    Like a browser it keeps the cookies it is given (a balancer's affinity cookie, Streamlit's XSRF
    cookie) and sends them back, passes the XSRF token in the websocket's subprotocols, and keeps the
    address bar: the query string the page sets (``page_info_changed``) is the one it opens with again.
    """

    def __init__(self, base_url: str, query_string: str = "", timeout: float = 60.0):
        self.base_url = base_url
        self.query_string = query_string
        self.cookies: dict[str, str] = {}
        self.backends: list[str] = []  # the process behind a balancer that answered each request, in order
        self.shown_link = ""  # the page's "Link to this scene" box, as the last run showed it
        self.timeout = timeout
        self.widgets: dict[str, tuple[str, Any]] = {}  # widget id → (type, proto), as the last run sent them whole
        self.by_reference: dict[str, tuple[str, Any]] = {}  # … and as it showed them by reference to a held message
        self.widget_states: dict[str, WidgetState] = {}  # what this tab has set, sent with every rerun
        self.fragment_of: dict[str, str] = {}  # widget id → the fragment that drew it ("" for the page)
        self.events_sent = 0  # the views component's events (their ids)
        self.held: dict[str, bytes] = {}  # the cacheable messages this tab holds, by hash
        self.largest_message = 0  # bytes
        self.page_script_hash = ""
        self._socket = None

    @property
    def backend(self) -> str | None:
        return self.backends[-1] if self.backends else None

    async def open(self) -> RunResult:
        """Fetch the health check, open the stream, request and wait for the first run."""
        await self.connect()
        return await self.rerun()

    async def clear_cache(self) -> None:
        """Send what the menu's "Clear cache" sends, and wait until the server has handled it (a heartbeat
        sent after it is acknowledged: the server handles a session's messages in order)."""
        await self._socket.send(BackMsg(clear_cache=True).SerializeToString())
        await self._socket.send(BackMsg(app_heartbeat=True).SerializeToString())
        while True:
            message = ForwardMsg()
            message.ParseFromString(await asyncio.wait_for(self._socket.recv(), self.timeout))
            if message.WhichOneof("type") == "heartbeat_ack":
                return

    async def reconnect(self) -> RunResult:
        """After the connection broke: connect again and rerun with the widget states this tab holds, as the page does."""
        try:
            await self.close()
        except (OSError, websockets.WebSocketException):
            self._socket = None
        await self.connect()
        return await self.rerun()

    async def connect(self) -> None:
        """Fetch the health check and open the stream (with this tab's cookies), without running the page."""
        await asyncio.to_thread(self._health)
        host = self.base_url.split("://", 1)[1]
        xsrf = [self.cookies[XSRF_COOKIE]] if XSRF_COOKIE in self.cookies else []
        self._socket = await websockets.connect(
            f"ws://{host}/_stcore/stream", subprotocols=["streamlit", *xsrf], origin=self.base_url,
            additional_headers=self._cookie_header(), compression=None, max_size=None, open_timeout=self.timeout,
        )
        self._remember(self._socket.response.headers)

    def _health(self) -> None:
        request = urllib.request.Request(f"{self.base_url}/_stcore/health", headers=self._cookie_header())
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            self._remember(response.headers)
            if response.read().strip() != b"ok":
                raise SessionError("health", "the server is not healthy")

    def _cookie_header(self) -> dict[str, str]:
        return {"Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items())} if self.cookies else {}

    def _remember(self, headers) -> None:
        """Keep the cookies set and the process named by a response's headers."""
        for value in headers.get_all("Set-Cookie") or []:
            jar = http.cookies.SimpleCookie()
            jar.load(value)
            self.cookies.update({name: morsel.value for name, morsel in jar.items()})
        if headers.get(BACKEND_HEADER):
            self.backends.append(headers.get(BACKEND_HEADER))

    async def close(self) -> None:
        if self._socket is not None:
            await self._socket.close()
            self._socket = None

    def _rerun_request(self, fragment_id: str = "") -> bytes:
        message = BackMsg()
        state = message.rerun_script
        state.fragment_id = fragment_id
        state.query_string = self.query_string
        state.page_script_hash = self.page_script_hash
        state.widget_states.widgets.extend(self.widget_states.values())
        state.cached_message_hashes.extend(sorted(self.held))
        context = state.context_info
        context.timezone, context.timezone_offset, context.locale = "Asia/Seoul", -540, "ko-KR"
        context.url = f"{self.base_url}/?{self.query_string}" if self.query_string else f"{self.base_url}/"
        return message.SerializeToString()

    async def rerun(self, *changes: WidgetState) -> RunResult:
        """Set widget states (as a user moving them would), rerun, and wait for ``script_finished``."""
        for change in changes:
            self.widget_states[change.id] = change
        started = time.perf_counter()
        fragment_id = self.fragment_of_changes(changes)
        request = self._rerun_request(fragment_id)
        for change in changes:  # a trigger fires once
            if change.WhichOneof("value") in TRIGGER_VALUES:
                del self.widget_states[change.id]
        try:
            await self._socket.send(request)
            received, messages, referenced = await asyncio.wait_for(self._receive_run(fragment_id), self.timeout)
        except asyncio.TimeoutError:
            raise SessionError("timeout", f"no script_finished within {self.timeout:.0f} s") from None
        except websockets.ConnectionClosed as closed:
            raise SessionError("connection closed", str(closed)) from None
        return RunResult(started, time.perf_counter() - started, received, messages, referenced)

    def fragment_of_changes(self, changes) -> str:
        """The fragment a browser names in its rerun: the one that drew every changed widget (a trigger's id
        holds its widget's), or "" (the whole page)."""
        def owner(widget_id: str) -> str:
            return max((known for known in self.fragment_of if known in widget_id), key=len, default="")

        found = {self.fragment_of.get(owner(change.id), "") for change in changes}
        return found.pop() if len(found) == 1 else ""

    async def _receive_run(self, fragment_id: str = "") -> tuple[int, int, int]:
        received = messages = referenced = 0
        # A run sends every widget it shows again; a fragment's run, the fragment's widgets.
        self.widgets, self.by_reference = (
            ({k: v for k, v in shown.items() if fragment_id and self.fragment_of.get(k) != fragment_id}
             for shown in (self.widgets, self.by_reference)))
        while True:
            payload = await self._socket.recv()
            received += len(payload)
            self.largest_message = max(self.largest_message, len(payload))
            messages += 1
            message = ForwardMsg()
            message.ParseFromString(payload)
            kind = message.WhichOneof("type")
            if kind == "ref_hash":
                referenced += 1
                self._note_reference(message.ref_hash)
                continue
            if message.metadata.cacheable:
                self.held[message.hash] = payload
            if kind == "new_session":
                self.page_script_hash = message.new_session.page_script_hash
            if kind == "page_info_changed":
                self.query_string = message.page_info_changed.query_string
            self._note_link(message)
            error = exception_text(message)
            if error:
                raise SessionError("exception", error)
            for widget_id, element_type, proto in widgets_of(message):
                self.widgets[widget_id] = (element_type, proto)
                self.fragment_of[widget_id] = message.delta.fragment_id
                set_by_server = state_set_by_server(widget_id, element_type, proto)
                if set_by_server is not None:
                    self.widget_states[widget_id] = set_by_server
            if kind == "script_finished":
                if message.script_finished == FINISHED.FINISHED_WITH_COMPILE_ERROR:
                    raise SessionError("compile error")
                if message.script_finished != FINISHED.FINISHED_EARLY_FOR_RERUN:
                    return received, messages, referenced

    def _note_reference(self, ref_hash: str) -> None:
        """An element this tab holds, shown again: what it shows is the held message."""
        held = self.held.get(ref_hash)
        if held is None:
            raise SessionError("unknown reference", ref_hash)
        message = ForwardMsg()
        message.ParseFromString(held)
        for widget_id, element_type, proto in widgets_of(message):
            self.by_reference[widget_id] = (element_type, proto)
            self.fragment_of[widget_id] = message.delta.fragment_id

    def shown(self) -> dict[str, tuple[str, Any]]:
        """Every widget the last run showed: sent whole or by reference."""
        return {**self.by_reference, **self.widgets}

    def _note_link(self, message: ForwardMsg) -> None:
        if message.WhichOneof("type") == "delta" and message.delta.WhichOneof("type") == "new_element":
            element = message.delta.new_element
            if element.WhichOneof("type") == "code" and element.code.code_text.startswith("http"):
                self.shown_link = element.code.code_text

    async def open_expander(self, name: str) -> RunResult:
        """Open the expander whose id (which ends with its key) contains ``name``, as a click on it does."""
        for widget_id, (kind, _) in self.widgets.items():
            if kind == "expandable" and name in widget_id:
                return await self.rerun(WidgetState(id=widget_id, bool_value=True))
        raise SessionError("no expander", f"no expander matches {name!r}")

    def find_slider(self, name: str = "") -> str:
        """The id of the first slider whose id (which ends with its key) or label contains ``name``."""
        for widget_id, (element_type, proto) in self.widgets.items():
            if element_type == "slider" and (name in widget_id or name in proto.label):
                return widget_id
        sliders = [f"{p.label!r} ({i})" for i, (t, p) in self.widgets.items() if t == "slider"]
        raise SessionError("no slider", f"no slider matches {name!r}; the page has {', '.join(sliders) or 'none'}")

    def keyed(self, element_type: str) -> dict[str, tuple[str, Any]]:
        """The widgets of one type that the page gave a key: key → (widget id, proto)."""
        return {widget_key(widget_id): (widget_id, proto) for widget_id, (kind, proto) in self.shown().items()
                if kind == element_type and widget_key(widget_id)}

    def views(self) -> tuple[str, dict[str, Any]]:
        """The views component's widget id and its manifest (the JSON the page sent it)."""
        for widget_id, (kind, proto) in self.shown().items():
            if kind == "bidi_component" and proto.component_name == VIEWS_COMPONENT and widget_id.endswith("-views"):
                return widget_id, json.loads(proto.json)
        raise SessionError("no views", "the page showed no views component")

    def scene(self) -> tuple[str, str]:
        """What a move changes: the page's URL, and the payloads its views show."""
        try:
            _, manifest = self.views()
        except SessionError:
            return self.query_string, ""
        return self.query_string, json.dumps(manifest["payloads"], sort_keys=True)

    def number(self, widget_id: str, proto: NumberInput) -> float:
        """A number input's value as this tab shows it."""
        state = self.widget_states.get(widget_id)
        if state is not None:
            return state.int_value if state.WhichOneof("value") == "int_value" else state.double_value
        return proto.value if proto.set_value else proto.default


def moved_slider(widget_id: str, proto: Slider, current: WidgetState | None, rng: random.Random) -> WidgetState:
    """The state of the slider after a user drags it to a different random position."""
    state = WidgetState(id=widget_id)
    if proto.type == Slider.Type.SELECT_SLIDER:
        options = list(proto.options)
        now = current.string_array_value.data[0] if current else options[int(proto.default[0])]
        state.string_array_value.data.append(rng.choice([o for o in options if o != now] or options))
        return state
    positions = max(int(round((proto.max - proto.min) / proto.step)), 1)
    now = current.double_array_value.data[0] if current else (list(proto.value) or list(proto.default))[0]
    value = now
    while value == now:
        value = proto.min + rng.randint(0, positions) * proto.step
        value = float(round(value)) if proto.data_type == Slider.DataType.INT else round(value, 12)
    state.double_array_value.data.extend([value] * max(len(proto.default), 1))
    return state


# --- what a student touches (each move: the widget states it sends, or None if the page has no such control) ---

Move = Callable[[Session, random.Random], "list[WidgetState] | None"]
HPARAM_SLIDER = re.compile(r"run(\d+)\.hp\.(\w+)$")
RUN_SETTINGS = re.compile(r"run\d+\.settings$")
STEP_COUNTS = range(10, 301, 10)  # what students type into the number of steps


def move_landscape(session: Session, rng: random.Random) -> list[WidgetState] | None:
    """A landscape parameter's slider (κ, the angle, …) dragged to another position."""
    sliders = [ids for key, ids in session.keyed("slider").items() if key.startswith("lp.")]
    if not sliders:
        return None
    widget_id, proto = rng.choice(sliders)
    return [moved_slider(widget_id, proto, session.widget_states.get(widget_id), rng)]


def typed_number(session: Session, key: str, value: Callable[[NumberInput], float]) -> list[WidgetState] | None:
    """A number typed into the input with this key: ``value(proto)`` until it differs from the one shown."""
    found = session.keyed("number_input").get(key)
    if found is None:
        return None
    widget_id, proto = found
    now = session.number(widget_id, proto)
    typed = value(proto)
    while typed == now:
        typed = value(proto)
    state = WidgetState(id=widget_id)
    if proto.data_type == NumberInput.DataType.INT:
        state.int_value = int(typed)
    else:
        state.double_value = typed
    return [state]


def move_start(session: Session, rng: random.Random) -> list[WidgetState] | None:
    """A start coordinate typed (one decimal, within the landscape's bounds)."""
    key = rng.choice(("start_x", "start_y"))
    return typed_number(session, key, lambda proto: round(rng.uniform(proto.min, proto.max), 1))


def move_steps(session: Session, rng: random.Random) -> list[WidgetState] | None:
    """Another number of steps typed."""
    return typed_number(session, "steps", lambda proto: rng.choice(STEP_COUNTS))


def move_run_setting(session: Session, rng: random.Random) -> list[WidgetState] | None:
    """One run's hyperparameter slider moved: its learning rate half of the time, else another of its sliders."""
    by_run: dict[str, dict[str, tuple[str, Any]]] = {}
    for key, ids in session.keyed("slider").items():
        match = HPARAM_SLIDER.match(key)
        if match:
            by_run.setdefault(match.group(1), {})[match.group(2)] = ids
    if not by_run:
        return None
    sliders = by_run[rng.choice(sorted(by_run))]
    others = sorted(set(sliders) - {"lr"})
    name = "lr" if "lr" in sliders and (not others or rng.random() < 0.5) else rng.choice(others)
    widget_id, proto = sliders[name]
    return [moved_slider(widget_id, proto, session.widget_states.get(widget_id), rng)]


def reported(session: Session, name: str, value: Any) -> list[WidgetState]:
    """An event of the views component as static/lab_view.js sends it: a trigger with its value and an id."""
    widget_id, _ = session.views()
    session.events_sent += 1
    return [WidgetState(id=_make_trigger_id(widget_id, "events"),
                        json_trigger_value=json.dumps([{"event": name, "value": {"value": value, "id": session.events_sent}}]))]


def report_step(session: Session, rng: random.Random) -> list[WidgetState] | None:
    """The step the student moved the views to (the component reports it once the drawing has settled)."""
    _, manifest = session.views()
    steps = [k for k in range(manifest["steps"] + 1) if k != manifest["step"]]
    return reported(session, "step", rng.choice(steps)) if steps else None


def report_camera(session: Session, rng: random.Random) -> list[WidgetState] | None:
    """The 3D view turned with the mouse: a new eye around the surface's centre."""
    azimuth, elevation = rng.uniform(0, 2 * math.pi), math.radians(rng.uniform(10, 60))
    distance = rng.uniform(1.5, 2.5)
    eye = {"x": distance * math.cos(elevation) * math.cos(azimuth),
           "y": distance * math.cos(elevation) * math.sin(azimuth), "z": distance * math.sin(elevation)}
    camera = {"eye": {axis: round(v, 4) for axis, v in eye.items()}, "center": {"x": 0, "y": 0, "z": 0},
              "up": {"x": 0, "y": 0, "z": 1}}
    return reported(session, "camera", camera)


def click_contour(session: Session, rng: random.Random) -> list[WidgetState] | None:
    """A click on the contour: the views component's click trigger, at a point within the start's bounds."""
    inputs = session.keyed("number_input")
    if "start_x" not in inputs or "start_y" not in inputs:
        return None
    point = {axis: round(rng.uniform(proto.min, proto.max), 3)
             for axis, (_, proto) in (("x", inputs["start_x"]), ("y", inputs["start_y"]))}
    return reported(session, "click", point)


# (kind, move, weight): how often a student in a lecture exercise does each, roughly: scrubs the steps and tries
# learning rates most, clicks a new start, turns the 3D view, changes the landscape, types a start or a step count.
REALISTIC_MIX: tuple[tuple[str, Move, int], ...] = (
    ("step", report_step, 4),
    ("run", move_run_setting, 4),
    ("click", click_contour, 2),
    ("camera", report_camera, 2),
    ("landscape", move_landscape, 2),
    ("start", move_start, 1),
    ("steps", move_steps, 1),
)


class Deck:
    """Kinds of move drawn from a shuffled deck that holds each kind as often as its weight, refilled when
    empty: the proportions hold exactly, and every kind comes within one deck."""

    def __init__(self, mix, rng: random.Random):
        self.cards = [kind for kind, _, weight in mix for _ in range(weight)]
        self.rng = rng
        self.left: list[str] = []

    def draw(self) -> str:
        if not self.left:
            self.left = self.cards[:]
            self.rng.shuffle(self.left)
        return self.left.pop()


# --- the load ----------------------------------------------------------------------------------------

def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(int(round(q / 100 * (len(ordered) - 1))), len(ordered) - 1)]


def summary(seconds: list[float]) -> dict[str, float | int | None]:
    return {
        "count": len(seconds),
        "p50": percentile(seconds, 50),
        "p95": percentile(seconds, 95),
        "max": max(seconds) if seconds else None,
        "mean": statistics.fmean(seconds) if seconds else None,
    }


@dataclasses.dataclass
class Reconnect:
    """A session whose connection broke (its process died) and that came back through the balancer."""

    lost_at: float  # time.perf_counter() when the session saw the connection break
    restored_at: float  # … when its first run on the new connection finished
    backend_before: str | None
    backend_after: str | None
    same_scene: bool  # the page's scene link after equals the one before


@dataclasses.dataclass
class Tally:
    reruns: list[RunResult] = dataclasses.field(default_factory=list)
    first_runs: list[RunResult] = dataclasses.field(default_factory=list)
    errors: dict[str, int] = dataclasses.field(default_factory=dict)
    error_examples: list[str] = dataclasses.field(default_factory=list)
    error_backends: list[str | None] = dataclasses.field(default_factory=list)
    reconnects: list[Reconnect] = dataclasses.field(default_factory=list)
    sessions: list["Session"] = dataclasses.field(default_factory=list)

    def error(self, problem: Exception, backend: str | None = None) -> None:
        kind = problem.kind if isinstance(problem, SessionError) else type(problem).__name__
        self.errors[kind] = self.errors.get(kind, 0) + 1
        self.error_backends.append(backend)
        if len(self.error_examples) < 5:
            self.error_examples.append(str(problem)[:300])


BROKEN_CONNECTION = (OSError, websockets.WebSocketException)


def connection_broke(problem: Exception) -> bool:
    return isinstance(problem, BROKEN_CONNECTION) or (isinstance(problem, SessionError)
                                                      and problem.kind == "connection closed")


async def come_back(session: "Session", lost_at: float, args, tally: Tally) -> None:
    """Reconnect (retrying while the balancer still sends to the dead process) and record how long it took.

    The new process knows the scene from the URL, but not which expanders were open (an expander's
    id changes with its label, e.g. the learning rate in it): the student opens them again if the
    sliders they move are not shown.
    """
    backend_before, link_before = session.backend, session.shown_link
    deadline = lost_at + args.timeout
    while True:
        try:
            await session.reconnect()
            break
        except (SessionError, *BROKEN_CONNECTION) as problem:
            if time.perf_counter() >= deadline:
                raise SessionError("no reconnect", f"within {args.timeout:.0f} s: {problem}") from None
            await asyncio.sleep(0.25)
    tally.reconnects.append(Reconnect(lost_at, time.perf_counter(), backend_before, session.backend,
                                      session.shown_link == link_before))
    if not settings_shown(session, args):
        await open_settings(session, args)


def slider_mix(name: str) -> tuple[tuple[str, Move, int], ...]:
    """The default mix: one slider (``--widget``) moved, every time."""
    def move(session: Session, rng: random.Random) -> list[WidgetState]:
        slider = session.find_slider(name)
        return [moved_slider(slider, session.widgets[slider][1], session.widget_states.get(slider), rng)]

    return (("slider", move, 1),)


def mix_of(args) -> tuple[tuple[str, Move, int], ...]:
    return REALISTIC_MIX if args.mix == "realistic" else slider_mix(args.widget)


async def open_settings(session: Session, args) -> None:
    """The expanders a student opens first: every run's settings (realistic mix), else ``--open``."""
    if args.mix == "realistic":
        names = sorted(key for key in session.keyed("expandable") if RUN_SETTINGS.match(key))
    else:
        names = args.open
    for name in names:
        await session.open_expander(name)


def settings_shown(session: Session, args) -> bool:
    """Whether the sliders the mix moves are shown (in the run settings the student opened)."""
    if args.mix == "realistic":
        return any(HPARAM_SLIDER.match(key) for key in session.keyed("slider"))
    return any(kind == "slider" and args.widget in widget_id for widget_id, (kind, _) in session.widgets.items())


async def make_move(session: Session, mix, kind: str, rng: random.Random) -> RunResult:
    """One move of this kind and the rerun it causes, noting whether the scene changed."""
    states = dict((k, move) for k, move, _ in mix)[kind](session, rng)
    if states is None:
        raise SessionError("no control", f"the page shows no control for a {kind!r} move")
    before = session.scene()
    result = await session.rerun(*states)
    return dataclasses.replace(result, kind=kind, changed=session.scene() != before)


async def user(index: int, server_url: str, args, start_gate: asyncio.Event, deadline: list[float],
               tally: Tally) -> None:
    """One student: open the page with the class, then change a control every ~interval s until the deadline."""
    rng = random.Random(args.seed * 1000 + index)
    mix = mix_of(args)
    deck = Deck(mix, rng)
    await start_gate.wait()
    session = Session(server_url, args.query, args.timeout)
    tally.sessions.append(session)
    try:
        tally.first_runs.append(await session.open())
        await open_settings(session, args)
        next_at = time.perf_counter() + rng.uniform(0, args.interval)
        while True:
            await asyncio.sleep(max(0.0, next_at - time.perf_counter()))
            if time.perf_counter() >= deadline[0]:
                return
            try:
                tally.reruns.append(await make_move(session, mix, deck.draw(), rng))
            except (SessionError, *BROKEN_CONNECTION) as problem:
                if not (args.reconnect and connection_broke(problem)):
                    raise
                # The page would reconnect at once and rerun with the widget states it holds (this move included).
                await come_back(session, time.perf_counter(), args, tally)
            next_at = max(next_at + args.interval * rng.uniform(1 - args.jitter, 1 + args.jitter), time.perf_counter())
    except (SessionError, *BROKEN_CONNECTION) as problem:
        tally.error(problem, session.backend)
    finally:
        try:
            await session.close()
        except BROKEN_CONNECTION:
            pass


async def sample_rss(server: Server, samples: list[tuple[float, int]], stop: asyncio.Event, origin: float) -> None:
    while not stop.is_set():
        samples.append((time.perf_counter() - origin, server.rss()))
        try:
            await asyncio.wait_for(stop.wait(), RSS_SAMPLE_SECONDS)
        except asyncio.TimeoutError:
            pass


def rss_growth(samples: list[tuple[float, int]], duration: float) -> dict[str, Any]:
    """RSS at the start, middle and end of the load (medians of the samples within 5% of each instant)."""
    def around(instant: float) -> int:
        near = [rss for t, rss in samples if abs(t - instant) <= 0.05 * duration] or [
            min(samples, key=lambda s: abs(s[0] - instant))[1]]
        return int(statistics.median(near))

    start, middle, end = around(0.0), around(duration / 2), around(duration)
    return {
        "start_mb": start / 2**20, "middle_mb": middle / 2**20, "end_mb": end / 2**20,
        "peak_mb": max(rss for _, rss in samples) / 2**20,
        "growth_first_half": (middle - start) / start,
        "growth_second_half": (end - middle) / middle,
    }


async def warm_up(server_url: str, args, rounds: int = 3) -> list[float]:
    """The teacher opens the page first and makes each kind of move ``rounds`` times: compiles what every later
    session reuses."""
    rng = random.Random(args.seed)
    mix = mix_of(args)
    session = Session(server_url, args.query, max(args.timeout, 120.0))
    try:
        times = [(await session.open()).seconds]
        await open_settings(session, args)
        for _ in range(rounds):
            for kind, _, _ in mix:
                times.append((await make_move(session, mix, kind, rng)).seconds)
        return times
    finally:
        await session.close()


async def until_idle(server, limit: float = 180.0) -> float:
    """Seconds until the server's processes use under IDLE_CPU_SHARE of a core for a second. A server works in
    the background after its start (every lesson measured once per process: ~23 s of CPU here); the class
    arrives after the teacher's page, not during the server's start."""
    started = time.perf_counter()
    before = server.cpu_seconds()
    while time.perf_counter() - started < limit:
        await asyncio.sleep(1.0)
        now = server.cpu_seconds()
        if now - before < IDLE_CPU_SHARE:
            break
        before = now
    return time.perf_counter() - started


async def cost_per_kind(server: Server, args) -> dict[str, float]:
    """The server's CPU per rerun for each kind of move, one session alone making ``args.cost`` moves of a kind in a
    row (ms): what each kind costs the capacity, beside the latencies under load."""
    rng = random.Random(args.seed + 1)
    mix = mix_of(args)
    session = Session(server.url, args.query, max(args.timeout, 120.0))
    costs = {}
    try:
        await session.open()
        await open_settings(session, args)
        for kind, _, _ in mix:
            before = server.cpu_seconds()
            for _ in range(args.cost):
                await make_move(session, mix, kind, rng)
            costs[kind] = 1000 * (server.cpu_seconds() - before) / args.cost
    finally:
        await session.close()
    return costs


async def load(server: Server, args) -> dict[str, Any]:
    warmup = await warm_up(server.url, args)
    settled = await until_idle(server)
    costs = await cost_per_kind(server, args) if args.cost else {}
    tally = Tally()
    gate, stop_sampling = asyncio.Event(), asyncio.Event()
    origin = time.perf_counter()
    deadline = [float("inf")]
    samples: list[tuple[float, int]] = []
    sampler = asyncio.create_task(sample_rss(server, samples, stop_sampling, origin))
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    server_cpu_before = server.cpu_seconds()
    users = [asyncio.create_task(user(i, server.url, args, gate, deadline, tally)) for i in range(args.sessions)]
    gate.set()
    while len(tally.first_runs) + sum(tally.errors.values()) < args.sessions:
        await asyncio.sleep(0.05)
    connected = time.perf_counter()
    server_cpu_connected = server.cpu_seconds()
    deadline[0] = connected + args.seconds
    await asyncio.gather(*users)
    finished = time.perf_counter()
    server_cpu_after = server.cpu_seconds()
    stop_sampling.set()
    await sampler
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    load_samples = [(t - (connected - origin), rss) for t, rss in samples if t >= connected - origin]
    latencies = [r.seconds for r in tally.reruns]
    reruns = len(tally.reruns)
    return {
        "sessions": args.sessions,
        "seconds": args.seconds,
        "interval": args.interval,
        "jitter": args.jitter,
        "mix": args.mix,
        "cost_moves": args.cost,
        "weights": {kind: weight for kind, _, weight in mix_of(args)},
        "server_options": server.options,
        "warmup_seconds": warmup,
        "settled_seconds": settled,
        "connect": summary([r.seconds for r in tally.first_runs]),
        "connect_wall_seconds": connected - origin,
        "rerun": summary(latencies),
        "rerun_second_half": summary([r.seconds for r in tally.reruns if r.started >= connected + args.seconds / 2]),
        "reruns_per_second": reruns / (finished - connected),
        "offered_reruns_per_second": args.sessions / args.interval,
        "errors": sum(tally.errors.values()),
        "errors_by_kind": tally.errors,
        "error_examples": tally.error_examples,
        "received_bytes_per_rerun": statistics.fmean(r.received_bytes for r in tally.reruns) if reruns else None,
        "messages_per_rerun": statistics.fmean(r.messages for r in tally.reruns) if reruns else None,
        "referenced_per_rerun": statistics.fmean(r.referenced for r in tally.reruns) if reruns else None,
        "first_run_bytes": statistics.fmean(r.received_bytes for r in tally.first_runs) if tally.first_runs else None,
        "rss": rss_growth(load_samples, finished - connected) if load_samples else None,
        "rss_samples": [(round(t, 2), round(rss / 2**20, 1)) for t, rss in load_samples],
        "client_cpu_seconds": (cpu_after.ru_utime + cpu_after.ru_stime) - (cpu_before.ru_utime + cpu_before.ru_stime),
        "server_cpu_seconds_connect": server_cpu_connected - server_cpu_before,
        "server_cpu_share": (server_cpu_after - server_cpu_connected) / (finished - connected),
        "by_kind": by_kind(tally.reruns),
        "server_cpu_ms_per_rerun": costs,
    }


def by_kind(reruns: list[RunResult]) -> dict[str, dict[str, Any]]:
    """Latency, bytes and messages per rerun, and how many changed the scene, for each kind of move."""
    kinds: dict[str, list[RunResult]] = {}
    for result in reruns:
        kinds.setdefault(result.kind, []).append(result)
    return {kind: {
        **summary([r.seconds for r in results]),
        "changed": sum(r.changed for r in results),
        "received_bytes_per_rerun": statistics.fmean(r.received_bytes for r in results),
        "messages_per_rerun": statistics.fmean(r.messages for r in results),
        "referenced_per_rerun": statistics.fmean(r.referenced for r in results),
    } for kind, results in sorted(kinds.items())}


def describe(result: dict[str, Any]) -> str:
    rerun, connect, rss = result["rerun"], result["connect"], result["rss"]
    ms = lambda s: "–" if s is None else f"{1000 * s:.0f} ms"
    moves = "a slider move" if result["mix"] == "slider" else "a move of the realistic mix"
    lines = [
        f"{result['sessions']} sessions × {result['seconds']:.0f} s, {moves} every {result['interval']:g} s"
        f" ± {100 * result['jitter']:.0f}%" + (f", server options {result['server_options']}" if result["server_options"] else ""),
        f"  warm-up (first session): first run {ms(result['warmup_seconds'][0])}, then "
        + ", ".join(ms(s) for s in result["warmup_seconds"][1:]),
        f"  the server idle {result['settled_seconds']:.0f} s after the warm-up (its start-up work done), then the class:\n"
        f"  connect storm: first run p50 {ms(connect['p50'])}, p95 {ms(connect['p95'])}, max {ms(connect['max'])}",
        f"  reruns: {rerun['count']} ({result['reruns_per_second']:.1f}/s of {result['offered_reruns_per_second']:.1f}/s offered);"
        f" latency p50 {ms(rerun['p50'])}, p95 {ms(rerun['p95'])}, max {ms(rerun['max'])}",
        f"  second half only: p50 {ms(result['rerun_second_half']['p50'])}, p95 {ms(result['rerun_second_half']['p95'])}",
        f"  errors: {result['errors']} {result['errors_by_kind'] or ''}",
    ]
    if result["received_bytes_per_rerun"] is not None:
        lines.append(f"  received per rerun: {result['received_bytes_per_rerun'] / 1024:.1f} KiB in "
                     f"{result['messages_per_rerun']:.1f} messages ({result['referenced_per_rerun']:.1f} as references);"
                     f" first run {result['first_run_bytes'] / 1024:.1f} KiB")
    if rss:
        lines.append(f"  server RSS: {rss['start_mb']:.0f} → {rss['middle_mb']:.0f} → {rss['end_mb']:.0f} MiB "
                     f"(peak {rss['peak_mb']:.0f}); growth first half {100 * rss['growth_first_half']:+.1f}%,"
                     f" second half {100 * rss['growth_second_half']:+.1f}%")
    lines.append(f"  server CPU: {100 * result['server_cpu_share']:.0f}% of one core during the load;"
                 f" load client CPU: {result['client_cpu_seconds']:.1f} s")
    lines.append(f"  load average at the end: {', '.join(f'{v:.1f}' for v in result['load_average'])}"
                 f" (at the start: {', '.join(f'{v:.1f}' for v in result['load_average_before'])})")
    if result["mix"] != "slider":
        lines.append(kinds_table(result))
    if result["server_cpu_ms_per_rerun"]:
        lines.append(costs_line(result))
    return "\n".join(lines)


def kinds_table(result: dict[str, Any]) -> str:
    ms = lambda s: "–" if s is None else f"{1000 * s:.0f} ms"  # noqa: E731
    rows = [f"  {'kind':<10} {'weight':>6} {'reruns':>6} {'changed':>7} {'p50':>8} {'p95':>8} {'max':>8}"
            f" {'KiB/rerun':>9} {'messages':>8} {'refs':>5}"]
    for kind, row in result["by_kind"].items():
        rows.append(f"  {kind:<10} {result['weights'].get(kind, 0):>6} {row['count']:>6} {row['changed']:>7}"
                    f" {ms(row['p50']):>8} {ms(row['p95']):>8} {ms(row['max']):>8}"
                    f" {row['received_bytes_per_rerun'] / 1024:>9.1f} {row['messages_per_rerun']:>8.1f}"
                    f" {row['referenced_per_rerun']:>5.1f}")
    return "\n".join(rows)


def costs_line(result: dict[str, Any]) -> str:
    """The server's CPU per rerun of each kind of move (``--cost``), and weighted by the mix."""
    costs, weights = result["server_cpu_ms_per_rerun"], result["weights"]
    mean = sum(costs[kind] * weight for kind, weight in weights.items()) / sum(weights.values())
    return (f"  server CPU per rerun, one session making {result['cost_moves']} moves of a kind in a row: "
            + ", ".join(f"{kind} {ms:.1f} ms" for kind, ms in costs.items())
            + f"; weighted by the mix {mean:.1f} ms = {1000 / mean:.1f} reruns/s per core")


def parse_options(pairs: list[str]) -> dict[str, str]:
    options = {}
    for pair in pairs:
        name, separator, value = pair.partition("=")
        if not separator:
            raise SystemExit(f"--server-option takes NAME=VALUE, got {pair!r}")
        options[name.strip()] = value.strip()
    return options


def arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=60.0, help="length of the load after all sessions opened")
    parser.add_argument("--interval", type=float, default=2.0, help="seconds between a session's moves")
    parser.add_argument("--jitter", type=float, default=None,
                        help="each pause is the interval × (1 ± jitter), at random (default 0.2; 0.5 for the realistic mix)")
    parser.add_argument("--mix", choices=("slider", "realistic"), default="slider",
                        help="slider: move --widget every time; realistic: every kind of control a student touches")
    parser.add_argument("--reconnect", action="store_true",
                        help="a session whose connection breaks reconnects (as the page does) instead of counting an error")
    parser.add_argument("--widget", default="run0.hp.lr", help="the slider to move: part of its key or label")
    parser.add_argument("--open", action="append", default=None, metavar="KEY",
                        help="an expander to open first (default: run0.settings, which holds the first run's sliders)")
    parser.add_argument("--query", default="", help="query string every session opens the page with")
    parser.add_argument("--app", type=Path, default=REPO / "app.py",
                        help="the page; the server runs in its directory (e.g. a `git archive` snapshot)")
    parser.add_argument("--server-option", action="append", default=[], metavar="NAME=VALUE",
                        help="a Streamlit config option for this run, e.g. runner.postScriptGC=false")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds a run may take before it counts as an error")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--cost", type=int, default=0, metavar="N",
                        help="before the class: the server's CPU per rerun of each kind of move, N moves of a kind in "
                             "a row by one session")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)
    args.open = ["run0.settings"] if args.open is None else args.open
    if args.jitter is None:
        args.jitter = 0.5 if args.mix == "realistic" else 0.2
    if not 0 <= args.jitter < 1:
        parser.error("--jitter must be at least 0 and below 1")
    return args


def run_load_test(args: argparse.Namespace) -> dict[str, Any]:
    load_before = machine.load_average()
    with Server(args.app, parse_options(args.server_option)) as server:
        result = asyncio.run(load(server, args))
        result["server_log_tail"] = server.log_tail(1500) if result["errors"] else ""
    result["load_average_before"], result["load_average"] = load_before, machine.load_average()
    result["machine"] = machine.describe()
    result["command"] = "python -m benchmarks.loadtest " + " ".join(sys.argv[1:])
    return result


def main(argv: list[str] | None = None) -> None:
    args = arguments(argv)
    result = run_load_test(args)
    print(describe(result))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=1, ensure_ascii=False), encoding="utf-8")
    print(f"  written to {args.output}")


if __name__ == "__main__":
    main()
