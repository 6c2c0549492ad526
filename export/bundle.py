"""Every export of a scene as named files, the notes Markdown that embeds them, and the ZIP bundle.

``export_files(scene, formats)`` computes the trajectories and the figures' record once and returns
``{file name: bytes}``; the page's buttons, the notes bundle and the command line all go through it.
"""

from __future__ import annotations

import io
import zipfile
from typing import Iterable, Sequence

from analysis import compute
from export import animation, data, images
from export.html import html_page
from export.toolbar import file_stem
from export.views import VIEWS, export_figure, scene_record, visible_trajectories
from figures import SceneInfo
from i18n import settings_text, t
from optimizers import Trajectory, latex_for
from scene import Scene, query_string

FORMATS = ("png", "svg", "html", "gif", "csv", "json", "md")
BUNDLE_FORMATS = ("png", "gif", "csv", "json", "md")
NOTES = "notes.md"
NEEDS_BROWSER = {"png", "svg", "gif"}  # drawn by Chromium through Kaleido
EMBEDDED = (".png", ".gif")  # shown as images in the notes; the other files are linked


def export_files(scene: Scene, formats: Iterable[str] = BUNDLE_FORMATS, *, theme: str = "print", scale: float = 2,
                 views: Iterable[str] = VIEWS, frames: int = animation.MAX_FRAMES,
                 trajectories: Sequence[Trajectory | None] | None = None) -> dict[str, bytes]:
    """The files of ``formats`` for ``scene``, named ``<landscape>-<hash>-<what>.<ext>`` (and ``notes.md``).

    ``trajectories`` (lined up with ``scene.runs``, None for hidden runs) saves recomputing what the page has.
    """
    formats = tuple(dict.fromkeys(formats))
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        raise ValueError(f"unknown format {', '.join(unknown)}; choose from {', '.join(FORMATS)}")
    views = tuple(views)
    stem = file_stem(scene)
    trajectories = visible_trajectories(scene) if trajectories is None else list(trajectories)
    info = scene_record(scene, theme, trajectories)
    files: dict[str, bytes] = {}
    for fmt in ("png", "svg"):
        if fmt in formats:
            for view in views:
                figure = export_figure(info, view)
                files[f"{stem}-{view}.{fmt}"] = images.png(figure, scale) if fmt == "png" else images.svg(figure)
    if "gif" in formats:
        files[f"{stem}-animation.gif"] = animation.gif_bytes(info, frames)
    if "html" in formats:
        files[f"{stem}.html"] = html_page(scene, info).encode()
    if "csv" in formats or "json" in formats:
        # The data files hold every run; the figures computed only the visible ones.
        everything = [traj if traj is not None else compute.trajectory(scene, run)
                      for run, traj in zip(scene.runs, trajectories)]
        if "csv" in formats:
            files[f"{stem}-trajectories.csv"] = data.to_csv(scene, everything).encode()
        if "json" in formats:
            files[f"{stem}-trajectories.json"] = data.to_json(scene, everything).encode()
    if "md" in formats:
        files[NOTES] = notes_markdown(scene, info, list(files)).encode()
    return files


def _caption(name: str, language: str) -> str:
    what = name.rsplit(".", 1)[0].rsplit("-", 1)[-1]
    key = f"notes.caption.{what}"
    return t(key, language) if what in (*VIEWS, "animation") else name


def notes_markdown(scene: Scene, info: SceneInfo, files: list[str]) -> str:
    """Markdown that embeds the images of ``files`` twice (Obsidian ``![[…]]`` and plain ``![…](…)``), links
    the other files, writes each visible run's update rule in LaTeX and the query that regenerates the scene."""
    lang = scene.language
    shown = [name for name in files if name.endswith(EMBEDDED)]
    linked = [name for name in files if not name.endswith(EMBEDDED)]
    lines = [f"# {t('notes.title', lang, title=info.title)}", ""]
    if shown:
        lines += [f"## {t('notes.obsidian', lang)}", ""]
        for name in shown:
            lines += [f"![[{name}]]", ""]
        lines += [f"## {t('notes.markdown', lang)}", ""]
        for name in shown:
            lines += [f"![{_caption(name, lang)}]({name})", ""]
    lines += [f"## {t('notes.runs', lang)}", ""]
    for run in scene.runs:
        hidden = f" ({t('notes.hidden', lang)})" if not run.visible else ""
        batch = f", B = {run.batch_size}" if run.batch_size is not None else ""
        settings = f"{t(f'ctl.convention.{run.convention}', lang)}: {settings_text(run.hparams, lang)}{batch}"
        lines += [f"### {run.label(lang)}{hidden}", "", settings, "",
                  "$$", latex_for(run.optimizer, run.convention, run.settings), "$$", ""]
    if linked:
        lines += [f"## {t('notes.files', lang)}", ""]
        lines += [f"- [{name}]({name})" for name in linked] + [""]
    query = query_string(scene)
    lines += [f"## {t('notes.regenerate', lang)}", "", t("notes.regenerate_text", lang), "", "```text", f"?{query}",
              "```", "", "```bash", f'python -m export --url "{query}" --out notes', "```", ""]
    return "\n".join(lines)


def zip_bytes(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def notes_bundle(scene: Scene, **options) -> bytes:
    """The ZIP for a notes folder: the figures as PNG, the animation, the data, and ``notes.md``.
    ``options`` are ``export_files``'s (theme, scale, views, frames, trajectories)."""
    return zip_bytes(export_files(scene, BUNDLE_FORMATS, **options))


# The page's files, one download each, and the options each is made with (the others do not change it).
DOWNLOADS = {"png": ("view", "theme", "scale"), "svg": ("view", "theme"), "gif": ("theme", "frames"),
             "html": ("theme",), "zip": ("theme", "scale", "frames")}


def download(scene: Scene, fmt: str, *, view: str = VIEWS[0], trajectories: Sequence[Trajectory | None] | None = None,
             **options) -> tuple[str, bytes]:
    """The file ``fmt`` (one of ``DOWNLOADS``; "zip" is the notes bundle) as (name, bytes), ``view`` for an image.
    ``options`` are ``export_files``'s (theme, scale, frames)."""
    if fmt == "zip":
        return f"{file_stem(scene)}-notes.zip", notes_bundle(scene, trajectories=trajectories, **options)
    (name, content), = export_files(scene, (fmt,), views=(view,), trajectories=trajectories, **options).items()
    return name, content


def download_needs_browser(fmt: str) -> bool:
    return bool(NEEDS_BROWSER & set(BUNDLE_FORMATS if fmt == "zip" else (fmt,)))
