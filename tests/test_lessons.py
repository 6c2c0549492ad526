"""Every claim of section 2.3.7, asserted through the engine on its lesson's own scene (lessons.LESSONS).

The thresholds here are the claims in numbers, each with a margin; they are not the values the code
happens to print. The page shows the same ClaimResult, so picture and proof share one scene.
"""

import math
import re

import numpy as np
import pytest

from analysis import lessons
import optimizers
from scene import from_query, to_query


def assert_minima(f):
    assert f["distinct_minima"] >= 2  # different starts, different minima
    assert f["not_nearest"] > 3  # % of starts whose end is not the nearest minimum: the basin decides, not distance
    assert f["in_local"] > 10  # % of starts that stop in a local minimum, with a zero gradient
    assert f["own_basin_agrees"] == 1  # the scene's own run ends where the basin map says
    assert f["end_is_nearest"] == 0 and f["end_distance"] > f["nearest_distance"]  # this scene's start shows it


def assert_saddle(f):
    assert f["grad_norm"] < 1e-6  # the gradient vanishes at the saddle ...
    assert f["lowest_curvature"] < -0.5  # ... yet the surface falls away along one direction: not a minimum
    assert 0 < f["momentum_escape"] * 2 < f["gd_escape"]  # momentum leaves far sooner than GD lingers
    assert f["noise_median"] < f["gd_escape"]  # from just off the axis, noise helps too (the median of 16 seeds)
    assert f["axis_gd_distance"] < 1e-6  # exactly on the stable axis GD never leaves ...
    assert f["axis_escaped"] >= 12 and f["axis_max"] <= f["steps"]  # ... noise does, for (nearly) every seed


def assert_gd(f):
    assert f["min_cosine"] > 0.9999  # every step along −∇f
    assert f["rises"] == 0
    assert f["lr"] < f["lr_max"] and f["rho"] < 1  # the condition η < 2/λ_max, so ρ = max|1 − ηλ| < 1
    assert f["worst_shrink"] <= f["rho"] * (1 + 1e-4)  # every step shrinks the distance by at least ρ
    assert f["to_one_percent"] == math.ceil(math.log(0.01) / math.log(f["rho"]))


def assert_curvature(f):
    assert f["lambda_max"] == pytest.approx(10.0, rel=1e-6)  # κ of the bowl
    assert f["lr_max"] == pytest.approx(2.0 / f["lambda_max"], rel=1e-9)
    assert f["lr_below"] < f["lr_max"] < f["lr_above"]
    assert f["below_distance"] < 0.05
    assert f["above_diverged_at"] > 0  # the engine reports the divergence step


def assert_batch(f):
    assert f["gd_length"] * 2 < f["minibatch_length"] < f["sgd_length"] / 1.5
    assert f["gd_variance"] < 1e-8 < f["minibatch_variance"]
    assert f["minibatch_variance"] * 3 < f["sgd_variance"]
    # for the same work, one pass over the data, SGD and mini-batch are far lower than batch GD's single step
    assert f["sgd_one_pass"] * 10 < f["gd_one_pass"] and f["minibatch_one_pass"] * 10 < f["gd_one_pass"]


def assert_ravine(f):
    assert 0 < f["momentum_steps"] < f["gd_steps"]  # each at its own best setting
    assert 0.5 * f["sqrt_kappa"] < f["ratio"] < 1.5 * f["sqrt_kappa"]  # the gap is about √κ
    assert f["gd_steps"] == pytest.approx(f["gd_theory_steps"], rel=0.15)  # tuned GD runs at (κ−1)/(κ+1)
    assert f["momentum_steps"] >= 0.9 * f["momentum_theory_steps"]  # nothing beats the heavy ball's rate


def assert_nag(f):
    assert f["nag_overshoot"] < 0.7 * f["momentum_overshoot"]
    assert 0 < f["nag_steps"] < f["momentum_steps"]


def assert_adagrad(f):
    assert f["rises"] == 0  # lr_eff never increases, in any coordinate
    assert f["formula_gap"] < 1e-4  # it is η/(√Gₜ+ε): divided by the root of G
    assert f["decay"] < 0.25  # and has fallen well toward 0
    assert f["slowdown"] < 0.2 and f["final_distance"] > 1.0  # the example: from this start it crawls, far away


