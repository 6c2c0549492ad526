"""A model scene's ``SceneInfo``: the same record the surfaces fill, drawn by the same builders.

The surface is a slice of the model's loss (analysis/slices.py) on a grid around the runs' projected paths; each run's
x, y are its projection (α, β) onto the plane, its 3D points sit at the slice's loss there, and its loss (the
loss chart) is the true training loss. Critical points and the gradient field are of the 2-D surfaces only.
"""

from __future__ import annotations

import dataclasses
from typing import NamedTuple, Sequence

import numpy as np

from analysis import compute
from figures.info import SceneInfo, surface_info, with_runs
from i18n import t
from landscapes.models import ModelLandscape, accuracy_along
from optimizers import Trajectory
from scene import Scene
from analysis.slices import (FILTER_HALF_WIDTH, MIN_HALF_WIDTH, SLICE_RESOLUTION, Slice, grid_bounds, losses_at, plane_for,
                    project, slice_losses)


def _paths(trajectories: Sequence[Trajectory | None]) -> list[np.ndarray]:
    return [np.asarray(traj.params, dtype=np.float64) for traj in trajectories if traj is not None]


def model_plane(scene: Scene, model: ModelLandscape, trajectories: Sequence[Trajectory | None]) -> Slice:
    return plane_for(scene.view.slice, model, _paths(trajectories), model.parameters(scene.start), scene.seed)


def plane_note(plane: Slice, model: ModelLandscape, language: str, seed: int) -> str:
    if plane.kind == "coordinates":
        x, y = (model.parameter_names[i] for i in model.axes)
        centre = t("slice.centre.optimum" if model.optimum is not None else "slice.centre.end", language)
        return t("slice.note.coordinates", language, x=x, y=y, centre=centre)
    if plane.kind == "pca":
        return t("slice.note.pca", language, share=f"{100 * plane.explained:.1f} %")
    return t("slice.note.filter", language, seed=seed)


def _axis_labels(plane: Slice, model: ModelLandscape) -> dict[str, str]:
    if plane.kind == "coordinates":
        return {"fig.x": f"α = {model.parameter_names[model.axes[0]]}", "fig.y": f"β = {model.parameter_names[model.axes[1]]}"}
    return {"fig.x": "α (d₁)", "fig.y": "β (d₂)"}


def model_surface_info(scene: Scene, model: ModelLandscape, plane: Slice, trajectories: Sequence[Trajectory | None],
                       theme: str | None = None, resolution: int = SLICE_RESOLUTION) -> SceneInfo:
    """The slice's part of the record (no runs): its grid around the runs' projected paths and the start."""
    projected = [project(plane, path) for path in _paths(trajectories)]
    projected.append(project(plane, [model.parameters(scene.start)]))
    bounds = grid_bounds(projected, FILTER_HALF_WIDTH if plane.kind == "filter" else MIN_HALF_WIDTH)
    (x0, x1), (y0, y1) = bounds
    xs = np.linspace(x0, x1, resolution, dtype=np.float32)
    ys = np.linspace(y0, y1, resolution, dtype=np.float32)
    z = slice_losses(model, plane, xs, ys)
    grid = compute.Grid(xs, ys, z, int(np.isnan(z).sum()))
    flat_view = dataclasses.replace(scene.view, show_critical=False, field="none")
    info = surface_info(scene.replace(view=flat_view), dataclasses.replace(model, bounds=bounds), grid, None, theme)
    labels = {**info.labels, **_axis_labels(plane, model), "fig.loss": t("fig.training_loss", scene.language)}
    if not info.log_display:
        labels["fig.z"] = t("fig.z_slice", scene.language)
    if model.logits is not None:
        labels["fig.accuracy"] = t("fig.accuracy", scene.language)
    return dataclasses.replace(info, labels=labels, plane_note=plane_note(plane, model, scene.language, scene.seed))


class ProjectedRuns(NamedTuple):
    """What a model scene's runs are on its plane; it changes only with the plane and the paths."""
    trajectories: list  # per run (None for a hidden one): the trajectory with (α, β) as its params
    heights: list  # per run: the slice's loss at each projected point (the 3D points' height)
    accuracy: dict  # run index → a classifier's training accuracy at each step (empty for a regression)


def projected_runs(model: ModelLandscape, plane: Slice, trajectories: Sequence[Trajectory | None]) -> ProjectedRuns:
    projected = [None if traj is None else traj._replace(params=project(plane, traj.params).astype(np.float32))
                 for traj in trajectories]
    heights = [None if traj is None else losses_at(model, plane, traj.params) for traj in projected]
    accuracy = {} if model.logits is None else {index: accuracy_along(model, traj.params)
                                                  for index, traj in enumerate(trajectories) if traj is not None}
    return ProjectedRuns(projected, heights, accuracy)


def model_with_runs(surface: SceneInfo, scene: Scene, model: ModelLandscape, plane: Slice, runs: ProjectedRuns
                    ) -> SceneInfo:
    """``surface`` completed with the runs projected onto the plane (``projected_runs``), at the slice's loss in 3D."""
    info = with_runs(surface, scene, runs.trajectories, runs.heights)
    if runs.accuracy:
        info = dataclasses.replace(info, runs=tuple(dataclasses.replace(path, accuracy=runs.accuracy[path.index])
                                                    for path in info.runs))
    start = project(plane, [model.parameters(scene.start)])[0]
    return dataclasses.replace(info, start=(float(start[0]), float(start[1])))


def model_scene_info(scene: Scene, model: ModelLandscape, trajectories: Sequence[Trajectory | None],
                     theme: str | None = None) -> SceneInfo:
    plane = model_plane(scene, model, trajectories)
    surface = model_surface_info(scene, model, plane, trajectories, theme)
    return model_with_runs(surface, scene, model, plane, projected_runs(model, plane, trajectories))
