"""The link: ``to_query``/``from_query`` carry a Scene exactly, and ``from_query`` reads anything without raising.

Property tests draw Scenes field by field from the dataclasses' own fields: a field added to Scene, Run
or View without a strategy here fails loudly, and one the link does not carry fails the round trip.
"""

from __future__ import annotations

import dataclasses
import math
import re
from urllib.parse import parse_qs, quote, urlencode

import pytest
from hypothesis import given, strategies as st

import optimizers
from landscapes import LANDSCAPES, parse_formula
from landscapes.formula import MAX_BOUND, MAX_LENGTH
from optimizers import CONVENTIONS, OPTIMIZER_IDS, hyperparameters
from scene import (
    DEFAULT_SCENE, FIELD_MODES, HPARAM_RANGES, LANGUAGES, MAX_BATCH, MAX_RUNS, MAX_SEED, MAX_SEEDS, MAX_STEPS, PALETTE,
    SLICE_KINDS, Run, Scene, View, from_query, query_string, readable_query_string, to_query,
)
from scene.link import FORMULA_BOUNDS, NOISE, readable_query

# Formulas finite on any plot of at most ±1000 (the custom bounds' limit), with their constants drawn.
FORMULA_TEMPLATES = ("{a}*x**2 + {b}*y**2", "(x**2 - {a})**2 + {b}*y**2", "sin({a}*x)*cos(y) + {b}",
                     "abs(x - {a}) + tanh({b}*y)", "max(x, {a}*y) + min(y, {b})", "x*y + {a}")


def reads_back(query: dict) -> tuple[Scene, list[str]]:
    """``from_query`` of ``query`` after a trip through an address bar (urlencode, then parse_qs)."""
    from urllib.parse import urlencode

    return from_query(parse_qs(urlencode(query, doseq=True), keep_blank_values=True))


# --- strategies built from the dataclasses' fields ------------------------------------------------------------

def finite(low: float, high: float) -> st.SearchStrategy[float]:
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


def increasing_pair(low: float, high: float) -> st.SearchStrategy[tuple[float, float]]:
    return st.tuples(finite(low, high), finite(low, high)).filter(lambda p: p[0] != p[1]).map(lambda p: tuple(sorted(p)))


def formulas() -> st.SearchStrategy[str]:
    constant = finite(-100, 100).map(lambda v: repr(round(v, 3)).replace("-", "0-"))  # 0-2.5: no unary minus needed
    return st.builds(lambda template, a, b: template.format(a=f"({a})", b=f"({b})"),
                     st.sampled_from(FORMULA_TEMPLATES), constant, constant)


def scene_bounds(drawn: dict) -> tuple[tuple[float, float], tuple[float, float]]:
    if drawn["landscape"] == "custom":
        x0, x1, y0, y1 = drawn["formula_bounds"]
        return (x0, x1), (y0, y1)
    return LANDSCAPES[drawn["landscape"]].bounds


def landscape_params(drawn: dict) -> st.SearchStrategy:
    if drawn["landscape"] == "custom":
        return st.just(())
    params = LANDSCAPES[drawn["landscape"]].params
    chosen = st.lists(st.sampled_from(params), unique_by=lambda p: p.name) if params else st.just([])
    return chosen.flatmap(lambda ps: st.tuples(*(finite(p.low, p.high).map(lambda v, p=p: (p.name, v)) for p in ps))
                          .map(lambda pairs: tuple(sorted(pairs))))


def hparams(drawn: dict) -> st.SearchStrategy:
    names = sorted(hyperparameters(drawn["optimizer"], drawn["convention"]))
    return st.tuples(*(finite(*HPARAM_RANGES[name][:2]).map(lambda v, n=name: (n, v)) for name in names))


