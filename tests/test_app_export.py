"""The Export tab through Streamlit's AppTest: the chosen file is made as soon as the tab's choices are made and
offered on one download button holding its bytes (one click downloads it), made once per scene, format and options.

The bytes behind each button are read where Streamlit stores them (its in-memory media storage, as the server
serves them), by the id in the button's URL.
"""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
import zipfile

import pytest
from PIL import Image
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from export import data, images
from export.bundle import DOWNLOADS
from export.images import BROWSER_ENV
from export.toolbar import file_stem
from scene import DEFAULT_SCENE
from ui.tabs import export as panel_module
from ui.tabs.export import DOWNLOAD_KEY, MIME

SCENE = DEFAULT_SCENE.replace(language="en", steps=30)


def panel_script(language: str):
    from scene import DEFAULT_SCENE
    from export.views import visible_trajectories
    from ui.tabs.export import panel

    scene = DEFAULT_SCENE.replace(language=language, steps=30)
    panel(scene, scene.surface(), visible_trajectories(scene))


def panel(language: str = "en") -> AppTest:
    at = AppTest.from_function(panel_script, default_timeout=180, args=(language,))
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


@pytest.fixture
def stored(monkeypatch) -> dict[str, tuple[bytes, str, str | None]]:
    """file id → (bytes, MIME type, file name) of every file Streamlit stored for the page to serve."""
    files = {}
    store = MemoryMediaFileStorage.load_and_get_id

    def recording(self, path_or_data, mimetype, kind, filename=None):
        file_id = store(self, path_or_data, mimetype, kind, filename)
        files[file_id] = (path_or_data, mimetype, filename)
        return file_id

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", recording)
    return files


@pytest.fixture
def renders(monkeypatch) -> list[str]:
    """The formats Kaleido is asked to draw, in order, from a cache emptied first."""
    asked = []
    render = images.render

    def counting(figure, fmt="png", **options):
        asked.append(fmt)
        return render(figure, fmt, **options)

    monkeypatch.setattr(images, "render", counting)
    panel_module._made.clear()
    return asked


def served(at: AppTest, stored: dict, key: str) -> tuple[bytes, str, str]:
    """(bytes, MIME type, file name) the download button ``key`` serves; it must be enabled."""
    button = next(button for button in at.get("download_button") if button.proto.id.endswith(key))
    assert not button.proto.disabled and button.proto.url, key
    return stored[button.proto.url.rsplit("/", 1)[-1].split(".")[0]]


def test_csv_and_json_buttons_serve_every_runs_trajectory(stored):
    at = panel()
    stem = file_stem(SCENE)
    assert served(at, stored, "export.download.csv") == (data.to_csv(SCENE).encode(), MIME["csv"],
                                                          f"{stem}-trajectories.csv")
    assert served(at, stored, "export.download.json") == (data.to_json(SCENE).encode(), MIME["json"],
                                                           f"{stem}-trajectories.json")
    assert json.loads(data.to_json(SCENE))["steps"] == 30


def readable(fmt: str, content: bytes, name: str) -> None:
    """``content`` is a whole file of ``fmt`` for SCENE, as the tab's default options make it."""
    stem = file_stem(SCENE)
    if fmt == "png":
        assert name == f"{stem}-contour.png"
        assert Image.open(io.BytesIO(content)).size == (900 * 2, 700 * 2)  # the print theme at scale 2
    elif fmt == "svg":
        assert name == f"{stem}-contour.svg" and ET.fromstring(content).tag.endswith("svg")
    elif fmt == "gif":
        assert name == f"{stem}-animation.gif"
        assert content[:6] == b"GIF89a" and Image.open(io.BytesIO(content)).n_frames == SCENE.steps + 1
    elif fmt == "html":
        assert name == f"{stem}.html" and content.startswith(b"<!DOCTYPE html>") and b"Plotly.newPlot" in content
    elif fmt == "zip":
        assert name == f"{stem}-notes.zip"
        names = zipfile.ZipFile(io.BytesIO(content)).namelist()
        assert "notes.md" in names and f"{stem}-contour.png" in names and f"{stem}-animation.gif" in names
    else:
        raise AssertionError(f"no check for {fmt}")


def test_each_file_is_on_its_download_button_as_soon_as_its_format_is_chosen(stored):
    at = panel()
    assert not at.button, "no button to press before the download"
    for fmt in DOWNLOADS:  # the default format first
        if at.selectbox(key="export.format").value != fmt:
            at.selectbox(key="export.format").set_value(fmt).run()
        assert not at.exception and not at.error, [e.value for e in at.error]
        content, mime, name = served(at, stored, DOWNLOAD_KEY)
        assert mime == MIME[fmt]
        readable(fmt, content, name)


