"""Exports: every format is produced and valid, its content is the scene's, and concurrent exports stay apart.

Real Kaleido with Debian's Chromium, real Pillow, real JAX. 3D is rendered once (it costs seconds).
"""

from __future__ import annotations

import base64
import csv
import io
import json
import re
import threading
import xml.etree.ElementTree as ET
import zipfile
from urllib.parse import parse_qs

import numpy as np
import plotly.graph_objects as go
import plotly.io
import pytest
from PIL import Image

from analysis import compute
from export import animation, bundle, data, images
from export.html import html_page
from export.toolbar import file_stem, toolbar_config
from export.views import combined_figure, export_figure, scene_record, visible_trajectories
from optimizers import RULE_TABLE
from scene import PALETTE, Run, Scene, from_query, query_string

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

TWO_RUNS = Scene(
    landscape="bowl", start=(-2.5, 2.0), steps=30, language="en",
    runs=(Run.of("gd", lr=0.05, color=PALETTE[0]), Run.of("momentum", lr=0.02, beta=0.8, color=PALETTE[1])),
)


def png_size(content: bytes) -> tuple[int, int]:
    assert content[:8] == PNG_MAGIC
    return Image.open(io.BytesIO(content)).size


@pytest.fixture(scope="module")
def info():
    return scene_record(TWO_RUNS, "print")


# --- images -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("view, scale", [("contour", 1), ("contour", 2), ("loss", 3)])
def test_png_has_the_figures_size_times_the_scale(info, view, scale):
    figure = export_figure(info, view)
    assert (figure.layout.width, figure.layout.paper_bgcolor) == (info.theme.width, "#ffffff")
    assert png_size(images.png(figure, scale)) == (figure.layout.width * scale, figure.layout.height * scale)


def test_surface_png_renders_the_3d_view(info):
    figure = export_figure(info, "surface")
    content = images.png(figure, 1)
    assert png_size(content) == (figure.layout.width, figure.layout.height)
    pixels = np.asarray(Image.open(io.BytesIO(content)).convert("L"))
    assert pixels.std() > 10  # a drawn surface, not a blank page


def test_svg_parses_and_holds_the_titles_and_run_labels(info):
    content = images.svg(export_figure(info, "contour"))
    root = ET.fromstring(content)
    assert root.tag.endswith("svg") and float(root.attrib["width"]) == info.theme.width
    text = content.decode()
    assert info.labels["fig.title_contour"] in text
    for run in TWO_RUNS.runs:
        assert run.label("en") in text


def test_print_theme_tells_runs_apart_by_dash_as_well_as_colour(info):
    figure = export_figure(info, "contour")
    paths = [tr for tr in figure.data if (tr.meta or {}).get("role") == "path"]
    assert len({tr.line.dash for tr in paths}) == len(paths) == 2
    assert len({tr.line.color for tr in paths}) == 2


def test_combined_figure_puts_contour_left_and_3d_right_with_one_legend(info):
    figure = combined_figure(info)
    assert figure.layout.width == 2 * info.theme.width
    assert figure.layout.xaxis.domain[1] <= 0.5 <= figure.layout.scene.domain.x[0]
    kinds = {type(tr).__name__ for tr in figure.data}
    assert {"Contour", "Surface", "Scatter", "Scatter3d"} <= kinds
    in_legend = [tr.name for tr in figure.data if tr.showlegend is not False and (tr.meta or {}).get("role") == "path"]
    assert sorted(in_legend) == sorted(run.label("en") for run in TWO_RUNS.runs)


def test_scale_and_format_are_checked():
    with pytest.raises(ValueError, match="scale"):
        images.render(go.Figure(), "png", scale=5)
    with pytest.raises(ValueError, match="format"):
        images.render(go.Figure(), "jpeg")


def test_a_missing_browser_is_reported_with_the_install_command(monkeypatch, tmp_path):
    monkeypatch.setenv(images.BROWSER_ENV, str(tmp_path / "no-chromium"))
    with pytest.raises(images.ExportUnavailable, match="apt-get install chromium"):
        images.find_browser()
    assert images.browser_available() is False
    not_executable = tmp_path / "chromium"
    not_executable.write_text("")
    monkeypatch.setenv(images.BROWSER_ENV, str(not_executable))
    assert images.browser_available() is False


def test_the_browser_is_found_without_any_setting(monkeypatch):
    monkeypatch.delenv(images.BROWSER_ENV, raising=False)
    assert images.find_browser().endswith(("chromium", "chrome", "chromium-browser"))


def test_a_caller_waiting_too_long_for_the_lock_gets_a_clear_error():
    assert images._LOCK.acquire(timeout=30)
    try:
        with pytest.raises(images.ExportError, match="another export"):
            images.png(go.Figure(), lock_timeout=0.05)
    finally:
        images._LOCK.release()


