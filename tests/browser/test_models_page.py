"""A model scene in a real Chromium: the small network's slice, paths and loss drawn by the same views component,
its decision boundaries beside them, and the shared step moving every view (the boundaries follow it)."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from tests.browser.conftest import REDRAW_MS, wait_until_idle
from tests.browser.test_page import CONTOUR, LOSS, SLIDER, SURFACE, VIEWS, wait_drawn

pytestmark = pytest.mark.browser

STEPS = 150
QUERY = {"ls": "mlp", "steps": str(STEPS), "run": ["adam,lr=0.01", "momentum,lr=0.05,beta=0.9"]}


def opened(browser, server: str, language: str, size: tuple[int, int]):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    page.set_default_timeout(REDRAW_MS)
    page.goto(f"{server}?{urlencode({**QUERY, 'lang': language}, doseq=True)}")
    wait_until_idle(page)
    page.wait_for_selector(VIEWS)
    wait_drawn(page, STEPS)
    return context, page


def test_a_model_scene_draws_its_slice_paths_loss_and_boundaries_and_the_step_moves_them(browser, server):
    context, page = opened(browser, server, "en", (1600, 1000))
    try:
        roles = page.evaluate(f"() => {CONTOUR}._fullData.filter(t => t.meta && t.meta.role === 'path').length")
        assert roles == 2
        assert page.evaluate(f"() => {SURFACE}._fullData.some(t => t.type === 'surface')")
        assert page.evaluate(f"() => {SURFACE}.querySelector('canvas') !== null")  # WebGL
        lines = f"{LOSS}._fullData.filter(t => t.meta && t.meta.role === 'loss')"
        assert page.evaluate(f"() => {lines}.filter(t => t.yaxis !== 'y2').length") == 2  # the training losses
        assert page.evaluate(f"() => {lines}.filter(t => t.yaxis === 'y2').length") == 2  # their accuracies
        assert page.evaluate(f"() => {CONTOUR}.layout.xaxis.title.text") == "α = W3[0,0]"
        page.get_by_text("Decision boundary (step 150)").wait_for()
        assert page.locator(".stPlotlyChart").count() >= 2
        page.locator(SLIDER).focus()
        page.keyboard.press("Home")
        wait_drawn(page, 0)  # contour, 3D and loss at step 0, drawn in the browser
        page.get_by_text("Decision boundary (step 0)").wait_for(timeout=3 * REDRAW_MS)  # the step reached Python
    finally:
        context.close()
