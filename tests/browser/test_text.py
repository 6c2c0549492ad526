"""User text echoed in the page shows exactly as typed (issue 12, item 2): Markdown once turned the formula
``__import__`` into a bold "import", so the message named the wrong token."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from i18n import t
from tests.browser.actions import Runs, act, pick, widget
from tests.browser.conftest import REDRAW_MS, wait_until_idle

pytestmark = pytest.mark.browser

HOSTILE = "__a__*b*$c$:red[d]`e`"


def test_a_hostile_url_value_and_formula_are_echoed_verbatim(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(REDRAW_MS)
    runs = Runs(page)
    try:
        page.goto(f"{server}/?lang=en&steps={quote(HOSTILE)}")
        wait_until_idle(page)
        notice = page.locator("[data-testid=stMain] [data-testid=stAlert]").first.inner_text()
        assert f"'steps={HOSTILE}' is not a number" in notice
        pick(page, runs, "landscape", t("ctl.custom", "en"))
        field = widget(page, "formula.text").locator("input")
        field.fill("__import__('os')")
        act(page, runs, lambda: field.press("Enter"))
        error = page.locator("[data-testid=stSidebar] [data-testid=stAlert]").first.inner_text()
        assert "'__import__' at position 1 is not an allowed function" in error
    finally:
        context.close()
