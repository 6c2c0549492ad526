"""The page walk (issue 12): the page as a lecturer meets it, at 1920×1080 and 1280×800, in Korean and English
(opened in Korean, switched by the page's own switch), through every lesson preset (its run boxes open), every tab
(the Maps tab's two maps computed at their smallest sizes), every lesson (picked, loaded, its Lessons tab and its
scene) and the custom formula; each state is checked by tests/browser/page_checks.js and screenshotted.

It fails on an exception box or a console error; Hangul in English; untranslated i18n keys, Python's None or
reprs, Streamlit's own English placeholder; clipped text (labels, buttons, tabs, select values, inputs, code, the
views' legend items, st.dataframe cells and columns measured from the grid's own widths); two legend entries of one
name; Plotly titles, legends, axis titles, tick labels and tool bars that overlap one another or leave their plot
(a 3D scene's axis titles are WebGL: only their words are checked); labels sticking out of a diagram's boxes,
boxes that overlap, arrows across labels.

Every screenshot goes to ``$PAGE_WALK_DIR`` (default ``out/page-walk/``), named
``<viewport>-<language>-<nnn>-<what is shown>-<part>.png``: a state taller than the screen is shot in parts,
scrolled a screen at a time; the sidebar is scrolled through too when the scene is new (it is the same in every
tab of a scene). The failure message lists every defect once, with the screenshots that show it;
``walk-<viewport>-<language>.json`` there holds every occurrence and the seconds each state took.

Alone: ``python -m pytest tests/browser/test_page_walk.py`` (or ``-m page_walk``; ``-k 1280x800-en`` for one page).
"""

from __future__ import annotations

import ast
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from i18n import t
from analysis.lessons import LESSONS
from scene.presets import PRESETS
from scene import LANGUAGES
from tests.browser.actions import Runs
from ui import tabs
from tests.browser.conftest import REDRAW_MS, REPO, wait_until_idle
from tests.browser.page_checks import Shot, run_checks, shown_in, summary

pytestmark = [pytest.mark.browser, pytest.mark.page_walk]

VIEWPORTS = ((1920, 1080), (1280, 800))
OUT = Path(os.environ.get("PAGE_WALK_DIR") or REPO / "out" / "page-walk")
MAX_PARTS = 8  # screenshots of one state, scrolled a screen at a time
SCROLL_OVERLAP = 0.9  # each part scrolls 90 % of a screen on, so a line cut by one part's edge shows whole in the next

SETTLED = """() => {
  if (document.querySelector('[data-testid="stStatusWidget"]') || document.querySelector('[data-stale="true"]')) return false;
  // an expander opening or closing (a CSS transition of its height) is cut by its own box until it ends
  if (document.getAnimations().some((a) => a.playState === "running" && a.effect?.getComputedTiming().iterations !== Infinity)) return false;
  for (const root of document.querySelectorAll('.lab-views')) {
    const view = root.parentElement.__labView;
    if (!view || !view.manifest) return false;
    const drawn = view.manifest.views.every((name) => {
      const figure = view.figures[name], drawing = view.drawing[name];
      return figure && drawing && !drawing.busy && drawing.drawnVersion === figure.version && drawing.drawnStep === view.step;
    });
    if (!drawn) return false;
  }
  for (const chart of document.querySelectorAll('[data-testid="stPlotlyChart"]')) {
    const plot = chart.querySelector('.js-plotly-plot');
    if (!plot || !plot._fullLayout) return false;
  }
  return document.fonts.status === 'loaded';
}"""

SCROLL = """([top, ids]) => {
  const areas = ids.map((id) => document.querySelector(`[data-testid="${id}"]`)).filter(Boolean);
  return areas.map((area) => {
    area.scrollTop = top;
    return [area.dataset.testid === 'stMain' ? 'main' : 'sidebar', area.scrollTop, area.clientHeight, area.scrollHeight];
  });
}"""


def tab_keys() -> list[str]:
    """The tabs' i18n keys in the page's order: the modules app.TABS loads (importing app would run the page)."""
    for node in ast.parse((REPO / "app.py").read_text()).body:
        if isinstance(node, ast.Assign) and any(getattr(target, "id", None) == "TABS" for target in node.targets):
            return [tab.LABEL for tab in tabs.load(*(name.value for name in node.value.args))]
    raise AssertionError("app.py has no TABS")


def slug(key: str) -> str:
    """A tab's name in file names: its i18n key without the word "tab" (tab.formulas, maps.tab → formulas, maps)."""
    return next(part for part in key.split(".") if part != "tab")


