"""What a server rerun redraws in the browser: a new η redraws the views in the plots they have (the 3D view keeps
its WebGL scene), a step reported back redraws nothing, and the toolbar's download names follow the scene."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from export.toolbar import file_stem
from scene import from_query
from tests.browser.conftest import REDRAW_MS, opened, wait_until_idle
from tests.browser.test_page import CONTOUR, LOSS, SLIDER, SURFACE, VIEWS, query, wait_drawn

pytestmark = pytest.mark.browser

STEPS = 80
QUERY = {"ls": "mlp", "steps": str(STEPS), "lang": "en", "v_slice": "pca",
         "run": ["adam,lr=0.01", "momentum,lr=0.05,beta=0.9"]}
PLOTS = {"contour": CONTOUR, "surface": SURFACE, "loss": LOSS}


@pytest.fixture(scope="module")
def model_page(browser, server):
    context, page = opened(browser, f"{server}?{urlencode(QUERY, doseq=True)}")
    page.wait_for_selector(VIEWS)
    wait_drawn(page, STEPS)
    yield page
    context.close()


def download_names(page) -> dict[str, str]:
    return {view: page.evaluate(f"() => {plot}._context.toImageButtonOptions.filename") for view, plot in PLOTS.items()}


def new_learning_rate(page, key: str) -> None:
    """Run 1's η moved one notch with ``key`` (its settings opened first), until the 3D view shows the new path."""
    slider = page.locator(".st-key-run0-hp-lr input[type=range]").first
    if not slider.is_visible():
        page.locator("[data-testid=stSidebar] [data-testid=stExpander] summary").first.click()
    path_before = page.evaluate(f"() => Array.from({SURFACE}._fullData.find(t => t.meta && t.meta.role === 'path').x)")
    slider.focus()
    page.keyboard.press(key)
    page.wait_for_function(
        f"() => {{ const x = Array.from({SURFACE}._fullData.find(t => t.meta && t.meta.role === 'path').x);"
        f" return x.length > 2 && x[2] !== {path_before[2]}; }}", timeout=REDRAW_MS)
    wait_until_idle(page)


def test_a_new_learning_rate_keeps_the_3d_views_webgl_scene_and_renames_the_downloads(model_page):
    page = model_page
    new_learning_rate(page, "ArrowLeft")  # the first move after a load may still build the 3D scene anew
    page.evaluate(f"() => {{ window.__drawnScene = {SURFACE}._fullLayout.scene._scene; }}")
    names = download_names(page)
    new_learning_rate(page, "ArrowRight")
    assert page.evaluate(f"() => {SURFACE}._fullLayout.scene._scene === window.__drawnScene")
    scene, _ = from_query(query(page))
    assert download_names(page) == {view: f"{file_stem(scene)}-{view}" for view in PLOTS} != names


def test_a_step_reported_back_redraws_nothing_and_renames_the_downloads(model_page):
    page = model_page
    wait_until_idle(page)
    names = download_names(page)
    page.locator(SLIDER).focus()
    pressed = page.evaluate("() => performance.now()")
    page.keyboard.press("Home")
    wait_drawn(page, 0)
    page.wait_for_function("() => new URLSearchParams(location.search).get('step') === '0'", timeout=REDRAW_MS)
    wait_until_idle(page)
    page.wait_for_timeout(500)  # a redraw the rerun's manifest asked for would have started by now
    frames = page.evaluate("() => window.__lossLabStats.views.frames")
    for view in PLOTS:  # step 0 drawn once, nothing drawn again after the report
        assert [step for step, at, _ in frames[view]["steps"] if at >= pressed] == [0], view
    scene, _ = from_query(query(page))
    assert scene.step == 0
    assert download_names(page) == {view: f"{file_stem(scene)}-{view}" for view in PLOTS} != names
