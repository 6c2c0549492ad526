"""File names derived from a scene, and the Plotly toolbar's own download button set up for lecture notes.

Kept free of Kaleido and Pillow so the page can import it for every chart it draws.
"""

from __future__ import annotations

import hashlib

from scene import Scene, query_string

TOOLBAR_SCALE = 3


def file_stem(scene: Scene) -> str:
    """``landscape-abcdef``: the hash of the scene's query makes names unique across a notes vault
    (Obsidian resolves ``![[name.png]]`` by file name alone) and the same for the same scene."""
    digest = hashlib.sha1(query_string(scene).encode()).hexdigest()[:6]
    return f"{scene.landscape}-{digest}"


def toolbar_config(scene: Scene, view: str, scale: int = TOOLBAR_SCALE) -> dict:
    """``config=`` for ``st.plotly_chart``/``to_html``: the camera button downloads a ``scale``× PNG named after the scene."""
    return {
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "scale": scale, "filename": f"{file_stem(scene)}-{view}"},
    }