def assert_rmsprop(f):
    assert f["recovery"] > 2.0 and f["adagrad_recovery"] == 1.0  # RMSProp's rate climbs back, Adagrad's never
    assert 0 <= f["passed_step"] < f["steps"]  # it goes past where Adagrad stops
    assert f["rmsprop_distance"] < 0.5 * f["adagrad_distance"]


def assert_adadelta(f):
    assert f["has_lr"] == 0
    assert f["first"] == pytest.approx(f["eps"] / math.sqrt(1 - f["gamma"]), rel=0.05)  # ε sets the first step
    assert f["larger_first"] / f["first"] == pytest.approx(f["larger_eps"] / f["eps"], rel=0.05)  # in proportion
    assert f["growth"] > 3  # and the step adapts from there
    assert f["torch_first"] / f["first"] == pytest.approx(f["torch_lr"] / math.sqrt(f["eps"]), rel=0.05)  # 1/√ε
    assert f["torch_ratio"] > 100


def assert_adam(f):
    assert f["momentum_gap"] < 1e-4  # m_t = (1−β1)·a_t
    assert f["rmsprop_gap"] < 1e-4  # β1 = 0, no correction: RMSProp exactly
    predicted = (1 - f["beta1"]) / math.sqrt(1 - f["beta2"])
    assert f["first_ratio"] == pytest.approx(predicted, rel=1e-3)
    assert f["first_ratio"] < 0.5 and f["early_ratio"] < 0.7  # uncorrected first steps much smaller here
    assert f["default_ratio"] > 3.0  # with β2 = 0.999 they would be larger instead


def assert_models(f):
    assert f["gd_final"] >= 5 * f["best_final"]  # not every optimizer reaches a low loss in the budget ...
    assert f["low_runs"] >= 2 and f["apart"] >= 0.5  # ... and those that do end far apart: no single bottom
    assert f["explained"] < 100 and f["misread"] >= 0.1 * f["initial"]  # the slice is not the loss
    assert f["accuracy"] >= 95


CLAIM_ASSERTIONS = {
    "models": assert_models,
    "minima": assert_minima, "saddle": assert_saddle, "gd": assert_gd, "curvature": assert_curvature,
    "batch": assert_batch, "ravine": assert_ravine, "nag": assert_nag, "adagrad": assert_adagrad,
    "rmsprop": assert_rmsprop, "adadelta": assert_adadelta, "adam": assert_adam,
}


@pytest.mark.parametrize("lesson", lessons.LESSONS, ids=[lesson.id for lesson in lessons.LESSONS])
def test_claim_holds_on_its_lesson_scene(lesson):
    result = lesson.check(lesson.scene)
    CLAIM_ASSERTIONS[lesson.id](result.figures)
    assert result.passed
    for language in ("ko", "en"):
        statement = result.statement(language)
        assert "{" not in statement and "nan" not in statement.lower()


def test_every_claim_of_the_issue_has_one_lesson_in_lecture_order():
    claims = [lesson.claim for lesson in lessons.LESSONS if lesson.claim is not None]
    assert sorted(claims) == list(range(1, 11))
    assert [lesson.order for lesson in lessons.LESSONS] == list(range(1, len(lessons.LESSONS) + 1))
    places = [(int(lesson.section[6]), int(re.search(r"\((\d)\)", lesson.section + " (0)").group(1)))
              for lesson in lessons.LESSONS]
    assert places == sorted(places)  # 2.3.7.1 first, then the note's items (1)…(8); Adadelta (6) before RMSProp (7)


def test_each_lesson_has_texts_in_both_languages_and_a_scene_that_survives_the_url():
    for lesson in lessons.LESSONS:
        for part in (lesson.title, lesson.explanation, lesson.question):
            assert part["ko"] and part["en"] and part["ko"] != part["en"]
        assert any("\uac00" <= ch <= "\ud7a3" for ch in lesson.explanation["ko"])  # Hangul, not a copy
        assert 2 <= lesson.explanation["en"].count(". ") + 1 <= 5
        restored, notices = from_query(to_query(lesson.scene))
        assert notices == []
        assert restored == lesson.scene


