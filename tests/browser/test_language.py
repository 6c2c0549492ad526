"""The language switch in a real Chromium (issue 12, item 1): after a switch every choice shows the new language's
label of the same id, and every action of the sidebar (add, duplicate, remove, each select) and of the views (a
step key) leaves the rest of the scene what it was; then the same back in Korean."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page

from i18n import optimizer_name, t
from landscapes import LANDSCAPES
from scene.presets import PRESETS
from scene import Scene
from tests.browser.actions import SIDEBAR, Runs, act, pick, scene_of, widget
from tests.browser.conftest import REDRAW_MS, wait_until_idle

pytestmark = pytest.mark.browser

HANGUL = re.compile("[\uac00-\ud7a3]")


def open_run(page: Page, runs: Runs, index: int) -> None:
    expander = page.locator(f"{SIDEBAR} [data-testid=stExpander]").nth(index)
    if expander.locator("details").get_attribute("open") is None:
        act(page, runs, lambda: expander.locator("summary").click())


def switch(page: Page, runs: Runs, language: str) -> None:
    label = {"ko": "한국어", "en": "English"}[language]
    act(page, runs, lambda: widget(page, "lang").locator("button", has_text=label).click())


def shown_text(page: Page) -> str:
    """The page's text and the values its select boxes show, without the language control (its "한국어" stays)."""
    return page.evaluate("""() => { const c = document.body.cloneNode(true);
        c.querySelectorAll('.st-key-lang').forEach(e => e.remove());
        const values = [...document.querySelectorAll('input[role=combobox]')].map(e => e.value);
        return c.innerText + '\\n' + values.join('\\n'); }""")


def select_values(page: Page) -> list[str]:
    return page.locator(f"{SIDEBAR} input[role=combobox]").evaluate_all("els => els.map(e => e.value)")


def assert_selects_show(page: Page, scene: Scene, language: str) -> None:
    """The sidebar's select boxes show the labels of the scene's ids in ``language``; English has no Hangul."""
    values = select_values(page)
    assert LANDSCAPES[scene.landscape].name[language] in values
    assert t(f"ctl.field.{scene.view.field}", language) in values
    assert optimizer_name("gd", language) in values or optimizer_name("adam", language) in values  # the new run's
    if language == "en":
        hangul = HANGUL.findall(shown_text(page))
        assert not hangul, f"Hangul on the English page: {''.join(hangul)[:80]}"


@pytest.fixture(scope="module")
def language_page(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(REDRAW_MS)
    runs = Runs(page)
    page.goto(server)
    wait_until_idle(page)
    yield page, runs
    context.close()


def test_after_a_switch_every_action_keeps_the_scene_in_both_directions(language_page):
    page, runs = language_page
    for language in ("en", "ko"):
        before = scene_of(page)
        switch(page, runs, language)
        assert scene_of(page) == before.replace(language=language)
        assert_selects_show(page, before, language)
        before = scene_of(page)
        # A step key in the views: the scene stays (it once became a custom formula here).
        slider = page.locator(".lab-views input[type=range]")
        slider.focus()
        act(page, runs, lambda: page.keyboard.press("ArrowLeft"))
        assert scene_of(page).replace(step=None) == before
        act(page, runs, lambda: page.keyboard.press("End"))
        # Add, duplicate, remove.
        act(page, runs, lambda: widget(page, "add_run").locator("button").first.click())
        added = scene_of(page)
        assert added.runs[:-1] == before.runs and added.replace(runs=before.runs) == before
        open_run(page, runs, 0)
        first = page.locator(f"{SIDEBAR} [data-testid=stExpander]").first
        act(page, runs, lambda: first.locator("[class*=st-key-run][class*=-duplicate] button").first.click())
        assert scene_of(page).runs[:-1] == added.runs
        for _ in range(2):
            last = len(scene_of(page).runs) - 1
            open_run(page, runs, last)
            expander = page.locator(f"{SIDEBAR} [data-testid=stExpander]").nth(last)
            act(page, runs, lambda: expander.locator("[class*=-remove] button").first.click())
        assert scene_of(page) == before
        # Each select: its own part of the scene changes, nothing else.
        run_key = first.locator("[class*=-optimizer]").first.get_attribute("class")
        run_id = re.search(r"st-key-run(\d+)-optimizer", run_key).group(1)
        pick(page, runs, f"run{run_id}.batch", "4")
        assert scene_of(page).runs[0].batch_size == 4 and scene_of(page).runs[1:] == before.runs[1:]
        pick(page, runs, f"run{run_id}.batch", t("ctl.batch_full", language))
        assert scene_of(page) == before
        pick(page, runs, f"run{run_id}.optimizer", optimizer_name("nag", language))
        changed = scene_of(page)
        assert changed.runs[0].optimizer == "nag" and changed.replace(runs=before.runs) == before
        pick(page, runs, f"run{run_id}.optimizer", optimizer_name(before.runs[0].optimizer, language))
        pick(page, runs, "field", t("ctl.field.stream", language))
        assert scene_of(page).view.field == "stream" and scene_of(page).runs[1:] == before.runs[1:]
        pick(page, runs, "field", t(f"ctl.field.{before.view.field}", language))
        new_run = {"en": "adam", "ko": "gd"}[language]  # a change each time (the English pass left Adam)
        pick(page, runs, "new_run_optimizer", optimizer_name(new_run, language))
        assert scene_of(page).replace(runs=before.runs) == before
        pick(page, runs, "landscape", LANDSCAPES["rosenbrock"].name[language])
        assert scene_of(page).landscape == "rosenbrock" and len(scene_of(page).runs) == len(before.runs)
        pick(page, runs, "landscape", LANDSCAPES[before.landscape].name[language])
        assert scene_of(page).landscape == before.landscape
        preset = "saddle_escape" if language == "en" else "bowl_gd_momentum"
        pick(page, runs, "preset", PRESETS[preset].name[language])
        assert scene_of(page).runs == PRESETS[preset].scene.runs and scene_of(page).language == language
        assert_selects_show(page, scene_of(page), language)
