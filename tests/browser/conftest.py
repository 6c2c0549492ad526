"""A real server and a real browser: ``streamlit run app.py`` on a free localhost port, Debian's Chromium via Playwright."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, sync_playwright

from export.fonts import with_app_fonts

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]
SERVER_START_SECONDS = 120
REDRAW_MS = 120_000  # software WebGL redraws 3D in 1–3 s; a first load also compiles the engine


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_health(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"streamlit did not answer within {SERVER_START_SECONDS} s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> str:
    """The app as a new user starts it, on a free port; stopped after the session."""
    port = free_port()
    log = tmp_path_factory.mktemp("streamlit") / "server.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
            cwd=REPO, stdout=out, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(url, process, log)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        # The app's Korean font, as for exports: the page's Korean is readable with no Korean font installed.
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                              env=with_app_fonts(os.environ))
        yield chromium
        chromium.close()


def opened(browser, url: str, *, before_load=None) -> tuple[BrowserContext, Page]:
    """A new 1600×1000 context and its page at ``url``, the script's run over (``before_load(page)`` first)."""
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(REDRAW_MS)
    if before_load is not None:
        before_load(page)
    page.goto(url)
    wait_until_idle(page)
    return context, page


@pytest.fixture(scope="module")
def page(browser, server) -> Page:
    """One page for a module's tests (a load costs seconds of software rendering)."""
    context, page = opened(browser, server)
    yield page
    context.close()


def wait_until_idle(page: Page) -> None:
    """Until the script has finished and every element is fresh: no running-man widget, nothing stale."""
    page.wait_for_selector(".js-plotly-plot", timeout=REDRAW_MS)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " && !document.querySelector('[data-stale=\"true\"]')",
        timeout=REDRAW_MS,
    )
