"""The page's views as the browser draws them, rebuilt from what AppTest's page sent: the views component's
manifest and its payload elements (ui/view_component.py), put together in static/lab_view.js's order and shown
at the manifest's step by figures.stepping (the rule lab_view.js mirrors)."""

from __future__ import annotations

import base64
import json

import numpy as np
import plotly.graph_objects as go
from streamlit.testing.v1 import AppTest

from figures.browser import assembled
from figures.stepping import at_step

VIEWS_COMPONENT = "loss_lab.views"
PAYLOAD_COMPONENT = "loss_lab.payload"


def components(at: AppTest, name: str) -> list:
    return [element.proto for element in at.get("bidi_component") if element.proto.component_name == name]


def manifest(at: AppTest, key: str = "views") -> dict:
    (views,) = [proto for proto in components(at, VIEWS_COMPONENT) if proto.id.endswith(f"-{key}")]
    return json.loads(views.json)


def payloads(at: AppTest) -> dict[str, dict]:
    decoded = (json.loads(proto.bytes) for proto in components(at, PAYLOAD_COMPONENT))
    return {payload["id"]: payload for payload in decoded}


def decode_arrays(value):
    """Plotly JSON with every typed-array spec ({dtype, bdata[, shape]}) as a NumPy array."""
    if isinstance(value, dict):
        if "bdata" in value and "dtype" in value:
            array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
            shape = value.get("shape")
            if isinstance(shape, str):  # Plotly writes "rows, columns"
                shape = tuple(int(n) for n in shape.split(","))
            return array.reshape(shape) if shape else array
        return {key: decode_arrays(item) for key, item in value.items()}
    if isinstance(value, list):
        return [decode_arrays(item) for item in value]
    return value


def whole_figures(at: AppTest, key: str = "views") -> dict[str, dict]:
    """Each view with every run whole, as the browser assembles it (typed arrays decoded)."""
    spec, parts = manifest(at, key), payloads(at)
    ids = spec["payloads"]
    layouts, surface = parts[ids["layout"]], parts[ids["surface"]]
    runs = [parts[run] for run in ids["runs"]]
    inline = {view: spec["figures"][view]["inline"] for view in spec["views"]}
    return {view: decode_arrays(assembled(view, layouts, inline, surface, runs, spec["camera"])) for view in spec["views"]}


def view_figures(at: AppTest, key: str = "views", step: int | None = None) -> dict[str, dict]:
    """Each view as drawn at ``step`` (the manifest's step when None), as Plotly JSON."""
    step = manifest(at, key)["step"] if step is None else step
    return {view: at_step(go.Figure(figure), step).to_dict() for view, figure in whole_figures(at, key).items()}


def send(at: AppTest, name: str, value, key: str = "views", *, timeout: float | None = None) -> AppTest:
    """An event as the views component in the browser sends it (``setTriggerValue``: its value and an id),
    then the rerun it causes."""
    from streamlit.components.v2.bidi_component.main import _make_trigger_id
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    (views,) = [proto for proto in components(at, VIEWS_COMPONENT) if proto.id.endswith(f"-{key}")]
    send.events = getattr(send, "events", 0) + 1
    states = at._tree.get_widget_states()
    states.widgets.append(WidgetState(id=_make_trigger_id(views.id, "events"), json_trigger_value=json.dumps(
        [{"event": name, "value": {"value": value, "id": send.events}}])))
    at._run(states, timeout=timeout)
    assert not at.exception, [e.message for e in at.exception]
    return at