RUN_FIELDS = {  # in the order they are drawn: a strategy may use the values drawn before it
    "optimizer": lambda d: st.sampled_from(OPTIMIZER_IDS),
    "convention": lambda d: st.sampled_from(CONVENTIONS),
    "hparams": hparams,
    "color": lambda d: st.text("0123456789abcdefABCDEF", min_size=6, max_size=6).map("#".__add__),
    "visible": lambda d: st.booleans(),
    "batch_size": lambda d: st.none() | st.integers(1, MAX_BATCH),
}
VIEW_FIELDS = {
    "log_loss": lambda d: st.booleans(),
    "field": lambda d: st.sampled_from(FIELD_MODES),
    "projector": lambda d: st.booleans(),
    "show_critical": lambda d: st.booleans(),
    "seeds": lambda d: st.integers(1, MAX_SEEDS),
    "noise_ellipse": lambda d: st.booleans(),
    # eye and up nonzero, as the browser reports them: every number within the link's ±100
    "camera": lambda d: st.none() | st.tuples(*[finite(-100.0, 100.0)] * 9).filter(lambda c: any(c[:3]) and any(c[6:])),
    "slice": lambda d: st.sampled_from(SLICE_KINDS),
}
SCENE_FIELDS = {
    "landscape": lambda d: st.sampled_from([*LANDSCAPES, "custom"]),
    # another landscape may carry the last formula, for when "custom" is chosen again (the page keeps it)
    "formula": lambda d: formulas() if d["landscape"] == "custom" else st.just("") | formulas(),
    "formula_bounds": lambda d: (st.tuples(increasing_pair(-MAX_BOUND, MAX_BOUND), increasing_pair(-MAX_BOUND, MAX_BOUND))
                                 .map(lambda b: (*b[0], *b[1])) if d["formula"] else st.just(FORMULA_BOUNDS)),
    "landscape_params": landscape_params,
    "start": lambda d: st.tuples(*(finite(low, high) for low, high in scene_bounds(d))),
    "steps": lambda d: st.integers(1, MAX_STEPS),
    "step": lambda d: st.none() | st.integers(0, d["steps"]),
    "noise": lambda d: finite(NOISE.low, NOISE.high),
    "seed": lambda d: st.integers(0, MAX_SEED),
    "language": lambda d: st.sampled_from(LANGUAGES),
    "view": lambda d: instances(View, VIEW_FIELDS),
    "runs": lambda d: st.lists(instances(Run, RUN_FIELDS), max_size=MAX_RUNS).map(tuple),
}


def instances(cls, field_strategies: dict) -> st.SearchStrategy:
    """Instances of the dataclass ``cls``, one strategy per field; a field without one is an error, not a gap."""
    missing = {f.name for f in dataclasses.fields(cls)} - set(field_strategies)
    if missing:
        raise AssertionError(f"no strategy for {cls.__name__}.{', '.join(sorted(missing))}: add it to the table here "
                             f"(and to the link, scene.to_query/from_query)")

    @st.composite
    def draw_one(draw):
        drawn = {}
        for name, strategy in field_strategies.items():
            drawn[name] = draw(strategy(drawn))
        return cls(**drawn)

    return draw_one()


scenes = instances(Scene, SCENE_FIELDS)


# --- what a valid Scene is ---------------------------------------------------------------------------------

def within(value, low, high) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and low <= value <= high


