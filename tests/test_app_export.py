"""The Export tab through Streamlit's AppTest: each download button serves the export's exact bytes with its MIME type.

Streamlit names a served file by a hash of (bytes, MIME type, file name), so comparing that id with the
hash of the bytes the panel made checks what the browser would receive.
"""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
import zipfile

import pytest
from PIL import Image
from streamlit.runtime.memory_media_file_storage import _calculate_file_id
from streamlit.testing.v1 import AppTest

from export import data
from export.images import BROWSER_ENV
from export.toolbar import file_stem
from scene import DEFAULT_SCENE
from ui.export import MIME, PREPARED

SCENE = DEFAULT_SCENE.replace(language="en", steps=30)


def panel_script(language: str):
    from scene import DEFAULT_SCENE
    from export.views import visible_trajectories
    from ui.export import export_panel

    scene = DEFAULT_SCENE.replace(language=language, steps=30)
    export_panel(scene, scene.surface(), visible_trajectories(scene))


def panel(language: str = "en") -> AppTest:
    at = AppTest.from_function(panel_script, default_timeout=180, args=(language,))
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def downloads(at: AppTest) -> dict[str, object]:
    return {button.proto.url: button for button in at.get("download_button")}


def served(at: AppTest, name: str, content: bytes) -> bool:
    """True when a download button serves exactly ``content`` as ``name`` with the MIME type of its extension."""
    mime = MIME[name.rsplit(".", 1)[-1]]
    file_id = _calculate_file_id(content, mime, name)
    return any(url.rsplit("/", 1)[-1].split(".")[0] == file_id for url in downloads(at))


def prepared(at: AppTest, kind: str) -> dict[str, bytes]:
    return at.session_state[PREPARED][kind][1]


def test_csv_and_json_buttons_serve_every_runs_trajectory():
    at = panel()
    stem = file_stem(SCENE)
    assert served(at, f"{stem}-trajectories.csv", data.to_csv(SCENE).encode())
    assert served(at, f"{stem}-trajectories.json", data.to_json(SCENE).encode())
    assert json.loads(data.to_json(SCENE))["steps"] == 30
    assert len(at.get("download_button")) == 2  # nothing heavy is made before it is asked for


def test_made_images_html_gif_and_bundle_are_served_with_their_mime_types():
    at = panel()
    at.button(key="export.make.images").click().run()
    images = prepared(at, "images")
    png_name, svg_name = sorted(images)
    assert png_name.endswith("-contour.png") and svg_name.endswith("-contour.svg")
    assert Image.open(io.BytesIO(images[png_name])).size == (900 * 2, 700 * 2)  # the print theme at scale 2
    assert ET.fromstring(images[svg_name]).tag.endswith("svg")
    at.button(key="export.make.gif").click().run()
    at.button(key="export.make.html").click().run()
    at.button(key="export.make.bundle").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    (gif_name, gif), = prepared(at, "gif").items()
    assert gif[:6] == b"GIF89a" and Image.open(io.BytesIO(gif)).n_frames == SCENE.steps + 1
    (html_name, page), = prepared(at, "html").items()
    assert page.startswith(b"<!DOCTYPE html>") and b"Plotly.newPlot" in page
    (zip_name, bundle), = prepared(at, "bundle").items()
    assert "notes.md" in zipfile.ZipFile(io.BytesIO(bundle)).namelist()
    for name, content in [*images.items(), (gif_name, gif), (html_name, page), (zip_name, bundle)]:
        assert served(at, name, content), name  # every made file stays offered on later reruns


@pytest.mark.parametrize("language, phrase", [("en", "not installed"), ("ko", "없습니다")])
def test_without_chromium_the_panel_says_how_to_install_it(monkeypatch, tmp_path, language, phrase):
    monkeypatch.setenv(BROWSER_ENV, str(tmp_path / "no-chromium"))
    at = panel(language)
    warnings = [w.value for w in at.warning]
    assert any("apt-get install chromium" in w and phrase in w for w in warnings), warnings
    disabled = {button.key: button.disabled for button in at.button}
    assert disabled == {"export.make.images": True, "export.make.gif": True, "export.make.html": False,
                        "export.make.bundle": True}


def test_without_a_korean_font_on_the_server_the_korean_panel_asks_to_install_none(monkeypatch, tmp_path):
    latin_only = tmp_path / "fonts.conf"  # what fontconfig tools and the browser see: no Hangul anywhere
    latin_only.write_text('<?xml version="1.0"?><fontconfig><dir>/usr/share/fonts/truetype/dejavu</dir></fontconfig>')
    monkeypatch.setenv("FONTCONFIG_FILE", str(latin_only))
    at = panel("ko")
    notices = [notice.value for notice in [*at.info, *at.warning, *at.error]]
    assert not any("글꼴" in notice or "fonts-nanum" in notice for notice in notices), notices  # exports bring their own


def test_the_page_has_the_export_tab_and_camera_buttons_named_after_the_scene():
    from pathlib import Path

    from scene import from_query
    from tests.page_views import manifest

    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "app.py"), default_timeout=180)
    at.query_params["lang"] = "en"
    at.session_state["tabs"] = "Export"  # only the open tab runs
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert "Export" in [tab.label for tab in at.tabs]
    assert at.button(key="export.make.bundle").label == "Make notes bundle (ZIP)"
    scene, _ = from_query(dict(at.query_params))  # the address bar holds the page's scene
    at.session_state["tabs"] = "Trajectories"
    at.run()
    names = set()
    for figure in manifest(at)["figures"].values():  # the views component's charts, with their toolbars
        options = figure["config"]["toImageButtonOptions"]
        assert (options["format"], options["scale"]) == ("png", 3)
        names.add(options["filename"])
    assert names == {f"{file_stem(scene)}-{view}" for view in ("contour", "surface", "loss")}
