"""Custom formulas: hostile text is refused with a message naming the token and its position,
benign formulas equal NumPy on a grid, undefined regions are masked, and a custom surface works with
the engine, the critical-point finder and the URL."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from analysis import compute
import optimizers
import scene as scene_module
from i18n import error_text
from landscapes import FormulaError, find_critical_points, parse_formula
from landscapes.formula import (
    DEFAULT_BOUNDS, MAX_CONSTANT, MAX_DEPTH, MAX_LENGTH, MAX_NODES, MIN_DEFINED_SHARE, defined_share,
)
from scene import Run, Scene

# (text, reason, 1-based position, offending token)
HOSTILE = [
    pytest.param("x.__class__.__bases__", "forbidden", 2, ".__class__", id="dunder-attribute-chain"),
    pytest.param("().__class__.__base__.__subclasses__()", "forbidden", 1, "()", id="tuple-subclasses"),
    pytest.param("x + y.real", "forbidden", 6, ".real", id="attribute"),
    pytest.param("__import__('os').system('ls')", "unknown_function", 1, "__import__", id="import"),
    pytest.param("x + __builtins__", "unknown_name", 5, "__builtins__", id="builtins-name"),
    pytest.param("lambda: x", "forbidden", 1, "lambda", id="lambda"),
    pytest.param("(lambda: 1)()", "forbidden", 2, "lambda", id="lambda-called"),
    pytest.param("[x for x in (1, 2)]", "forbidden", 1, "[x for x", id="list-comprehension"),
    pytest.param("x + (y for y in (1,))", "forbidden", 5, "(y for y", id="generator"),
    pytest.param("(y := 2) + x", "forbidden", 4, ":=", id="walrus"),
    pytest.param('f"{x}" + y', "forbidden", 1, 'f"{x}"', id="f-string"),
    pytest.param("sin(x=1)", "forbidden", 5, "x=1", id="keyword-call"),
    pytest.param("max(x, **y)", "forbidden", 8, "**y", id="double-starred-call"),
    pytest.param("sin(*x)", "forbidden", 5, "*x", id="starred-call"),
    pytest.param("x[0] + y", "forbidden", 2, "[", id="subscript"),
    pytest.param("ｘ**2 + y", "non_ascii", 1, "ｘ", id="fullwidth-x"),
    pytest.param("x + ｓｉｎ(y)", "non_ascii", 5, "ｓ", id="fullwidth-function"),
    pytest.param("x\x00 + y", "nul", 2, "NUL", id="nul-byte"),
    pytest.param("9**9**9**9", "constant_too_large", 7, "9**9", id="tower-of-powers"),
    pytest.param("x + 10**7", "constant_too_large", 5, "10**7", id="large-power"),
    pytest.param("(" * 201 + "x" + ")" * 201, "too_long", MAX_LENGTH + 1, ")", id="201-deep-parentheses"),
    pytest.param("(" * 201 + "x", "parens_deep", MAX_DEPTH + 1, "(", id="201-deep-parentheses-unclosed"),
    pytest.param("x" * 100_000, "too_long", MAX_LENGTH + 1, "xxx", id="100kB"),
    pytest.param("1e999", "too_large", 1, "1e999", id="1e999"),
    pytest.param("x + 1e999*y", "too_large", 5, "1e999", id="1e999-inside"),
    pytest.param("1j", "complex", 1, "1j", id="complex"),
    pytest.param("x + 2.5j*y", "complex", 5, "2.5j", id="complex-inside"),
    pytest.param("x^2", "caret", 2, "^", id="caret"),
    pytest.param("x % 3", "operator", 3, "%", id="modulo"),
    pytest.param("x < y", "forbidden", 1, "x < y", id="comparison"),
    pytest.param("x if y else 1", "forbidden", 1, "x if y", id="conditional"),
    pytest.param("'abc'", "forbidden", 1, "'abc'", id="string"),
    pytest.param("True + x", "not_number", 1, "True", id="bool"),
    pytest.param("x # comment", "character", 3, "#", id="comment"),
    pytest.param("x;y", "character", 2, ";", id="semicolon"),
    pytest.param("x\ny", "control", 2, "U+000A", id="newline"),
    pytest.param("2x + y", "syntax", 1, "2x", id="implicit-product"),
    pytest.param("   x ^ 2", "caret", 6, "^", id="leading-spaces"),
    pytest.param("  2x", "syntax", 3, "2x", id="leading-spaces-syntax"),
    pytest.param("x +", "unexpected_end", 4, "x +", id="unfinished"),
    pytest.param("foo(x)", "unknown_function", 1, "foo", id="unknown-function"),
    pytest.param("sin + x", "function_as_name", 1, "sin", id="function-without-call"),
    pytest.param("x(2)", "not_callable", 1, "x", id="call-variable"),
    pytest.param("min(x)", "arity", 1, "min", id="arity"),
    pytest.param("-" * 40 + "x", "too_deep", MAX_DEPTH + 1, "-", id="deep-unary"),
    pytest.param("+".join(["x"] * 120), "too_many_nodes", None, "", id="too-many-nodes"),
]


@pytest.mark.parametrize("text, reason, position, token", HOSTILE)
def test_hostile_input_is_refused_with_its_token_and_position(text, reason, position, token):
    with pytest.raises(FormulaError) as caught:
        parse_formula(text)
    error = caught.value
    assert isinstance(error, ValueError)
    assert error.reason == reason
    if position is not None:
        assert error.position == position
        assert f"position {position}" in str(error)
        assert f"{position}번째" in error_text(error, "ko")
    assert error.token.startswith(token)
    assert error.token in str(error) and error.token in error_text(error, "ko")
    assert "Traceback" not in str(error)


def test_errors_survive_pickling_with_their_fields():
    with pytest.raises(FormulaError) as caught:
        parse_formula("x + y^2")
    copy = pickle.loads(pickle.dumps(caught.value))
    assert (copy.reason, copy.position, copy.token, str(copy)) == ("caret", 6, "^", str(caught.value))


def test_node_limit_is_counted():
    # 100 terms: 199 nodes pass; 101 terms: 201 nodes are refused
    assert parse_formula("+".join(["x"] * 100)).id == "custom"
    with pytest.raises(FormulaError) as caught:
        parse_formula("+".join(["x"] * 101))
    assert caught.value.reason == "too_many_nodes" and str(MAX_NODES) in str(caught.value)


def test_limits_are_inclusive():
    assert parse_formula(f"x + {MAX_CONSTANT:.0f}").id == "custom"
    assert parse_formula("(" * MAX_DEPTH + "x" + ")" * MAX_DEPTH).id == "custom"
    assert parse_formula("x" + " " * (MAX_LENGTH - 1)).id == "custom"


def test_empty_and_non_text_are_refused():
    for text in ("", "   ", None, 3):
        with pytest.raises(FormulaError) as caught:
            parse_formula(text)
        assert caught.value.reason == "empty"


@pytest.mark.parametrize("bounds", [((1, -1), (-1, 1)), ((-1, 1), (0, 0)), ((-1, float("nan")), (-1, 1)),
                                    ((-1e4, 1), (-1, 1)), "wide", ((1, 2, 3), (1, 2))])
def test_bad_bounds_are_refused(bounds):
    with pytest.raises(FormulaError) as caught:
        parse_formula("x**2 + y**2", bounds=bounds)
    assert caught.value.reason == "bounds"


# --- benign formulas equal NumPy -----------------------------------------------------------------------

BENIGN = [
    ("x**2 + 3*sin(y)", lambda x, y: x**2 + 3 * np.sin(y)),
    ("exp(-(x**2 + y**2)) * cos(2*pi*x)", lambda x, y: np.exp(-(x**2 + y**2)) * np.cos(2 * np.pi * x)),
    ("sqrt(x**2 + y**2 + 1) - e", lambda x, y: np.sqrt(x**2 + y**2 + 1) - np.e),
    ("log(1 + x**2) - tanh(y) / 2", lambda x, y: np.log(1 + x**2) - np.tanh(y) / 2),
    ("abs(x) + arctan(y) + atan(x*y)", lambda x, y: np.abs(x) + np.arctan(y) + np.arctan(x * y)),
    ("(x - 1)**3 / (1 + y**2)", lambda x, y: (x - 1) ** 3 / (1 + y**2)),
    ("-x**2 + (-y)**3", lambda x, y: -(x**2) + (-y) ** 3),
    ("2**(-x) + y**-2 * 0.5", lambda x, y: 2.0 ** (-x) + 0.5 / y**2),
    ("max(x, y) - min(x, 0.5*y)", lambda x, y: np.maximum(x, y) - np.minimum(x, 0.5 * y)),
    ("sigmoid(x) * softplus(y) + relu(x - y)",
     lambda x, y: 1 / (1 + np.exp(-x)) * np.log1p(np.exp(y)) + np.maximum(x - y, 0)),
    ("sinh(x/3) * cosh(y/3) + log10(2 + x) + log2(3 + y) + ln(4 + x)",
     lambda x, y: np.sinh(x / 3) * np.cosh(y / 3) + np.log10(2 + x) + np.log2(3 + y) + np.log(4 + x)),
    ("sign(x) * x + 1e-3 * y", lambda x, y: np.sign(x) * x + 1e-3 * y),
    ("x**0.5 + (y + 3)**1.5", lambda x, y: np.sqrt(x) + (y + 3) ** 1.5),
]


@pytest.mark.parametrize("text, reference", BENIGN, ids=[text for text, _ in BENIGN])
def test_benign_formula_equals_numpy_on_a_grid(text, reference):
    landscape = parse_formula(text, bounds=((-2.5, 2.5), (-2.0, 2.0)))
    grid = compute.surface_grid(landscape, 41)
    gx, gy = np.meshgrid(grid.xs.astype(np.float64), grid.ys.astype(np.float64))
    with np.errstate(all="ignore"):
        expected = reference(gx, gy)
    finite = np.isfinite(expected)
    np.testing.assert_array_equal(np.isfinite(grid.z), finite)
    assert grid.masked == int((~finite).sum())
    np.testing.assert_allclose(grid.z[finite], expected[finite], rtol=2e-5, atol=2e-5 * np.abs(expected[finite]).max())


def test_spelling_and_spacing_share_one_compiled_family():
    a = parse_formula("x**2 + 3*sin(y)")
    b = parse_formula("  x ** 2+3 * sin( y )")
    assert a.family is b.family
    opt = optimizers.make("gd", lr=0.1)
    optimizers.run(opt, a, (1.0, 1.0), 20)
    before = optimizers.compiled_programs()
    optimizers.run(opt, b, (-1.0, 0.5), 20)
    assert optimizers.compiled_programs() == before


def test_changing_a_number_recompiles_nothing():
    opt = optimizers.make("gd", lr=0.1)
    three, five = parse_formula("x**2 + 3*sin(y) - pi"), parse_formula("x**2 + 5*sin(y) - 2*e")
    assert three.family is five.family and three.theta != five.theta
    optimizers.run(opt, three, (1.0, 1.0), 30)
    compute.surface_grid(three, 21)
    before = optimizers.compiled_programs()
    path = optimizers.run(opt, five, (1.0, 1.0), 30).params
    grid = compute.surface_grid(five, 21)
    assert optimizers.compiled_programs() == before
    gx, gy = np.meshgrid(grid.xs, grid.ys)
    np.testing.assert_allclose(grid.z, gx**2 + 5 * np.sin(gy) - 2 * np.e, rtol=1e-5, atol=1e-5)
    assert not np.allclose(path, optimizers.run(opt, three, (1.0, 1.0), 30).params)
    # an integer power is part of the program (repeated multiplication), so x**3 is a new family
    assert parse_formula("x**3 + 3*sin(y) - pi").family is not three.family


def test_bounds_and_latex_are_carried():
    landscape = parse_formula("x/y + (x + 1)**2", bounds=((-1, 2), (0.5, 4)))
    assert landscape.bounds == ((-1.0, 2.0), (0.5, 4.0))
    assert r"\frac{x}{y}" in landscape.latex and r"\left(x + 1\right)^{2}" in landscape.latex
    (x0, x1), (y0, y1) = landscape.bounds
    assert all(x0 <= sx <= x1 and y0 <= sy <= y1 for sx, sy in landscape.starts)


# --- numerically hostile formulas ------------------------------------------------------------------------

@pytest.mark.parametrize("text, bounds", [
    ("sqrt(-1) + x", DEFAULT_BOUNDS), ("log(0) * x + y", DEFAULT_BOUNDS), ("x/0", DEFAULT_BOUNDS),
    ("exp(1000) + x", DEFAULT_BOUNDS), ("0/0", DEFAULT_BOUNDS), ("sqrt(-1-x**2)", DEFAULT_BOUNDS),
    ("log(-x**2 - y**2)", DEFAULT_BOUNDS), ("log(x - 3) + y", DEFAULT_BOUNDS),
    ("log(x) + y**2", ((-3.0, -1.0), (-3.0, 3.0))),  # defined elsewhere, not on this plot
])
def test_a_formula_undefined_on_nearly_all_of_its_plot_is_refused(text, bounds):
    with pytest.raises(FormulaError) as refused:
        parse_formula(text, bounds)
    assert refused.value.reason == "undefined"
    assert "defined on only 0% of the plot" in error_text(refused.value, "en")
    assert "그림 범위의 0%에서만 정의됩니다" in error_text(refused.value, "ko")


def test_a_formula_defined_on_a_sliver_is_kept():
    sliver = parse_formula("log(x - 2.9)")
    share = defined_share(sliver.family, sliver.theta, sliver.bounds)
    assert share == 2 / 64 >= MIN_DEFINED_SHARE  # x > 2.9 in two of the probe's 64 columns


@pytest.mark.parametrize("text, masked_where", [
    ("log(x) + y**2", lambda x, y: x <= 0),
    ("sqrt(y) + x**2", lambda x, y: y < 0),
    ("exp(1000*x) + y", lambda x, y: x > 0.0885),
])
def test_undefined_regions_are_masked_not_crashing(text, masked_where):
    landscape = parse_formula(text)
    grid = compute.surface_grid(landscape, 31)
    gx, gy = np.meshgrid(grid.xs, grid.ys)
    expected = masked_where(gx, gy)
    np.testing.assert_array_equal(np.isnan(grid.z), expected)
    assert grid.masked == int(expected.sum())
    assert not np.isinf(grid.z).any()


def test_trajectories_stop_cleanly_where_the_surface_is_undefined():
    bounds = (-3.0, 3.0, -3.0, 3.0)
    run = Run.of("gd", lr=0.1)
    inside_nan = Scene(landscape="custom", formula="sqrt(x) + y**2", formula_bounds=bounds, start=(-1.0, 1.0),
                       runs=(run,), steps=50)
    trajectory = compute.trajectory(inside_nan, run)
    assert trajectory.diverged_at == 1 and len(trajectory.params) == 1
    # from x > 0 the steps grow as 1/√x and overshoot into x < 0, where the run stops at its last point
    into_nan = inside_nan.replace(start=(0.3, 1.0))
    trajectory = compute.trajectory(into_nan, run)
    assert trajectory.diverged_at is not None and trajectory.diverged_at > 1
    assert np.isfinite(trajectory.params).all() and np.isfinite(trajectory.loss).all()
    assert (trajectory.params[:, 0] > 0).all()


# --- a custom surface is a landscape like the others ----------------------------------------------------

def test_critical_points_of_a_custom_formula_are_found():
    bowl = parse_formula("(x - 1)**2 + 2*(y + 0.5)**2")
    (only,) = bowl.critical_points
    assert only.kind == "global_min" and np.allclose(only.xy, (1.0, -0.5), atol=1e-6)
    kinds = {p.kind for p in find_critical_points(parse_formula("x**2 - y**2"))}
    assert kinds == {"saddle"}
    (peak,) = parse_formula("-(x**2 + y**2)").critical_points
    assert peak.kind == "max"
    (quartic,) = find_critical_points(parse_formula("x**4 + y**4"))
    assert quartic.kind == "global_min" and quartic.hessian_singular
    assert parse_formula("(x - 5)**2 + y**2").critical_points == ()  # the minimum lies outside the bounds
    assert parse_formula("7").critical_points == ()  # flat everywhere: no isolated point


def test_custom_scene_round_trips_through_the_url():
    scene = Scene(landscape="custom", formula="x**2 + 3*sin(y)", formula_bounds=(-2.0, 2.0, -4.0, 4.0),
                  start=(1.0, -3.5), runs=(Run.of("adam", lr=0.1),))
    again, notices = scene_module.from_query(scene_module.to_query(scene))
    assert notices == []
    assert again.landscape == "custom" and again.formula == scene.formula
    assert again.formula_bounds == scene.formula_bounds and again.start == scene.start
    assert again.surface().bounds == ((-2.0, 2.0), (-4.0, 4.0))


def test_url_without_a_start_uses_the_formulas_first_start_not_the_centre():
    # the centre of symmetric bounds is often a critical point (here a saddle), where every run would stay
    scene, notices = scene_module.from_query({"ls": "custom", "f": "(x**2 - 1)**2 + y**2", "fb": "-2,2,-1.5,1.5"})
    assert notices == [] and scene.start == parse_formula(scene.formula, ((-2, 2), (-1.5, 1.5))).default_start
    assert scene.start != (0.0, 0.0)


@pytest.mark.parametrize("formula", ["__import__('os')", "x" * 300, "x^2", "ｘ"])
def test_url_with_a_hostile_formula_falls_back_with_a_notice(formula):
    scene, notices = scene_module.from_query({"ls": "custom", "f": formula, "lang": "en"})
    assert scene.landscape == "bowl" and scene.formula == ""  # the refused formula is not kept
    assert len(notices) == 1 and "position" in notices[0]