def assert_valid(scene: Scene) -> None:
    """Every field in its range: what the page, the engine and the figures can take."""
    assert isinstance(scene, Scene)
    if scene.formula or scene.landscape == "custom":
        x0, x1, y0, y1 = scene.formula_bounds
        surface = parse_formula(scene.formula, bounds=((x0, x1), (y0, y1)))  # raises when refused
        assert all(within(v, -MAX_BOUND, MAX_BOUND) for v in scene.formula_bounds) and x0 < x1 and y0 < y1
    else:
        assert scene.formula_bounds == FORMULA_BOUNDS
    if scene.landscape != "custom":
        surface = LANDSCAPES[scene.landscape]
        params = {p.name: p for p in surface.params}
        for name, value in scene.landscape_params:
            assert within(value, params[name].low, params[name].high)
    else:
        assert scene.landscape_params == ()
    assert scene.surface().bounds == surface.bounds
    (x0, x1), (y0, y1) = surface.bounds
    assert within(scene.start[0], x0, x1) and within(scene.start[1], y0, y1)
    assert isinstance(scene.steps, int) and 1 <= scene.steps <= MAX_STEPS
    assert scene.step is None or (isinstance(scene.step, int) and 0 <= scene.step <= scene.steps)
    assert within(scene.noise, NOISE.low, NOISE.high)
    assert isinstance(scene.seed, int) and 0 <= scene.seed <= MAX_SEED
    assert scene.language in LANGUAGES
    view = scene.view
    assert all(isinstance(getattr(view, name), bool) for name in ("log_loss", "projector", "show_critical",
                                                                  "noise_ellipse"))
    assert view.field in FIELD_MODES and isinstance(view.seeds, int) and 1 <= view.seeds <= MAX_SEEDS
    assert view.camera is None or (len(view.camera) == 9 and all(within(v, -100.0, 100.0) for v in view.camera))
    assert len(scene.runs) <= MAX_RUNS
    for run in scene.runs:
        assert dict(run.hparams).keys() == hyperparameters(run.optimizer, run.convention).keys()
        assert all(within(value, *HPARAM_RANGES[name][:2]) for name, value in run.hparams)
        optimizers.make(run.optimizer, run.convention, **run.settings)  # the engine takes them
        assert len(run.color) == 7 and int(run.color[1:], 16) >= 0
        assert isinstance(run.visible, bool)
        assert run.batch_size is None or (isinstance(run.batch_size, int) and 1 <= run.batch_size <= MAX_BATCH)


# --- properties ---------------------------------------------------------------------------------------------

@given(scenes)
def test_every_valid_scene_survives_its_link_exactly(scene):
    assert_valid(scene)
    assert from_query(to_query(scene)) == (scene, [])
    assert from_query(parse_qs(query_string(scene), keep_blank_values=True)) == (scene, [])


def pasted_into_an_address_bar(query: str) -> str:
    """The query a browser's URL parser (WHATWG URL) makes of ``query`` pasted after "…?": the ends trimmed of spaces
    and control characters, tabs and newlines dropped, cut at a "#" (a fragment), and percent-encoded (UTF-8) where
    it holds a space, a control character, a quote, "<", ">" or anything beyond ASCII."""
    query = re.sub("[\t\n\r]", "", query.strip("".join(map(chr, range(0x21))))).split("#", 1)[0]
    return "".join(c if 0x20 < ord(c) < 0x7F and c not in "\"'<>" else quote(c, safe="") for c in query)


def opened(query: str) -> dict[str, list[str]]:
    """What the page reads from ``query`` pasted into an address bar (Streamlit parses it with ``parse_qs``)."""
    return parse_qs(pasted_into_an_address_bar(query), keep_blank_values=True)


@given(scenes)
def test_the_readable_query_opens_the_same_scene(scene):
    assert from_query(opened(readable_query_string(scene))) == (scene, [])


any_text = st.text(st.characters(codec="utf-8"), max_size=12)  # Hangul, Greek, controls, "&=#%+" and the rest


@given(st.dictionaries(any_text, any_text | st.lists(any_text, min_size=1, max_size=3), max_size=6))
def test_any_query_opens_the_same_from_its_readable_form(query):
    assert opened(readable_query(query)) == parse_qs(urlencode(query, doseq=True), keep_blank_values=True)


@given(st.text(st.characters(codec="utf-8").filter(lambda c: c.isprintable() and c not in "&#%+")))
def test_what_reads_the_same_is_shown_as_it_is(text):
    shown = readable_query({"f": text})
    assert shown == f"f={text}" if not text.endswith(" ") else shown.startswith(f"f={text.rstrip(' ')}%20")


