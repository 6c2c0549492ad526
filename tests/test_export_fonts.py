"""Exports carry their own Korean font: readable on a machine with no Korean font installed.

Each export below runs in a subprocess whose fontconfig sees only a folder without Hangul (DejaVu) plus,
depending on the case, the app's font folder or a copy of NanumGothic installed "in the system" (the file
Debian's fonts-nanum installs). Real Kaleido with Debian's Chromium, real Pillow. A render with boxes for
Hangul (tofu) differs from both real renders, so these tests fail if the app's font is not used.
"""

from __future__ import annotations

import io
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageFont

from export import animation, fonts, images
from export.views import export_figure, scene_record
from figures.theme import EXPORT_FONT_FAMILY, THEMES
from i18n import t
from scene import PALETTE, Run, Scene

ROOT = Path(__file__).resolve().parents[1]
LATIN_ONLY_FONTS = Path("/usr/share/fonts/truetype/dejavu")  # no Hangul; fontconfig skips it where it is missing
KOREAN_SCENE = Scene(
    landscape="bowl", start=(-2.5, 2.0), steps=10, language="ko",
    runs=(Run.of("gd", lr=0.05, color=PALETTE[0]), Run.of("momentum", lr=0.02, beta=0.8, color=PALETTE[1])),
)
GIF_FRAMES = 3
# A subprocess: render the job's figures and GIF with this process's fontconfig; "app_fonts": False leaves
# the app's folder out of the browser's fontconfig (what the exports did before the font was shipped).
RENDER = """
import pickle, sys
from pathlib import Path
from export import animation, fonts, images
job = pickle.loads(Path(sys.argv[1]).read_bytes())
if not job["app_fonts"]:
    fonts.FONT_DIR = Path(job["empty_dir"])
made = {name: images.png(figure) for name, figure in job["figures"].items()}
made["gif"] = animation.gif_bytes(job["gif_info"], job["gif_frames"])
Path(sys.argv[2]).write_bytes(pickle.dumps(made))
"""


def fontconfig_file(folder: Path, font_dirs: list[Path]) -> Path:
    """A fontconfig file that sees exactly ``font_dirs`` (none of the system's configuration)."""
    dirs = "".join(f"<dir>{d}</dir>" for d in font_dirs)
    path = folder / "fonts.conf"
    path.write_text(f'<?xml version="1.0"?><fontconfig>{dirs}<cachedir>{folder / "cache"}</cachedir></fontconfig>')
    return path


