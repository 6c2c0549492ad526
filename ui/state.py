"""Widget state ⇄ Scene. The page's widgets all have keys; this module writes a Scene into those keys
and reads the keys back into a Scene. It works on any mutable mapping (``st.session_state`` on the
page, a plain dict in tests), so it does not import Streamlit.

Runs get a stable id each, so removing run 2 leaves run 3's widgets (keys ``run{id}.…``) untouched.
"""

from __future__ import annotations

import dataclasses
from typing import Any, MutableMapping

from landscapes import LANDSCAPES, FormulaError, Landscape, is_model
from optimizers import SPECS, hyperparameters
from optimizers.hyperparameters import SWITCHES
from optimizers.spec import DEFAULT_BATCH
from scene import DEFAULT_SCENE, MAX_RUNS, MAX_STEPS, PALETTE, Run, Scene

State = MutableMapping[str, Any]

BASE = "_scene_base"  # the last scene loaded whole (URL, preset): fields without a widget come from it
RUN_IDS = "run_ids"
NEXT_RUN_ID = "_next_run_id"
STEPS_SEEN = "_steps_seen"
STEP_TOKEN = "_step_token"  # counts the steps Python set itself (the browser follows those, not its own reports)
CAMERA_TOKEN = "_camera_token"  # likewise for the 3D camera
RUNS = "_runs"
HEARD = "_heard_events"  # event name → id of the last one the views component sent and Python applied
VIEW_KEYS = ("log_loss", "field", "projector", "show_critical", "slice")
SWITCH_HPARAMS = SWITCHES  # 1 on, 0 off: shown as a toggle, held as a bool
FULL_BATCH = "full"  # the batch-size choice of the exact gradient (a select shows None as "nothing chosen")


def run_key(run_id: int, name: str) -> str:
    return f"run{run_id}.{name}"


def hparam_key(run_id: int, name: str) -> str:
    return run_key(run_id, f"hp.{name}")


def param_key(name: str) -> str:
    return f"lp.{name}"


def surface_of(scene: Scene) -> Landscape:
    """The scene's surface; a scene whose surface cannot be built (e.g. a bad formula) raises ValueError."""
    try:
        return scene.surface()
    except FormulaError:
        raise
    except Exception as error:  # the formula parser and its import may fail in many ways
        raise ValueError(str(error)) from error


def clamp_start(landscape: Landscape, start) -> tuple[float, float]:
    (x0, x1), (y0, y1) = landscape.bounds
    return float(min(max(start[0], x0), x1)), float(min(max(start[1], y0), y1))


def batch_choice(batch_size: int | None) -> int | str:
    return FULL_BATCH if batch_size is None else batch_size


def write_run(state: State, run_id: int, run: Run) -> None:
    state[run_key(run_id, "optimizer")] = run.optimizer
    state[run_key(run_id, "convention")] = run.convention
    state[run_key(run_id, "color")] = run.color
    state[run_key(run_id, "visible")] = run.visible
    state[run_key(run_id, "batch")] = batch_choice(run.batch_size)
    for name, value in run.hparams:
        state[hparam_key(run_id, name)] = value > 0.5 if name in SWITCH_HPARAMS else value


def write_landscape(state: State, landscape: Landscape) -> None:
    state["landscape"] = landscape.id
    for name, value in landscape.theta.items():
        state[param_key(name)] = value


def load_scene(state: State, scene: Scene) -> None:
    """Set every widget key from ``scene`` (first load, a preset, a pasted link)."""
    landscape = surface_of(scene)
    state[BASE] = scene
    state["lang"] = scene.language
    if scene.landscape == "custom":
        state["landscape"] = "custom"
    else:
        write_landscape(state, landscape)
    state["start_x"], state["start_y"] = clamp_start(landscape, scene.start)
    state["steps"] = scene.steps
    move_step(state, scene.shown_step)
    state[CAMERA_TOKEN] = camera_token(state) + 1
    state[STEPS_SEEN] = scene.steps
    state["noise"] = scene.noise
    state["seed"] = scene.seed
    for name in VIEW_KEYS:
        state[name] = getattr(scene.view, name)
    first = state.get(NEXT_RUN_ID, 0)
    state[RUN_IDS] = list(range(first, first + len(scene.runs)))
    state[NEXT_RUN_ID] = first + len(scene.runs)
    for run_id, run in zip(state[RUN_IDS], scene.runs):
        write_run(state, run_id, run)