def test_a_crashed_browser_is_replaced_by_the_next_export(info):
    figure = export_figure(info, "loss")
    images.png(figure)
    crashed = images._renderer
    crashed.kaleido.subprocess.kill()
    crashed.kaleido.subprocess.wait()
    assert png_size(images.png(figure)) == (figure.layout.width, figure.layout.height)
    assert images._renderer is not crashed and crashed.closed


def test_eight_concurrent_exports_each_return_their_own_figure():
    rates = [0.01 * (i + 1) for i in range(8)]
    scenes = [TWO_RUNS.replace(runs=(Run.of("gd", lr=lr, color=PALETTE[0]),), start=(-2.5, 2.0 - 0.3 * i))
              for i, lr in enumerate(rates)]
    results: dict[int, tuple[bytes, bytes]] = {}
    errors: list[BaseException] = []

    def export(i: int) -> None:
        try:
            figure = export_figure(scene_record(scenes[i], "print"), "contour")
            results[i] = (images.png(figure, 1), images.svg(figure))
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=export, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not errors and sorted(results) == list(range(8))
    labels = [scene.runs[0].label("en") for scene in scenes]
    for i, (png, svg) in results.items():
        text = svg.decode()
        assert labels[i] in text
        assert not any(other in text for j, other in enumerate(labels) if j != i)
    assert len({png for png, _ in results.values()}) == 8
    again = images.png(export_figure(scene_record(scenes[3], "print"), "contour"), 1)
    same = np.asarray(Image.open(io.BytesIO(again)).convert("RGB"))
    threaded = np.asarray(Image.open(io.BytesIO(results[3][0])).convert("RGB"))
    assert np.array_equal(same, threaded)


# --- GIF --------------------------------------------------------------------------------------------------

def test_animated_steps_are_even_distinct_and_keep_both_ends():
    assert list(animation.animated_steps(30, 100)) == list(range(31))
    steps = animation.animated_steps(500, 100)
    assert len(steps) == 100 and steps[0] == 0 and steps[-1] == 500
    assert np.all(np.diff(steps) >= 4) and np.all(np.diff(steps) <= 6)


@pytest.mark.parametrize("scale", [1, 2])
def test_background_pixel_map_puts_a_data_point_on_its_pixel(info, scale):
    figure = animation.background_figure(info)
    points = np.array([[-2.0, 1.5], [1.0, -0.5], [0.0, 0.0]])
    figure.add_trace(go.Scatter(x=points[:, 0], y=points[:, 1], mode="markers", showlegend=False,
                                marker=dict(symbol="square", size=8, color="#ff0000", line=dict(width=0))))
    pixels = np.asarray(Image.open(io.BytesIO(images.png(figure, scale))).convert("RGB")).astype(int)
    red = (pixels[..., 0] > 200) & (pixels[..., 1] < 60) & (pixels[..., 2] < 60)
    area = animation.plot_area(figure, scale)
    for (col, row) in area.pixels(points[:, 0], points[:, 1]):
        window = 10 * scale
        r0, c0 = int(row) - window, int(col) - window
        rows, cols = np.nonzero(red[r0:r0 + 2 * window, c0:c0 + 2 * window])
        assert len(rows) >= (6 * scale) ** 2
        assert abs(cols.mean() + c0 + 0.5 - col) <= 0.5 and abs(rows.mean() + r0 + 0.5 - row) <= 0.5


def test_gif_has_one_frame_per_animated_step_and_draws_each_run_where_it_is(info):
    content = animation.gif_bytes(info, frames_wanted=100)
    assert content[:6] == b"GIF89a"
    gif = Image.open(io.BytesIO(content))
    steps = animation.animated_steps(TWO_RUNS.steps, 100)
    assert gif.n_frames == len(steps) == TWO_RUNS.steps + 1
    assert gif.size == (animation.GIF_WIDTH, animation.GIF_HEIGHT)
    record = animation.animation_info(info)
    corner = np.array(record.area.box[:2])

    def frame(k: int) -> np.ndarray:
        gif.seek(k)
        return np.asarray(gif.convert("RGB"))

    middle = 15
    shown = frame(middle)
    first = frame(0)
    for run, drawing in zip(info.runs, record.runs):
        color = np.array(drawing.color)
        col, row = np.round(drawing.pixels[middle] + corner + 0.5).astype(int)
        assert np.array_equal(shown[row, col], color)  # the current point, in the run's colour
        col, row = np.round(drawing.pixels[5] + corner + 0.5).astype(int)
        assert np.array_equal(shown[row, col], color)  # the path already walked
        assert not np.array_equal(first[row, col], color)  # ... which frame 0 does not show yet


