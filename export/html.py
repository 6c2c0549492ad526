"""A standalone interactive HTML page of a scene: plotly.js embedded, so it opens offline."""

from __future__ import annotations

import html

from export.toolbar import toolbar_config
from export.views import export_figure
from figures import SceneInfo
from i18n import t
from scene import Scene, query_string

HTML_VIEWS = ("contour", "surface", "loss")


def html_page(scene: Scene, info: SceneInfo, views: tuple[str, ...] = HTML_VIEWS) -> str:
    """One page with the given views; the first carries plotly.js, the others reuse it."""
    charts = [
        export_figure(info, view).to_html(full_html=False, include_plotlyjs=(i == 0), config=toolbar_config(scene, view))
        for i, view in enumerate(views)
    ]
    title = html.escape(t("notes.title", scene.language, title=info.title))
    query = html.escape(query_string(scene))
    return (
        f'<!DOCTYPE html>\n<html lang="{scene.language}">\n<head><meta charset="utf-8"><title>{title}</title></head>\n'
        f"<body>\n<h1>{title}</h1>\n" + "\n".join(charts)
        + f'\n<p>{html.escape(t("export.url", scene.language))}: <code>?{query}</code></p>\n</body>\n</html>\n'
    )
