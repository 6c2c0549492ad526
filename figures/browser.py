"""The page's views as the browser receives them (static/lab_view.js draws them).

The same builders as everywhere (contour_parts, surface_parts, loss_parts) on a scene's ``SceneInfo``, cut
along what changes together:

- ``surface_payload``: the surface's traces of every view (a landscape, its parameters, the view settings);
- ``run_payload``: one run's traces of every view (that run's trajectory and look);
- ``layout_payload``: every view's layout (language, theme, scale, steps, camera);
- ``inline_traces``: each view's small traces (the start point), sent with every change.

``assembled`` puts them back together as the browser does; a test holds it equal to the export's figure.
"""

from __future__ import annotations

import dataclasses
from typing import Mapping, Sequence

from figures.contour import contour_parts
from figures.info import RunPath, SceneInfo
from figures.loss import loss_parts
from figures.parts import FigureParts, Payload, layout_json, payload, run_payload as _run_payload, \
    surface_payload as _surface_payload, traces_json
from figures.surface3d import surface_parts

VIEW_BUILDERS = {"contour": contour_parts, "surface": surface_parts, "loss": loss_parts}
VIEWS = tuple(VIEW_BUILDERS)


def view_parts(info: SceneInfo, views: Sequence[str] = VIEWS, *, layout: bool = True, surface: bool = True
               ) -> dict[str, FigureParts]:
    """``layout=False``: the traces only (styling a layout costs more than drawing a run's traces);
    ``surface=False``: without the surface's traces (a 3D surface costs more than a run's traces too)."""
    return {view: VIEW_BUILDERS[view](info, layout=layout, surface=surface) for view in views}


def surface_payload(info: SceneInfo, views: Sequence[str] = VIEWS) -> Payload:
    """The surface's traces; ``info``'s runs are not drawn."""
    return _surface_payload(view_parts(dataclasses.replace(info, runs=()), views, layout=False))


def run_payload(info: SceneInfo, run: RunPath, views: Sequence[str] = VIEWS) -> Payload:
    """One run's traces, drawn whole in ``info``'s theme and display scale."""
    return _run_payload(view_parts(dataclasses.replace(info, runs=(run,), critical=(), field=None, grad_norm=None),
                                   views, layout=False, surface=False))


def scene_parts(info: SceneInfo, views: Sequence[str] = VIEWS, *, layout: bool = True) -> dict[str, FigureParts]:
    """The views without the surface's and the runs' traces: layouts and the scene's small traces."""
    return view_parts(dataclasses.replace(info, runs=(), critical=(), field=None, grad_norm=None), views,
                      layout=layout, surface=False)


def layout_payload(parts: Mapping[str, FigureParts]) -> Payload:
    """Every view's layout (with Plotly's template, the larger part): a payload of its own, since it changes
    only with the language, the theme, the surface's scale or the number of steps. Build ``parts`` without the
    scene's camera: the camera travels in the manifest (``assembled``'s ``camera``), so turning the 3D view
    sends no layout."""
    return payload("layout", {view: layout_json(p.layout) for view, p in parts.items()})


def inline_traces(info: SceneInfo, views: Sequence[str] = VIEWS) -> dict[str, list[dict]]:
    return {view: traces_json(p.inline) for view, p in scene_parts(info, views, layout=False).items()}


def assembled(view: str, layouts: dict, inline: dict, surface: dict, runs: Sequence[dict],
              camera: dict | None = None) -> dict:
    """A view's figure from the decoded payloads and the manifest's inline traces and camera, in the browser's order."""
    data = [*surface["views"][view]["under"], *(t for run in runs for t in run["views"][view]),
            *surface["views"][view]["over"], *inline[view]]
    layout = layouts["views"][view]
    if view == "surface" and camera is not None:
        layout = {**layout, "scene": {**layout["scene"], "camera": camera}}
    return {"data": data, "layout": layout}


__all__ = ["VIEWS", "assembled", "inline_traces", "layout_payload", "run_payload", "scene_parts", "surface_payload",
           "view_parts"]

