"""The page walk's checks (tests/browser/page_checks.js) on small pages of known defects, in a real Chromium: each
check finds what it is for, and nothing on the same things drawn right. st.dataframe's grid needs Streamlit's
React tree, so its cells are checked by the walk itself only."""

from __future__ import annotations

from pathlib import Path

import plotly
import pytest
from playwright.sync_api import Page

from tests.browser.page_checks import Shot, run_checks, shown_in, summary

pytestmark = pytest.mark.browser

PLOTLY = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


@pytest.fixture(scope="module")
def blank(browser) -> Page:
    context = browser.new_context(viewport={"width": 1000, "height": 800})
    page = context.new_page()
    page.goto("about:blank")
    yield page
    context.close()


def findings(page: Page, html: str, language: str = "en", figures: dict | None = None) -> set[tuple[str, str]]:
    """(kind, text) of every defect the checks report on ``html`` (with Plotly figures drawn into divs by id)."""
    page.set_content(f"<body style='margin:0;font:16px sans-serif'>{html}</body>")
    if figures:
        page.add_script_tag(path=str(PLOTLY))
        page.evaluate("""async (figures) => { for (const [id, figure] of Object.entries(figures))
            await Plotly.newPlot(id, figure.data, figure.layout, figure.config ?? {displayModeBar: false}); }""", figures)
    result = run_checks(page, language)
    return {(defect["kind"], defect["text"]) for defect in result["defects"]}


def test_text_in_the_wrong_language_untranslated_keys_none_and_reprs(blank):
    html = """
      <p>볼록 그릇 (이차함수)</p>
      <div class="st-key-lang"><p>한국어</p></div>
      <p>ctl.preset</p><p>notes.md</p><p>None</p><p>distance: None</p>
      <p>&lt;scene.Run object at 0x7f3a2b10&gt;</p><p>(np.float32(0.5), 1)</p>
      <input placeholder="Choose an option">
      <div data-testid="stException">ValueError: unknown optimizer</div>
      <span style="position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)">숨김 글자</span>
    """
    english = findings(blank, html, "en")
    assert english == {
        ("hangul in English", "볼록 그릇 (이차함수)"),
        ("untranslated key", "ctl.preset"),
        ("Python None", "distance: None"),  # "None" alone is the English of the gradient field's "없음"
        ("Python repr", "<scene.Run object at 0x7f3a2b10>"),
        ("Python repr", "(np.float32(0.5), 1)"),
        ("Streamlit's default placeholder", "Choose an option"),
        ("exception box", "ValueError: unknown optimizer"),
    }
    assert findings(blank, html, "ko") == english - {("hangul in English", "볼록 그릇 (이차함수)")}


def test_clipped_labels_inputs_and_code_but_not_what_fits(blank):
    html = """
      <button style="width:40px;overflow:hidden;white-space:nowrap;text-overflow:ellipsis">Duplicate</button>
      <button style="width:200px">Remove</button>
      <label style="display:block;width:30px;overflow:hidden;white-space:nowrap">Show</label>
      <input value="Gradient descent (GD)" style="width:60px">
      <input value="-3.0" style="width:200px">
      <pre data-testid="stCode" style="width:120px;overflow-x:auto">?ls=bowl&amp;p_angle=0&amp;p_kappa=10&amp;x=-2.5</pre>
      <pre style="width:600px;overflow-x:auto">?ls=bowl</pre>
      <div class="lab-legend" style="display:flex;flex-wrap:wrap;width:120px">
        <span class="lab-legend-item" style="display:inline-flex;white-space:nowrap">Adadelta</span>
        <span class="lab-legend-item" style="display:inline-flex;white-space:nowrap">Adadelta</span>
        <span class="lab-legend-item" style="display:inline-flex;white-space:nowrap">Gradient descent (GD) η=0.1</span>
      </div>
    """
    assert {kind_text for kind_text in findings(blank, html)} == {
        ("clipped text", "Duplicate"),
        ("clipped text", "Show"),
        ("clipped input value", "Gradient descent (GD)"),
        ("clipped text", "?ls=bowl&p_angle=0&p_kappa=10&x=-2.5"),
        ("clipped legend item", "Gradient descent (GD) η=0.1"),
        ("same name twice in a legend", "Adadelta"),
    }


