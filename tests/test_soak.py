"""Soak facts that hold on any machine: no recompilation for traced settings, thread safety, bounded caches.

The tests that count compilations run in a process of their own (``in_a_fresh_process``): a count is the
process's, so whatever ran before in the same one (programs towards runtime's release limit, results in
Streamlit's caches, a lesson measured in the background) would change it.

The long version (1,000 page reruns, RSS per 100) is ``python -m benchmarks.soak``.
"""

from __future__ import annotations

import ast
import dataclasses
import functools
import os
import random
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from analysis import compute
import optimizers
from landscapes import LANDSCAPES, refined
from scene import HPARAM_RANGES, Run, Scene

REPO = Path(__file__).resolve().parent.parent
OWN_PROCESS_ENV = "LOSS_LAB_TEST_IN_OWN_PROCESS"  # set in the child: the test it names runs there, in-process


def in_a_fresh_process(test):
    """Run ``test`` (of this module, no fixtures) through pytest in a new Python process; fail with its report."""

    @functools.wraps(test)
    def in_child():
        if os.environ.get(OWN_PROCESS_ENV) == test.__name__:
            return test()
        node = f"{Path(__file__).relative_to(REPO).as_posix()}::{test.__name__}"
        child = subprocess.run([sys.executable, "-m", "pytest", node, "-q", "-p", "no:cacheprovider"], cwd=REPO,
                               env={**os.environ, OWN_PROCESS_ENV: test.__name__}, capture_output=True, text=True)
        if child.returncode != 0:
            pytest.fail(f"{node} failed in its own process:\n{child.stdout[-8000:]}{child.stderr[-2000:]}", pytrace=False)
        assert "1 passed" in child.stdout, child.stdout[-2000:]  # it ran, and ran this one test

    return in_child


# The structure of each configuration is fixed (optimizer, convention, landscape, steps, gradient
# source); everything the random draws change is a traced value.
STRUCTURES = (
    ("gd", "lecture", "bowl", None),
    ("momentum", "lecture", "bowl", None),
    ("adam", "lecture", "bowl", None),
    ("nag", "torch", "rosenbrock", None),
    ("rmsprop", "lecture", "plateau", None),
    ("sgd", "lecture", "bowl", 1),
    ("minibatch", "lecture", "line_fit", 8),
)
STEPS = 60


def _random_value(rng: random.Random, low: float, high: float, log: bool) -> float:
    if log:
        return float(np.exp(rng.uniform(np.log(low), np.log(high))))
    return rng.uniform(low, high)


def random_scene(rng: random.Random, structure) -> tuple[Scene, Run]:
    """A scene and its one run with the structure fixed and every traced value drawn at random."""
    optimizer, convention, landscape_id, batch_size = structure
    landscape = LANDSCAPES[landscape_id]
    params = tuple(sorted((p.name, _random_value(rng, p.low, p.high, p.log)) for p in landscape.params))
    defaults = optimizers.hyperparameters(optimizer, convention)
    hparams = {name: _random_value(rng, *HPARAM_RANGES[name]) for name in defaults}
    hparams["lr"] = _random_value(rng, 1e-4, 0.05, True)
    (x0, x1), (y0, y1) = landscape.bounds
    start = (rng.uniform(x0, x1), rng.uniform(y0, y1))
    if batch_size is not None and landscape_id != "line_fit":
        batch_size = rng.randint(1, 64)
    run = Run.of(optimizer, convention, batch_size=batch_size, **hparams)
    scene = Scene(landscape=landscape_id, landscape_params=params, runs=(run,), start=start, steps=STEPS,
                  noise=rng.uniform(0.0, 3.0), seed=rng.randrange(2**31))
    return scene, run


def _compile_counts() -> tuple[int, int, int]:
    return optimizers.compiled_programs(), compute._evaluate._cache_size(), compute._gradients._cache_size()


def _page_numbers(scene: Scene, run: Run):
    """What a rerun computes for one run: its path, the surface grid, the gradient field, its metrics."""
    surface = scene.surface()
    trajectory = compute.trajectory(scene, run)
    grid = compute.surface_grid(surface)
    field = compute.gradient_field(surface)
    return trajectory, grid, field, compute.metrics(surface, trajectory)