def test_gif_thins_long_runs_to_the_frames_asked_for():
    scene = TWO_RUNS.replace(steps=150)
    gif = Image.open(io.BytesIO(animation.gif_bytes(scene_record(scene, "screen"), frames_wanted=40)))
    assert gif.n_frames == len(animation.animated_steps(150, 40)) == 40


# --- data -------------------------------------------------------------------------------------------------

DIVERGING = TWO_RUNS.replace(runs=(
    Run.of("gd", lr=1.5, color=PALETTE[0]),  # diverges on the bowl
    Run.of("adam", lr=0.1, color=PALETTE[2], visible=False),
))


def _column(rows, run: int, name: str) -> np.ndarray:
    return np.array([float(r[name]) if r[name] != "" else np.nan for r in rows if int(r["run"]) == run])


def test_csv_values_equal_the_engines_trajectory_for_every_run_hidden_included():
    rows = list(csv.DictReader(io.StringIO(data.to_csv(DIVERGING))))
    assert tuple(rows[0]) == data.COLUMNS
    for index, run in enumerate(DIVERGING.runs):
        traj = compute.trajectory(DIVERGING, run)
        np.testing.assert_array_equal(_column(rows, index, "x"), traj.params[:, 0])
        np.testing.assert_array_equal(_column(rows, index, "y"), traj.params[:, 1])
        np.testing.assert_array_equal(_column(rows, index, "loss"), traj.loss)
        np.testing.assert_array_equal(_column(rows, index, "grad_x")[:-1], traj.grads[:, 0])
        np.testing.assert_array_equal(_column(rows, index, "lr_eff_y")[:-1], traj.lr_eff[:, 1])
        assert np.isnan(_column(rows, index, "grad_y")[-1])  # the last point takes no step
        assert {r["diverged_at"] for r in rows if int(r["run"]) == index} == {str(traj.diverged_at or "")}
    assert compute.trajectory(DIVERGING, DIVERGING.runs[0]).diverged_at is not None


def test_json_groups_the_same_values_by_run_with_null_for_missing():
    document = json.loads(data.to_json(DIVERGING))
    assert from_query(parse_qs(document["query"]))[0] == DIVERGING
    for index, (entry, run) in enumerate(zip(document["runs"], DIVERGING.runs)):
        traj = compute.trajectory(DIVERGING, run)
        assert (entry["optimizer"], entry["visible"], entry["diverged_at"]) == (run.optimizer, run.visible,
                                                                                  traj.diverged_at)
        assert entry["hparams"] == run.settings
        np.testing.assert_array_equal(np.array(entry["x"]), traj.params[:, 0])
        assert entry["grad_x"][-1] is None


# --- HTML -------------------------------------------------------------------------------------------------

def plotly_calls(page: str) -> list[tuple[list, dict, dict]]:
    """The (data, layout, config) of every ``Plotly.newPlot(id, data, layout, config)`` in a page, parsed as JSON:
    whatever escapes the JSON engine chose (orjson keeps "η", the standard library writes "\\u03b7")."""
    decoder, calls = json.JSONDecoder(), []
    for call in re.finditer(r"Plotly\.newPlot\(", page):
        position, arguments = call.end(), []
        for _ in range(4):  # the div's id, then data, layout, config
            position = re.compile(r"[\s,]*").match(page, position).end()
            value, position = decoder.raw_decode(page, position)
            arguments.append(value)
        calls.append(tuple(arguments[1:]))
    return calls


@pytest.mark.parametrize("engine", ["json", "orjson"])
def test_html_is_standalone_and_holds_the_plot_data(info, engine, monkeypatch):
    monkeypatch.setattr(plotly.io.json.config, "default_engine", engine)
    page = html_page(TWO_RUNS, info)
    assert page.startswith("<!DOCTYPE html>") and '<html lang="en">' in page
    assert not re.search(r"<script[^>]*\bsrc=", page)  # plotly.js is inside: the file works offline
    assert len(page) > 3_000_000  # plotly.js itself
    calls = plotly_calls(page)
    assert len(calls) == 3
    contour_data, _, contour_config = calls[0]
    paths = {trace["name"]: trace for trace in contour_data if trace.get("meta", {}).get("role") == "path"}
    assert set(paths) == {run.label for run in info.runs}  # "η" whichever way the engine wrote it
    for run in info.runs:
        shown = run.x[: run.current + 1]
        assert paths[run.label]["x"] == {"dtype": "f4", "bdata": base64.b64encode(shown.tobytes()).decode()}
    assert query_string(TWO_RUNS).replace("&", "&amp;") in page
    assert contour_config["toImageButtonOptions"] == toolbar_config(TWO_RUNS, "contour")["toImageButtonOptions"]


# --- notes bundle -----------------------------------------------------------------------------------------

