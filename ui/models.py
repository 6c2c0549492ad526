"""What the trajectories tab adds for a model scene: what the slice is, the metrics a model has (loss target,
accuracy) and, for a classifier, each run's decision boundary at the shared step."""

from __future__ import annotations

import streamlit as st

from figures.theme import theme_named
from i18n import t
from landscapes.models import ModelLandscape, accuracy_along, steps_to_loss
from scene import Scene
from ui import cache

BOUNDARY_COLUMNS = 4


def slice_notes(scene: Scene, model: ModelLandscape, trajectories) -> None:
    _, surface, _ = cache.model_record(scene, model, trajectories)
    st.caption(surface.plane_note + " " + t("slice.not_the_loss", scene.language))


def metric_cells(scene: Scene, model: ModelLandscape, traj) -> dict[str, str]:
    """A run's cells of the metrics table beside its colour and name: final loss, steps to the model's loss
    target, a classifier's accuracy at the shared step, divergence."""
    lang = scene.language
    reached = steps_to_loss(traj.loss, model.loss_target)
    cells = {
        t("metrics.final_loss", lang): f"{float(traj.loss[-1]):.4g}",
        t("model.metrics.steps_to_target", lang, target=f"{model.loss_target:g}"): "—" if reached is None else str(reached),
    }
    if model.logits is not None:
        at_step = min(scene.shown_step, len(traj.params) - 1)
        accuracy = float(accuracy_along(model, traj.params[at_step:at_step + 1])[0])
        cells[t("model.metrics.accuracy", lang, step=scene.shown_step)] = f"{100 * accuracy:.1f} %"
    cells[t("metrics.outcome", lang)] = "—" if traj.diverged_at is None else \
        t("metrics.diverged_at", lang, step=traj.diverged_at)
    return cells


def boundary_panel(scene: Scene, model: ModelLandscape, trajectories) -> None:
    """A classifier's decision boundary per visible run, at the shared step."""
    if model.logits is None:
        return
    lang, shown = scene.language, [(run, traj) for run, traj in zip(scene.runs, trajectories) if traj is not None]
    if not shown:
        return
    st.subheader(t("model.boundary.header", lang, step=scene.shown_step))
    theme = theme_named("projector" if scene.view.projector else "screen")
    columns = st.columns(min(len(shown), BOUNDARY_COLUMNS))
    for index, (run, traj) in enumerate(shown):
        figure = cache.run_boundary_figure(scene, model, run, traj, min(scene.shown_step, len(traj.params) - 1), theme)
        columns[index % len(columns)].plotly_chart(figure, key=f"boundary_{index}", config={"displayModeBar": False},
                                                   theme=None)
    st.caption(t("model.boundary.caption", lang, step=scene.shown_step))
