"""The Export tab in a real Chromium: the readable query it shows opens the same scene when put in the address bar,
and one click on the download button downloads the file (a PNG, the notes bundle)."""

from __future__ import annotations

import io
import zipfile
from urllib.parse import parse_qs

import pytest
from hypothesis import HealthCheck, given, settings
from PIL import Image
from playwright.sync_api import Page

from export.toolbar import file_stem
from i18n import t
from scene import DEFAULT_SCENE, Run, from_query, readable_query_string
from tests.browser.actions import Runs, act, scene_of
from tests.browser.conftest import REDRAW_MS, wait_until_idle
from tests.test_link import scenes

pytestmark = pytest.mark.browser

# Spaces, "*", "(", "+" and "," in the formula, a run with every setting: what the readable form must keep apart.
SCENE = DEFAULT_SCENE.replace(landscape="custom", formula="0.5*x**2 + (y - 1)**2 + 0.1*sin(3*x)",
                              formula_bounds=(-2.0, 2.5, -1.5, 3.0), start=(1.5, -1.0), steps=40, language="en",
                              runs=(Run.of("adam", lr=0.05, beta1=0.8), Run.of("momentum", lr=0.02, color="#D55E00")))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(scene=scenes)
def test_chromiums_url_parser_reads_every_readable_query_as_the_scene(page: Page, scene):
    search = page.evaluate("(query) => new URL(`http://lab.example/?${query}`).search", readable_query_string(scene))
    assert from_query(parse_qs(search[1:], keep_blank_values=True)) == (scene, [])


def export_tab(page: Page, runs: Runs, language: str) -> None:
    act(page, runs, page.get_by_role("tab", name=t("export.tab", language)).click)


def shown_query(page: Page) -> str:
    return page.get_by_role("tabpanel").locator("[data-testid=stCode] code").inner_text().strip()


LINES_FILLED = """() => {
  const code = document.querySelector('[role=tabpanel] [data-testid=stCode] code');
  const box = code.getBoundingClientRect(), style = getComputedStyle(code);
  const left = box.left + parseFloat(style.paddingLeft), right = box.right - parseFloat(style.paddingRight);
  const range = document.createRange();
  range.selectNodeContents(code);
  const ends = new Map();
  for (const rect of range.getClientRects()) {
    if (rect.width > 0) ends.set(Math.round(rect.top), Math.max(ends.get(Math.round(rect.top)) || left, rect.right));
  }
  return [...ends.entries()].sort((a, b) => a[0] - b[0]).map(([, end]) => (end - left) / (right - left));
}"""


def choose_format(page: Page, runs: Runs, label: str) -> None:
    box = page.locator(".st-key-export-format")
    box.locator("input[role=combobox]").click()
    act(page, runs, page.get_by_role("listbox").get_by_role("option", name=label, exact=True).click)


def downloaded(page: Page, name: str) -> bytes:
    """One click on the download button, once it offers ``name``: the file the browser saved."""
    button = page.locator(".st-key-export-download button")
    button.filter(has_text=name).wait_for(timeout=REDRAW_MS)
    with page.expect_download(timeout=REDRAW_MS) as download:
        button.click()
    assert download.value.suggested_filename == name
    return download.value.path().read_bytes()


@pytest.fixture
def readable_page(browser, server) -> tuple[Page, Runs]:
    """The app opened at SCENE's readable query (spaces, "*", "(" as typed), as pasted into the address bar."""
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(REDRAW_MS)
    runs = Runs(page)  # before the page opens its websocket
    page.goto(f"{server}/?{readable_query_string(SCENE)}")
    wait_until_idle(page)
    yield page, runs
    context.close()


def test_the_shown_query_opens_the_same_scene_and_one_click_downloads_each_file(readable_page):
    page, runs = readable_page
    assert page.locator("[data-testid=stAlert]").count() == 0  # no notice: nothing in the query fell back
    assert scene_of(page) == SCENE
    export_tab(page, runs, "en")
    assert shown_query(page) == f"?{readable_query_string(SCENE)}"
    assert "x**2 %2B (y - 1)**2" in shown_query(page)
    filled = page.evaluate(LINES_FILLED)  # share of the block's width each line of the query takes
    assert len(filled) > 1 and min(filled[:-1]) > 0.9, filled  # wrapped anywhere, not at the formula's spaces
    stem = file_stem(SCENE)
    png = downloaded(page, f"{stem}-contour.png")
    assert Image.open(io.BytesIO(png)).size == (900 * 2, 700 * 2)
    choose_format(page, runs, t("export.format.zip", "en"))
    bundle = zipfile.ZipFile(io.BytesIO(downloaded(page, f"{stem}-notes.zip")))
    assert {"notes.md", f"{stem}-contour.png", f"{stem}-animation.gif"} <= set(bundle.namelist())
    assert page.locator("[data-testid=stException]").count() == 0