def render_without_system_korean(tmp: Path, job: dict, *, app_fonts: bool, system_nanum: bool) -> dict[str, bytes]:
    folder = tmp / f"app-{app_fonts}-nanum-{system_nanum}"
    (folder / "empty").mkdir(parents=True)
    font_dirs = [LATIN_ONLY_FONTS]
    if system_nanum:
        (folder / "nanum").mkdir()
        shutil.copy(fonts.FONT_FILE, folder / "nanum")
        font_dirs.append(folder / "nanum")
    env = {**os.environ, fonts.FONTCONFIG_ENV: str(fontconfig_file(folder, font_dirs)),
           "XDG_CACHE_HOME": str(folder / "xdg")}
    (folder / "job.pkl").write_bytes(pickle.dumps({**job, "app_fonts": app_fonts, "empty_dir": str(folder / "empty")}))
    done = subprocess.run([sys.executable, "-c", RENDER, str(folder / "job.pkl"), str(folder / "made.pkl")],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return pickle.loads((folder / "made.pkl").read_bytes())


@pytest.fixture(scope="module")
def renders(tmp_path_factory):
    """The same exports three ways: app's font only, no Korean font at all, a system-installed NanumGothic only."""
    if not images.browser_available():
        pytest.skip("no Chromium")
    tmp = tmp_path_factory.mktemp("fonts")
    job = {"figures": {theme: export_figure(scene_record(KOREAN_SCENE, theme), "contour").to_dict()
                       for theme in ("print", "screen")},
           "gif_info": scene_record(KOREAN_SCENE, "print"), "gif_frames": GIF_FRAMES}
    return {case: render_without_system_korean(tmp, job, app_fonts=app, system_nanum=nanum)
            for case, app, nanum in [("app", True, False), ("none", False, False), ("system", False, True)]}


def pixels(content: bytes) -> np.ndarray:
    """Grey levels of a PNG, or of a GIF's first frame."""
    return np.asarray(Image.open(io.BytesIO(content)).convert("L"), dtype=np.int16)


def differing(a: np.ndarray, b: np.ndarray) -> float:
    """The share of pixels that differ by more than a rounding step."""
    return float(np.mean(np.abs(a - b) > 8))


def assert_drawn_as_with_nanum_installed(region: dict[str, np.ndarray], least_difference: float) -> None:
    shares = {pair: differing(region[pair[0]], region[pair[1]])
              for pair in [("app", "none"), ("app", "system"), ("none", "system")]}
    assert shares[("app", "none")] > least_difference, shares  # boxes where the app's font has glyphs
    assert shares[("app", "system")] < 0.001, shares  # the same as with NanumGothic installed
    assert shares[("none", "system")] > least_difference, shares


@pytest.mark.parametrize("theme", ["print", "screen"])
def test_png_title_is_drawn_in_korean_with_only_the_apps_font(renders, theme):
    height = export_figure(scene_record(KOREAN_SCENE, theme), "contour").layout.margin.t
    assert_drawn_as_with_nanum_installed({case: pixels(made[theme])[:height] for case, made in renders.items()},
                                         0.005)


def test_gif_title_and_legend_are_drawn_in_korean_with_only_the_apps_font(renders):
    frame = {case: pixels(made["gif"]) for case, made in renders.items()}
    assert_drawn_as_with_nanum_installed({case: image[:animation.GIF_MARGIN["t"]] for case, image in frame.items()},
                                         0.005)
    assert_drawn_as_with_nanum_installed({case: image[:, -animation.GIF_MARGIN["r"]:] for case, image in frame.items()},
                                         0.002)


def glyph(font: ImageFont.FreeTypeFont, character: str) -> tuple[tuple[int, int], bytes]:
    mask = font.getmask(character)
    return mask.size, bytes(mask)


def test_gif_text_font_draws_hangul_as_an_installed_nanum_gothic_does(tmp_path):
    installed = tmp_path / "NanumGothic.ttf"
    shutil.copy(fonts.FONT_FILE, installed)
    font, reference = animation._font(18), ImageFont.truetype(installed, 18)
    syllables = "가나다단계"
    drawn = {character: glyph(font, character) for character in syllables}
    different = len(set(drawn.values()))
    assert different == len(syllables)  # a font without Hangul draws one box for all
    assert all(glyph(reference, character) == drawn[character] for character in syllables)


def test_the_print_theme_names_the_shipped_font_first_and_the_page_themes_name_none():
    family = ImageFont.truetype(fonts.FONT_FILE, 12).getname()[0]
    assert EXPORT_FONT_FAMILY.split(",")[0].strip() == family == "NanumGothic"
    assert EXPORT_FONT_FAMILY.rstrip().endswith("sans-serif")
    assert export_figure(scene_record(KOREAN_SCENE, "print"), "contour").layout.font.family == EXPORT_FONT_FAMILY
    for name in ("screen", "projector"):
        assert THEMES[name].font_family is None  # the page keeps the student's own fonts


def test_svg_text_names_the_shipped_font():
    if not images.browser_available():
        pytest.skip("no Chromium")
    text = images.svg(export_figure(scene_record(KOREAN_SCENE, "print"), "contour")).decode()
    assert t("fig.title_contour", "ko") in text  # Korean stays text in an SVG: the viewer's fonts draw it
    assert "font-family: NanumGothic," in text


def test_the_font_ships_with_its_license():
    license_text = (fonts.FONT_DIR / "OFL.txt").read_text()
    assert "SIL OPEN FONT LICENSE" in license_text and "NAVER Corporation" in license_text


def fontconfig_files(env: dict[str, str]) -> set[str]:
    """The font files fontconfig lists in ``env``."""
    listed = subprocess.run(["fc-list", "--format", "%{file}\\n"], env=env, capture_output=True, text=True, check=True)
    return set(listed.stdout.split())


@pytest.mark.skipif(shutil.which("fc-list") is None, reason="needs fontconfig's fc-list")
def test_browser_fontconfig_adds_the_apps_folder_to_the_one_it_would_have_used(tmp_path):
    plain = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/"), "LANG": "C.UTF-8"}
    own = {**plain, fonts.FONTCONFIG_ENV: str(fontconfig_file(tmp_path, [LATIN_ONLY_FONTS]))}
    assert fonts.with_app_fonts(own)["LANG"] == "C.UTF-8"
    assert fontconfig_files(fonts.with_app_fonts(own)) == fontconfig_files(own) | {str(fonts.FONT_FILE)}
    assert fontconfig_files(fonts.with_app_fonts(plain)) == fontconfig_files(plain) | {str(fonts.FONT_FILE)}
    assert str(fonts.FONT_FILE) not in fontconfig_files(own)


def test_the_fontconfig_file_is_written_again_when_its_folder_was_cleaned_away():
    config = Path(fonts.with_app_fonts({})[fonts.FONTCONFIG_ENV])
    shutil.rmtree(config.parent)  # as a tmp cleaner does to a server running for weeks
    again = Path(fonts.with_app_fonts({})[fonts.FONTCONFIG_ENV])
    assert again.read_text() == fonts.fontconfig_text(fonts.SYSTEM_CONFIG, fonts.FONT_DIR)
    assert f"<dir>{fonts.FONT_DIR}</dir>" in again.read_text()