def figure(title: dict, **layout) -> dict:
    data = [{"x": [0, 1, 2], "y": [1, 3, 2], "name": "Momentum η=0.05", "type": "scatter"},
            {"x": [0, 1, 2], "y": [2, 1, 0], "name": "Adam η=0.1", "type": "scatter"}]
    return {"data": data, "layout": {"title": title, "width": 500, "height": 350,
                                     "xaxis": {"title": {"text": "step"}}, "yaxis": {"title": {"text": "loss"}}, **layout}}


def test_plot_titles_legends_and_axis_titles_that_collide_or_leave_the_plot(blank):
    html = "<div id='clean'></div><div id='over'></div><div id='out'></div><div id='bar'></div><div id='hover'></div>"
    top_right = {"x": 1, "xanchor": "right", "y": 0.99, "yanchor": "top"}
    figures = {
        "clean": figure({"text": "Loss per step"}),
        # the legend drawn where the title is, above the middle of the plot
        "over": figure({"text": "Loss per step", "x": 0.5, "xanchor": "center", "y": 1.0, "yref": "paper",
                        "yanchor": "bottom"},
                       legend={"orientation": "h", "x": 0.5, "xanchor": "center", "y": 1.0, "yanchor": "bottom"}),
        # a title longer than its (narrow) figure
        "out": figure({"text": "Basins of attraction: Gradient descent (GD) η=0.1, 60 steps"}, width=260,
                      showlegend=False),
        # a title under the tool bar: shown always, it covers the title; shown on hover only, not now
        "bar": {**figure({**top_right, "text": "Always"}, showlegend=False), "config": {"displayModeBar": True}},
        "hover": {**figure({**top_right, "text": "On hover"}, showlegend=False), "config": {"displayModeBar": "hover"}},
    }
    found = findings(blank, html, figures=figures)
    assert {(kind, text.split(":")[0]) for kind, text in found} == {
        ("plot labels overlap", "title × legend item"),
        ("plot label outside its plot", 'title "Basins of attraction'),
        ("plot labels overlap", "title × mode bar"),
    }
    covered = [text for kind, text in found if "mode bar" in text]
    assert covered == ['title × mode bar: "Always" × "the plot\'s tool bar"']  # not "On hover"


def test_labels_in_boxes_that_stick_out_boxes_that_touch_and_arrows_across_labels(blank):
    nodes = {"x": [0, 1, 2, 2.15], "y": [0, 0, 0, 0.3], "text": ["GD", "Stochastic gradient descent", "Adam", "Nadam"],
             "mode": "markers+text", "textposition": "middle center", "type": "scatter", "showlegend": False,
             "marker": {"symbol": "square", "size": 50, "color": "#ffffff", "line": {"width": 1}}}
    arrow = {"x": 2, "y": 0, "ax": 0, "ay": 0, "xref": "x", "yref": "y", "axref": "x", "ayref": "y", "text": "",
             "showarrow": True, "standoff": 28, "startstandoff": 28}
    layout = {"width": 600, "height": 400, "xaxis": {"visible": False, "range": [-0.5, 2.8]},
              "yaxis": {"visible": False, "range": [-0.8, 1.6]}, "annotations": [arrow]}
    found = findings(blank, "<div id='tree'></div>", figures={"tree": {"data": [nodes], "layout": layout}})
    # The arrow from GD to Adam runs through the middle box's label; it starts and ends clear of GD and Adam.
    assert found == {("label out of its box", "Stochastic gradient descent"),
                     ("arrow across a label", "Stochastic gradient descent"),
                     ("boxes overlap", '"Adam" × "Nadam"')}


def test_each_defect_is_named_once_with_the_screenshot_that_shows_it():
    shots = [Shot("a-1.png", {"main": (0, 800), "sidebar": (0, 800)}),
             Shot("a-2.png", {"main": (720, 800), "sidebar": (720, 800)})]
    assert shown_in({"area": "main", "y": 100}, shots) == "a-1.png"
    assert shown_in({"area": "sidebar", "y": 900}, shots) == "a-2.png"
    assert shown_in({"area": "main", "y": 5000}, shots) == "a-2.png"  # past the end: the last part
    found = [{"kind": "clipped text", "where": "sidebar › key=run3-remove", "text": "Remove", "detail": "47 px in 32 px",
              "shot": "s-002-x-2.png"},
             {"kind": "clipped text", "where": "sidebar › key=run7-remove", "text": "Remove", "detail": "47 px in 32 px",
              "shot": "s-008-y-2.png"}]
    (line,) = summary(found)  # the same button of another run, after another preset: one defect
    assert "s-002-x-2.png, s-008-y-2.png" in line and "key=run*-remove" in line
