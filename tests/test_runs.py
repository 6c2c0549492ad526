"""The run boxes (issue 12, item 6): labels that tell runs apart, new runs that move, the batch size shown."""

from __future__ import annotations

import numpy as np
import pytest

from analysis import compute
from i18n import t
from analysis.lessons import LESSONS
from optimizers import OPTIMIZER_IDS
from scene.presets import PRESETS
from scene import DEFAULT_SCENE, Run
from tests.test_app import load, open_tab, url_scene
from ui import state as S

NEAR = 0.2  # how close to the default bowl's minimum each new run gets in 100 steps (the plot is 6 wide)


@pytest.mark.parametrize("language", ["ko", "en"])
def test_runs_of_a_scene_have_different_labels_unless_their_settings_are_the_same(language):
    scenes = [p.scene for p in PRESETS.values()] + [lesson.scene for lesson in LESSONS]
    for scene in scenes:
        by_label: dict[str, set] = {}
        for run in scene.runs:
            by_label.setdefault(run.label(language), set()).add((run.optimizer, run.convention, run.hparams,
                                                                 run.batch_size))
        assert all(len(settings) == 1 for settings in by_label.values()), by_label
    adadelta = next(lesson for lesson in LESSONS if lesson.id == "adadelta").scene.runs
    assert adadelta[0].label("en") != adadelta[1].label("en")


@pytest.mark.parametrize("changes, shown", [
    ({"beta": 0.5}, "β=0.5"), ({"gamma": 0.95}, "γ=0.95"), ({"eps": 1e-4}, "ε=0.0001"), ({"beta2": 0.99999}, "β₂=0.99999"),
])
def test_a_setting_that_differs_from_the_default_is_in_the_label_and_a_default_one_is_not(changes, shown):
    optimizer = {"beta": "momentum", "gamma": "rmsprop", "eps": "adagrad", "beta2": "adam"}[next(iter(changes))]
    assert shown in Run.of(optimizer, **changes).label("en")
    assert shown.split("=")[0] + "=" not in Run.of(optimizer).label("en")


def test_batch_and_convention_that_differ_from_the_default_are_in_the_label():
    assert Run.of("gd", batch_size=4).label("en").endswith("B=4")
    assert Run.of("sgd", batch_size=None).label("en").endswith(t("run.full_batch", "en"))
    assert "B=" not in Run.of("minibatch").label("en") and "B=" not in Run.of("sgd").label("en")
    assert Run.of("adam", "torch").label("en").endswith("(torch)")


@pytest.mark.parametrize("optimizer", OPTIMIZER_IDS)
def test_a_new_run_of_each_optimizer_reaches_the_default_bowls_minimum_in_100_steps(optimizer):
    scene = DEFAULT_SCENE
    assert scene.landscape == "bowl" and scene.steps == 100
    traj = compute.trajectory(scene, S.new_run(optimizer))
    minimum = next(p.xy for p in scene.surface().critical_points if p.kind == "global_min")
    assert traj.diverged_at is None
    assert np.linalg.norm(np.asarray(traj.params[-1], np.float64) - minimum) < NEAR


def test_the_page_adds_and_switches_runs_with_the_new_run_settings_and_shows_the_full_batch():
    at = load(runs=(0,))
    batch = at.selectbox(key="run0.batch")
    assert batch.value == S.FULL_BATCH and batch.options[batch.index] == t("ctl.batch_full", "ko")  # not a placeholder
    at.button(key="add_run").click().run()
    assert url_scene(at).runs[-1].settings == S.new_run_settings("gd") != Run.of("gd").settings
    at.selectbox(key="run0.optimizer").set_value("adagrad").run()
    assert url_scene(at).runs[0].settings == S.new_run_settings("adagrad")
    at.selectbox(key="run0.optimizer").set_value("sgd").run()
    batch = at.selectbox(key="run0.batch")
    assert url_scene(at).runs[0].batch_size == 1 and batch.options[batch.index] == "1"


@pytest.mark.parametrize("language, badge", [("ko", "2.3.7 이후"), ("en", "beyond 2.3.7")])
def test_the_optimizers_after_the_lecture_are_marked_where_they_are_chosen_and_explained(language, badge):
    at = load({"lang": language}, runs=(0,))
    after = {"AdamW", "AdaBelief", "Lion"}
    for key in ("run0.optimizer", "new_run_optimizer"):
        marked = {option for option in at.selectbox(key=key).options if badge in option}
        assert marked == {f"{name} · {badge}" for name in after}
    for optimizer in ("adamw", "adabelief", "lion"):
        at.selectbox(key="new_run_optimizer").set_value(optimizer).run()
        at.button(key="add_run").click().run()
        assert not at.exception, [e.message for e in at.exception]
    assert [run.optimizer for run in url_scene(at).runs[-3:]] == ["adamw", "adabelief", "lion"]
    headers = [m.value for m in open_tab(at, "tab.formulas").markdown if m.value.startswith("**")]
    assert {header.split("**")[1] for header in headers if badge in header} == {f"{n} · {badge}" for n in after}
    assert any(header.startswith("**Adam**") for header in headers)  # the lecture's Adam is not marked
