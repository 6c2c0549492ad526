"""The page in a real Chromium: both plots drawn (3D as WebGL), the step slider changes the plots' data,
play advances the step, a click on the contour moves the start point."""

from __future__ import annotations

import re
import time
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import REDRAW_MS, wait_until_idle

pytestmark = pytest.mark.browser

STEP_SLIDER = '[data-testid="stMain"] [data-testid="stSlider"] input[type="range"]'
PLAY_TOGGLE = '[data-testid="stMain"] [data-testid="stCheckbox"]'

# The page's own figures, found by what they hold (Plotly keeps the figure on its div).
CONTOUR = "[...document.querySelectorAll('.js-plotly-plot')].find(g => g.data && g.data.some(t => t.meta && t.meta.role === 'click'))"
SURFACE = "[...document.querySelectorAll('.js-plotly-plot')].find(g => g.data && g.data.some(t => t.type === 'surface'))"
PATH_LENGTHS = f"() => {CONTOUR}._fullData.filter(t => t.meta && t.meta.role === 'path').map(t => t._length)"


def query(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def step_value(page: Page) -> int:
    return int(page.locator(STEP_SLIDER).first.get_attribute("value"))


def set_step_to_start(page: Page) -> None:
    page.locator(STEP_SLIDER).first.focus()
    page.keyboard.press("Home")
    page.wait_for_function(f"() => {CONTOUR} && {CONTOUR}._fullData.some(t => t.meta && t.meta.role === 'path' && t._length === 1)",
                           timeout=REDRAW_MS)
    wait_until_idle(page)


def test_contour_and_3d_plots_are_drawn_the_3d_one_in_webgl(page: Page):
    assert page.evaluate(f"() => !!{CONTOUR} && !!{CONTOUR}.querySelector('.contourlayer path, g.contour')")
    assert page.evaluate(f"() => {CONTOUR}.data.filter(t => t.meta && t.meta.role === 'path').length") == 3
    webgl = page.evaluate(f"""() => {{
        const canvas = {SURFACE}.querySelector('.gl-container canvas');
        const gl = canvas && (canvas.getContext('webgl') || canvas.getContext('experimental-webgl'));
        return !!gl && canvas.width > 0 && canvas.height > 0;
    }}""")
    assert webgl
    assert page.evaluate(f"() => {SURFACE}._fullLayout.scene._scene.glplot !== undefined")


def test_the_step_slider_changes_the_plotted_data_and_the_url(page: Page):
    assert page.evaluate(PATH_LENGTHS) == [101, 101, 101]
    set_step_to_start(page)
    assert step_value(page) == 0
    assert page.evaluate(PATH_LENGTHS) == [1, 1, 1]
    page.wait_for_function("() => new URLSearchParams(location.search).get('step') === '0'", timeout=REDRAW_MS)


def test_play_advances_the_step_in_every_view(page: Page):
    set_step_to_start(page)
    page.locator(PLAY_TOGGLE).first.locator("label").click()
    page.wait_for_function(
        f"() => {{ const s = +document.querySelector('{STEP_SLIDER}').value;"
        f" return s >= 4 && {CONTOUR}._fullData.filter(t => t.meta && t.meta.role === 'path').every(t => t._length === s + 1); }}",
        timeout=REDRAW_MS,
    )
    advanced = step_value(page)
    page.locator(PLAY_TOGGLE).first.locator("label").click()  # pause
    wait_until_idle(page)
    paused_at = step_value(page)
    assert paused_at >= advanced >= 4
    time.sleep(2.0)
    assert step_value(page) == paused_at  # paused means paused
    loss_marker = page.evaluate(
        "() => Array.from([...document.querySelectorAll('.js-plotly-plot')]"
        ".find(g => g.data.some(t => t.meta && t.meta.role === 'loss'))"
        "._fullData.find(t => t.meta && t.meta.role === 'current').x)"
    )
    assert loss_marker == [paused_at]


def test_a_click_on_the_contour_moves_the_start_point(page: Page):
    before = (query(page)["x"][0], query(page)["y"][0])
    box = page.evaluate(f"() => {{ const r = {CONTOUR}.querySelector('.nsewdrag').getBoundingClientRect();"
                        " return [r.left, r.top, r.width, r.height]; }")
    left, top, width, height = box
    page.mouse.click(left + 0.75 * width, top + 0.25 * height)  # upper right quarter: x > 0, y > 0
    page.wait_for_function(
        f"() => {{ const q = new URLSearchParams(location.search); return q.get('x') !== '{before[0]}'; }}",
        timeout=REDRAW_MS,
    )
    wait_until_idle(page)
    x, y = float(query(page)["x"][0]), float(query(page)["y"][0])
    assert x > 0 and y > 0
    inputs = page.locator('[data-testid="stSidebar"] [data-testid="stNumberInput"] input')
    shown = [float(v) for v in inputs.evaluate_all("els => els.map(e => e.value)")[:2]]
    assert shown == pytest.approx([x, y], abs=1e-3)
    assert re.search(r"x=", page.url)
