"""Process-wide caches around the compute layer, shared by every session of the server.

The engine's compiled programs are module-level ``jax.jit`` functions, so they are process-wide
already; these caches hold their results. Keys are small hashable tuples, so moving a hyperparameter reuses the surface grid (cached per
landscape and its parameters) and recomputes only the trajectory that changed. Every cache is bounded.
"""

from __future__ import annotations

import dataclasses
from typing import NamedTuple

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from analysis import compute
import optimizers
from figures import browser
from figures.boundary import boundary_figure
from figures.info import RunPath, SceneInfo, surface_info, with_runs
from figures.model_info import model_plane, model_surface_info, model_with_runs, projected_runs
from figures.parts import Payload
from landscapes import Landscape, is_model
from landscapes.models import decision_grid
from scene import Run, Scene


def surface_key(scene: Scene) -> tuple:
    return scene.landscape, scene.landscape_params, scene.formula, scene.formula_bounds


def _surface_scene(key: tuple) -> Scene:
    landscape, params, formula, bounds = key
    return Scene(landscape=landscape, landscape_params=params, formula=formula, formula_bounds=bounds)


def trajectory_key(scene: Scene, run: Run) -> tuple:
    """What a run's path depends on: colour and visibility do not matter, the noise only for stochastic runs."""
    stochastic = run.batch_size is not None
    return (surface_key(scene), scene.start, scene.steps, scene.noise if stochastic else None,
            scene.seed if stochastic else None, run.optimizer, run.convention, run.hparams, run.batch_size)


def hashed(key: tuple) -> str:
    """What the caches here are asked with: the key's repr. Streamlit hashes a tuple element by element (~0.5 ms
    for a run's key, a dozen caches asked a rerun), a string at once (~6 µs); the repr of these keys' strings,
    numbers and tuples is exact."""
    return repr(key)


def read_only(value):
    """``value`` with every NumPy array in it made read-only. The caches below hand the same object to every
    session (``st.cache_data`` unpickled a copy at every hit: 3 ms a trajectory, twice a rerun for each run), so a
    writer fails loudly instead of changing what another student sees."""
    if isinstance(value, np.ndarray):
        value.flags.writeable = False
    elif isinstance(value, (tuple, list)):
        for item in value:
            read_only(item)
    elif isinstance(value, dict):
        for item in value.values():
            read_only(item)
    return value


@st.cache_resource(max_entries=64, show_spinner=False)
def _surface_grid(key: str, _surface: tuple) -> compute.Grid:
    return read_only(compute.surface_grid(_surface_scene(_surface).surface()))


def surface_grid(key: tuple) -> compute.Grid:
    return _surface_grid(hashed(key), key)


@st.cache_resource(max_entries=64, show_spinner=False)
def _gradient_field(key: str, _surface: tuple) -> compute.Field:
    return read_only(compute.gradient_field(_surface_scene(_surface).surface()))


def gradient_field(key: tuple) -> compute.Field:
    return _gradient_field(hashed(key), key)


@st.cache_resource(max_entries=512, show_spinner=False)
def _trajectory(key: str, _scene: Scene, _run: Run) -> optimizers.Trajectory:
    return read_only(compute.trajectory(_scene, _run))


def trajectory(scene: Scene, run: Run) -> optimizers.Trajectory:
    return _trajectory(hashed(trajectory_key(scene, run)), scene, run)


def visible_trajectories(scene: Scene) -> list[optimizers.Trajectory | None]:
    """One entry per run of the scene: its trajectory, or None for a hidden run (not computed)."""
    return [trajectory(scene, run) if run.visible else None for run in scene.runs]


# --- the page's views as the browser keeps them (figures.browser) --------------------------------------

def surface_view_key(scene: Scene) -> tuple:
    """What the surface's part of the views depends on: the surface and the settings that restyle it."""
    view = scene.view
    return surface_key(scene), scene.language, view.projector, view.show_critical, view.field


@st.cache_resource(max_entries=64, show_spinner=False)
def surface_record(key: str, _scene: Scene, _landscape: Landscape) -> SceneInfo:
    grid_key = surface_key(_scene)
    field = gradient_field(grid_key) if _scene.view.field != "none" else None
    return surface_info(_scene, _landscape, surface_grid(grid_key), field)


