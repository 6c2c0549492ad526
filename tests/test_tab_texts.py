"""What the Formulas and Internals tabs and the notes bundle write, as a reader sees it: hyperparameters by their
symbols, a switch as on/off in the page's language, no raw keys, no Python ``None``."""

from __future__ import annotations

import re

import pytest

from export import bundle
from i18n import HP_SYMBOLS, setting_text, settings_text, t
from scene import HPARAM_RANGES, from_query
from tests.test_app import load

ADAM_PAIR = {"ls": "bowl", "run": ["adam,lr=0.1,beta2=0.9", "adam,lr=0.1,beta2=0.9,bias_correction=0",
                                   "minibatch,lr=0.2,bs=8"]}
RAW_KEY = re.compile(r"\b(" + "|".join(HPARAM_RANGES) + r")\s*=")  # "bias_correction = 1", "lr=0.1", ...


def test_every_hyperparameter_is_shown_by_symbol_or_as_a_switch():
    for name, (low, high, log) in HPARAM_RANGES.items():
        assert name in HP_SYMBOLS or (low, high, log) == (0.0, 1.0, False), name  # the rest are 0/1 switches
    assert setting_text("beta1", 0.9, "en") == "β₁ = 0.9"
    assert setting_text("bias_correction", 0.0, "en") == "Bias correction: off"
    assert setting_text("bias_correction", 1.0, "ko") == "편향 보정: 켬"
    shown = settings_text((("beta1", 0.9), ("bias_correction", 1.0), ("eps", 1e-8), ("lr", 0.1)), "en")
    assert shown == "η = 0.1, β₁ = 0.9, ε = 1e-08, Bias correction: on"  # η first, the switch last


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_formula_panel_names_hyperparameters_by_symbol_and_switches_in_words(lang):
    at = load({**ADAM_PAIR, "lang": lang}, tab="tab.formulas")
    texts = [m.value for m in at.markdown]
    assert not [text for text in texts if RAW_KEY.search(text)]
    off = f"{t('hp.bias_correction', lang)}: {t('switch.off', lang)}"
    on = f"{t('hp.bias_correction', lang)}: {t('switch.on', lang)}"
    assert sum(off in text for text in texts) == 1 and sum(on in text for text in texts) == 1


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_notes_name_hyperparameters_by_symbol_and_switches_in_words(lang):
    scene, _ = from_query({**ADAM_PAIR, "lang": lang})
    notes = bundle.export_files(scene, ("md",))[bundle.NOTES].decode()
    assert not RAW_KEY.search(notes), RAW_KEY.search(notes)
    assert f"{t('hp.bias_correction', lang)}: {t('switch.off', lang)}" in notes
    assert f"{t('ctl.convention.lecture', lang)}: η = 0.2, B = 8" in notes  # the convention in the page's language


# --- the Internals tab ---------------------------------------------------------------------------------

def _rgb(color: str, over=(255, 255, 255)) -> tuple[float, ...]:
    """A Plotly colour ("#rrggbb", "rgba(r,g,b,a)", white or black) as it shows over a white page."""
    color = {"white": "#FFFFFF", "black": "#000000"}.get(color, color)
    if color.startswith("#"):
        return tuple(int(color[i:i + 2], 16) for i in (1, 3, 5))
    *rgb, alpha = ([float(v) for v in color[color.index("(") + 1:-1].split(",")] + [1.0])[:4]
    return tuple(alpha * c + (1 - alpha) * o for c, o in zip(rgb, over))


def _contrast_with_white(color: str) -> float:
    """WCAG's contrast ratio of the colour against white."""
    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in _rgb(color))
    return 1.05 / (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05)


def legend_symbol_colors(trace: dict) -> list[str]:
    """The colours a trace's legend symbol is drawn in: its line, its marker and the marker's outline, its fill."""
    mode, colors = trace.get("mode", "lines+markers"), []
    line, marker = trace.get("line") or {}, trace.get("marker") or {}
    if "lines" in mode and line.get("width", 2) > 0 and line.get("color"):
        colors.append(line["color"])
    if "markers" in mode:
        for color in (marker.get("color"), (marker.get("line") or {}).get("color")):
            colors += [c for c in (color if isinstance(color, list) else [color]) if isinstance(c, str)]
    if trace.get("fill") not in (None, "none") and trace.get("fillcolor"):
        colors.append(trace["fillcolor"])
    return colors