@in_a_fresh_process
def test_random_traced_settings_compile_nothing_after_warm_up():
    rng = random.Random(7)
    for structure in STRUCTURES:
        _page_numbers(*random_scene(rng, structure))
    warm = _compile_counts()
    finals = set()
    for _ in range(6):
        for structure in STRUCTURES:
            trajectory = _page_numbers(*random_scene(rng, structure))[0]
            finals.add(tuple(np.round(trajectory.params[-1], 4)))
    assert _compile_counts() == warm
    assert len(finals) > len(STRUCTURES)  # the draws really changed the runs


@in_a_fresh_process
def test_step_counts_share_one_program_per_power_of_two_and_keep_their_paths():
    adam, bowl, start = optimizers.make("adam", lr=0.05), LANDSCAPES["bowl"], (-2.5, 2.0)
    longest = optimizers.run(adam, bowl, start, 256)
    optimizers.run_many(adam, bowl, [start, start], 256, hparams={"lr": [0.05, 0.01]})
    before = optimizers.compiled_programs()
    for steps in (129, 150, 200, 255):
        trajectory = optimizers.run(adam, bowl, start, steps)
        assert trajectory.params.shape == (steps + 1, 2) and trajectory.grads.shape == (steps, 2)
        np.testing.assert_array_equal(trajectory.params, longest.params[: steps + 1])
        batch = optimizers.run_many(adam, bowl, [start, start], steps, hparams={"lr": [0.05, 0.01]})
        np.testing.assert_allclose(batch.final_params[0], longest.params[steps], rtol=1e-5, atol=1e-6)  # vmapped: ulps apart
    assert optimizers.compiled_programs() == before
    shorter_bucket = optimizers.run(adam, bowl, start, 100)
    np.testing.assert_allclose(shorter_bucket.params, longest.params[:101], rtol=1e-6, atol=1e-7)
    diverging = optimizers.make("gd", lr=1.5)  # 1.5 > 2/κ on the κ=10 bowl
    cut = [optimizers.run(diverging, bowl, start, steps).diverged_at for steps in (150, 200, 256)]
    assert cut[0] is not None and cut[0] < 150 and len(set(cut)) == 1


def _engine_call(scene: Scene, run: Run) -> tuple[np.ndarray, np.ndarray]:
    trajectory = compute.trajectory(scene, run)
    return trajectory.params, trajectory.loss


def test_sixteen_threads_give_the_serial_results():
    rng = random.Random(11)
    calls = [random_scene(rng, STRUCTURES[i % len(STRUCTURES)]) for i in range(16 * 50)]
    serial = [_engine_call(*call) for call in calls]
    bowl = LANDSCAPES["bowl"]
    float64_polishes = []

    def thread_share(index: int):
        results = []
        for position in range(index, len(calls), 16):
            results.append((position, _engine_call(*calls[position])))
            if position % 10 == 0:  # float64 Newton steps (jax.enable_x64) interleaved with float32 runs
                float64_polishes.append(refined(bowl.family, {"kappa": 10.0, "angle": 30.0}, [((0.3, -0.2), "global_min")]))
        return threading.get_ident(), results

    with ThreadPoolExecutor(max_workers=16) as pool:
        shares = list(pool.map(thread_share, range(16)))
    assert len({ident for ident, _ in shares}) > 1
    threaded = dict(item for _, results in shares for item in results)
    assert sorted(threaded) == list(range(len(calls)))
    for position, (params, loss) in enumerate(serial):
        assert threaded[position][0].dtype == np.float32
        np.testing.assert_array_equal(threaded[position][0], params)
        np.testing.assert_array_equal(threaded[position][1], loss)
    assert float64_polishes and all(np.allclose(p[0].xy, (0.0, 0.0), atol=1e-12) for p in float64_polishes)


# --- bounded caches ------------------------------------------------------------------------------------