def test_a_formula_and_the_runs_read_as_typed_but_plus_stays_encoded():
    scene = DEFAULT_SCENE.replace(landscape="custom", formula="x**2 + 3*sin(y)", start=(1.0, 1.0),
                                  runs=(Run.of("adam", lr=0.3),))
    shown = readable_query_string(scene)
    assert "&f=x**2 %2B 3*sin(y)&fb=-3,3,-3,3&" in shown  # "+" would be read as a space
    assert shown.endswith("&run=adam,conv=lecture,beta1=0.9,beta2=0.999,bias_correction=1,eps=1e-08,lr=0.3,bs=full,"
                          "color=0072B2")
    assert readable_query({"q": "손실 지형 α·β", "k": "a&b=c#d%e+f"}) == "q=손실 지형 α·β&k=a%26b=c%23d%25e%2Bf"


KEYS = ["ls", "x", "y", "steps", "step", "noise", "seed", "lang", "run", "f", "fb", "p_kappa", "p_angle", "p_a",
        "p_b", *(f"v_{f.name}" for f in dataclasses.fields(View))]
json_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=10,
)
number_text = st.one_of(st.floats().map(repr), st.integers(-10**6, 10**6).map(str), st.sampled_from(
    ["", "nan", "inf", "-inf", "1e999", "0x10", "1_000", " 2 ", "٣", "1e-400", "-0"]))
run_text = st.lists(st.one_of(st.sampled_from([*OPTIMIZER_IDS, "none", "conv=torch", "conv=x", "bs=full", "bs=0",
                                               "hide=1", "color=zzzzzz", "color=#00ff00", "=", ""]),
                              st.builds("{}={}".format, st.sampled_from(sorted(HPARAM_RANGES)), number_text)),
                    min_size=1, max_size=8).map(",".join)
query_values = st.one_of(json_like, number_text, run_text, formulas(), st.sampled_from([*LANDSCAPES, "custom", *LANGUAGES]),
                         st.lists(st.one_of(run_text, number_text, json_like), max_size=10))


@given(st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=10), st.integers()), query_values,
                       max_size=12))
def test_any_mapping_gives_a_valid_scene_and_notices_never_an_exception(query):
    scene, notices = from_query(query)
    assert_valid(scene)
    assert isinstance(notices, list) and all(isinstance(n, str) and n for n in notices)


# --- the cases the fuzzing pass found, one each ------------------------------------------------------------------

def test_a_scene_without_runs_keeps_none():
    empty = DEFAULT_SCENE.replace(runs=())
    assert reads_back(to_query(empty)) == (empty, [])


@pytest.mark.parametrize("optimizer", OPTIMIZER_IDS)
def test_full_batch_survives_for_every_optimizer(optimizer):
    scene = DEFAULT_SCENE.replace(runs=(Run.of(optimizer, batch_size=None), Run.of(optimizer, batch_size=8)))
    assert reads_back(to_query(scene)) == (scene, [])


def test_numbers_come_back_to_the_last_digit():
    scene = DEFAULT_SCENE.replace(start=(1.23456789, -0.1 + 0.2), noise=1 / 3,
                                  runs=(Run.of("adam", lr=0.123456789, beta2=0.99999, eps=1.5e-10),))
    assert reads_back(to_query(scene))[0] == scene


@pytest.mark.parametrize("query, refused", [
    ({"seed": 1}, 0), ({"x": 0.5, "steps": 20}, 0), ({"run": [None, 3]}, 2), ({"ls": None}, 1),
    ({"v_projector": True}, 1), ({"run": {"gd": 1}}, 1), ({7: "x"}, 1), ({"steps": 10**5000}, 1),
])
def test_values_that_are_not_text_are_refused_with_a_notice_or_read_as_numbers(query, refused):
    scene, notices = from_query(query)
    assert_valid(scene)
    assert len(notices) == refused, notices