def read_run(state: State, run_id: int, fallback: Run) -> Run:
    optimizer = state.get(run_key(run_id, "optimizer"), fallback.optimizer)
    convention = state.get(run_key(run_id, "convention"), fallback.convention)
    defaults = {**hyperparameters(optimizer, convention), **fallback.settings}
    values = {name: float(state.get(hparam_key(run_id, name), defaults[name]))
              for name in hyperparameters(optimizer, convention)}
    batch = state.get(run_key(run_id, "batch"), fallback.batch_size)
    return Run.of(optimizer, convention, color=state.get(run_key(run_id, "color"), fallback.color),
                  visible=bool(state.get(run_key(run_id, "visible"), fallback.visible)),
                  batch_size=None if batch in (None, FULL_BATCH) else int(batch), **values)


def scene_from_state(state: State) -> Scene:
    """The Scene the widgets describe now."""
    base: Scene = state.get(BASE, DEFAULT_SCENE)
    landscape_id = state.get("landscape", base.landscape)
    if landscape_id == "custom":
        landscape = surface_of(base)
        params = base.landscape_params
    else:
        landscape = LANDSCAPES[landscape_id]
        params = tuple(sorted((p.name, float(state.get(param_key(p.name), p.default))) for p in landscape.params))
        landscape = landscape.with_params(**dict(params))
    steps = int(min(max(int(state.get("steps", base.steps)), 1), MAX_STEPS))
    seen = state.get(STEPS_SEEN, steps)
    step = int(state.get("step", steps))
    if step >= seen:  # the step control sat at the end: it stays at the end when the run gets longer
        step = steps
    state[STEPS_SEEN] = steps
    view = dataclasses.replace(base.view, **{name: state.get(name, getattr(base.view, name)) for name in VIEW_KEYS})
    fallback = Run.of("gd")
    runs = tuple(read_run(state, run_id, fallback) for run_id in state.get(RUN_IDS, []))
    return Scene(
        landscape=landscape_id, landscape_params=params, runs=runs,
        start=clamp_start(landscape, (float(state.get("start_x", base.start[0])),
                                      float(state.get("start_y", base.start[1])))),
        steps=steps, step=None if step >= steps else max(step, 0),
        noise=float(state.get("noise", base.noise)), seed=int(state.get("seed", base.seed)),
        language=state.get("lang", base.language), view=view,
        formula=base.formula, formula_bounds=base.formula_bounds,
    )


# --- changes a control makes (called from widget callbacks) -------------------------------------------

def free_color(state: State) -> str:
    used = {state.get(run_key(run_id, "color")) for run_id in state.get(RUN_IDS, [])}
    return next((c for c in PALETTE if c not in used), PALETTE[len(used) % len(PALETTE)])


def add_run(state: State, run: Run) -> int | None:
    """Append a run (keeping its settings, with a colour not in use); None when the scene is full."""
    if len(state.get(RUN_IDS, [])) >= MAX_RUNS:
        return None
    run_id = state.get(NEXT_RUN_ID, 0)
    state[NEXT_RUN_ID] = run_id + 1
    write_run(state, run_id, dataclasses.replace(run, color=free_color(state)))
    state[RUN_IDS] = [*state.get(RUN_IDS, []), run_id]
    return run_id


def new_run_settings(optimizer: str, convention: str = "lecture") -> dict[str, float]:
    """The hyperparameters a new run of ``optimizer`` (or a run switched to it) starts from: the spec's ``new_run``."""
    defaults = hyperparameters(optimizer, convention)
    return {**defaults, **{k: v for k, v in SPECS[optimizer].new_run.items() if k in defaults}}