def test_checks_fail_when_their_scene_breaks_the_claim():
    """The checks can say no: GD above 2/λ_max, momentum without its β, and Adagrad's rule in RMSProp's place."""
    gd = lessons.LESSONS_BY_ID["gd"]
    too_fast = gd.scene.replace(runs=tuple(run.of("gd", lr=0.45, color=run.color) if run.optimizer == "gd" else run
                                           for run in gd.scene.runs))
    result = gd.check(too_fast)
    assert not result.passed and result.figures["rho"] > 1  # 0.45 > 2/λ_max = 0.4
    saddle = lessons.LESSONS_BY_ID["saddle"]
    no_inertia = saddle.scene.replace(runs=tuple(run.of("momentum", lr=0.05, beta=0.0, color=run.color)
                                                 if run.optimizer == "momentum" else run for run in saddle.scene.runs))
    result = saddle.check(no_inertia)
    assert not result.passed and result.figures["momentum_escape"] == result.figures["gd_escape"]
    rmsprop = lessons.LESSONS_BY_ID["rmsprop"]
    forgetless = rmsprop.scene.replace(runs=tuple(run.of("rmsprop", lr=0.01, gamma=0.9999, color=run.color)
                                                  if run.optimizer == "rmsprop" else run for run in rmsprop.scene.runs))
    assert not rmsprop.check(forgetless).passed  # γ → 1: an average that barely forgets behaves like Adagrad's sum


def test_ravine_scene_races_the_settings_its_sweep_finds():
    result = lessons.LESSONS_BY_ID["ravine"].result()
    gd, momentum = (lessons.run_of(lessons.RAVINE_SCENE, opt) for opt in ("gd", "momentum"))
    assert gd.settings["lr"] == pytest.approx(result.figures["gd_lr"], rel=1e-5)
    assert momentum.settings["lr"] == pytest.approx(result.figures["momentum_lr"], rel=1e-5)
    assert momentum.settings["beta"] == pytest.approx(result.figures["momentum_beta"], abs=1e-9)
    table = result.records["table"]
    assert [row.kappa for row in table] == [10.0, 30.0, 100.0]
    ratios = [row.ratio for row in table]
    assert ratios == sorted(ratios) and ratios[-1] > 2 * ratios[0]  # the lead grows with κ, like √κ
    for row in table:  # the best settings sit near the classical ones
        assert row.gd_lr == pytest.approx(2 / (1 + row.kappa), rel=0.15)
        assert row.momentum_lr == pytest.approx(4 / (math.sqrt(row.kappa) + 1) ** 2, rel=0.25)


def test_the_saddle_claim_is_a_distribution_over_sixteen_seeds():
    result = lessons.LESSONS_BY_ID["saddle"].result()
    escape = result.records["escape"]
    assert escape.noise.shape == escape.noise_on_axis.shape == (16, lessons.SADDLE_SCENE.steps + 1)
    assert len({lessons.escape_step(row) for row in escape.noise}) > 4  # the seeds really differ
    np.testing.assert_array_equal(escape.noise[:, 0], escape.noise[0, 0])  # one start for all
    assert result.figures["noise_min"] < result.figures["noise_median"] < result.figures["noise_max"]


def test_budget_curves_count_the_work_per_step():
    result = lessons.LESSONS_BY_ID["batch"].result()
    curves = {curve.optimizer: curve for curve in result.records["budget"]}
    assert {opt: curve.cost for opt, curve in curves.items()} == {"gd": 64, "minibatch": 8, "sgd": 1}
    for curve in curves.values():  # every run gets the same work: BUDGET_PASSES passes over the data
        assert curve.work[-1] == lessons.BUDGET_PASSES * 64
        assert np.all(curve.low <= curve.median) and np.all(curve.median <= curve.high)
    assert curves["gd"].seeds == 1 and curves["sgd"].seeds == lessons.BUDGET_SEEDS
    assert curves["gd"].median[-1] < curves["sgd"].median[-1]  # given enough work, batch GD goes below SGD's noise


