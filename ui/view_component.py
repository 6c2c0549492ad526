"""The views component: contour, 3D surface and loss chart drawn and stepped in the browser.

Python sends the scene's views in parts (figures.browser) and a small manifest; static/lab_view.js draws
them, moves the shared step, plays, keeps the camera the user turned and reports back only what Python
needs, as events (trigger values: one sent again is applied again): the step reached (``step``, once the
user stops moving it), the camera (``camera``) and a click on the contour (``click``). The payloads travel as elements of their own: Streamlit sends
an element the browser already has as a reference, so the surface travels once per landscape and a run
once per change of that run.

plotly.js comes from the installed ``plotly`` package and is served by the app itself
(``server.enableStaticServing``), so the page works without the internet.
"""

from __future__ import annotations

import hashlib

import streamlit as st

from figures.browser import VIEWS
from figures.surface3d import camera_of, default_camera
from i18n import t
from landscapes import Landscape
from scene import Scene
from ui import cache
from ui.assets import STATIC, install_plotly
from ui import state as S

VIEW_SCRIPT = STATIC / "lab_view.js"
PLAY_SECONDS = 3.0  # a whole run at 1× speed, whatever its number of steps

# The element's own script only loads the real one from the app's static folder: an element's inline
# script travels with it whenever its data changes.
LOADER = """export default async function (component) {
  const base = new URL("./app/static/", window.location.href);
  const module = await import(new URL("lab_view.js?v=%(version)s", base).href);
  return module.%(entry)s(component, base.href);
}
"""


def script_version() -> str:
    return hashlib.blake2b(VIEW_SCRIPT.read_bytes(), digest_size=6).hexdigest()


_VERSION = script_version()
_VIEWS = st.components.v2.component(
    "loss_lab.views", js=LOADER % {"version": _VERSION, "entry": "mountViews"}, isolate_styles=False)
_PAYLOAD = st.components.v2.component(
    "loss_lab.payload", js=LOADER % {"version": _VERSION, "entry": "storePayload"}, isolate_styles=False)
_PAGE = st.components.v2.component(
    "loss_lab.page", js=LOADER % {"version": _VERSION, "entry": "mountPage"}, isolate_styles=False)
_PLOTLY_URL = install_plotly()


def camera_values(camera: dict) -> tuple[float, ...] | None:
    """The 9 numbers of a camera reported by the browser ({eye, center, up} of x, y, z), None if malformed."""
    try:
        values = tuple(float(camera[part][axis]) for part in ("eye", "center", "up") for axis in "xyz")
    except (KeyError, TypeError, ValueError):
        return None
    return values if all(abs(v) < 1e3 for v in values) else None


def _event(key: str, name: str):
    """The value of event ``name`` the views component sent in this run, noting its id as heard (the manifest
    tells the browser, which sends an event again until Python has heard it); None if malformed."""
    event = (st.session_state.get(key) or {}).get(name)
    if not isinstance(event, dict) or not isinstance(event.get("id"), int):
        return None
    S.heard(st.session_state, name, event["id"])
    return event.get("value")


def _step_reported(key: str) -> None:
    step = _event(key, "step")
    if isinstance(step, (int, float)) and not isinstance(step, bool):
        S.set_step(st.session_state, int(step))


def _camera_reported(key: str) -> None:
    values = camera_values(_event(key, "camera"))
    if values is not None:
        S.set_camera(st.session_state, values)


def _clicked(key: str) -> None:
    point = _event(key, "click")
    if isinstance(point, dict) and all(isinstance(point.get(axis), (int, float)) for axis in "xy"):
        S.set_start(st.session_state, float(point["x"]), float(point["y"]))


def labels(lang: str) -> dict[str, str]:
    names = ("play", "pause", "step", "speed", "reset_camera", "keys", "legend")
    return {name: t(f"views.{name}", lang) for name in names}


def manifest(scene: Scene, parts: cache.BrowserViews, key: str, views, configs: dict) -> dict:
    return {
        "key": key,
        "plotly": _PLOTLY_URL,
        "views": list(views),
        "payloads": {"surface": parts.surface.id, "layout": parts.layout.id, "runs": [p.id for p in parts.runs]},
        "figures": {view: {"inline": parts.inline[view], "config": configs.get(view, {})} for view in views},
        "steps": scene.steps,
        "step": scene.shown_step,
        "step_token": S.step_token(st.session_state),
        "camera": camera_of(scene.view.camera) if scene.view.camera else None,
        "camera_token": S.camera_token(st.session_state),
        "heard": S.heard_events(st.session_state),
        "run": S.count_run(st.session_state),  # every run reaches the browser, so it can tell what Python heard
        "default_camera": default_camera(parts.info.view_angle),
        "play_seconds": PLAY_SECONDS,
        "projector": scene.view.projector,
        "labels": labels(scene.language),
    }


def page_runner() -> None:
    """A hidden element outside every fragment. The views component asks it for a run of the whole page when its
    events go unheard: a server process the tab reconnected to (a failover, a restart) drops the reruns of a
    fragment it has not run yet, so the first step or turn after it would be lost."""
    with st.container(key="page_runner", height=1, border=False):
        _PAGE(key="page_runner_element", data=None, height=1)


def payload_carriers(parts: cache.BrowserViews, key: str) -> None:
    """One hidden element per distinct payload: unchanged ones travel as references to what the browser has.
    Without a key (their content is their identity): a keyed element is an entry of the session state, which
    each select box and number input walks as it is drawn."""
    distinct = {part.id: part for part in (parts.surface, parts.layout, *parts.runs)}
    with st.container(key=f"{key}_payloads", height=1, border=False):
        for part in distinct.values():
            _PAYLOAD(data=part.data, height=1)


def scene_views(scene: Scene, landscape: Landscape, trajectories, *, key: str = "views", views=VIEWS,
                configs: dict | None = None) -> None:
    """The scene's views, stepped, played and turned in the browser."""
    parts = cache.browser_views(scene, landscape, trajectories)
    payload_carriers(parts, key)
    _VIEWS(key=key, data=manifest(scene, parts, key, views, configs or {}),
           on_step_change=lambda: _step_reported(key), on_camera_change=lambda: _camera_reported(key),
           on_click_change=lambda: _clicked(key))