@st.cache_resource(max_entries=64, show_spinner=False)
def surface_payload(key: str, _info: SceneInfo) -> Payload:
    return browser.surface_payload(_info)


@st.cache_resource(max_entries=512, show_spinner=False)
def run_payload(key: str, _info: SceneInfo, _path: RunPath) -> Payload:
    return browser.run_payload(_info, _path)


@st.cache_resource(max_entries=256, show_spinner=False)
def layout_payload(key: str, _info: SceneInfo) -> Payload:
    return browser.layout_payload(browser.scene_parts(dataclasses.replace(_info, camera=None)))


@st.cache_resource(max_entries=512, show_spinner=False)
def inline_traces(key: str, _info: SceneInfo) -> dict[str, list[dict]]:
    return browser.inline_traces(_info)


@st.cache_resource(max_entries=64, show_spinner=False)
def model_surface_record(key: str, _scene: Scene, _landscape: Landscape, _trajectories) -> tuple:
    """A model's plane, its slice's record and the runs on the plane: they depend on the runs' paths (``key``
    names them), not on the shown step."""
    plane = model_plane(_scene, _landscape, _trajectories)
    return (plane, model_surface_info(_scene, _landscape, plane, _trajectories),
            projected_runs(_landscape, plane, _trajectories))


def model_record_key(scene: Scene, trajectories) -> tuple:
    """What a model's plane and slice depend on: the view, the slice's kind and seed, the start and the paths."""
    return (surface_view_key(scene), scene.view.slice, scene.seed, scene.start,
            tuple(trajectory_key(scene, run) for run, traj in zip(scene.runs, trajectories) if traj is not None))


def model_record(scene: Scene, landscape: Landscape, trajectories) -> tuple:
    """(plane, the slice's record without runs, the runs on the plane) of a model scene, shared by every session."""
    return model_surface_record(hashed(model_record_key(scene, trajectories)), scene, landscape, trajectories)


def _record(scene: Scene, landscape: Landscape, trajectories) -> tuple[tuple, SceneInfo]:
    """The key of the surface's part of the views and the scene's record at its shown step."""
    if not is_model(landscape):
        key = surface_view_key(scene)
        return key, with_runs(surface_record(hashed(key), scene, landscape), scene, trajectories)
    plane, surface, runs = model_record(scene, landscape, trajectories)
    return model_record_key(scene, trajectories), model_with_runs(surface, scene, landscape, plane, runs)


@st.cache_resource(max_entries=256, show_spinner=False)
def _boundary_figure(key: str, _model: Landscape, _params, _title: str, _color: str, _theme) -> go.Figure:
    xs, ys, probability = decision_grid(_model, _params)
    return boundary_figure(xs, ys, probability, _model.dataset(), _title, _color, _theme)


def run_boundary_figure(scene: Scene, model: Landscape, run: Run, traj: optimizers.Trajectory, step: int,
                        theme) -> go.Figure:
    """A classifier's decision boundary after ``step`` steps of ``run``, built once per trajectory, step and look
    (moving one run's η leaves the other runs' figures as they were). Streamlit only reads it."""
    title = run.label(scene.language)
    return _boundary_figure(hashed((trajectory_key(scene, run), step, title, run.color, theme.name)), model,
                            traj.params[step], title, run.color, theme)


class BrowserViews(NamedTuple):
    info: SceneInfo  # the scene's record at its shown step
    surface: Payload
    layout: Payload
    runs: tuple[Payload, ...]  # the visible runs', in scene order
    inline: dict  # view → its small traces (JSON)


def browser_views(scene: Scene, landscape: Landscape, trajectories) -> BrowserViews:
    """The scene's views as the browser receives them; each part is built once per change of what it depends on
    and shared by every session (the parts are immutable)."""
    key, info = _record(scene, landscape, trajectories)
    surface = hashed(key)
    runs = tuple(
        run_payload(hashed((trajectory_key(scene, scene.runs[path.index]), path.index, path.color, path.label, key,
                            info.log_loss, info.loss_offset)), info, path)
        for path in info.runs)
    layout = layout_payload(hashed((key, info.steps, info.log_loss, info.loss_offset, info.loss_decades >= 2)), info)
    inline = inline_traces(hashed((key, info.start)), info)
    return BrowserViews(info, surface_payload(surface, info), layout, runs, inline)
