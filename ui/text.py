"""User text inside the page's Markdown (alerts, notices, table cells): shown exactly as typed."""

from __future__ import annotations

import re

ASCII_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def verbatim(text: str) -> str:
    """Markdown that shows exactly ``text``: every ASCII punctuation character backslash-escaped (CommonMark allows
    it before each of them), so ``__import__`` stays ``__import__`` (not a bold "import"), ``$x$`` is no formula and
    ``:red[a]`` no colour. Line breaks become spaces (an echo is one line)."""
    return ASCII_PUNCTUATION.sub(r"\\\1", " ".join(str(text).splitlines()))
