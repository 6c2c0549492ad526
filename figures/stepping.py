"""What the shared step shows of a figure. One rule, applied here for exports and tests and, step by step,
in the browser by static/lab_view.js (``atStep`` there mirrors ``at_step`` here).

The builders draw whole runs. A trace's ``meta.role`` says what a step k shows of it:

- ``"path"``: points 0 … k;
- ``"current"``: point k alone;
- ``"mark"``: all of it from step ``meta.from`` on, nothing before (e.g. where a run left the plot);

where k is clipped to the trace's last point (a diverged run stops early). Every other trace is drawn
whole. The layout's ``meta.step`` holds k: titles show it through Plotly's ``%{meta.step}`` template, and
every shape named ``"step"`` (the loss chart's vertical line) stands at x = k.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

PATH, CURRENT, MARK = "path", "current", "mark"
STEP_SHAPE = "step"
STEP_TEMPLATE = "%{meta.step}"  # what a title writes where the step goes
STEPPED_FIELDS = ("x", "y", "z", "customdata")


def step_meta(step: int) -> dict[str, int]:
    return {"step": int(step)}


def shown_rows(meta: dict, length: int, step: int) -> slice | None:
    """The rows of a trace of ``length`` points that step ``step`` shows; None: the whole trace."""
    role = meta.get("role")
    if role == MARK:
        return None if step >= meta.get("from", 0) else slice(0, 0)
    if role not in (PATH, CURRENT) or length == 0:
        return None
    k = min(max(int(step), 0), length - 1)
    return slice(0, k + 1) if role == PATH else slice(k, k + 1)


def at_step(figure: go.Figure, step: int) -> go.Figure:
    """``figure`` (whole runs) as it looks at ``step``: a new figure, the given one is left as it is."""
    stepped = go.Figure(figure)
    for trace in stepped.data:
        meta = trace.meta if isinstance(trace.meta, dict) else {}
        length = len(trace.x) if getattr(trace, "x", None) is not None else 0
        rows = shown_rows(meta, length, step)
        if rows is None:
            continue
        trace.update({name: np.asarray(getattr(trace, name))[rows] for name in STEPPED_FIELDS
                      if getattr(trace, name, None) is not None})
    stepped.update_layout(meta=step_meta(step))
    for shape in stepped.layout.shapes:
        if shape.name == STEP_SHAPE:
            shape.update(x0=step, x1=step)
    return stepped
