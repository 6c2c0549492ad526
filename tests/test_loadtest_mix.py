"""The load test's realistic mix (benchmarks/loadtest.py) does what a student does: every kind of move reaches the
page as the browser would send it and changes what it should, and a short class load of the mix runs without
errors, every kind of move happening and changing the scene."""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import json
import random
import time
from urllib.parse import parse_qs

import pytest

from benchmarks.loadtest import (
    REALISTIC_MIX, Deck, Server, Session, arguments, click_contour, costs_line, load, make_move, move_start,
    open_settings, until_idle,
    widget_key,
)

KINDS = [kind for kind, _, _ in REALISTIC_MIX]


@pytest.fixture(scope="module")
def server():
    with Server(startup_timeout=300.0) as running:
        yield running


def run_in_own_loop(coroutine):
    """``asyncio.run`` in a thread of its own: the browser tests' Playwright keeps a loop in this thread."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def query(session: Session) -> dict[str, list[str]]:
    return parse_qs(session.query_string)


async def opened(url: str) -> Session:
    session = Session(url, timeout=300.0)
    await session.open()
    await open_settings(session, arguments(["--mix", "realistic"]))
    return session


def test_a_deck_holds_each_kind_as_often_as_its_weight():
    deck = Deck(REALISTIC_MIX, random.Random(3))
    weights = {kind: weight for kind, _, weight in REALISTIC_MIX}
    for _ in range(3):
        drawn = collections.Counter(deck.draw() for _ in range(sum(weights.values())))
        assert drawn == weights


def test_each_kind_of_move_changes_what_it_should(server):
    async def scenario():
        session = await opened(server.url)
        rng = random.Random(5)
        changes = {}
        try:
            for kind, move, _ in REALISTIC_MIX:
                before = query(session)
                states = move(session, rng)
                await session.rerun(*states)
                after = query(session)
                changes[kind] = (states, before, after)
        finally:
            await session.close()
        return changes

    changes = run_in_own_loop(scenario())
    assert set(changes) == set(KINDS)

    def changed_keys(kind):
        _, before, after = changes[kind]
        return {key for key in before.keys() | after.keys() if before.get(key) != after.get(key)}

    def reported(kind):  # the event's value, as lab_view.js sends it ({value, id})
        (event,) = json.loads(changes[kind][0][0].json_trigger_value)
        assert event["event"] == kind
        return event["value"]["value"]

    assert changes["step"][2]["step"] == [str(reported("step"))]
    assert changed_keys("step") == {"step"}
    eye = [float(v) for v in changes["camera"][2]["v_camera"][0].split(",")[:3]]
    assert eye == pytest.approx([reported("camera")["eye"][a] for a in "xyz"], abs=1e-3)
    assert changed_keys("camera") == {"v_camera"}
    click = reported("click")
    assert [float(changes["click"][2][axis][0]) for axis in "xy"] == pytest.approx([click["x"], click["y"]], abs=1e-3)
    assert changed_keys("run") == {"run"}
    (landscape,) = changes["landscape"][0]
    assert changed_keys("landscape") == {"p_" + widget_key(landscape.id).removeprefix("lp.")}
    (start,) = changes["start"][0]
    axis = widget_key(start.id).removeprefix("start_")
    assert float(changes["start"][2][axis][0]) == pytest.approx(start.double_value)
    (steps,) = changes["steps"][0]
    assert changes["steps"][2]["steps"] == [str(steps.int_value)]


def test_the_tab_sends_back_what_the_server_set_and_a_click_once(server):
    """A typed start, then a click elsewhere (the page sets the start inputs): the next rerun keeps the click's
    start, as in a browser, and does not click again."""
    async def scenario():
        session = await opened(server.url)
        rng = random.Random(8)
        try:
            await session.rerun(*move_start(session, rng))
            click = click_contour(session, rng)
            await session.rerun(*click)
            clicked = query(session)
            await session.rerun()
            return click, clicked, query(session), session
        finally:
            await session.close()

    click, clicked, after, session = run_in_own_loop(scenario())
    point = json.loads(click[0].json_trigger_value)[0]["value"]["value"]
    assert [float(clicked[axis][0]) for axis in "xy"] == pytest.approx([point["x"], point["y"]], abs=1e-3)
    assert after == clicked
    assert click[0].id not in session.widget_states


def test_the_views_events_rerun_their_fragment_alone_as_the_browser_sends_them(server):
    """The step and the camera come from the views component inside the trajectories fragment: the browser names
    that fragment in its rerun, and so does the load client; the sidebar's widgets stay known after it."""
    async def scenario():
        session = await opened(server.url)
        try:
            rng = random.Random(7)
            views_id, _ = session.views()
            run = await make_move(session, REALISTIC_MIX, "run", rng)
            steps = [await make_move(session, REALISTIC_MIX, kind, rng) for kind in ("step", "camera")]
            return session.fragment_of[views_id], run, steps, session.keyed("slider")
        finally:
            await session.close()

    fragment, run, steps, sliders = run_in_own_loop(scenario())
    assert fragment  # the views are drawn in a fragment
    for step in steps:
        assert step.changed and step.messages < run.messages / 2, (step, run)
    assert any(key.startswith("run0.") for key in sliders)  # the sidebar's sliders, from before the fragment's run


def test_a_short_class_load_of_the_realistic_mix(server, tmp_path):
    args = arguments(["--mix", "realistic", "--sessions", "2", "--seconds", "15", "--interval", "0.3", "--cost", "2",
                      "--output", str(tmp_path / "load.json")])
    result = run_in_own_loop(load(server, args))
    assert set(result["server_cpu_ms_per_rerun"]) == set(KINDS)  # each kind's cost, measured on the server alone
    assert all(ms > 0 for ms in result["server_cpu_ms_per_rerun"].values()), result["server_cpu_ms_per_rerun"]
    assert all(f"{kind} " in costs_line(result) for kind in KINDS)
    assert result["errors"] == 0, result["error_examples"]
    assert set(result["by_kind"]) == set(KINDS)
    for kind, row in result["by_kind"].items():
        assert row["count"] >= 1 and row["changed"] == row["count"], (kind, row)
    assert result["rerun"]["count"] == sum(row["count"] for row in result["by_kind"].values())


def test_the_class_arrives_once_the_server_is_at_rest():
    class StartingServer:  # a core's worth of start-up work for 3 s, then at rest
        started = time.perf_counter()

        def cpu_seconds(self) -> float:
            return min(time.perf_counter() - self.started, 3.0)

    assert 3.0 <= run_in_own_loop(until_idle(StartingServer())) < 6.0
