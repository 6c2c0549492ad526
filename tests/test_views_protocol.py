"""What travels when, between a real server and a client speaking Streamlit's protocol: the surface's part of
the views once per landscape, a run's part once per change of that run, and almost nothing for a step or a
camera reported by the browser (ui/view_component.py, figures/browser.py)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import json

import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetState

from benchmarks.loadtest import Server, Session

QUERY = "ls=bowl&x=-2.5&y=2&steps=100&lang=en&run=gd,lr=0.1&run=momentum,lr=0.02,beta=0.9&run=adam,lr=0.3"


def views_id(session: Session) -> str:
    (found,) = [widget_id for widget_id, (kind, proto) in session.widgets.items()
                if kind == "bidi_component" and proto.component_name == "loss_lab.views"]
    return found


def payload_sizes(session: Session) -> dict[str, int]:
    """The payloads the last run sent whole (not as references to what the client holds), by id, with their size."""
    sizes = {}
    for _, (kind, proto) in session.widgets.items():
        if kind == "bidi_component" and proto.component_name == "loss_lab.payload":
            sizes[json.loads(proto.bytes)["id"]] = len(proto.bytes)
    return sizes


def event(component_id: str, name: str, value) -> WidgetState:
    """A trigger value the views component sends (``setTriggerValue``)."""
    from streamlit.components.v2.bidi_component.main import _make_trigger_id

    event.sent = getattr(event, "sent", 0) + 1
    return WidgetState(id=_make_trigger_id(component_id, "events"),
                       json_trigger_value=json.dumps([{"event": name, "value": {"value": value, "id": event.sent}}]))


@pytest.fixture(scope="module")
def server():
    with Server() as running:
        yield running.url


async def _scenario(url: str) -> dict:
    session = Session(url, QUERY, timeout=180)
    try:
        first = await session.open()
        sizes = payload_sizes(session)
        await session.open_expander("run0.settings")
        lr = next(widget_id for widget_id in session.widgets if widget_id.endswith("run0.hp.lr"))
        moved = WidgetState(id=lr)
        moved.string_array_value.data.append("0.05")
        new_lr = await session.rerun(moved)
        after_lr = payload_sizes(session)
        views = views_id(session)
        step = await session.rerun(event(views, "step", 10))
        after_step = payload_sizes(session)
        camera = {"eye": {"x": 1.5, "y": -1.5, "z": 1.0}, "center": {"x": 0, "y": 0, "z": 0}, "up": {"x": 0, "y": 0, "z": 1}}
        turned = await session.rerun(event(views, "camera", camera))
        return dict(first=first, new_lr=new_lr, step=step, turned=turned, sizes=sizes, after_lr=after_lr,
                    after_step=after_step, after_turn=payload_sizes(session))
    finally:
        await session.close()


def run_in_own_loop(coroutine):
    """``asyncio.run`` in a thread of its own: the browser tests' Playwright keeps a loop in this thread."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def test_a_run_change_sends_that_run_and_a_step_or_camera_sends_no_payload(server):
    result = run_in_own_loop(_scenario(server))
    sizes, after = result["sizes"], result["after_lr"]
    assert sorted(pid.split("-")[0] for pid in sizes) == ["layout", "run", "run", "run", "surface"]
    surface = next(size for pid, size in sizes.items() if pid.startswith("surface-"))
    assert len(after) == 1 and next(iter(after)).startswith("run-") and not set(after) & set(sizes)  # only run 1, new
    # What the browser holds already comes as references: the surface, the layouts and the two other runs.
    assert result["new_lr"].referenced >= 4
    assert result["new_lr"].received_bytes < surface
    for report, sent in (("step", "after_step"), ("turned", "after_turn")):
        assert result[sent] == {}, report  # no payload at all
        assert result[report].referenced >= 5  # every payload, by reference
        assert result[report].received_bytes < 0.2 * surface, report
