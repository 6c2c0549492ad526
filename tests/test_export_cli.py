"""``python -m export`` as a user runs it: files on success, one line and the right exit code on failure."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import errno

import pytest
from PIL import Image

from export.files import write_atomically
from export.images import BROWSER_ENV, ExportError
from scene.presets import PRESETS

ROOT = Path(__file__).resolve().parents[1]


def cli(*args: str, env: dict | None = None, cwd: Path = ROOT, file_size_limit: int | None = None
        ) -> subprocess.CompletedProcess:
    """``python -m export ARGS``; with ``file_size_limit`` (bytes) the process may write no larger file (the
    kernel's RLIMIT_FSIZE: a write past it fails with EFBIG, as on a full disk)."""
    environment = {k: v for k, v in os.environ.items() if k != BROWSER_ENV}
    environment.update({"PYTHONPATH": str(ROOT), **(env or {})})
    command = [sys.executable, "-m", "export"]
    if file_size_limit is not None:
        command[1:] = ["-c", f"import resource, runpy, sys; resource.setrlimit(resource.RLIMIT_FSIZE, "
                             f"({file_size_limit}, {file_size_limit})); runpy.run_module('export', run_name='__main__')"]
    return subprocess.run([*command, *args], cwd=cwd, env=environment, capture_output=True, text=True, timeout=600)


def assert_one_line_failure(result: subprocess.CompletedProcess, code: int, *phrases: str) -> None:
    assert result.returncode == code, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    for phrase in phrases:
        assert phrase in lines[0]


def test_a_preset_exports_its_images_data_and_notes(tmp_path):
    result = cli("--preset", "bowl_gd_momentum", "--out", str(tmp_path), "--formats", "png,csv,md",
                 "--views", "contour", "--scale", "1", "--lang", "en")
    assert result.returncode == 0, result.stderr
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == sorted(Path(line).name for line in result.stdout.split())
    png = next(tmp_path.glob("*-contour.png"))
    assert Image.open(png).size == (900, 700)
    rows = list(csv.DictReader(io.StringIO(next(tmp_path.glob("*.csv")).read_text())))
    scene = PRESETS["bowl_gd_momentum"].scene
    assert len(rows) == len(scene.runs) * (scene.steps + 1)
    notes = (tmp_path / "notes.md").read_text()
    assert f"![[{png.name}]]" in notes and "Convex bowl" in notes  # English, as asked


def test_an_unknown_preset_exits_2_with_one_line(tmp_path):
    result = cli("--preset", "no_such_lesson", "--out", str(tmp_path))
    assert_one_line_failure(result, 2, "no_such_lesson", "bowl_gd_momentum")
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize("query, phrase", [("not a query", "not a scene query"), ("colour=blue&size=3", "not a scene"),
                                           ("ls=custom&f=x**&run=gd", "formula"), ("ls=volcano&run=gd", "volcano"),
                                           ("ls=custom&f=0/0&run=gd", "f is defined on only 0% of the plot")])
def test_a_bad_url_exits_2_with_one_line(tmp_path, query, phrase):
    assert_one_line_failure(cli("--url", query, "--out", str(tmp_path)), 2, phrase)
    assert not any(tmp_path.iterdir())


def test_a_url_with_fallbacks_exports_and_warns(tmp_path):
    result = cli("--url", "http://localhost:8501/?ls=bowl&steps=40&run=gd,lr=0.1&run=warp,lr=1", "--out",
                 str(tmp_path), "--formats", "csv")
    assert result.returncode == 0, result.stderr
    assert re.search(r"warning: .*unknown optimizer 'warp'", result.stderr)
    rows = list(csv.DictReader(io.StringIO(next(tmp_path.glob("*.csv")).read_text())))
    assert {r["optimizer"] for r in rows} == {"gd"} and len(rows) == 41


def test_bad_options_exit_2(tmp_path):
    assert_one_line_failure(cli("--preset", "bowl_gd_momentum", "--out", str(tmp_path), "--formats", "png,bmp"), 2,
                            "bmp")
    assert_one_line_failure(cli("--preset", "bowl_gd_momentum", "--out", str(tmp_path), "--scale", "9"), 2, "scale")
    assert_one_line_failure(cli("--preset", "bowl_gd_momentum"), 2, "--out")


def test_without_chromium_image_formats_exit_3_and_data_formats_still_work(tmp_path):
    hidden = {BROWSER_ENV: str(tmp_path / "no-chromium-here")}
    result = cli("--preset", "bowl_gd_momentum", "--out", str(tmp_path / "a"), "--formats", "png", env=hidden)
    assert_one_line_failure(result, 3, "apt-get install chromium")
    result = cli("--preset", "bowl_gd_momentum", "--out", str(tmp_path / "b"), "--formats", "csv,json,md", env=hidden)
    assert result.returncode == 0, result.stderr
    assert {p.suffix for p in (tmp_path / "b").iterdir()} == {".csv", ".json", ".md"}


def test_all_presets_get_a_folder_each(tmp_path):
    result = cli("--all-presets", "--out", str(tmp_path), "--formats", "json")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(PRESETS)
    for preset_id in PRESETS:
        assert len(list((tmp_path / preset_id).glob("*-trajectories.json"))) == 1


def test_an_empty_out_is_refused_instead_of_writing_into_the_current_folder(tmp_path):
    assert_one_line_failure(cli("--preset", "bowl_gd_momentum", "--out", "", "--formats", "csv", cwd=tmp_path), 2,
                            "--out is empty")
    assert not any(tmp_path.iterdir())


def test_a_full_disk_leaves_complete_files_only_and_names_the_one_it_could_not_write(tmp_path):
    result = cli("--all-presets", "--out", str(tmp_path), "--formats", "csv,json", env={"LOSS_LAB_JAX_CACHE": "off"},
                 file_size_limit=100 * 2**10)  # a real EFBIG past 100 KiB: the first four presets' data fit
    assert_one_line_failure(result, 4, "could not write", "rosenbrock_adaptive", "trajectories.csv", "File too large",
                            "partial file was removed")
    files = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    fitting = list(PRESETS)[:4]
    assert [(f.parent.name, f.suffix) for f in files] == [(preset, suffix) for preset in sorted(fitting)
                                                          for suffix in (".csv", ".json")]  # nothing partial
    for preset in fitting:
        rows = list(csv.DictReader(io.StringIO(next((tmp_path / preset).glob("*.csv")).read_text())))
        scene = PRESETS[preset].scene
        assert len(rows) == len(scene.runs) * (scene.steps + 1)  # each file written is whole


def test_a_write_that_fails_midway_keeps_the_previous_file_and_leaves_nothing_else(tmp_path, monkeypatch):
    target = tmp_path / "figure.html"
    target.write_bytes(b"the previous export")
    opened = os.fdopen

    class HalfWritten:
        def __init__(self, file):
            self.file = file

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.file.close()

        def write(self, content):
            self.file.write(content[: len(content) // 2])
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fdopen", lambda *args, **kwargs: HalfWritten(opened(*args, **kwargs)))
    with pytest.raises(ExportError, match=r"could not write .*figure\.html: No space left on device; the partial"):
        write_atomically(target, b"x" * 10_000)
    assert [p.name for p in tmp_path.iterdir()] == ["figure.html"]
    assert target.read_bytes() == b"the previous export"
    monkeypatch.setattr(os, "fdopen", opened)
    write_atomically(target, b"new")
    assert target.read_bytes() == b"new" and [p.name for p in tmp_path.iterdir()] == ["figure.html"]
