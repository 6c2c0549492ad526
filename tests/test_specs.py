"""Every optimizer spec is complete: a rule per convention, LaTeX that parses, ranges holding the defaults,
a symbol for every hyperparameter and state variable, family-tree parents that exist, Korean and English strings.

An optimizer added to ``optimizers.spec.SPECS`` with anything missing fails here (the page renders the LaTeX
with KaTeX: tests/browser/test_latex.py renders every formula with the page's own KaTeX).
"""

from __future__ import annotations

import re

import numpy as np
import pytest

import optimizers
from i18n import OPTIMIZER_NAMES, STRINGS
from landscapes import LANDSCAPES
from optimizers import CONVENTIONS, HYPERPARAMETERS, SPECS
from optimizers.hyperparameters import SLIDER_SCALES
from optimizers.rules import ADAM_UNCORRECTED_LATEX
from optimizers.spec import BIAS_FACTOR_KINDS
from scene import MAX_BATCH

by_spec = pytest.mark.parametrize("spec", SPECS.values(), ids=lambda spec: spec.id)
LATEX_TOKEN = re.compile(r"\\(?:begin|end)\{[^{}]*\}|\\[A-Za-z]+|\\.|[{}]")


def latex_problems(latex: str) -> list[str]:
    """What keeps ``latex`` from parsing: unbalanced braces, \\begin/\\end that do not pair, \\left without \\right."""
    problems, environments = [], []
    depth = {"{": 0, "\\left": 0}
    opener_of = {"}": "{", "\\right": "\\left"}
    for token in LATEX_TOKEN.findall(latex):
        if token in depth:
            depth[token] += 1
        elif token in opener_of:
            if depth[opener_of[token]] == 0:
                problems.append(f"{token} closes nothing")
            depth[opener_of[token]] = max(depth[opener_of[token]] - 1, 0)
        elif token.startswith("\\begin{"):
            environments.append(token[7:-1])
        elif token.startswith("\\end{") and (not environments or environments.pop() != token[5:-1]):
            problems.append(f"{token} closes no \\begin of its name")
    problems += [f"an unclosed {opener}" for opener, count in depth.items() if count]
    problems += [f"\\begin{{{e}}} not ended" for e in environments]
    if "&" in latex.replace(r"\&", "") and "aligned" not in latex:
        problems.append("& outside an aligned environment")
    return problems


@pytest.mark.parametrize("latex, problem", [
    (r"\frac{a}{b", "an unclosed {"),
    (r"a}", "} closes nothing"),
    (r"\begin{aligned} a &= b \end{align}", "closes no \\begin"),
    (r"\begin{aligned} a &= b", "not ended"),
    (r"\left( a", "an unclosed \\left"),
    (r"a \right)", "\\right closes nothing"),
    (r"a &= b", "& outside"),
])
def test_the_latex_check_finds_what_does_not_parse(latex, problem):
    assert any(problem in found for found in latex_problems(latex)), latex_problems(latex)


def test_the_registry_is_the_engines_table():
    assert optimizers.OPTIMIZER_IDS == tuple(SPECS)
    assert set(optimizers.RULE_TABLE) == {(spec.id, c) for spec in SPECS.values() for c in CONVENTIONS}
    assert all(rule.id == spec.id for spec in SPECS.values() for rule in spec.rules)


@by_spec
def test_each_convention_has_exactly_one_rule_that_runs(spec):
    claimed = [c for rule in spec.rules for c in rule.conventions]
    assert sorted(claimed) == sorted(CONVENTIONS), claimed
    bowl = LANDSCAPES["bowl"]
    for convention in CONVENTIONS:
        traj = optimizers.run(optimizers.make(spec.id, convention, **spec.new_run), bowl, (-2.5, 2.0), 5)
        assert traj.diverged_at is None and np.all(np.isfinite(traj.params))
        assert not np.allclose(traj.params[-1], traj.params[0]), (spec.id, convention)


@by_spec
def test_every_formula_parses_and_names_every_hyperparameter(spec):
    for rule in spec.rules:
        assert latex_problems(rule.latex) == [], (rule.id, rule.conventions)
        for name in rule.defaults:
            symbol = HYPERPARAMETERS[name].latex
            assert symbol == "" or symbol in rule.latex, (rule.id, rule.conventions, name)
    assert latex_problems(ADAM_UNCORRECTED_LATEX) == []


def test_every_hyperparameter_has_a_symbol_a_slider_and_a_range_holding_its_slider():
    for name, h in HYPERPARAMETERS.items():
        assert h.name == name and h.scale in SLIDER_SCALES
        assert (h.symbol != "" and h.latex != "") == (h.scale != "switch"), name
        assert h.low < h.high and h.valid.holds(np.array([h.low, h.high])).all(), name
        assert h.low > 0 or not h.log, name  # a log slider cannot reach 0


@by_spec
def test_defaults_and_new_run_settings_lie_in_the_sliders(spec):
    for rule in spec.rules:
        for name, value in {**rule.defaults, **spec.new_run}.items():
            if name in rule.defaults:
                h = HYPERPARAMETERS[name]
                assert h.low <= value <= h.high, (spec.id, name, value)
    assert set(spec.new_run) <= {name for rule in spec.rules for name in rule.defaults}


@by_spec
def test_every_state_variable_has_a_symbol(spec):
    fields = {field for rule in spec.rules for field in rule.init(np.zeros(2, np.float32))._fields}
    assert fields == set(spec.state_symbols)  # a symbol for each, and none for a field no rule has
    assert all(spec.state_symbols.values())
    assert len(set(spec.state_symbols.values())) == len(spec.state_symbols), "two state variables share a symbol"
    assert spec.moment is None or spec.moment in spec.state_symbols
    assert spec.bias_factors is None or spec.bias_factors in BIAS_FACTOR_KINDS


@by_spec
def test_tree_parents_exist_and_come_first(spec):
    earlier = list(SPECS)[:list(SPECS).index(spec.id)]
    assert all(parent in earlier for parent in spec.parents), spec.parents  # so the tree has no cycle
    positions = [other.tree_position for other in SPECS.values()]
    assert positions.count(spec.tree_position) == 1
    assert spec.default_batch is None or 1 <= spec.default_batch <= MAX_BATCH


@by_spec
def test_names_and_explanations_exist_in_korean_and_english(spec):
    for entry in (OPTIMIZER_NAMES[spec.id], STRINGS[f"explain.{spec.id}"]):
        assert set(entry) == {"ko", "en"} and entry["ko"].strip() and entry["en"].strip(), entry


def test_the_lectures_ten_are_marked_as_in_the_lecture():
    lecture = {"gd", "sgd", "minibatch", "momentum", "nag", "adagrad", "adadelta", "rmsprop", "adam", "nadam"}
    assert {spec.id for spec in SPECS.values() if spec.in_lecture} == lecture
