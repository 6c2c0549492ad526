"""Writing export files so that a file is either complete or absent: never truncated by a full disk or a stop.

Each file is written to a temporary name in its own folder (same file system) and renamed when complete;
``os.replace`` is atomic, so a reader sees the old file or the new one. On any failure the temporary file
is removed and the error names the file that could not be written.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from export.images import ExportError


def write_atomically(path: Path, content: bytes) -> None:
    """``content`` as the file ``path``, complete or not at all. Raises ExportError naming ``path``."""
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(content)
        os.replace(temporary, path)
    except BaseException as error:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(error, OSError):
            reason = error.strerror or str(error)
            raise ExportError(f"could not write {path}: {reason}; the partial file was removed") from error
        raise
