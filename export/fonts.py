"""The Korean font shipped with the app (assets/fonts), for the images the server draws itself.

Exported PNG/SVG are drawn by the server's Chromium and the GIF's text by Pillow; on a machine without a
Korean font their Hangul would be boxes. Pillow opens ``FONT_FILE`` directly. Chromium on Linux finds fonts
through fontconfig, so the browser gets ``with_app_fonts(env)``: ``FONTCONFIG_FILE`` names a small file,
written at each browser start, that loads the configuration the browser would have used anyway (the
environment's own ``FONTCONFIG_FILE``, or the system's ``fonts.conf``) and adds ``FONT_DIR``.
(Chromium on macOS and Windows does not use fontconfig; those systems come with a Korean font.)
"""

from __future__ import annotations

import functools
import hashlib
import os
import tempfile
from pathlib import Path
from typing import Mapping
from xml.sax.saxutils import escape

FONT_DIR = Path(__file__).resolve().parent.parent / "assets" / "fonts"
FONT_FILE = FONT_DIR / "NanumGothic.ttf"
FONTCONFIG_ENV = "FONTCONFIG_FILE"
SYSTEM_CONFIG = "fonts.conf"  # a relative name: fontconfig looks in FONTCONFIG_PATH, then in its own folder


def fontconfig_text(base_config: str, font_dir: Path) -> str:
    """A fontconfig file: everything ``base_config`` configures, plus the fonts in ``font_dir``."""
    return (
        '<?xml version="1.0"?>\n'
        '<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        "<fontconfig>\n"
        f'  <include ignore_missing="yes">{escape(base_config)}</include>\n'
        f"  <dir>{escape(str(font_dir))}</dir>\n"
        '  <cachedir prefix="xdg">fontconfig</cachedir>\n'
        "</fontconfig>\n"
    )


@functools.lru_cache(maxsize=1)
def _config_folder() -> tempfile.TemporaryDirectory:
    """Where the generated files live; removed when the process exits."""
    return tempfile.TemporaryDirectory(prefix="loss-lab-fonts-", ignore_cleanup_errors=True)


def _config_file(base_config: str, font_dir: Path) -> Path:
    """Written anew on every call: a long-running server's temporary folder may have been cleaned meanwhile."""
    text = fontconfig_text(base_config, font_dir)
    folder = Path(_config_folder().name)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"fonts-{hashlib.sha256(text.encode()).hexdigest()[:12]}.conf"
    path.write_text(text, encoding="utf-8")
    return path


def with_app_fonts(env: Mapping[str, str]) -> dict[str, str]:
    """``env`` for a browser process whose fontconfig also sees the app's fonts (``FONT_DIR``)."""
    own = env.get(FONTCONFIG_ENV)
    base = os.path.abspath(own) if own else SYSTEM_CONFIG
    return {**env, FONTCONFIG_ENV: str(_config_file(base, FONT_DIR))}
