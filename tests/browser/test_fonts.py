"""The test browser draws Korean with the app's own font, so the page's screenshots and the widths that the
clipping checks measure are those of real Hangul even on a machine with no Korean font (CI installs none)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

SYLLABLES = "가나다단계"


def test_each_hangul_syllable_is_drawn_as_its_own_glyph_not_a_box(browser):
    context = browser.new_context(viewport={"width": 400, "height": 200})
    page = context.new_page()
    cells = "".join(f'<span id="s{i}" style="display:inline-block;width:40px;height:40px">{c}</span>'
                    for i, c in enumerate(SYLLABLES))
    page.set_content(f'<body style="margin:0;font:32px sans-serif;line-height:40px">{cells}</body>')
    different = len({page.locator(f"#s{i}").screenshot() for i in range(len(SYLLABLES))})
    context.close()
    assert different == len(SYLLABLES)  # without a Korean font every syllable is the same box
