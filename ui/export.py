"""The Export tab: figures as PNG/SVG, the GIF, offline HTML, trajectory data and the notes bundle.

Heavy files are made on a button press (the result is kept in session state for the scene and options
it was made for); the small data files are offered directly. ``export_panel`` is the one entry point.
"""

from __future__ import annotations

import streamlit as st

from export import animation, bundle, data, images
from export.html import html_page
from export.toolbar import file_stem
from export.views import EXPORT_THEMES, VIEWS, export_figure, scene_record
from i18n import t
from landscapes import Landscape
from scene import Scene, query_string
from ui.choice import choice
from ui.text import verbatim

PREPARED = "export.prepared"  # kind → (options key, {file name: bytes})
MIME = {"png": "image/png", "svg": "image/svg+xml", "gif": "image/gif", "html": "text/html", "zip": "application/zip",
        "csv": "text/csv", "json": "application/json"}


def _prepared(kind: str, key: tuple) -> dict[str, bytes] | None:
    made = st.session_state.get(PREPARED, {}).get(kind)
    return made[1] if made and made[0] == key else None


def _prepare(kind: str, key: tuple, make, lang: str) -> None:
    """Runs ``make()`` → {name: bytes} under a spinner; keeps only the latest result of each kind."""
    with st.spinner("…"):
        try:
            files = make()
        except images.ExportError as error:
            st.error(verbatim(t("export.failed", lang, reason=str(error))))
            return
    st.session_state.setdefault(PREPARED, {})[kind] = (key, files)


def _downloads(files: dict[str, bytes]) -> None:
    for name, content in files.items():
        st.download_button(name, content, file_name=name, mime=MIME[name.rsplit(".", 1)[-1]], icon=":material/download:",
                           key=f"export.download.{name}")


def export_panel(scene: Scene, landscape: Landscape, trajectories) -> None:
    """The Export tab. ``trajectories`` lines up with ``scene.runs`` (None for hidden runs), as the page computed them."""
    lang = scene.language
    st.caption(t("export.intro", lang))
    can_render = images.browser_available()
    if not can_render:
        st.warning(t("export.no_browser", lang))
    left, middle, right, last = st.columns(4)
    view = choice(left.selectbox, t("export.view", lang), VIEWS, format_func=lambda v: t(f"export.view.{v}", lang),
                  key="export.view", persist_state="session")
    theme = choice(middle.radio, t("export.theme", lang), EXPORT_THEMES,
                   format_func=lambda v: t(f"export.theme.{v}", lang), key="export.theme", persist_state="session")
    scale = right.select_slider(t("export.scale", lang), options=images.SCALES, value=2, key="export.scale",
                                persist_state="session")
    frames = last.number_input(t("export.gif_frames", lang), min_value=2, max_value=500, value=animation.MAX_FRAMES,
                               step=10, key="export.frames", persist_state="session")
    query = query_string(scene)
    stem = file_stem(scene)

    def record():
        return scene_record(scene, theme, trajectories)

    def make_images():
        figure = export_figure(record(), view)
        return {f"{stem}-{view}.png": images.png(figure, scale), f"{stem}-{view}.svg": images.svg(figure)}

    def make_gif():
        return {f"{stem}-animation.gif": animation.gif_bytes(record(), int(frames))}

    def make_html():
        return {f"{stem}.html": html_page(scene, record()).encode()}

    def make_bundle():
        return {f"{stem}-notes.zip": bundle.notes_bundle(scene, theme=theme, scale=scale, frames=int(frames),
                                                         trajectories=trajectories)}

    actions = [
        ("images", "export.make_images", make_images, (query, view, theme, scale), True),
        ("gif", "export.gif", make_gif, (query, theme, int(frames)), True),
        ("html", "export.html", make_html, (query, theme), False),
        ("bundle", "export.bundle", make_bundle, (query, theme, scale, int(frames)), True),
    ]
    columns = st.columns(len(actions))
    for column, (kind, label_key, make, key, needs_browser) in zip(columns, actions):
        with column:
            if st.button(t(label_key, lang), key=f"export.make.{kind}", disabled=needs_browser and not can_render):
                _prepare(kind, key, make, lang)
            made = _prepared(kind, key)
            if made:
                _downloads(made)
    # The data files hold every run: with hidden runs (not computed by the page) the data module computes all.
    every_run = None if any(traj is None for traj in trajectories) else list(trajectories)
    csv_column, json_column = st.columns(2)
    csv_column.download_button(t("export.csv", lang), data.to_csv(scene, every_run), file_name=f"{stem}-trajectories.csv",
                               mime=MIME["csv"], key="export.download.csv")
    json_column.download_button(t("export.json", lang), data.to_json(scene, every_run),
                                file_name=f"{stem}-trajectories.json", mime=MIME["json"], key="export.download.json")
    st.markdown(f"**{t('export.url', lang)}**")
    st.code(f"?{query}", language="text", wrap_lines=True)
