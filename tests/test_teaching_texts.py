"""Every teaching text is true: where a text states a number or a formula, the engine measures the same.

One test per wrong text of issue 13; each asserts something the old text or the old code got wrong.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

import optimizers
from i18n import STRINGS, t
from scene import Run, Scene
from tests.test_app import load, open_tab


def first_step(optimizer: str, convention: str = "lecture", **hparams) -> np.ndarray:
    """The first displacement of a run from (-2.5, 2) on the κ = 10 bowl."""
    scene = Scene(landscape="bowl", landscape_params=(("angle", 0.0), ("kappa", 10.0)))
    opt = optimizers.make(optimizer, convention, **hparams)
    traj = optimizers.run(opt, scene.surface(), (-2.5, 2.0), 1)
    return np.asarray(traj.params[1] - traj.params[0], dtype=np.float64)


# --- the formula that actually runs ---------------------------------------------------------------------

@pytest.mark.parametrize("convention", ["lecture", "torch"])
def test_adam_without_bias_correction_shows_and_runs_the_uncorrected_formula(convention):
    on = optimizers.latex_for("adam", convention, {"bias_correction": 1.0})
    off = optimizers.latex_for("adam", convention, {"bias_correction": 0.0})
    assert on == optimizers.RULE_TABLE[("adam", convention)].latex
    assert r"\beta_1^{\,t}" in on and r"\beta_1^{\,t}" not in off and r"\hat" not in off
    assert optimizers.make("adam", convention, bias_correction=0.0).latex == off
    # The formula shown, w − η m_t/(√v_t + ε) with m_1 = (1−β1)g and v_1 = (1−β2)g², is the step that runs.
    lr, beta1, beta2, eps = 0.1, 0.9, 0.999, 1e-8
    g = np.array([-2.5, 20.0])  # ∇f at (-2.5, 2) on the κ = 10 bowl
    shown = -lr * (1 - beta1) * g / (np.sqrt((1 - beta2) * g**2) + eps)
    np.testing.assert_allclose(first_step("adam", convention, lr=lr, bias_correction=0.0), shown, rtol=1e-5)
    assert optimizers.latex_for("gd", convention, {"lr": 0.1}) == optimizers.RULE_TABLE[("gd", convention)].latex


def test_formula_panel_shows_each_runs_own_formula():
    at = load({"ls": "bowl", "run": ["adam,lr=0.1", "adam,lr=0.1,bias_correction=0"]}, tab="tab.formulas")
    shown = [latex.value.strip("$\n") for latex in at.latex]
    assert optimizers.latex_for("adam", "lecture", {"bias_correction": 1.0}) in shown
    assert optimizers.latex_for("adam", "lecture", {"bias_correction": 0.0}) in shown
    assert t("explain.adam_uncorrected", "ko") in [m.value for m in at.markdown]  # said under that formula only


# --- help texts -----------------------------------------------------------------------------------------

def stated(text: str, pattern: str) -> float:
    """The number a text states where ``pattern`` (a regex with one group) matches."""
    found = re.search(pattern, text)
    assert found, f"no match for {pattern!r} in {text!r}"
    return float(found.group(1))


def first_step_ratio_without_correction(**hparams) -> np.ndarray:
    return first_step("adam", bias_correction=0.0, lr=0.1, **hparams) / first_step("adam", lr=0.1, **hparams)


def test_bias_correction_help_states_the_measured_size_of_the_uncorrected_first_step():
    at_defaults = first_step_ratio_without_correction()
    at_beta2_09 = first_step_ratio_without_correction(beta2=0.9)
    np.testing.assert_allclose(at_defaults, (1 - 0.9) / math.sqrt(1 - 0.999), rtol=1e-4)  # 3.16: larger
    for language, times in (("en", "×"), ("ko", "배")):
        text = t("hp.bias_correction.help", language)
        assert stated(text, rf"(\d+\.\d+){times}") == pytest.approx(at_defaults[0], abs=0.005)
        assert stated(text, rf"(0\.\d+){times}") == pytest.approx(at_beta2_09[0], abs=0.005)
    assert "tiny" not in t("hp.bias_correction.help", "en")


def test_adadelta_help_says_epsilon_sets_the_step_and_the_numbers_hold():
    gamma, eps = 0.9, 1e-6
    scene = Scene(landscape="bowl", landscape_params=(("angle", 0.0), ("kappa", 10.0)))
    runs = {convention: optimizers.run(optimizers.make("adadelta", convention, eps=eps, gamma=gamma),
                                       scene.surface(), (-2.5, 2.0), 150) for convention in ("lecture", "torch")}
    steps = {c: np.abs(np.diff(np.asarray(r.params, np.float64), axis=0)) for c, r in runs.items()}
    np.testing.assert_allclose(steps["lecture"][0], eps / math.sqrt(1 - gamma), rtol=0.05)  # first step ε/√(1−γ)
    growth = (steps["lecture"][100:150].mean(axis=0) - steps["lecture"][50:100].mean(axis=0)) / 50
    np.testing.assert_allclose(growth, (1 - gamma) * eps, rtol=0.1)  # then (1−γ)·ε more per step
    ratio = steps["torch"][0] / steps["lecture"][0]
    for language, times in (("en", "×"), ("ko", "배")):
        text = t("hp.eps.help.adadelta", language)
        assert stated(text, rf"(\d+){times}") == pytest.approx(ratio[0], rel=0.05)  # 1/√ε = 1000
    from i18n import hparam_help

    assert "division by zero" in hparam_help("eps", "adam", "en")
    assert hparam_help("eps", "adadelta", "en") == t("hp.eps.help.adadelta", "en")
    assert hparam_help("no_such", "adam", "en") is None


def test_adagrad_texts_divide_by_the_root_of_g():
    for language in ("en", "ko"):
        assert "√Gₜ + ε" in t("explain.adagrad", language)
    scene = Scene(landscape="rosenbrock", start=(-1.5, 2.5))
    traj = optimizers.run(optimizers.make("adagrad", lr=0.5, eps=1e-8), scene.surface(), scene.start, 50)
    np.testing.assert_allclose(traj.lr_eff, 0.5 / (np.sqrt(traj.state.sum_sq) + 1e-8), rtol=1e-5)


# --- Nadam's internals ----------------------------------------------------------------------------------

def test_nadam_internals_show_the_factors_its_rule_uses():
    from analysis import internals
    from optimizers.rules import nadam_momentum

    scene = Scene(landscape="bowl", steps=30, runs=(Run.of("nadam", "torch", lr=0.1), Run.of("nadam", lr=0.1)))
    torch_info, lecture_info = internals.internals(scene, 0), internals.internals(scene, 1)
    traj = optimizers.run(optimizers.make("nadam", "torch", lr=0.1), scene.surface(), scene.start, 30)
    product = np.asarray(traj.state.mu_product, np.float64)
    np.testing.assert_allclose(torch_info.bias_correction["1−Πμ_i (i≤t)"], 1 - product, rtol=1e-5)
    t_next = np.arange(2, 32, dtype=np.float64)
    np.testing.assert_allclose(torch_info.bias_correction["1−Πμ_i (i≤t+1)"],
                               1 - product * nadam_momentum(0.9, t_next), rtol=1e-5)
    assert "1−β1^t" not in torch_info.bias_correction  # Adam's factor is not what torch's NAdam divides by
    assert not np.allclose(1 - product, 1 - 0.9 ** np.arange(1, 31), rtol=1e-2)
    steps = np.arange(1, 31, dtype=np.float64)
    np.testing.assert_allclose(lecture_info.bias_correction["1−β1^(t+1)"], 1 - 0.9 ** (steps + 1), rtol=1e-5)
    np.testing.assert_allclose(lecture_info.bias_correction["√(1−β2^t)"], np.sqrt(1 - 0.999**steps), rtol=1e-5)


# --- the lessons' texts ---------------------------------------------------------------------------------

def test_minima_lesson_says_basin_not_nearest_and_its_start_shows_the_difference():
    from analysis import lessons

    scene = lessons.MINIMA_SCENE
    landscape = scene.surface()
    minima = landscape.minima
    start = np.asarray(scene.start)
    nearest = min(minima, key=lambda m: np.hypot(*(np.asarray(m.xy) - start)))
    gd = optimizers.run(optimizers.make("gd", lr=0.1), landscape, scene.start, 300)
    reached = min(minima, key=lambda m: np.hypot(*(np.asarray(m.xy) - gd.params[-1])))
    assert scene.start == (0.1, -1.4)
    assert nearest.kind == "local_min" and reached.kind == "global_min"  # the nearest well is not where GD ends
    lesson = lessons.LESSONS_BY_ID["minima"]
    assert "basin of attraction" in lesson.explanation["en"] and "분지" in lesson.explanation["ko"]
    assert "rolls into the nearest well" not in lesson.explanation["en"]
    assert "basin" in lesson.result().records  # the page draws the basin map


def test_gd_lesson_states_its_learning_rate_condition_and_it_is_the_true_one():
    from analysis import internals
    from analysis import lessons

    lesson = lessons.LESSONS_BY_ID["gd"]
    for language in ("en", "ko"):
        assert "η < 2/λ_max" in lesson.condition[language] and "η < 2/λ_max" in lesson.explanation[language]
    assert lesson.see_also == ("curvature",)
    bowl = lesson.scene.surface()
    limit = internals.curvature(bowl).lr_max
    (x0, x1), (y0, y1) = bowl.bounds
    gx, gy = np.meshgrid(np.linspace(x0, x1, 8) + 0.1, np.linspace(y0, y1, 8) + 0.1)  # no start on an axis
    starts = np.stack([gx.ravel(), gy.ravel()], axis=1)
    below = optimizers.run_many(optimizers.make("gd", lr=0.95 * limit), bowl, starts, 2000)
    above = optimizers.run_many(optimizers.make("gd", lr=1.05 * limit), bowl, starts, 2000)
    assert np.all(np.linalg.norm(below.final_params, axis=1) < 1e-3)  # from every start below the limit
    assert np.all(above.diverged_at >= 0)  # and from none above it


def test_adam_lesson_states_the_measured_first_step_ratios():
    from analysis import lessons

    result = lessons.LESSONS_BY_ID["adam"].result()
    for language, times in (("en", "×"), ("ko", "배")):
        text = lessons.LESSONS_BY_ID["adam"].explanation[language]
        assert stated(text, rf"(0\.\d+){times}") == pytest.approx(result.figures["first_ratio"], abs=0.005)
        assert f"{result.figures['default_ratio']:.2f}" in text  # 3.16, larger at the defaults
    assert "mₜ and vₜ are biased toward 0" in lessons.LESSONS_BY_ID["adam"].explanation["en"]


def test_adadelta_lesson_states_the_measured_ratio_of_the_two_conventions():
    from analysis import lessons

    lesson = lessons.LESSONS_BY_ID["adadelta"]
    result = lesson.result()
    ratio = result.figures["torch_first"] / result.figures["first"]
    for language, times in (("en", "×"), ("ko", "배")):
        assert stated(lesson.explanation[language], rf"(\d+){times}") == pytest.approx(ratio, rel=0.05)
    conventions = {run.convention for run in lesson.scene.runs}
    assert conventions == {"lecture", "torch"}  # both forms side by side, with the same ε
    assert len({run.settings["eps"] for run in lesson.scene.runs if run.convention == "lecture"}) == 2


def test_every_lesson_states_its_condition():
    from analysis import lessons

    for lesson in lessons.LESSONS:
        for language in ("en", "ko"):
            assert lesson.condition[language].strip()
    curvature = lessons.LESSONS_BY_ID["curvature"]
    assert "2/λ_max" in curvature.condition["en"] and "2/λ_max" in curvature.condition["ko"]