def invisible_legend_entries(figure: dict) -> list[str]:
    return [trace.get("name") for trace in figure["data"]
            if trace.get("type", "scatter") == "scatter" and trace.get("showlegend", True) and trace.get("name")
            and not any(_contrast_with_white(c) >= 1.5 for c in legend_symbol_colors(trace))]


def internals_page(scene, run: int = 0) -> "AppTest":
    from scene import to_query

    at = load(to_query(scene), tab="tab.internals")
    at.selectbox(key="internals_run").set_value(run).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def contour_spec(at) -> dict:
    import json

    return next(json.loads(e.proto.spec) for e in at.get("plotly_chart") if "internals_contour" in e.proto.id)


@pytest.mark.parametrize("lesson_id, lang", [("adadelta", "en"), ("adadelta", "ko"), ("adam", "en")])
def test_internals_caption_states_the_magnification_the_legend_shows(lesson_id, lang):
    from analysis import lessons
    from figures.internals import magnification

    scene = lessons.LESSONS_BY_ID[lesson_id].scene.replace(language=lang, step=3)
    at = internals_page(scene)
    arrows = [tr for tr in contour_spec(at)["data"] if (tr.get("meta") or {}).get("role") == "arrow"]
    (scale,) = {tr["meta"]["scale"] for tr in arrows if tr["meta"]["kind"] in ("scaled", "actual")}
    caption = next(c.value for c in at.caption if t("internals.at_step", lang, step=3, next=4) in c.value)
    if scale > 1:  # Adadelta's steps are ~1e-5 of the plot: magnified, and the caption says by how much
        factor = magnification(scale)
        assert factor in caption and t("internals.arrow_scale", lang) not in caption
        assert all(factor in tr["name"] for tr in arrows if tr["meta"]["kind"] in ("scaled", "actual"))
    else:
        assert t("internals.arrow_scale", lang) in caption and not any("×" in tr["name"] for tr in arrows)
    assert (scale > 1) == (lesson_id == "adadelta")  # both branches are exercised


@pytest.mark.parametrize("lesson_id, optimizer", [("adam", "adam"), ("batch", "sgd")])
def test_internals_tables_hold_numbers_only_and_every_legend_symbol_shows(lesson_id, optimizer):
    import math

    from analysis import lessons

    scene = lessons.LESSONS_BY_ID[lesson_id].scene.replace(language="en", step=5)
    at = internals_page(scene, lessons.run_index(scene, optimizer))
    cells = [value for df in at.dataframe if "x" in df.value.columns or "value" in df.value.columns
             for column in df.value.columns if column for value in df.value[column]]
    assert len(cells) >= 11 and all(isinstance(v, float) and math.isfinite(v) for v in cells), cells
    spec = contour_spec(at)
    roles = {(tr.get("meta") or {}).get("role") for tr in spec["data"]}
    assert {"arrow"} <= roles and (optimizer != "sgd" or {"seed_band", "seed_mean", "noise_ellipse"} <= roles)
    assert invisible_legend_entries(spec) == []


def test_legend_below_reserves_its_rows_under_the_axis_title():
    import plotly.graph_objects as go

    from figures.internals import LEGEND_ROW, legend_below, legend_rows
    from figures.theme import styled, theme_named

    assert legend_rows(["a"] * 3, 13, 800) == 1
    assert legend_rows(["전역최저점 출발점 걸"] * 3, 13, 470) == 2 and legend_rows(["global min"] * 3, 13, 470) == 1
    figure = styled(go.Figure([go.Scatter(x=[0, 1], y=[0, 1], name=f"run number {i}") for i in range(12)]),
                    theme_named("screen"))
    before = figure.layout.height, figure.layout.margin.b
    legend_below(figure, 470)
    rows = legend_rows([f"run number {i}" for i in range(12)], 13, 470)
    assert rows >= 3
    assert figure.layout.height - before[0] == figure.layout.margin.b - before[1] >= rows * LEGEND_ROW * 13
    plot = before[0] - figure.layout.margin.t - before[1]
    assert figure.layout.legend.yanchor == "top" and -figure.layout.legend.y * plot > before[1]  # below the title