def test_notes_bundle_references_exactly_its_files_in_both_embed_forms():
    scene = TWO_RUNS.replace(runs=TWO_RUNS.runs + (Run.of("adam", lr=0.1, color=PALETTE[2], visible=False),))
    archive = zipfile.ZipFile(io.BytesIO(bundle.notes_bundle(scene, views=("contour", "loss"), frames=20)))
    names = set(archive.namelist())
    stem = file_stem(scene)
    assert names == {bundle.NOTES, f"{stem}-contour.png", f"{stem}-loss.png", f"{stem}-animation.gif",
                     f"{stem}-trajectories.csv", f"{stem}-trajectories.json"}
    notes = archive.read(bundle.NOTES).decode()
    obsidian = re.findall(r"!\[\[([^\]]+)\]\]", notes)
    plain = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", notes)
    linked = re.findall(r"(?<!!)\[[^\]]*\]\(([^)]+)\)", notes)
    images_in_zip = {n for n in names if n.endswith((".png", ".gif"))}
    assert sorted(obsidian) == sorted(plain) == sorted(images_in_zip)
    assert set(obsidian) | set(linked) == names - {bundle.NOTES}
    for name in images_in_zip:
        content = archive.read(name)
        assert content[:8] == PNG_MAGIC or content[:6] == b"GIF89a"
    for run in scene.runs:
        assert RULE_TABLE[(run.optimizer, run.convention)].latex in notes
        assert run.label("en") in notes
    query = re.search(r"```text\n\?(.+)\n```", notes).group(1)
    assert from_query(parse_qs(query))[0] == scene  # the note regenerates its scene


def test_the_optimizers_after_the_lecture_export_their_paths_and_formulas():
    scene = TWO_RUNS.replace(runs=(Run.of("adamw", lr=0.1), Run.of("lion", "torch", lr=0.05, color=PALETTE[1]),
                                   Run.of("adabelief", lr=0.1, color=PALETTE[2])))
    rows = list(csv.DictReader(io.StringIO(data.to_csv(scene))))
    for index, run in enumerate(scene.runs):
        traj = compute.trajectory(scene, run)
        np.testing.assert_array_equal(_column(rows, index, "x"), traj.params[:, 0])
        np.testing.assert_array_equal(_column(rows, index, "lr_eff_y")[:-1], traj.lr_eff[:, 1])
    archive = zipfile.ZipFile(io.BytesIO(bundle.notes_bundle(scene, views=("contour",), frames=5)))
    notes = archive.read(bundle.NOTES).decode()
    for run in scene.runs:
        assert RULE_TABLE[(run.optimizer, run.convention)].latex in notes and run.label("en") in notes
    query = re.search(r"```text\n\?(.+)\n```", notes).group(1)
    assert from_query(parse_qs(query))[0] == scene


def test_export_files_rejects_an_unknown_format():
    with pytest.raises(ValueError, match="unknown format"):
        bundle.export_files(TWO_RUNS, ("png", "bmp"))


def test_file_names_are_stable_per_scene_and_differ_between_scenes():
    assert file_stem(TWO_RUNS) == file_stem(Scene(**{f: getattr(TWO_RUNS, f) for f in TWO_RUNS.__dataclass_fields__}))
    assert file_stem(TWO_RUNS) != file_stem(TWO_RUNS.replace(steps=31))
    options = toolbar_config(TWO_RUNS, "loss")["toImageButtonOptions"]
    assert options == {"format": "png", "scale": 3, "filename": f"{file_stem(TWO_RUNS)}-loss"}


def test_visible_trajectories_skip_hidden_runs():
    computed = visible_trajectories(DIVERGING)
    assert computed[1] is None and computed[0] is not None


# --- surfaces defined on a sliver of the plot -------------------------------------------------------------------

@pytest.mark.parametrize("formula", ["log(x - 2.9)", "sqrt(0.0004 - (x - 0.0476)**2)"],
                         ids=["sliver", "between-the-3d-grid-lines"])  # the second: no finite value in the 3D grid
def test_a_mostly_undefined_surface_exports_every_format(formula):
    scene = Scene(landscape="custom", formula=formula, runs=(Run.of("gd", lr=0.1),), steps=20, language="en")
    files = bundle.export_files(scene, bundle.FORMATS, scale=1, views=("surface", "combined"), frames=5)
    for name, content in files.items():
        if name.endswith(".png"):
            assert png_size(content)[0] > 0
        elif name.endswith(".svg"):
            assert ET.fromstring(content).tag.endswith("svg")
        elif name.endswith(".gif"):
            assert Image.open(io.BytesIO(content)).n_frames >= 2
    assert len(plotly_calls(files[f"{file_stem(scene)}.html"].decode())) == 3
    assert json.loads(files[f"{file_stem(scene)}-trajectories.json"])["runs"][0]["optimizer"] == "gd"
