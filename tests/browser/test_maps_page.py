"""The Maps tab in a real Chromium: a click on a basin cell moves the start there, a click on a sweep cell
loads that learning rate (the clicks AppTest cannot make), and the contour beside the basin map is the views
component's, stepped in the browser."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import REDRAW_MS, wait_until_idle

pytestmark = pytest.mark.browser

SCENE = "?ls=saddle_two_minima&x=-1.8&y=-0.5&steps=60&run=gd%2Clr%3D0.1&lang=en"
PLOTS = "[...document.querySelectorAll('.js-plotly-plot')]"
BASIN = f"{PLOTS}.find(g => g.data && g.data.some(t => t.meta && t.meta.role === 'contour'))"
SWEEP = f"{PLOTS}.find(g => g.layout && g.layout.xaxis && g.layout.xaxis.type === 'log')"


def query(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def click_in(page: Page, figure: str, u: float, v: float) -> None:
    """Click at fractions (u, v) of a figure's plotting area, from its top-left corner."""
    left, top, width, height = page.evaluate(
        f"() => {{ const r = {figure}.querySelector('.nsewdrag').getBoundingClientRect();"
        " return [r.left, r.top, r.width, r.height]; }")
    page.mouse.click(left + u * width, top + v * height)


def settled(page: Page) -> None:
    """The script has finished and nothing is stale (conftest's wait also wants the first tab's plot visible)."""
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
                           " && !document.querySelector('[data-stale=\"true\"]')", timeout=REDRAW_MS)


def wait_for_url_change(page: Page, key: str, before: str) -> None:
    page.wait_for_function(
        f"() => new URLSearchParams(location.search).getAll('{key}').join('|') !== {before!r}", timeout=REDRAW_MS)
    settled(page)


@pytest.fixture(scope="module")
def maps_page(browser, server) -> Page:
    context = browser.new_context(viewport={"width": 1600, "height": 1100})
    page = context.new_page()
    page.set_default_timeout(REDRAW_MS)
    page.goto(server + SCENE)
    wait_until_idle(page)
    page.get_by_role("tab", name="Maps").click()
    yield page
    context.close()


def compute_then_click(page: Page, button: str, figure: str, key: str, u: float, v: float) -> None:
    """Press the map's button, wait for its figure, click in it and wait for the URL's ``key`` to change."""
    page.get_by_role("button", name=button).click()
    page.wait_for_function(f"() => {figure}", timeout=REDRAW_MS)
    settled(page)
    page.evaluate(f"() => {figure}.scrollIntoView()")
    before = "|".join(query(page)[key])
    click_in(page, figure, u, v)
    wait_for_url_change(page, key, before)


def test_a_click_on_a_basin_cell_starts_the_runs_there(maps_page: Page):
    compute_then_click(maps_page, "Compute map", BASIN, "y", 0.3, 0.2)  # upper left: in the basin of (0, 1)
    x, y = float(query(maps_page)["x"][0]), float(query(maps_page)["y"][0])
    assert x < 0 < y


def test_a_click_on_a_sweep_cell_loads_its_learning_rate(maps_page: Page):
    compute_then_click(maps_page, "Run sweep", SWEEP, "run", 0.02, 0.5)  # the first column: the smallest rate
    (run,) = query(maps_page)["run"]
    assert "lr=0.001," in run + ","


def test_the_contour_beside_the_basin_map_steps_in_the_browser(maps_page: Page):
    maps_page.get_by_role("button", name="Compute map").click()
    views = maps_page.locator(".lab-views[data-views=contour]")
    views.wait_for()
    views.locator("input[type=range]").focus()
    maps_page.keyboard.press("Home")
    maps_page.wait_for_function(
        "() => { const gd = document.querySelector('.lab-views[data-views=contour] .lab-contour .lab-top');"
        " return gd._fullData.filter(t => t.meta && t.meta.role === 'path').every(t => t._length === 1); }",
        timeout=REDRAW_MS)


def test_a_long_custom_formula_wraps_inside_the_sidebar_at_1280(browser, server):
    """The sidebar shows the formula it parsed; at 1280 × 800 a long one wraps at its + and − instead of
    running past the sidebar's edge (it was a display formula, cut there)."""
    page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    page.set_default_timeout(REDRAW_MS)
    formula = "0.5*x**2 %2B (y - 1)**2 %2B 0.1*sin(3*x) %2B 0.05*cos(2*y)"
    page.goto(f"{server}/?ls=custom&f={formula}&x=1.5&y=-1&lang=en")
    wait_until_idle(page)
    shown = page.locator("[data-testid=stSidebar] .katex").first
    shown.wait_for()
    formula_box, sidebar_box = shown.bounding_box(), page.locator("[data-testid=stSidebarContent]").bounding_box()
    assert formula_box["x"] + formula_box["width"] <= sidebar_box["x"] + sidebar_box["width"]
    assert formula_box["height"] > 1.5 * page.evaluate(  # on more than one line
        "() => parseFloat(getComputedStyle(document.querySelector('[data-testid=stSidebar] .katex')).fontSize)")
    page.context.close()
