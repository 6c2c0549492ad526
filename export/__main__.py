"""``python -m export``: a preset's or a URL's scene as files for lecture notes.

    python -m export --preset NAME --out DIR [--formats png,svg,html,gif,csv,json,md] [--theme print|screen]
                     [--lang ko|en] [--scale 1-4] [--views contour,surface,loss,combined] [--frames N]
    python -m export --url "QUERY-STRING" --out DIR ...
    python -m export --all-presets --out DIR ...        (one folder per preset)

Exit codes: 0 done; 2 bad arguments, preset or URL; 3 no Chromium for the image formats; 4 the export
failed (a timeout, a render error, a file that could not be written: each file is complete or absent);
1 an unexpected error (a bug). Every failure prints one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

EXIT_BUG, EXIT_USAGE, EXIT_NO_BROWSER, EXIT_FAILED = 1, 2, 3, 4


class UsageError(Exception):
    """A bad argument, preset or URL: exit 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse prints the whole usage; one line is the contract
        raise UsageError(message)


def _parser() -> argparse.ArgumentParser:
    from export.animation import MAX_FRAMES
    from export.bundle import BUNDLE_FORMATS
    from export.views import EXPORT_THEMES, VIEWS

    parser = _Parser(prog="python -m export", description="Export a scene's figures and data for lecture notes.")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--preset", help="a preset id (see --list)")
    source.add_argument("--url", help="the scene's query string, or a whole address of the app")
    source.add_argument("--all-presets", action="store_true", help="every preset, one folder each")
    source.add_argument("--list", action="store_true", help="list the preset ids and exit")
    parser.add_argument("--out", help="output folder (created)")
    parser.add_argument("--formats", default=",".join(BUNDLE_FORMATS), help="comma-separated: png,svg,html,gif,csv,json,md")
    parser.add_argument("--views", default=",".join(VIEWS), help="figures for png/svg: " + ",".join(VIEWS))
    parser.add_argument("--theme", default="print", choices=EXPORT_THEMES)
    parser.add_argument("--lang", choices=("ko", "en"), help="language of titles and notes (default: the scene's)")
    parser.add_argument("--scale", type=float, default=2, help="PNG scale, 1 to 4")
    parser.add_argument("--frames", type=int, default=MAX_FRAMES, help="GIF frames at most (2 to 500)")
    return parser


def _split(text: str, allowed: tuple[str, ...], what: str) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(item.strip() for item in text.split(",") if item.strip()))
    unknown = [item for item in chosen if item not in allowed]
    if unknown or not chosen:
        raise UsageError(f"unknown {what} {', '.join(unknown) or '(none given)'}; choose from {', '.join(allowed)}")
    return chosen


def scene_from_url(text: str):
    """The scene of a query string (or of an address with one), and the notices of values that fell back."""
    from scene import DEFAULT_SCENE, from_query

    query_text = urlsplit(text).query if "?" in text else text
    query = parse_qs(query_text.lstrip("?"), keep_blank_values=True)
    known = {"ls", "run", "x", "y", "steps", "f"}
    if not query or not known & query.keys():
        raise UsageError(f"not a scene query: {text[:80]!r} (expected e.g. 'ls=bowl&run=gd,lr=0.1')")
    scene, notices = from_query(query, DEFAULT_SCENE, language="en")  # the command line speaks English
    asked = query.get("ls", [scene.landscape])[-1]
    if asked != scene.landscape:  # an unknown surface or a refused formula: not the figure that was asked for
        reason = next((n for n in notices if "formula" in n or "'ls" in n), f"surface {asked!r}")
        reason = re.split(r"[;.] [Uu]sing ", reason)[0]  # the fallback the page would take does not apply here
        raise UsageError(f"the URL's surface cannot be used: {' '.join(reason.split())[:200]}")
    try:
        scene.surface()
    except Exception as error:  # noqa: BLE001 - a refused formula, whatever its type: the URL is bad
        raise UsageError(f"the URL's surface cannot be used: {' '.join(str(error).split())[:200]}") from None
    return scene, notices


def _jobs(args) -> list[tuple[str | None, object]]:
    """(subfolder or None, scene) for each scene to export."""
    from scene.presets import PRESETS

    if args.all_presets:
        return [(preset_id, preset.scene) for preset_id, preset in PRESETS.items()]
    if args.preset is not None:
        if args.preset not in PRESETS:
            raise UsageError(f"unknown preset {args.preset!r}; choose one of {', '.join(PRESETS)}")
        return [(None, PRESETS[args.preset].scene)]
    scene, notices = scene_from_url(args.url)
    for notice in notices:
        print(f"warning: {notice}", file=sys.stderr)
    return [(None, scene)]


def run(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from lablab import runtime  # noqa: F401 - JAX's persistent compilation cache, before anything compiles
    from export.bundle import FORMATS, NEEDS_BROWSER, export_files
    from export.files import write_atomically
    from export.views import VIEWS
    from scene.presets import PRESETS

    if args.list:
        print("\n".join(PRESETS))
        return 0
    if args.out is None:
        raise UsageError("--out DIR is required")
    if not args.out.strip():
        raise UsageError("--out is empty; name a folder (--out . for the current one)")
    formats = _split(args.formats, FORMATS, "format")
    views = _split(args.views, VIEWS, "view")
    if not 1 <= args.scale <= 4:
        raise UsageError(f"--scale must be between 1 and 4, got {args.scale:g}")
    if not 2 <= args.frames <= 500:
        raise UsageError(f"--frames must be between 2 and 500, got {args.frames}")
    jobs = _jobs(args)
    if NEEDS_BROWSER & set(formats):
        from export.images import find_browser

        find_browser()  # fail before any computing
    for folder, scene in jobs:
        if args.lang:
            scene = scene.replace(language=args.lang)
        target = Path(args.out) / folder if folder else Path(args.out)
        target.mkdir(parents=True, exist_ok=True)
        files = export_files(scene, formats, theme=args.theme, scale=args.scale, views=views, frames=args.frames)
        for name, content in files.items():
            write_atomically(target / name, content)
            print(target / name)
    return 0


def main(argv: list[str] | None = None) -> int:
    try:
        return run(argv)
    except UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # noqa: BLE001 - one line, never a traceback
        from export.images import ExportError, ExportUnavailable

        message = " ".join(str(error).split())[:300] or type(error).__name__
        print(f"error: {message}", file=sys.stderr)
        if isinstance(error, ExportUnavailable):
            return EXIT_NO_BROWSER
        return EXIT_FAILED if isinstance(error, (ExportError, OSError)) else EXIT_BUG


if __name__ == "__main__":
    sys.exit(main())
