"""The views in a real Chromium: drawn (3D as WebGL), stepped and played in the browser without a server
rerun, the camera kept through changes, a click on the contour moving the start."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Page

from tests.browser.actions import Reruns
from tests.browser.conftest import REDRAW_MS, opened, wait_until_idle

pytestmark = pytest.mark.browser

VIEWS = ".lab-views"
SLIDER = f"{VIEWS} input[type=range]"
PLAY = f"{VIEWS} .lab-play"
CONTOUR = "document.querySelector('.lab-contour .lab-top')"
CONTOUR_BASE = "document.querySelector('.lab-contour .lab-base')"
SURFACE = "document.querySelector('.lab-surface .lab-layer')"
LOSS = "document.querySelector('.lab-loss .lab-layer')"
PLAY_SECONDS = 3.0  # ui/view_component.PLAY_SECONDS


def query(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def drawn_step(page: Page, plot: str) -> int:
    """The step a plot shows: its paths' length (contour, 3D) or its current marker's x (loss)."""
    return page.evaluate(f"""() => {{
        const gd = {plot};
        const path = gd._fullData.find(t => t.meta && t.meta.role === 'path');
        if (path) return path._length - 1;
        return gd._fullData.find(t => t.meta && t.meta.role === 'current').x[0];
    }}""")


def wait_drawn(page: Page, step: int) -> None:
    for plot in (CONTOUR, SURFACE, LOSS):
        page.wait_for_function(
            f"""() => {{ const gd = {plot}; if (!gd || !gd._fullData) return false;
                const path = gd._fullData.find(t => t.meta && t.meta.role === 'path');
                const k = path ? path._length - 1 : gd._fullData.find(t => t.meta && t.meta.role === 'current').x[0];
                return k === {step}; }}""", timeout=REDRAW_MS)


def stable_box(page: Page, element: str) -> list[float]:
    """An element's box once it has stopped moving (the same in two reads 300 ms apart)."""
    read = lambda: page.evaluate(f"() => {{ const r = {element}.getBoundingClientRect();"  # noqa: E731
                                 " return [r.left, r.top, r.width, r.height]; }")
    box = read()
    for _ in range(40):
        page.wait_for_timeout(300)
        box, previous = read(), box
        if box == previous:
            return box
    raise AssertionError(f"{element} still moving after 12 s")


@pytest.fixture(scope="module")
def views_page(browser, server) -> tuple[Page, Reruns]:
    counted = []
    context, page = opened(browser, server, before_load=lambda page: counted.append(Reruns(page)))
    (reruns,) = counted
    page.wait_for_selector(VIEWS)
    wait_drawn(page, 100)
    yield page, reruns
    context.close()


def test_contour_3d_and_loss_are_drawn_the_3d_one_in_webgl(views_page):
    page, _ = views_page
    assert page.evaluate(f"() => {CONTOUR}._fullData.filter(t => t.meta && t.meta.role === 'path').length") == 3
    assert page.evaluate(f"() => !!{CONTOUR_BASE}.querySelector('.contourlayer path, g.contour')")
    webgl = page.evaluate(f"""() => {{
        const canvas = {SURFACE}.querySelector('.gl-container canvas');
        const gl = canvas && (canvas.getContext('webgl') || canvas.getContext('experimental-webgl'));
        return !!gl && canvas.width > 0 && canvas.height > 0;
    }}""")
    assert webgl
    # The two contour layers share one plot area, so the runs lie on the surface they were computed on.
    top, base = (page.evaluate(f"() => {{ const s = {plot}._fullLayout._size; return [s.l, s.t, s.w, s.h]; }}")
                 for plot in (CONTOUR, CONTOUR_BASE))
    assert top == base


def test_stepping_moves_every_view_without_a_server_rerun_and_reports_once(views_page):
    page, reruns = views_page
    page.locator(SLIDER).focus()
    page.keyboard.press("Home")
    wait_drawn(page, 0)
    page.wait_for_function("() => new URLSearchParams(location.search).get('step') === '0'", timeout=REDRAW_MS)
    wait_until_idle(page)
    before = reruns.count
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    wait_drawn(page, 3)
    page.wait_for_function("() => new URLSearchParams(location.search).get('step') === '3'", timeout=REDRAW_MS)
    assert reruns.count == before + 1  # the step reached, reported back once
    stats = page.evaluate("() => window.__lossLabStats.views")
    reported_step, reported_at = stats["reported"]
    assert reported_step == 3
    for view in ("contour", "surface", "loss"):  # each view showed step 3 before anything went to the server
        drawn_at = min(at for step, at, _ in stats["frames"][view]["steps"] if step == 3)
        assert drawn_at <= reported_at, view
    wait_until_idle(page)
    assert drawn_step(page, CONTOUR) == 3  # the rerun the report caused moved nothing back


