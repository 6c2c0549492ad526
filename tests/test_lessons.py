"""Every claim of section 2.3.7, asserted through the engine on its lesson's own scene (lessons.LESSONS).

The thresholds here are the claims in numbers, each with a margin; they are not the values the code
happens to print. The page shows the same ClaimResult, so picture and proof share one scene.
"""

import math
import re

import numpy as np
import pytest

import lessons
import optimizers
from scene import from_query, to_query


def assert_minima(f):
    assert f["distinct_minima"] >= 2  # different starts, different minima
    assert f["loss_gap"] > 0.1  # the scene's start stops in a minimum above the global one


def assert_saddle(f):
    assert f["grad_norm"] < 1e-6  # the gradient vanishes at the saddle ...
    assert f["lowest_curvature"] < -0.5  # ... yet the surface falls away along one direction: not a minimum
    assert f["gd_near"] >= 0.3 * f["steps"]  # GD lingers at the saddle
    assert f["momentum_near"] * 5 <= f["gd_near"]  # momentum leaves it far sooner
    assert f["noise_near"] < f["gd_near"]
    assert f["axis_gd_distance"] < 1e-3  # exactly on the stable axis GD never leaves
    assert f["axis_noise_drop"] > 0.2  # noise escapes from there and goes downhill (saddle 0, minima −0.25)


def assert_gd(f):
    assert f["min_cosine"] > 0.9999  # every step along −∇f
    assert f["rises"] == 0
    assert f["final_distance"] < 0.01 * f["initial_distance"]


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


def assert_ravine(f):
    assert f["momentum_flips"] * 2 <= f["gd_flips"]
    assert 0 < f["momentum_steps"] < 0.8 * f["gd_steps"]


def assert_nag(f):
    assert f["nag_overshoot"] < 0.7 * f["momentum_overshoot"]
    assert 0 < f["nag_steps"] < f["momentum_steps"]


def assert_adagrad(f):
    assert f["rises"] == 0  # lr_eff never increases, in any coordinate
    assert f["decay"] < 0.25  # and has fallen well toward 0
    assert f["slowdown"] < 0.2  # the run crawls at the end ...
    assert f["final_distance"] > 1.0  # ... far from the minimum


def assert_rmsprop(f):
    assert f["late_floor"] > 1.0  # the effective rate at the end is above its start: no decay to 0
    assert 0 <= f["passed_step"] < f["steps"]  # it goes past where Adagrad stops
    assert f["rmsprop_distance"] < 0.5 * f["adagrad_distance"]


def assert_adadelta(f):
    assert f["has_lr"] == 0
    assert f["final_distance"] < 0.01
    assert f["loss_drop"] > 0.999
    assert f["tiny_travelled"] < 0.01 * f["travelled"]  # with ε = 1e-6 the first steps are ε-sized


def assert_adam(f):
    assert f["momentum_gap"] < 1e-4  # m_t = (1−β1)·a_t
    assert f["rmsprop_gap"] < 1e-4  # β1 = 0, no correction: RMSProp exactly
    predicted = (1 - f["beta1"]) / math.sqrt(1 - f["beta2"])
    assert f["first_ratio"] == pytest.approx(predicted, rel=1e-3)
    assert f["first_ratio"] < 0.5 and f["early_ratio"] < 0.7  # uncorrected first steps much smaller
    assert f["default_ratio"] > 3.0  # with β2 = 0.999 they would be larger instead


CLAIM_ASSERTIONS = {
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


def test_a_check_fails_when_its_scene_breaks_the_claim():
    """The checks can say no: the ravine claim with momentum's β at 0 is plain GD with a smaller η."""
    lesson = lessons.LESSONS_BY_ID["ravine"]
    runs = tuple(run if run.optimizer != "momentum" else run.of("momentum", lr=0.001, beta=0.0, color=run.color)
                 for run in lesson.scene.runs)
    result = lesson.check(lesson.scene.replace(runs=runs))
    assert not result.passed
    assert result.figures["momentum_steps"] == -1  # η = 0.001 without momentum never gets there


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

