"""Every run's trajectory as CSV and JSON rows: step, point, loss, the gradient and effective learning rate used.

Row ``step = t`` holds the point w_t and f(w_t); its gradient and effective learning rate are the ones
the step from w_t to w_{t+1} used, so the last row of a run has none (empty in CSV, null in JSON).
"""

from __future__ import annotations

import csv
import io
import json
import math
from typing import Sequence

from analysis import compute
import optimizers
from scene import Scene, query_string

COLUMNS = ("run", "label", "optimizer", "convention", "step", "x", "y", "loss", "grad_x", "grad_y",
           "lr_eff_x", "lr_eff_y", "diverged_at")


def _number(value) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None


def run_rows(scene: Scene, trajectories: Sequence[optimizers.Trajectory] | None = None) -> list[dict]:
    """One dict per (run, step) for every run of the scene, hidden ones included, in scene order."""
    trajectories = compute.trajectories(scene) if trajectories is None else trajectories
    rows = []
    for index, (run, traj) in enumerate(zip(scene.runs, trajectories)):
        used = len(traj.grads)
        for step, (point, loss) in enumerate(zip(traj.params, traj.loss)):
            grad = traj.grads[step] if step < used else (math.nan, math.nan)
            lr_eff = traj.lr_eff[step] if step < used else (math.nan, math.nan)
            rows.append({
                "run": index, "label": run.label(scene.language), "optimizer": run.optimizer,
                "convention": run.convention, "step": step, "x": _number(point[0]), "y": _number(point[1]),
                "loss": _number(loss), "grad_x": _number(grad[0]), "grad_y": _number(grad[1]),
                "lr_eff_x": _number(lr_eff[0]), "lr_eff_y": _number(lr_eff[1]), "diverged_at": traj.diverged_at,
            })
    return rows


def to_csv(scene: Scene, trajectories: Sequence[optimizers.Trajectory] | None = None) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in run_rows(scene, trajectories):
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return buffer.getvalue()


def to_json(scene: Scene, trajectories: Sequence[optimizers.Trajectory] | None = None) -> str:
    """The scene's URL query, its settings per run, and the rows of ``run_rows`` grouped by run as columns."""
    trajectories = compute.trajectories(scene) if trajectories is None else trajectories
    rows = run_rows(scene, trajectories)
    per_step = COLUMNS[4:-1]
    runs = []
    for index, run in enumerate(scene.runs):
        own = [row for row in rows if row["run"] == index]
        runs.append({
            "run": index, "label": run.label(scene.language), "optimizer": run.optimizer,
            "convention": run.convention, "hparams": run.settings, "batch_size": run.batch_size,
            "visible": run.visible, "diverged_at": trajectories[index].diverged_at,
            **{column: [row[column] for row in own] for column in per_step},
        })
    document = {"query": query_string(scene), "landscape": scene.landscape, "steps": scene.steps, "runs": runs}
    return json.dumps(document, ensure_ascii=False, indent=1, allow_nan=False)
