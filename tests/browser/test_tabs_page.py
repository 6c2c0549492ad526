"""The Formulas, Internals and Lessons tabs as a reader sees them in a real Chromium, at 1920×1080 and 1280×800,
in Korean and English: the family tree's names inside their boxes, no box touching another, no arrow across a
name; no raw hyperparameter key; the internals' legends below their axis titles; the lesson's figure beside its
text, stepped and clicked without changing the page's scene, its answer shown only when asked for."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Page

from analysis import lessons
from i18n import t
from scene import HPARAM_RANGES, query_string
from tests.browser.conftest import REDRAW_MS, wait_until_idle

pytestmark = pytest.mark.browser

VIEWPORTS = {"1920": (1920, 1080), "1280": (1280, 800)}
TABS = {"formulas": 1, "internals": 2, "lessons": 3}
RAW_KEY = re.compile(r"\b(" + "|".join(HPARAM_RANGES) + r")\s*=")
ADAM = lessons.ADAM_SCENE
ADADELTA = lessons.ADADELTA_SCENE.replace(step=3)
PLOTS = "[...document.querySelectorAll('.js-plotly-plot')]"
TREE = f"{PLOTS}.find(g => g.data && g.data.some(t => t.meta && t.meta.role === 'nodes'))"
BOX_GAP_PX = 8


def settled(page: Page) -> None:
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
                           " && !document.querySelector('[data-stale=\"true\"]')", timeout=REDRAW_MS)


def opened(browser, server, viewport: str, scene, tab: str) -> Page:
    width, height = VIEWPORTS[viewport]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(REDRAW_MS)
    page.goto(f"{server}/?{query_string(scene)}")
    wait_until_idle(page)
    page.locator("[data-testid=stTab]").nth(TABS[tab]).click()
    settled(page)
    return page


def boxes_of(page: Page, *locators) -> list[dict]:
    """Their bounding boxes, once every one is laid out (a rerun can detach an element for a moment)."""
    for _ in range(40):
        boxes = [locator.bounding_box() for locator in locators]
        if all(boxes):
            return boxes
        page.wait_for_timeout(250)
    raise AssertionError(f"not laid out after 10 s: {locators}")


def query(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def tree_geometry(page: Page) -> dict:
    """Pixel rectangles of the tree's boxes and names (in NODES order) and its arrows' ends."""
    return page.evaluate(f"""() => {{
        const gd = {TREE};
        const rect = e => {{ const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }};
        const size = gd._fullLayout._size, xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
        const origin = gd.querySelector('.main-svg').getBoundingClientRect();
        const px = (x, y) => [origin.left + size.l + xa.l2p(x), origin.top + size.t + ya.l2p(y)];
        return {{
            // a node's box: a layout rectangle, or (as the tree once drew them) a square marker
            boxes: [...gd.querySelectorAll('.shapelayer path')].concat([...gd.querySelectorAll('.scatterlayer .point')]).map(rect),
            names: [...gd.querySelectorAll('.textpoint text')].map(rect),
            font: Math.min(...[...gd.querySelectorAll('.textpoint text')].map(e => parseFloat(getComputedStyle(e).fontSize))),
            arrows: gd._fullLayout.annotations.map(a => [px(a.ax, a.ay), px(a.x, a.y), a.name]),
        }};
    }}""")


def inside(inner, outer, margin: float = 2.0) -> bool:
    return (inner[0] >= outer[0] + margin and inner[1] >= outer[1] + margin
            and inner[2] <= outer[2] - margin and inner[3] <= outer[3] - margin)


def apart(a, b, gap: float) -> bool:
    return a[2] + gap <= b[0] or b[2] + gap <= a[0] or a[3] + gap <= b[1] or b[3] + gap <= a[1]


def crosses(tail, head, rect, samples: int = 200) -> bool:
    return any(rect[0] < tail[0] + (head[0] - tail[0]) * k / samples < rect[2]
               and rect[1] < tail[1] + (head[1] - tail[1]) * k / samples < rect[3] for k in range(samples + 1))


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("lang", ["ko", "en"])
def test_formulas_tab_tree_fits_its_names_and_the_page_shows_no_raw_key(browser, server, viewport, lang):
    from figures.family_tree import NODES

    page = opened(browser, server, viewport, ADAM.replace(language=lang), "formulas")
    page.wait_for_function(f"() => {TREE} && {TREE}.querySelectorAll('.textpoint text').length === {len(NODES)}")
    tree = tree_geometry(page)
    ids = list(NODES)
    assert len(tree["boxes"]) == len(tree["names"]) == len(ids)
    for name, box, optimizer in zip(tree["names"], tree["boxes"], ids):
        assert inside(name, box), (optimizer, name, box)
    for i, a in enumerate(tree["boxes"]):
        for j in range(i + 1, len(ids)):
            assert apart(a, tree["boxes"][j], BOX_GAP_PX), (ids[i], ids[j])
    for tail, head, edge in tree["arrows"]:
        assert not any(crosses(tail, head, name) for name in tree["names"]), edge
        ends = edge.split("→")
        assert not any(crosses(tail, head, box) for box, optimizer in zip(tree["boxes"], ids) if optimizer not in ends), edge
    assert tree["font"] >= 15  # the page's body text is 16 px; the old names were 13
    text = page.locator("[data-testid=stMain]").inner_text()
    assert not RAW_KEY.search(text), RAW_KEY.search(text)
    page.context.close()


@pytest.mark.parametrize("viewport, lang", [("1280", "ko"), ("1920", "en")])
def test_internals_legends_sit_below_their_axis_titles_and_the_caption_names_the_legends_factor(
        browser, server, viewport, lang):
    page = opened(browser, server, viewport, ADADELTA.replace(language=lang), "internals")
    page.wait_for_function(f"() => {PLOTS}.length >= 2 && {PLOTS}.every(g => g.querySelector('.legend'))")
    boxes = page.evaluate(f"""() => {PLOTS}.map(gd => {{
        const rect = e => {{ const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }};
        return {{legend: rect(gd.querySelector('.legend')),
                 titles: [...gd.querySelectorAll('.g-xtitle text, .g-x2title text, .g-x3title text, .g-x4title text, .g-x5title text')].map(rect),
                 names: [...gd.querySelectorAll('.legend .legendtext')].map(e => e.textContent)}};
    }})""")
    for plot in boxes:
        assert plot["titles"], plot
        for title in plot["titles"]:
            assert apart(plot["legend"], title, 0), plot
    factors = {m.group(0) for plot in boxes for name in plot["names"] for m in re.finditer(r"×[\d,.]+", name)}
    assert len(factors) == 1  # Adadelta's steps at step 3 are tiny: one magnification, named in the legend
    caption = page.locator("[data-testid=stCaptionContainer]").filter(has_text="w_3").inner_text()
    assert factors.pop() in caption
    page.context.close()


@pytest.mark.parametrize("viewport, lang", [("1280", "en"), ("1920", "ko")])
def test_a_lesson_shows_its_figure_beside_its_text_steps_it_in_place_and_answers_on_demand(
        browser, server, viewport, lang):
    page = opened(browser, server, viewport, lessons.GD_SCENE.replace(language=lang), "lessons")
    page.locator("[data-testid=stSelectbox]").filter(has_text=t("lessons.pick", lang)).click()
    page.get_by_role("option").nth(lessons.LESSONS_BY_ID["adadelta"].order - 1).click()
    settled(page)
    views = page.locator(".lab-views:visible").first
    views.wait_for()
    page.wait_for_function("() => { const g = document.querySelector('.lab-views .lab-contour .lab-top');"
                           " return g && g._fullData && g._fullData.some(t => t.meta && t.meta.role === 'path'); }")
    lesson = lessons.LESSONS_BY_ID["adadelta"]
    text = page.get_by_text(lesson.explanation[lang][:40]).first
    text.wait_for(state="visible")  # (under load the lesson's text can come a moment after its figure)
    figure_box, text_box = boxes_of(page, views, text)
    assert figure_box["x"] > text_box["x"] + text_box["width"] - 1  # beside the text, to its right
    assert figure_box["y"] < text_box["y"] + text_box["height"]  # and level with it, not under it
    before = query(page)
    slider = views.locator("input[type=range]")
    slider.focus()
    page.keyboard.press("Home")
    page.wait_for_function("() => document.querySelector('.lab-views .lab-step').textContent.trim().startsWith('0')"
                           " || /\\b0\\s*\\//.test(document.querySelector('.lab-views .lab-step').textContent)")
    area = page.evaluate("() => { const r = document.querySelector('.lab-views .lab-contour .lab-top .nsewdrag')"
                         ".getBoundingClientRect(); return [r.left, r.top, r.width, r.height]; }")
    page.mouse.click(area[0] + 0.7 * area[2], area[1] + 0.3 * area[3])
    page.wait_for_timeout(3000)  # the step report and the click would have reached the server by now
    settled(page)
    assert query(page) == before  # the page's scene (the sidebar's) is what it was
    answer = f"{t('lessons.measured', lang)} ("  # the answer's first words: "Measured by the engine (The claim holds)"
    assert answer not in page.locator("[data-testid=stMain]").inner_text()
    page.locator("[data-testid=stExpander] summary").filter(has_text=t("lessons.answer", lang)).click()
    page.wait_for_function(f"() => document.querySelector('[data-testid=stMain]').innerText.includes({answer!r})",
                           timeout=REDRAW_MS)
    page.context.close()