def test_a_file_is_drawn_once_per_scene_format_and_the_options_it_uses(renders):
    at = panel()
    assert renders == ["png"]  # the default format, PNG, and nothing else
    at.run()
    assert renders == ["png"]
    at.select_slider(key="export.scale").set_value(3).run()
    assert renders == ["png", "png"]
    at.select_slider(key="export.scale").set_value(2).run()  # made before
    at.selectbox(key="export.format").set_value("html").run()  # no drawing in an HTML file
    assert renders == ["png", "png"]
    at.selectbox(key="export.format").set_value("gif").run()
    at.number_input(key="export.frames").set_value(40).run()
    drawn = len(renders)
    assert drawn > 2
    at.selectbox(key="export.format").set_value("png").run()  # the frames changed, which no PNG uses
    assert len(renders) == drawn
    assert not at.exception and not at.error


def test_options_a_format_does_not_use_are_disabled():
    at = panel()
    at.selectbox(key="export.format").set_value("html").run()
    assert [at.selectbox(key="export.view").disabled, at.radio(key="export.theme").disabled,
            at.select_slider(key="export.scale").disabled, at.number_input(key="export.frames").disabled] == \
        [True, False, True, True]
    at.selectbox(key="export.format").set_value("zip").run()
    assert [at.selectbox(key="export.view").disabled, at.select_slider(key="export.scale").disabled,
            at.number_input(key="export.frames").disabled] == [True, False, False]


@pytest.mark.parametrize("language, phrase", [("en", "Export failed"), ("ko", "내보내기 실패")])
def test_a_failed_export_is_said_in_the_pages_language_and_offers_no_file(monkeypatch, renders, language, phrase):
    def failing(figure, fmt="png", **options):
        raise images.ExportError("the render timed out after 90 s")

    monkeypatch.setattr(images, "render", failing)
    at = panel(language)
    (error,) = at.error
    assert phrase in error.value and "timed out" in error.value and not at.exception
    assert not [button for button in at.get("download_button") if button.proto.id.endswith(DOWNLOAD_KEY)]


@pytest.mark.parametrize("language, phrase", [("en", "not installed"), ("ko", "없습니다")])
def test_without_chromium_the_panel_says_how_to_install_it(monkeypatch, tmp_path, language, phrase):
    monkeypatch.setenv(BROWSER_ENV, str(tmp_path / "no-chromium"))
    at = panel(language)
    warnings = [w.value for w in at.warning]
    assert any("apt-get install chromium" in w and phrase in w for w in warnings), warnings
    for fmt in DOWNLOADS:
        if at.selectbox(key="export.format").value != fmt:
            at.selectbox(key="export.format").set_value(fmt).run()
        (button,) = [button for button in at.get("download_button") if button.proto.id.endswith(DOWNLOAD_KEY)]
        assert button.proto.disabled == (fmt != "html"), fmt  # an HTML file needs no browser
    assert not at.exception and not at.error


def test_without_a_korean_font_on_the_server_the_korean_panel_asks_to_install_none(monkeypatch, tmp_path):
    latin_only = tmp_path / "fonts.conf"  # what fontconfig tools and the browser see: no Hangul anywhere
    latin_only.write_text('<?xml version="1.0"?><fontconfig><dir>/usr/share/fonts/truetype/dejavu</dir></fontconfig>')
    monkeypatch.setenv("FONTCONFIG_FILE", str(latin_only))
    at = panel("ko")
    notices = [notice.value for notice in [*at.info, *at.warning, *at.error]]
    assert not any("글꼴" in notice or "fonts-nanum" in notice for notice in notices), notices  # exports bring their own


def test_the_page_draws_an_export_only_in_its_tab_and_names_camera_downloads_after_the_scene(renders):
    from pathlib import Path

    from scene import from_query, readable_query_string
    from tests.page_views import manifest

    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "app.py"), default_timeout=180)
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    scene, _ = from_query(dict(at.query_params))  # the address bar holds the page's scene
    names = set()
    for figure in manifest(at)["figures"].values():  # the views component's charts, with their toolbars
        options = figure["config"]["toImageButtonOptions"]
        assert (options["format"], options["scale"]) == ("png", 3)
        names.add(options["filename"])
    assert names == {f"{file_stem(scene)}-{view}" for view in ("contour", "surface", "loss")}
    assert renders == []  # the Export tab is closed: nothing is drawn for it
    at.session_state["tabs"] = "Export"  # only the open tab runs
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert "Export" in [tab.label for tab in at.tabs]
    assert "Notes: Markdown, figures, data (ZIP)" in at.selectbox(key="export.format").options
    assert renders == ["png"]
    assert f"?{readable_query_string(scene)}" in [code.value for code in at.code]