def _source_files():
    skipped = {"tests", "benchmarks", "scripts", ".git", ".venv"}
    for path in sorted(REPO.rglob("*.py")):
        if not skipped & set(path.relative_to(REPO).parts):
            yield path


def _streamlit_caches(tree: ast.AST):
    """(name, call or bare decorator) for each st.cache_data / st.cache_resource use."""
    for node in ast.walk(tree):
        target = node.func if isinstance(node, ast.Call) else node
        if isinstance(target, ast.Attribute) and target.attr in ("cache_data", "cache_resource"):
            yield target.attr, node


def _unbounded_caches(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    calls = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    problems = []
    for name, node in _streamlit_caches(tree):
        if not isinstance(node, ast.Call):
            if id(node) not in calls:  # a bare @st.cache_data, or the attribute of a call checked below
                problems.append(f"{path.name}:{node.lineno} {name} without max_entries")
            continue
        bound = next((k.value for k in node.keywords if k.arg == "max_entries"), None)
        if bound is None or (isinstance(bound, ast.Constant) and bound.value is None):
            problems.append(f"{path.name}:{node.lineno} {name} without max_entries")
    for node in ast.walk(tree):  # functools caches with no bound
        if isinstance(node, ast.Attribute) and node.attr == "cache" and ast.unparse(node.value) == "functools":
            problems.append(f"{path.name}:{node.lineno} functools.cache is unbounded")
        if isinstance(node, ast.Call) and ast.unparse(node.func).endswith("lru_cache"):
            size = next((k.value for k in node.keywords if k.arg == "maxsize"), None)
            if isinstance(size, ast.Constant) and size.value is None:
                problems.append(f"{path.name}:{node.lineno} lru_cache(maxsize=None)")
    return problems


def test_the_cache_scan_finds_an_unbounded_cache(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import functools, streamlit as st\n"
        "@st.cache_data\ndef a(): ...\n"
        "@st.cache_resource(show_spinner=False)\ndef b(): ...\n"
        "@st.cache_data(max_entries=8)\ndef c(): ...\n"
        "@functools.lru_cache(maxsize=None)\ndef d(): ...\n"
        "@functools.lru_cache(maxsize=4)\ndef e(): ...\n",
        encoding="utf-8",
    )
    assert [p.split(" ", 1)[0] for p in _unbounded_caches(sample)] == ["sample.py:2", "sample.py:4", "sample.py:8"]


def test_every_cache_in_the_code_is_bounded():
    found = [p for path in _source_files() for p in _unbounded_caches(path)]
    assert found == []


# --- figures shared between sessions -------------------------------------------------------------------

def test_equal_scenes_share_their_parts_and_one_run_changes_only_its_own():
    from figures.browser import VIEWS
    from scene import DEFAULT_SCENE
    from tests.page_views import decode_arrays
    from ui import cache

    def shown(scene: Scene):
        return cache.browser_views(scene, scene.surface(), cache.visible_trajectories(scene))

    first = shown(DEFAULT_SCENE)
    again = shown(DEFAULT_SCENE.replace())  # an equal scene, as another session builds it
    assert again.surface is first.surface and again.layout is first.layout
    assert all(a is b for a, b in zip(first.runs, again.runs))
    other_run = DEFAULT_SCENE.runs[0].settings | {"lr": 0.05}
    moved = DEFAULT_SCENE.replace(runs=(Run.of("gd", **other_run), *DEFAULT_SCENE.runs[1:]))
    changed = shown(moved)
    assert changed.surface is first.surface and changed.layout is first.layout  # nothing of the surface again
    assert changed.runs[0].id != first.runs[0].id
    assert [a is b for a, b in zip(first.runs, changed.runs)] == [False, True, True]
    assert set(VIEWS) == set(changed.inline)
    started = shown(DEFAULT_SCENE.replace(start=(1.25, -0.5)))  # a new start: the same layout, its own start point
    assert started.layout is first.layout
    (start,) = [t for t in decode_arrays(started.inline["contour"]) if t["meta"]["role"] == "start"]
    assert (float(start["x"][0]), float(start["y"][0])) == (1.25, -0.5)


def test_a_rerun_styles_a_layout_or_draws_the_surface_only_when_it_changed(monkeypatch):
    """Styling a layout and drawing the 3D surface are the dearest parts of a view (py-spy under
    benchmarks.loadtest): a rerun with nothing changed, a step and a new learning rate build a run's traces only.
    Once every layout was styled twice per rerun, and each run's part drew the whole surface again."""
    from figures import browser
    from tests.page_views import send
    from tests.test_app import load
    from ui import cache

    built = []
    for view, build in browser.VIEW_BUILDERS.items():
        def counted(info, layout=True, surface=True, _build=build, _view=view):
            built.append((_view, layout, surface))
            return _build(info, layout=layout, surface=surface)
        monkeypatch.setitem(browser.VIEW_BUILDERS, view, counted)
    page = load(runs=(0,))
    page.run()
    built.clear()
    page.run()
    send(page, "step", 7)
    assert [view for view, layout, surface in built if layout or surface] == []
    cache.run_payload.clear()
    page.select_slider(key="run0.hp.lr").set_value(0.05).run()
    assert not page.exception
    assert built and all(not layout and not surface for _, layout, surface in built)  # the run's traces only


def test_the_page_draws_the_same_figures_as_the_exports():
    """The browser's assembly of the parts (figures.browser.assembled, lab_view.js's order) is the builders'
    whole figure, for every view: the page does not fork the figures."""
    import json

    from figures import contour_figure, loss_figure, scene_info, surface_figure
    from figures.browser import VIEWS, assembled
    from figures.surface3d import camera_of
    from scene.presets import PRESETS
    from ui import cache

    builders = {"contour": contour_figure, "surface": surface_figure, "loss": loss_figure}
    turned = dataclasses.replace(PRESETS["saddle_escape"].scene.view, camera=(1.0, -1.5, 0.8, 0, 0, 0, 0, 0, 1))
    for scene in (PRESETS["rosenbrock_adaptive"].scene, PRESETS["saddle_escape"].scene.replace(language="en", view=turned)):
        landscape = scene.surface()
        trajectories = cache.visible_trajectories(scene)
        parts = cache.browser_views(scene, landscape, trajectories)
        decoded = lambda p: json.loads(p.data)  # noqa: E731
        field = compute.gradient_field(landscape) if scene.view.field != "none" else None
        info = scene_info(scene, landscape, trajectories, compute.surface_grid(landscape), field)
        for view in VIEWS:
            camera = camera_of(scene.view.camera) if scene.view.camera else None
            page = assembled(view, decoded(parts.layout), parts.inline, decoded(parts.surface),
                             [decoded(run) for run in parts.runs], camera)
            export = builders[view](info, stepped=False).to_dict()
            assert json.loads(json.dumps(page, sort_keys=True)) == json.loads(json.dumps(export, sort_keys=True)), view


# --- the page over many reruns -------------------------------------------------------------------------

@in_a_fresh_process
def test_page_reruns_with_random_traced_settings_compile_nothing_and_keep_the_session_small():
    """Cold in its own process: earlier tests' programs would count towards runtime.COMPILED_PROGRAM_LIMIT (the
    page empties JAX's caches past it), and results already in Streamlit's caches would skip a compilation
    during the warm-up and leave it for the first move that misses them."""
    from benchmarks.soak import MOVES, CompileCounter, open_page, raise_page_errors, random_move

    rng = random.Random(3)
    counter = CompileCounter()
    try:
        app = open_page()
        for move, _ in MOVES:  # warm-up: each kind of move once (the step count's bucket, the log view, ...)
            move(app, rng)
            app.run()
        warm_compilations, warm_keys = counter.count, set(app.session_state)
        moves = []
        for _ in range(30):
            moves.append(random_move(app, rng))
            app.run()
            raise_page_errors(app, moves[-1])
        assert counter.count == warm_compilations, moves
        assert set(app.session_state) == warm_keys
        assert len({move.split("=")[0] for move in moves}) >= 5  # many different controls moved
    finally:
        counter.close()
