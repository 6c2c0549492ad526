"""The Export tab: one file at a time (PNG, SVG, GIF, offline HTML or the notes bundle), the trajectory data and
the scene's query.

The chosen file is made when the tab runs with new choices (only the open tab runs) and offered by one download
button holding its bytes: one click downloads it. Made files are cached process-wide by (scene, format, the options
that format uses). ``panel`` is the one entry point.
"""

from __future__ import annotations

import streamlit as st

from export import animation, data, images
from export.bundle import DOWNLOADS, download, download_needs_browser
from export.toolbar import file_stem
from export.views import EXPORT_THEMES, VIEWS
from i18n import t
from landscapes import Landscape
from scene import Scene, query_string, readable_query_string
from ui.choice import choice
from ui.text import verbatim

LABEL = "export.tab"
MIME = {"png": "image/png", "svg": "image/svg+xml", "gif": "image/gif", "html": "text/html", "zip": "application/zip",
        "csv": "text/csv", "json": "application/json"}
DOWNLOAD_KEY = "export.download"
QUERY_KEY = "export.query"
# A query has few spaces: broken anywhere, it fills its lines instead of leaving "?" alone on the first one.
QUERY_CSS = "<style>.st-key-export-query code { word-break: break-all; }</style>"


@st.cache_data(max_entries=8, show_spinner=False)
def _made(query: str, fmt: str, options: tuple[tuple[str, object], ...], _scene: Scene, _trajectories) -> tuple[str, bytes]:
    """``download`` of the scene whose exact query is ``query`` (the key; ``_scene`` is that scene)."""
    return download(_scene, fmt, trajectories=_trajectories, **dict(options))


def _download_button(scene: Scene, fmt: str, options: dict, trajectories, can_render: bool) -> None:
    """The file ``fmt`` made with the options it uses, on a button that downloads it; a failure said in words."""
    lang = scene.language
    if download_needs_browser(fmt) and not can_render:
        st.download_button(t(f"export.format.{fmt}", lang), b"", disabled=True, key=DOWNLOAD_KEY)
        return
    used = tuple((name, options[name]) for name in DOWNLOADS[fmt])
    try:
        with st.spinner(t("export.making", lang)):
            name, content = _made(query_string(scene), fmt, used, scene, trajectories)
    except images.ExportError as error:
        st.error(verbatim(t("export.failed", lang, reason=str(error))))
        return
    st.download_button(name, content, file_name=name, mime=MIME[fmt], icon=":material/download:", key=DOWNLOAD_KEY,
                       on_click="ignore", type="primary")


def panel(scene: Scene, landscape: Landscape, trajectories) -> None:
    """The Export tab. ``trajectories`` lines up with ``scene.runs`` (None for hidden runs), as the page computed them."""
    lang = scene.language
    st.caption(t("export.intro", lang))
    can_render = images.browser_available()
    if not can_render:
        st.warning(t("export.no_browser", lang))
    format_column, download_column = st.columns(2, vertical_alignment="bottom")
    left, middle, right, last = st.columns(4)
    fmt = choice(format_column.selectbox, t("export.format", lang), tuple(DOWNLOADS),
                 format_func=lambda f: t(f"export.format.{f}", lang), key="export.format", persist_state="session")
    unused = {name: name not in DOWNLOADS[fmt] for name in ("view", "theme", "scale", "frames")}
    options = {
        "view": choice(left.selectbox, t("export.view", lang), VIEWS, format_func=lambda v: t(f"export.view.{v}", lang),
                       key="export.view", persist_state="session", disabled=unused["view"]),
        "theme": choice(middle.radio, t("export.theme", lang), EXPORT_THEMES,
                        format_func=lambda v: t(f"export.theme.{v}", lang), key="export.theme", persist_state="session",
                        disabled=unused["theme"]),
        "scale": right.select_slider(t("export.scale", lang), options=images.SCALES, value=2, key="export.scale",
                                     persist_state="session", disabled=unused["scale"]),
        "frames": int(last.number_input(t("export.gif_frames", lang), min_value=2, max_value=500,
                                        value=animation.MAX_FRAMES, step=10, key="export.frames",
                                        persist_state="session", disabled=unused["frames"])),
    }
    with download_column:
        _download_button(scene, fmt, options, trajectories, can_render)
    stem = file_stem(scene)
    # The data files hold every run: with hidden runs (not computed by the page) the data module computes all.
    every_run = None if any(traj is None for traj in trajectories) else list(trajectories)
    csv_column, json_column = st.columns(2)
    csv_column.download_button(t("export.csv", lang), data.to_csv(scene, every_run), file_name=f"{stem}-trajectories.csv",
                               mime=MIME["csv"], key="export.download.csv", on_click="ignore")
    json_column.download_button(t("export.json", lang), data.to_json(scene, every_run),
                                file_name=f"{stem}-trajectories.json", mime=MIME["json"], key="export.download.json",
                                on_click="ignore")
    st.markdown(f"**{t('export.url', lang)}**")
    st.html(QUERY_CSS)
    with st.container(key=QUERY_KEY):
        st.code(f"?{readable_query_string(scene)}", language="text", wrap_lines=True)