def new_run(optimizer: str) -> Run:
    return Run.of(optimizer, batch_size=DEFAULT_BATCH.get(optimizer), **new_run_settings(optimizer))


def remove_run(state: State, run_id: int) -> None:
    state[RUN_IDS] = [r for r in state.get(RUN_IDS, []) if r != run_id]


def change_optimizer(state: State, run_id: int) -> None:
    """After the optimizer or convention of a run changed: fill in the hyperparameters it lacks."""
    optimizer = state[run_key(run_id, "optimizer")]
    convention = state.get(run_key(run_id, "convention"), "lecture")
    for name, default in new_run_settings(optimizer, convention).items():
        key = hparam_key(run_id, name)
        if key not in state:
            state[key] = default > 0.5 if name in SWITCH_HPARAMS else default


def reset_optimizer(state: State, run_id: int) -> None:
    """A new optimizer for a run starts from a new run's settings and its default gradient source."""
    optimizer = state[run_key(run_id, "optimizer")]
    for name, default in new_run_settings(optimizer, state.get(run_key(run_id, "convention"), "lecture")).items():
        state[hparam_key(run_id, name)] = default > 0.5 if name in SWITCH_HPARAMS else default
    state[run_key(run_id, "batch")] = batch_choice(DEFAULT_BATCH.get(optimizer))


def change_landscape(state: State) -> None:
    """A new landscape starts from its own defaults and first start point, with the step at the end."""
    landscape = LANDSCAPES[state["landscape"]]
    write_landscape(state, landscape)
    state["start_x"], state["start_y"] = landscape.default_start
    move_step(state, state.get("steps", DEFAULT_SCENE.steps))


def set_start(state: State, x: float, y: float) -> None:
    """A clicked start point, clamped to the plot and rounded to what the inputs show."""
    landscape = surface_of(scene_from_state(state))
    if is_model(landscape):  # the contour shows a slice, not the plane a model's start moves in
        return
    state["start_x"], state["start_y"] = (round(v, 3) for v in clamp_start(landscape, (x, y)))
    move_step(state, state.get("steps", DEFAULT_SCENE.steps))


def step_token(state: State) -> int:
    return int(state.get(STEP_TOKEN, 0))


def camera_token(state: State) -> int:
    return int(state.get(CAMERA_TOKEN, 0))


def move_step(state: State, step: int) -> None:
    """Python moves the shared step (a link, a preset, a new start): the views in the browser follow."""
    state["step"] = int(step)
    state[STEP_TOKEN] = step_token(state) + 1


def set_step(state: State, step: int) -> None:
    """The step the browser reached (it is there already: no token)."""
    state["step"] = int(min(max(step, 0), int(state.get("steps", DEFAULT_SCENE.steps))))


def heard(state: State, name: str, event_id: int) -> None:
    """Python has applied the browser's event ``name`` with id ``event_id`` (see ui.view_component)."""
    state[HEARD] = {**state.get(HEARD, {}), name: int(event_id)}


def count_run(state: State) -> int:
    """This run's number in the session."""
    state[RUNS] = int(state.get(RUNS, 0)) + 1
    return state[RUNS]


def heard_events(state: State) -> dict[str, int]:
    return dict(state.get(HEARD, {}))


def set_camera(state: State, camera: tuple[float, ...] | None) -> None:
    """The 3D camera the user turned in the browser: kept in the scene (its link, its exports)."""
    base: Scene = state.get(BASE, DEFAULT_SCENE)
    state[BASE] = base.replace(view=dataclasses.replace(base.view, camera=camera))


__all__ = [
    "BASE", "RUN_IDS", "add_run", "camera_token", "move_step", "set_camera", "set_step", "step_token", "change_landscape", "change_optimizer", "hparam_key", "load_scene",
    "new_run", "new_run_settings", "param_key", "remove_run", "reset_optimizer", "run_key", "scene_from_state", "set_start",
    "surface_of",
]