def test_play_runs_every_view_to_the_end_in_its_nominal_time_and_reports_it(views_page):
    page, reruns = views_page
    page.locator(SLIDER).focus()
    page.keyboard.press("Home")
    wait_drawn(page, 0)
    wait_until_idle(page)
    page.wait_for_timeout(500)
    before = reruns.count
    page.locator(PLAY).click()
    page.wait_for_function(f"() => document.querySelector('{VIEWS}').dataset.playing === '0'", timeout=REDRAW_MS)
    started, ended, last = page.evaluate("() => window.__lossLabStats.views.played")  # the page's own clock, ms
    assert last == 100 and abs((ended - started) / 1000 - PLAY_SECONDS) < 1.0
    wait_drawn(page, 100)
    titles = page.evaluate(f"() => [{CONTOUR}, {LOSS}].map(gd => gd.querySelector('.g-gtitle text.gtitle').textContent)")
    assert all(title.endswith(" 100") for title in titles), titles  # the titles' step too, not only the plots'
    frames = page.evaluate("() => window.__lossLabStats.views.frames")
    for view in ("contour", "loss"):  # each drew several steps on the way, not only the last
        steps = {step for step, _, _ in frames[view]["steps"]}
        assert len(steps & set(range(1, 100))) >= 5, view
    page.wait_for_function("() => !new URLSearchParams(location.search).has('step')", timeout=REDRAW_MS)
    assert reruns.count - before <= 2  # the end reported (and nothing per frame)


IN_PLACE_AND_BY_PLOTLY = """async ([drawnAt, step]) => {
    const view = [...document.querySelectorAll('*')].map(e => e.__labView).find(Boolean);
    const number = (text) => (text ?? '').match(/-?[\\d.]+/g)?.map(Number) ?? [];
    const drawing = (name) => {
        const gd = view.divs[name];
        return {
            traces: gd.calcdata.map(cd => cd[0].node3?.node()).filter(Boolean).map(node => ({
                line: number(node.querySelector('path.js-line')?.getAttribute('d')).slice(-2),
                points: [...node.querySelectorAll('path.point')].map(p => number(p.getAttribute('transform'))),
            })),
            title: gd.querySelector('.g-gtitle text.gtitle')?.textContent,
            shapes: [...gd.querySelectorAll('.shapelayer path')].map(p => number(p.getAttribute('d'))),
        };
    };
    const found = {};
    for (const name of ['contour', 'loss']) {
        const figure = view.figures[name];
        await view.stepTo(name, figure, drawnAt);
        const moved = view.movedInPlace(name, figure, step);
        const inPlace = drawing(name);
        await view.stepTo(name, figure, step);
        found[name] = {moved, inPlace, plotly: drawing(name)};
    }
    return found;
}"""


@pytest.mark.parametrize("drawn_at, step", [(90, 37), (20, 80)])
def test_a_frame_moved_in_place_while_playing_looks_as_plotly_draws_that_step(views_page, drawn_at, step):
    """Playback moves the drawn markers, lines, step line and titles itself (Plotly's update costs 20–60 ms a
    view in software rendering); what it shows is what Plotly draws at that step, fewer points or more."""
    page, _ = views_page
    wait_until_idle(page)
    found = page.evaluate(IN_PLACE_AND_BY_PLOTLY, [drawn_at, step])
    for name, result in found.items():
        assert result["moved"], name
        in_place, plotly = result["inPlace"], result["plotly"]
        assert in_place["title"] == plotly["title"] and str(step) in plotly["title"], name
        assert len(in_place["shapes"]) == len(plotly["shapes"]), name
        for ours, theirs in zip(in_place["shapes"], plotly["shapes"]):
            assert ours == pytest.approx(theirs, abs=0.05), name
        assert len(in_place["traces"]) == len(plotly["traces"]), name
        for ours, theirs in zip(in_place["traces"], plotly["traces"]):
            assert len(ours["points"]) == len(theirs["points"]), name
            assert [xy for point in ours["points"] for xy in point] == pytest.approx(  # within a pixel: Plotly
                [xy for point in theirs["points"] for xy in point], abs=1.0), name  # pads an autorange for markers
        moving = [trace for trace in plotly["traces"] if trace["points"]]
        assert moving, name
    path_points = [len(trace["points"]) for trace in found["contour"]["plotly"]["traces"]]
    assert step + 1 in path_points  # the paths hold the points up to the step


def test_space_plays_and_pauses(views_page):
    page, _ = views_page
    page.locator(SLIDER).focus()
    page.keyboard.press("Home")
    wait_drawn(page, 0)
    page.locator(f"{VIEWS} .lab-step").click()  # focus inside the views, not on a control
    page.keyboard.press("Space")
    page.wait_for_function(f"() => +document.querySelector('{VIEWS}').dataset.step >= 10", timeout=REDRAW_MS)
    page.keyboard.press("Space")
    paused = int(page.evaluate(f"() => document.querySelector('{VIEWS}').dataset.step"))
    page.wait_for_timeout(800)
    assert int(page.evaluate(f"() => document.querySelector('{VIEWS}').dataset.step")) == paused < 100