def test_bias_correction_switch_is_traced_and_default_on():
    bowl = lessons.ADAM_SCENE.surface()
    before = optimizers.compiled_programs()
    on = optimizers.run(optimizers.make("adam", "torch", lr=0.1), bowl, (-2.5, 2.0), 7)
    off = optimizers.run(optimizers.make("adam", "torch", lr=0.1, bias_correction=0.0), bowl, (-2.5, 2.0), 7)
    assert optimizers.compiled_programs() - before <= 1  # one program for both switch positions
    assert optimizers.hyperparameters("adam", "lecture")["bias_correction"] == 1.0
    # torch.optim.Adam's first step is lr·sign(g); without the correction it is lr·(1−β1)/√(1−β2)·sign(g).
    assert np.abs(np.diff(on.params, axis=0)[0]) == pytest.approx([0.1, 0.1], rel=1e-5)
    assert np.abs(np.diff(off.params, axis=0)[0]) == pytest.approx([0.1 * 0.1 / math.sqrt(0.001)] * 2, rel=1e-4)



# --- robustness: every claim holds beyond its tuned scene ---------------------------------------------------

def test_nearby_scenes_are_exactly_the_issues_perturbations():
    assert lessons.LESSONS_BY_ID["curvature"].conditions == ("lr",)  # its point is the threshold 2/λ_max
    for lesson in lessons.LESSONS:
        assert set(lesson.conditions) <= set(lessons.PERTURBED)
        chosen = lessons.perturbations(lesson)
        by_field = {field: [p.value for p in chosen if p.field == field] for field in lessons.PERTURBED}
        stochastic = any(run.batch_size is not None for run in lesson.scene.runs)
        assert by_field["seed"] == (list(range(1, 9)) if stochastic and "seed" not in lesson.conditions else [])
        assert by_field["lr"] == ([] if "lr" in lesson.conditions else [0.7, 0.8, 1.25, 1.4])
        assert by_field["start"] == ([] if "start" in lesson.conditions else [45.0 * k for k in range(8)])
        (x0, x1), _ = lesson.scene.surface().bounds
        for perturbation in chosen:
            moved = perturbation.apply(lesson.scene)
            if perturbation.field == "start":
                shift = np.hypot(moved.start[0] - lesson.scene.start[0], moved.start[1] - lesson.scene.start[1])
                assert shift == pytest.approx(0.04 * (x1 - x0), rel=1e-6)
            if perturbation.field == "lr":
                for before, after in zip(lesson.scene.runs, moved.runs):
                    if "lr" in before.settings:
                        assert after.settings["lr"] == pytest.approx(before.settings["lr"] * perturbation.value)
            assert moved.replace(seed=lesson.scene.seed, start=lesson.scene.start, runs=lesson.scene.runs) == lesson.scene


@pytest.mark.parametrize("lesson", lessons.LESSONS, ids=[lesson.id for lesson in lessons.LESSONS])
def test_every_claim_holds_on_at_least_85_percent_of_its_nearby_scenes(lesson):
    robust = lessons.robustness(lesson)
    assert robust.total >= 8
    failed = [p.label("en") for p in robust.failed]
    assert robust.share >= lessons.MIN_SHARE, f"{lesson.id} holds in {robust.held} of {robust.total}; fails at {failed}"
    assert robust.statement("en") == f"holds in {robust.held} of {robust.total} nearby scenes"


def test_the_models_check_says_no_when_every_run_is_gd():
    """Three GD runs at nearby η: none ends 5× lower than the first, and at most one reaches the loss target."""
    lesson = lessons.LESSONS_BY_ID["models"]
    only_gd = lesson.scene.replace(runs=tuple(run.of("gd", lr=lr, color=run.color)
                                              for run, lr in zip(lesson.scene.runs, (0.1, 0.12, 0.14))))
    result = lesson.check(only_gd)
    assert not result.passed and 1 < result.figures["ratio"] < 5 and result.figures["low_runs"] <= 1