@dataclass
class Walk:
    """One page (one viewport, one language) walked state by state; what each state shows is checked and shot."""

    page: Page
    prefix: str
    language: str
    runs: Runs
    found: list[dict] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    shots: int = 0
    states: int = 0
    sidebar_shots: list[Shot] = field(default_factory=list)  # the last shots that scrolled through the sidebar
    timings: list[tuple[str, float]] = field(default_factory=list)  # each state, and the seconds from the last one
    clock: float = field(default_factory=time.monotonic)
    notes: set[str] = field(default_factory=set)  # what the checks could not look at

    # --- moving on the page ---------------------------------------------------------------------------------

    def settle(self) -> None:
        """The script finished, nothing stale, every view and chart drawn, and still so a moment later."""
        for _ in range(2):
            self.page.wait_for_function(SETTLED, timeout=REDRAW_MS)
            self.page.wait_for_timeout(150)

    def act(self, action, rerun: bool = True) -> None:
        """Do ``action`` and wait until the rerun it causes has finished and been drawn."""
        before = self.runs.finished
        action()
        deadline = time.monotonic() + REDRAW_MS / 1000
        while rerun and self.runs.finished == before:
            if time.monotonic() > deadline:
                raise TimeoutError(f"no rerun of the page within {REDRAW_MS // 1000} s of an action")
            self.page.wait_for_timeout(50)
        self.settle()

    def stopped(self, error: Exception) -> None:
        """A step that failed ends the walk; it is reported with what was found before, and shot as it was."""
        file = f"{self.prefix}-{self.states + 1:03d}-walk-stopped.png"
        try:
            self.page.screenshot(path=OUT / file)
        except Exception:  # the page itself may be gone
            file = "no screenshot"
        self.found.append({"kind": "walk stopped", "where": f"after state {self.states}", "detail": "",
                           "text": f"{type(error).__name__}: {error}".splitlines()[0][:300], "state": "", "shot": file})

    def open_tab(self, key: str) -> None:
        tab = self.page.get_by_role("tab", name=t(key, self.language), exact=True)
        if tab.get_attribute("aria-selected") != "true":
            self.act(tab.click)

    def choose(self, key: str, index: int) -> None:
        """The ``index``-th option of the select box with widget key ``key``."""
        self.page.locator(f".st-key-{key} [role=combobox]").click()
        self.act(self.page.get_by_role("option").nth(index).click)

    def open_run_boxes(self) -> None:
        """Every run's settings in the sidebar open (each opening reruns the page)."""
        closed = self.page.locator("[data-testid=stSidebar] [data-testid=stExpander] details:not([open]) > summary")
        for _ in range(closed.count()):
            self.act(closed.first.click)

    def open_link_box(self) -> None:
        """The main area's expander (the link to the scene) open; it opens in the browser alone, without a rerun."""
        closed = self.page.locator("[data-testid=stMain] [data-testid=stExpander] details:not([open]) > summary")
        for _ in range(closed.count()):
            self.act(closed.first.click, rerun=False)

    def slide_to_first(self, key: str) -> None:
        thumb = self.page.locator(f".st-key-{key} input[type=range]")
        if not thumb.count() or thumb.input_value() == thumb.get_attribute("min"):
            return
        thumb.focus()
        self.act(lambda: self.page.keyboard.press("Home"))

    def press(self, key: str) -> None:
        button = self.page.locator(f".st-key-{key} button")
        if button.count():
            self.act(button.click)

    def compute_maps(self) -> None:
        """Both maps at their smallest sizes: the coarsest basin grid and the smallest sweep."""
        self.slide_to_first("maps-resolution")
        self.press("maps-compute")
        self.slide_to_first("maps-sweep_size")
        self.press("maps-sweep_compute")

    # --- looking ----------------------------------------------------------------------------------------------

    def look(self, name: str, sidebar: bool = False) -> None:
        """Check the state on screen and shoot it, in parts if taller than the screen: the main area, and the
        sidebar too when ``sidebar`` (a new scene; the sidebar is the same in every tab of a scene)."""
        self.states += 1
        self.open_link_box()
        self.page.mouse.move(self.page.viewport_size["width"] // 2, 2)  # off every plot: no hover label, no mode bar
        result = run_checks(self.page, self.language)
        shots = self.screenshots(f"{self.states:03d}-{name}", ["stMain", "stSidebarContent"] if sidebar else ["stMain"])
        if sidebar:
            self.sidebar_shots = shots
        for defect in result["defects"]:
            shown = self.sidebar_shots if defect["area"] == "sidebar" and self.sidebar_shots else shots
            self.found.append({**defect, "state": name, "shot": shown_in(defect, shown)})
        for message in self.console:
            self.found.append({"kind": "console error", "where": "console", "text": message[:300], "detail": "",
                               "state": name, "shot": shots[0].file})
        self.console.clear()
        self.notes.update(result["notes"])
        now = time.monotonic()
        self.timings.append((name, round(now - self.clock, 1)))
        self.clock = now

    def screenshots(self, name: str, scrolled: list[str]) -> list[Shot]:
        shots = []
        top = 0.0
        for part in range(1, MAX_PARTS + 1):
            areas = self.page.evaluate(SCROLL, [top, scrolled])
            file = f"{self.prefix}-{name}-{part}.png"
            self.page.screenshot(path=OUT / file)
            self.shots += 1
            shots.append(Shot(file, {area: (scroll, height) for area, scroll, height, _ in areas}))
            if all(scroll + height >= total - 1 for _, scroll, height, total in areas):
                break
            top += SCROLL_OVERLAP * min(height for _, _, height, _ in areas)
        self.page.evaluate(SCROLL, [0, scrolled])
        return shots

    # --- the walk ---------------------------------------------------------------------------------------------

    def run(self) -> None:
        tabs = tab_keys()
        first, lessons_tab = tabs[0], next(key for key in tabs if slug(key) == "lessons")
        self.look(f"start-{slug(first)}", sidebar=True)
        for index, preset in enumerate(PRESETS.values()):  # the select box's order
            self.choose("preset", index)  # from the tab the last preset ended on: its views are not drawn again first
            self.open_run_boxes()
            for key in tabs:
                self.open_tab(key)
                if slug(key) == "maps":
                    self.compute_maps()
                self.look(f"preset-{preset.id}-{slug(key)}", sidebar=key == tabs[0])
        for index, lesson in enumerate(LESSONS):
            self.open_tab(lessons_tab)
            if index:  # the first lesson is the one the tab opens on; Next goes on in the lecture's order
                self.act(self.page.locator(".st-key-lesson_next button").click)
            self.act(self.page.locator(f".st-key-load_{lesson.id} button[data-testid^=stBaseButton]:visible").first.click)
            self.look(f"lesson-{lesson.id}-{slug(lessons_tab)}", sidebar=True)
            self.open_tab(first)
            self.look(f"lesson-{lesson.id}-{slug(first)}")
        self.choose("landscape", -1)  # the last landscape: a custom formula (its example), with its own controls
        self.look(f"custom-formula-{slug(first)}", sidebar=True)


@pytest.fixture(scope="module")
def folder(request) -> Path:
    """The screenshots' folder, emptied of an earlier walk's files; named on the terminal at the end."""
    OUT.mkdir(parents=True, exist_ok=True)
    for old in [*OUT.glob("*x*-*-[0-9][0-9][0-9]-*.png"), *OUT.glob("walk-*.json")]:
        old.unlink()
    yield OUT
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if capture is not None and reporter is not None:
        with capture.global_and_fixture_disabled():
            reporter.write_line(f"\npage walk: screenshots in {OUT}")


@pytest.mark.timeout(1800)
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("viewport", VIEWPORTS, ids=lambda size: f"{size[0]}x{size[1]}")
def test_page_walk(browser: Browser, server: str, folder: Path, viewport: tuple[int, int], language: str):
    width, height = viewport
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(REDRAW_MS)
    walk = Walk(page, f"{width}x{height}-{language}", language, Runs(page))
    page.on("console", lambda message: walk.console.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: walk.console.append(f"uncaught: {error}"))
    started = time.monotonic()
    try:
        page.goto(server)
        wait_until_idle(page)
        walk.settle()
        if language != LANGUAGES[0]:  # as a user does: the page opens in Korean, the switch turns it
            walk.act(page.locator(".st-key-lang [role=radio]").nth(LANGUAGES.index(language)).click)
        walk.run()
    except Exception as error:  # noqa: BLE001 — any failure of a step is one more finding, reported with the rest
        walk.stopped(error)
    finally:
        context.close()
    minutes = (time.monotonic() - started) / 60
    record = {"minutes": round(minutes, 2), "states": walk.timings, "not checked": sorted(walk.notes), "defects": walk.found}
    (folder / f"walk-{walk.prefix}.json").write_text(json.dumps(record, ensure_ascii=False, indent=1))
    lines = summary(walk.found)
    assert not lines, (f"{len(lines)} defects at {walk.prefix} ({walk.states} states, {walk.shots} screenshots in "
                       f"{folder}, {minutes:.1f} min):\n" + "\n".join(lines))
