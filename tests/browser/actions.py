"""What a user does in the page, for the browser tests: act and wait for the reruns it causes, choose in a select
box, read the scene from the address bar."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlparse

from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from scene import Scene, from_query
from tests.browser.conftest import REDRAW_MS

SIDEBAR = "[data-testid=stSidebar]"


class Messages:
    """Counts the Streamlit messages of one type on the page's websocket (``count``); a subclass names them: the
    frames it listens to (received or sent), their protobuf class and the message type."""

    frames: str
    protobuf: type
    kind: str

    def __init__(self, page: Page):
        self.count = 0
        page.on("websocket", lambda ws: ws.on(self.frames, self._frame))

    def _frame(self, payload) -> None:
        if isinstance(payload, (bytes, bytearray)):
            message = self.protobuf()
            message.ParseFromString(bytes(payload))
            if message.WhichOneof("type") == self.kind:
                self.count += 1


class Runs(Messages):
    """Counts the script runs the server finished (ForwardMsg script_finished)."""

    frames, protobuf, kind = "framereceived", ForwardMsg, "script_finished"

    @property
    def finished(self) -> int:
        return self.count


class Reruns(Messages):
    """Counts the reruns the browser asks for (BackMsg rerun_script)."""

    frames, protobuf, kind = "framesent", BackMsg, "rerun_script"


def settled(page: Page) -> None:
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
                           " && !document.querySelector('[data-stale=\"true\"]')", timeout=REDRAW_MS)


def act(page: Page, runs: Runs, action) -> None:
    """Do ``action`` and wait for the rerun it causes (and any the views ask for after it) to finish."""
    before = runs.finished
    action()
    wait_for_reruns(page, runs, before)


def wait_for_reruns(page: Page, runs: Runs, before: int) -> None:
    deadline = time.monotonic() + REDRAW_MS / 1000
    while runs.finished == before:
        assert time.monotonic() < deadline, "no rerun finished"
        page.wait_for_timeout(100)
    while True:  # until no further run finishes for a while (the views report their step after a redraw)
        seen = runs.finished
        page.wait_for_timeout(800)
        settled(page)
        if runs.finished == seen:
            break
    assert page.locator("[data-testid=stException]").count() == 0, page.locator("[data-testid=stException]").first.inner_text()


def scene_of(page: Page) -> Scene:
    scene, notices = from_query(parse_qs(urlparse(page.url).query))
    assert notices == []
    return scene


def widget(page: Page, key: str):
    return page.locator(f"{SIDEBAR} .st-key-{key.replace('.', '-')}")


def pick(page: Page, runs: Runs, key: str, label: str) -> None:
    """Choose the option labelled ``label`` in the sidebar's select box ``key``, as a user does: open its list, click
    the option (again when a rerun the views asked for closed the list first), and wait for the reruns."""
    # (.last: while a rerun replaces the sidebar, the old box can still be in the page for a moment)
    field = widget(page, key).locator("input[role=combobox]:visible").last
    before = runs.finished
    for _ in range(5):
        widget(page, key).locator("[role=group]:visible button").last.click()  # the select's opener
        try:
            page.get_by_role("listbox").get_by_role("option", name=label, exact=True).click(timeout=5000)
            page.wait_for_function("([e, label]) => e.value === label", arg=[field.element_handle(), label], timeout=5000)
            break
        except PlaywrightTimeout:
            continue
    assert field.input_value() == label
    wait_for_reruns(page, runs, before)