def test_numbers_given_as_numbers_are_read_as_their_text():
    scene, notices = from_query({"seed": 1, "x": 0.5, "steps": 20})
    assert (scene.seed, scene.start[0], scene.steps, notices) == (1, 0.5, 20, [])


def test_a_refused_formula_is_not_kept_in_the_scene():
    scene, notices = from_query({"ls": "custom", "f": "x**2 +", "lang": "en"})
    assert (scene.landscape, scene.formula, scene.formula_bounds) == ("bowl", "", FORMULA_BOUNDS)
    assert len(notices) == 1 and "formula 'f' refused" in notices[0]
    kept, notices = from_query({"ls": "rosenbrock", "f": "import os", "lang": "en"})  # carried for later, refused
    assert (kept.landscape, kept.formula) == ("rosenbrock", "") and "dropped" in notices[0]


def test_notices_are_in_the_pages_language():
    _, korean = from_query({"lang": "ko", "x": "abc"})
    _, english = from_query({"lang": "en", "x": "abc"})
    assert korean == ["'x=abc'는 수가 아닙니다. -2.5을(를) 씁니다."]
    assert english == ["'x=abc' is not a number; using -2.5"]
    assert from_query({"lang": "ko", "x": "abc"}, language="en")[1] == english  # the command line's choice


def test_an_overlong_formula_is_reported_as_too_long():
    formula = "x" * 600
    scene, notices = from_query({"ls": "custom", "f": formula, "lang": "en"})
    assert scene.landscape == "bowl" and len(notices) == 1
    assert "600 characters" in notices[0] and f"at most {MAX_LENGTH}" in notices[0]
    assert "without a formula" not in notices[0]


@pytest.mark.parametrize("query, phrase", [
    ({"run": "gd,lr=abc"}, "'run 1 lr=abc' is not a number; using 0.001"),
    ({"run": "gd,bs=2.5"}, "'run 1 bs=2.5' is not a whole number; using 2"),
    ({"run": "sgd,bs=0"}, "'run 1 bs=0' is outside [1, 64]; using 1"),
    ({"run": "gd,color=blue"}, "run 1: 'blue' is not a colour (RRGGBB); using #0072B2"),
    ({"run": ["gd"] * 9}, "9 runs given; keeping the first 8"),
    ({"run": "gd,warp=9"}, "run 1: unknown setting 'warp' ignored"),
    ({"fb": "0,1,0,1"}, "plot bounds 'fb' without a formula 'f' ignored"),
    ({"ls": "custom", "f": "x**2", "fb": "1,0,0,1"}, "'fb=1,0,0,1': the plot bounds must be four increasing numbers"),
    ({"steps": "9" * 600}, "'steps' is too long (600 characters, at most 512); using the default"),
    ({"seed": None}, "'seed' is not text (NoneType); using the default"),
    ({"ls": "custom"}, "custom landscape without a formula 'f'; using the convex bowl"),
    ({"ls": "custom", "f": "0/0"}, "formula 'f' refused: f is defined on only 0% of the plot"),
])
def test_each_fallback_says_what_it_refused_and_what_it_used(query, phrase):
    scene, notices = from_query({**query, "lang": "en"})
    assert_valid(scene)
    assert any(notice.startswith(phrase) for notice in notices), notices


def test_links_of_the_page_before_this_format_still_read():
    old = {"ls": "bowl", "x": "-2.5", "y": "2", "steps": "100", "noise": "1", "seed": "0", "lang": "ko",
           "run": ["gd,conv=lecture,lr=0.1,color=0072B2", "sgd,conv=lecture,lr=0.05,color=D55E00"]}
    scene, notices = from_query(old)
    assert notices == [] and [run.batch_size for run in scene.runs] == [None, 1]  # bs absent: the default
    assert scene.runs[0].color == PALETTE[0]
