"""A figure as the parts that change for different reasons.

Every view's builder makes a ``FigureParts``: the layout, the surface's traces below the runs (``under``),
each run's traces (``runs``), the surface's traces above the runs (``over``: critical points) and small
traces of the scene (``inline``: the start point). ``figure()`` puts them together in that order; the page's
view component (static/lab_view.js) puts them together in the same order after receiving the surface's
parts when the landscape changes and a run's parts when that run changes.
"""

from __future__ import annotations

import dataclasses
import hashlib
from typing import Mapping, Sequence

import plotly.graph_objects as go
import plotly.io as pio
from plotly.basedatatypes import convert_to_base64

# A run's traces are built again on every change of that run, for the page's payload (JSON) only: Plotly checks a
# trace again when a figure is made of it (``FigureParts.figure``: exports, tests), so they skip the first check
# (~45 % of building a run's payload).
UNCHECKED = {"_validate": False}


@dataclasses.dataclass(frozen=True)
class FigureParts:
    layout: go.Layout | None = None  # None: built without it, for its traces only
    under: tuple = ()
    runs: tuple = ()
    over: tuple = ()
    inline: tuple = ()

    def figure(self) -> go.Figure:
        return go.Figure(data=[*self.under, *self.runs, *self.over, *self.inline], layout=self.layout)


def _plotly_json(value: dict) -> dict:
    """Plotly JSON with NumPy arrays as typed-array specs (base64), as ``go.Figure.to_dict`` makes it; a figure
    made to call that validates every trace again, ~8× the time (one run's traces: 15 ms against 1.9 ms)."""
    convert_to_base64(value)
    return value


def traces_json(traces: Sequence) -> list[dict]:
    return _plotly_json({"data": [trace.to_plotly_json() for trace in traces]})["data"]


def layout_json(layout: go.Layout) -> dict:
    return _plotly_json({"layout": layout.to_plotly_json()})["layout"]


@dataclasses.dataclass(frozen=True)
class Payload:
    """A part of the views as the browser stores it: JSON bytes named by their content."""

    id: str
    data: bytes


def payload(kind: str, views: Mapping[str, object]) -> Payload:
    """``views`` maps a view name to its JSON-able part; the id is a digest of the bytes."""
    body = pio.json.to_json_plotly(views).encode()
    name = f"{kind}-{hashlib.blake2b(body, digest_size=12).hexdigest()}"
    return Payload(name, b'{"id":"' + name.encode() + b'","views":' + body + b"}")


def surface_payload(parts: Mapping[str, FigureParts]) -> Payload:
    return payload("surface", {view: {"under": traces_json(p.under), "over": traces_json(p.over)}
                               for view, p in parts.items()})


def run_payload(parts: Mapping[str, FigureParts]) -> Payload:
    return payload("run", {view: traces_json(p.runs) for view, p in parts.items()})
