"""``ui.state``, widgets ⇄ Scene: a Scene written into the widgets' keys (``load_scene``; a plain dict here,
``st.session_state`` on the page) reads back (``scene_from_state``) as the same Scene.

The Scenes are drawn field by field with the link's strategies (tests/test_link.py), in the form the page keeps
them: every landscape parameter has a widget, so each is written out; a switch is a toggle (0 or 1); the step
at the end is "the last" (None)."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings, strategies as st

from analysis.lessons import LESSONS
from landscapes import LANDSCAPES
from optimizers import OPTIMIZER_IDS
from optimizers.hyperparameters import SWITCHES
from scene import DEFAULT_SCENE, MAX_RUNS, PALETTE, Run, Scene, View
from scene.presets import PRESETS
from tests.test_link import RUN_FIELDS, SCENE_FIELDS, VIEW_FIELDS, finite, hparams, instances
from ui import state as S


def toggles(drawn: dict) -> st.SearchStrategy:
    """A run's hyperparameters with each switch on or off, as its toggle holds it."""
    return hparams(drawn).map(lambda pairs: tuple((name, float(value > 0.5)) if name in SWITCHES else (name, value)
                                                  for name, value in pairs))


def every_param(drawn: dict) -> st.SearchStrategy:
    if drawn["landscape"] == "custom":
        return st.just(())
    return st.tuples(*(finite(p.low, p.high).map(lambda v, p=p: (p.name, v))
                       for p in LANDSCAPES[drawn["landscape"]].params)).map(lambda pairs: tuple(sorted(pairs)))


PAGE_RUN_FIELDS = {**RUN_FIELDS, "hparams": toggles}
PAGE_SCENE_FIELDS = {
    **SCENE_FIELDS,
    "landscape_params": every_param,
    "step": lambda d: st.none() | st.integers(0, d["steps"] - 1),
    "runs": lambda d: st.lists(instances(Run, PAGE_RUN_FIELDS), max_size=MAX_RUNS).map(tuple),
}
page_scenes = instances(Scene, PAGE_SCENE_FIELDS)


def round_trip(*scenes: Scene) -> Scene:
    """Load each scene in turn into one widget state, as a session does (a link, then a preset, …); read it back."""
    state: dict = {}
    for scene in scenes:
        S.load_scene(state, scene)
    return S.scene_from_state(state)


def held_without_widgets(scene: Scene, other: Scene) -> Scene:
    """``other`` carrying what the page holds of ``scene`` in S.BASE rather than in a widget: the formula and its
    bounds (a custom surface whole), and the view's fields without a widget (the seed band, the ellipse, the camera)."""
    view = dataclasses.replace(scene.view, **{name: getattr(other.view, name) for name in S.VIEW_KEYS})
    custom = {"landscape": "custom", "landscape_params": ()} if scene.landscape == "custom" else {}
    return other.replace(formula=scene.formula, formula_bounds=scene.formula_bounds, view=view, **custom)


def read_from_widgets(scene: Scene, other: Scene) -> Scene:
    """``scene`` loaded, then read back with every field the widgets carry taken from ``other`` in S.BASE: only the
    widgets can give ``scene``'s back (a widget load_scene forgot would read ``other``'s value)."""
    state: dict = {}
    S.load_scene(state, scene)
    state[S.BASE] = held_without_widgets(scene, other)
    return S.scene_from_state(state)


def as_the_page_keeps_it(scene: Scene) -> Scene:
    """``scene`` with every landscape parameter written out (defaults for those it leaves out)."""
    if scene.landscape == "custom":
        return scene
    given_params = dict(scene.landscape_params)
    return scene.replace(landscape_params=tuple(sorted(
        (p.name, float(given_params.get(p.name, p.default))) for p in LANDSCAPES[scene.landscape].params)))


@settings(max_examples=150, deadline=None)
@given(page_scenes, page_scenes)
def test_every_scene_reads_back_from_its_widgets_exactly(scene, other):
    assert round_trip(scene) == scene
    assert read_from_widgets(scene, other) == scene


@settings(max_examples=60, deadline=None)
@given(page_scenes, page_scenes)
def test_a_scene_loaded_over_another_reads_back_with_nothing_of_the_first(first, second):
    assert round_trip(first, second) == second


def hidden_and_varied(scene: Scene) -> Scene:
    """The scene's runs in the torch convention where it has one, the second hidden, the first stochastic."""
    runs = [Run.of(r.optimizer, "torch", color=r.color, batch_size=r.batch_size, **r.settings) for r in scene.runs]
    if len(runs) > 1:
        runs[1] = dataclasses.replace(runs[1], visible=False)
    if runs:
        runs[0] = dataclasses.replace(runs[0], batch_size=4)
    return scene.replace(runs=tuple(runs), language="en", seed=7, noise=0.5, step=scene.steps // 2,
                         view=View(log_loss=True, field="stream", projector=True, show_critical=False, seeds=3,
                                   noise_ellipse=True, camera=(1.0, 2.0, 0.5, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0)))


CUSTOM = Scene(landscape="custom", formula="(x**2 - 1)**2 + y**2", formula_bounds=(-2.0, 2.0, -1.5, 1.5),
               start=(1.5, -1.0), steps=80, runs=(Run.of("adam", lr=0.05, color=PALETTE[2]),
                                                 Run.of("adam", bias_correction=0.0, color=PALETTE[3])))
TABLE = {
    "default": DEFAULT_SCENE,
    "custom formula": CUSTOM,
    "no runs": DEFAULT_SCENE.replace(runs=()),
    **{f"optimizers {first}-": DEFAULT_SCENE.replace(runs=tuple(S.new_run(o) for o in OPTIMIZER_IDS[first:first + MAX_RUNS]))
       for first in range(0, len(OPTIMIZER_IDS), MAX_RUNS)},
    **{f"preset {key}": preset.scene for key, preset in PRESETS.items()},
    **{f"lesson {lesson.id}": lesson.scene for lesson in LESSONS},
}


@pytest.mark.parametrize("varied", [False, True], ids=["as-declared", "varied"])
@pytest.mark.parametrize("name", TABLE)
def test_presets_lessons_and_hand_made_scenes_read_back(name, varied):
    scene = hidden_and_varied(TABLE[name]) if varied else TABLE[name]
    assert round_trip(scene) == as_the_page_keeps_it(scene)
    other = hidden_and_varied(CUSTOM) if scene.landscape != "custom" else PRESETS["mlp_not_a_bowl"].scene
    assert read_from_widgets(scene, other) == as_the_page_keeps_it(scene)


def test_the_step_and_camera_the_browser_reports_are_in_the_scene_read_back():
    state: dict = {}
    S.load_scene(state, PRESETS["saddle_escape"].scene)
    S.set_step(state, 40)
    camera = (0.5, -1.0, 2.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0)
    S.set_camera(state, camera)
    scene = S.scene_from_state(state)
    assert scene.step == 40 and scene.view.camera == camera
    S.set_step(state, 10_000)  # past the end: the step control sits at the end, "the last"
    assert S.scene_from_state(state).step is None

