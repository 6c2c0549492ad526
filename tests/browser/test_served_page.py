"""The page in a real Chromium through ``python -m lablab.serve`` (2 processes behind HAProxy): it loads and draws
through the balancer, and when its process is killed it reconnects to the other one and keeps its scene."""

from __future__ import annotations

import os
import signal
import time

import pytest

from benchmarks.scaleout import ServedClass
from lablab.serve import balancer
from tests.browser.conftest import REDRAW_MS, wait_until_idle
from tests.browser.test_page import CONTOUR, SLIDER, query, wait_drawn

pytestmark = pytest.mark.browser

RECONNECT_BOUND = 30.0  # seconds
EXCEPTION = '[data-testid="stException"]'
PATH_LENGTHS = f"() => {CONTOUR}._fullData.filter(t => t.meta && t.meta.role === 'path').map(t => t._length)"
STATUS = "() => { const w = document.querySelector('[data-testid=\"stStatusWidget\"]'); return w ? w.innerText : '' }"


def affinity(context) -> str | None:
    return {c["name"]: c["value"] for c in context.cookies()}.get(balancer.AFFINITY_COOKIE)


def test_the_page_loads_through_the_balancer_and_survives_the_death_of_its_process(browser, tmp_path):
    with ServedClass(2, env={"LOSS_LAB_JAX_CACHE": str(tmp_path / "cache")}, run_dir=tmp_path / "run") as served:
        context = browser.new_context(viewport={"width": 1600, "height": 1000})
        try:
            page = context.new_page()
            page.set_default_timeout(REDRAW_MS)
            streams = []
            page.on("websocket", lambda socket: streams.append(socket.url) if "_stcore/stream" in socket.url else None)
            page.goto(served.url)
            wait_until_idle(page)
            wait_drawn(page, 100)
            assert page.evaluate(PATH_LENGTHS) == [101, 101, 101]
            first = affinity(context)
            assert first in {"app1", "app2"}
            scene = query(page)

            opened_before, killed_pid = len(streams), served.pids()[first]
            os.kill(killed_pid, signal.SIGKILL)
            deadline = time.monotonic() + RECONNECT_BOUND
            while len(streams) == opened_before or "CONNECTING" in page.evaluate(STATUS).upper():
                assert time.monotonic() < deadline, f"not reconnected within {RECONNECT_BOUND:.0f} s"
                page.wait_for_timeout(500)  # (Playwright delivers the websocket events while it waits)
            # The other process, or the killed one's successor if the supervisor started it before the page came back
            # (the balancer's cookie then sends the tab there).
            now = affinity(context)
            assert now in {"app1", "app2"} and (now != first or served.pids()[first] != killed_pid)
            wait_until_idle(page)
            assert query(page) == scene and page.evaluate(PATH_LENGTHS) == [101, 101, 101]

            # Stepping is the browser's own; the step reached goes to the new process.
            page.locator(SLIDER).focus()
            page.keyboard.press("Home")
            wait_drawn(page, 0)
            page.wait_for_function("() => new URLSearchParams(location.search).get('step') === '0'", timeout=REDRAW_MS)
            assert page.locator(EXCEPTION).count() == 0
            assert {k: v for k, v in query(page).items() if k != "step"} == {k: v for k, v in scene.items() if k != "step"}
        finally:
            context.close()
