"""Process-wide caches around the compute layer, shared by every session of the server.

The engine's compiled programs are module-level ``jax.jit`` functions, so they are process-wide
already; these caches hold their results. Keys are small hashable tuples, so moving a hyperparameter reuses the surface grid (cached per
landscape and its parameters) and recomputes only the trajectory that changed. Every cache is bounded.
"""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

import compute
import optimizers
from figures import contour_figure, loss_figure, scene_info, surface_figure
from landscapes import Landscape
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


@st.cache_data(max_entries=64, show_spinner=False)
def surface_grid(key: tuple) -> compute.Grid:
    return compute.surface_grid(_surface_scene(key).surface())


@st.cache_data(max_entries=64, show_spinner=False)
def gradient_field(key: tuple) -> compute.Field:
    return compute.gradient_field(_surface_scene(key).surface())


@st.cache_data(max_entries=512, show_spinner=False)
def _trajectory(key: tuple, _scene: Scene, _run: Run) -> optimizers.Trajectory:
    return compute.trajectory(_scene, _run)


def trajectory(scene: Scene, run: Run) -> optimizers.Trajectory:
    return _trajectory(trajectory_key(scene, run), scene, run)


def visible_trajectories(scene: Scene) -> list[optimizers.Trajectory | None]:
    """One entry per run of the scene: its trajectory, or None for a hidden run (not computed)."""
    return [trajectory(scene, run) if run.visible else None for run in scene.runs]


@st.cache_resource(max_entries=64, show_spinner=False)
def view_figures(scene: Scene, angle: tuple[float, float], _landscape: Landscape,
                 _trajectories) -> tuple[go.Figure, go.Figure, go.Figure]:
    """The contour (with its click grid), 3D and loss figures of a scene, shared by every session showing it.

    Building them is most of a rerun's work, and a class mostly looks at the same few scenes. The
    scene (and the camera ``angle``) determines the landscape and trajectories passed along. Callers
    only hand the figures to ``st.plotly_chart``, which reads them; nobody may change them.
    """
    key = surface_key(scene)
    info = scene_info(scene, _landscape, _trajectories, surface_grid(key),
                      gradient_field(key) if scene.view.field != "none" else None)
    return contour_figure(info, click_grid=True), surface_figure(info, angle), loss_figure(info)