def test_the_camera_turned_with_the_mouse_stays_when_a_learning_rate_changes(views_page):
    page, _ = views_page
    # The camera on screen (the scene's own; Plotly's layout catches up with a drag only at the next redraw).
    eye = lambda: page.evaluate(f"() => {{ const e = {SURFACE}._fullLayout.scene._scene.getCamera().eye; return [e.x, e.y, e.z]; }}")  # noqa: E731
    wait_until_idle(page)  # the previous test's last report may still be running
    page.wait_for_function(f"() => {{ const gd = {SURFACE}; return gd && gd._fullLayout && gd._fullLayout.scene"
                           " && gd._fullLayout.scene._scene; }", timeout=REDRAW_MS)
    before = eye()
    box = page.locator(f"{VIEWS} .lab-surface").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 120, y + 40, steps=8)
    page.mouse.up()
    page.wait_for_function(f"() => {{ const e = {SURFACE}._fullLayout.scene._scene.getCamera().eye;"
                           f" return Math.abs(e.x - {before[0]}) > 1e-3; }}", timeout=REDRAW_MS)
    turned = eye()
    page.wait_for_function("() => new URLSearchParams(location.search).has('v_camera')", timeout=REDRAW_MS)
    wait_until_idle(page)
    paths_before = page.evaluate(f"() => Array.from({SURFACE}._fullData.find(t => t.meta && t.meta.role === 'path').x)")
    # A new learning rate for run 1: its settings in the sidebar, its slider moved by the keyboard.
    page.locator("[data-testid=stSidebar] [data-testid=stExpander] summary").first.click()
    thumb = page.locator(".st-key-run0-hp-lr input[type=range]").first
    thumb.focus()
    page.keyboard.press("ArrowLeft")
    page.wait_for_function(
        f"() => {{ const x = Array.from({SURFACE}._fullData.find(t => t.meta && t.meta.role === 'path').x);"
        f" return x.length > 2 && x[2] !== {paths_before[2]}; }}", timeout=REDRAW_MS)
    wait_until_idle(page)
    assert eye() == pytest.approx(turned, abs=1e-6)
    layout_eye = page.evaluate(f"() => {{ const e = {SURFACE}._fullLayout.scene.camera.eye; return [e.x, e.y, e.z]; }}")
    assert layout_eye == pytest.approx(turned, abs=1e-6)  # the redraw for the new η kept it too
    page.locator(f"{VIEWS} .lab-reset").click()  # the reset button brings the default view back
    page.wait_for_function(f"() => {{ const e = {SURFACE}._fullLayout.scene._scene.getCamera().eye;"
                           f" return Math.abs(e.x - ({before[0]})) < 1e-3 && Math.abs(e.z - ({before[2]})) < 1e-3; }}",
                           timeout=REDRAW_MS)


def test_a_click_on_the_contour_moves_the_start_point(views_page):
    page, _ = views_page
    wait_until_idle(page)  # the previous test's rerun may still move the plot (its legend row, its height)
    before = query(page)["x"][0]
    left, top, width, height = stable_box(page, f"{CONTOUR}.querySelector('.nsewdrag')")
    page.mouse.click(left + 0.75 * width, top + 0.25 * height)  # upper right quarter: x > 0, y > 0
    page.wait_for_function(f"() => new URLSearchParams(location.search).get('x') !== '{before}'", timeout=REDRAW_MS)
    wait_until_idle(page)
    x, y = float(query(page)["x"][0]), float(query(page)["y"][0])
    assert x > 0 and y > 0
    inputs = page.locator('[data-testid="stSidebar"] [data-testid="stNumberInput"] input')
    shown = [float(v) for v in inputs.evaluate_all("els => els.map(e => e.value)")[:2]]
    assert shown == pytest.approx([x, y], abs=1e-3)
    page.wait_for_function(
        f"() => {{ const p = {CONTOUR}._fullData.find(t => t.meta && t.meta.role === 'path');"
        f" return Math.abs(p.x[0] - {x}) < 1e-3 && Math.abs(p.y[0] - {y}) < 1e-3; }}", timeout=REDRAW_MS)


def test_each_kind_of_point_has_the_same_symbol_in_the_legend_as_in_the_plots(browser, server):
    """The shared legend draws a point's own symbol: a saddle is a square there as in the contour and in 3D."""
    context, page = opened(browser, f"{server}/?ls=saddle_two_minima&lang=en&run=gd,lr=0.05")
    page.wait_for_selector(f"{VIEWS} .lab-legend-item")
    symbols = page.evaluate(f"""() => {{
        const traces = {CONTOUR}._fullData.filter(t => t.meta && t.meta.role === 'critical');
        return traces.map(t => {{
            const item = [...document.querySelectorAll('{VIEWS} .lab-legend-item')].find(i => i.textContent.trim() === t.name);
            return [t.name, t.marker.symbol, item ? [...item.querySelectorAll('svg > *')].map(n => n.tagName) : null];
        }});
    }}""")
    shapes = {"diamond": ["path"], "square": ["path"], "circle": ["circle"]}
    assert {name for name, _, _ in symbols} >= {"saddle point", "global minimum"}
    for name, symbol, drawn in symbols:
        assert drawn == shapes[symbol], (name, symbol, drawn)
    context.close()
