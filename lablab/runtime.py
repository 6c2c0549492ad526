"""Process-wide settings: JAX's and NumPy's BLAS threads, applied once when this module is first imported;
memory bounds.

``app.py`` and the export CLI import it before anything compiles. It turns on JAX's persistent
compilation cache, so a restarted server (or a second process) loads its compiled programs from
disk instead of compiling them again: a restarted server's first run took 1.6 s instead of 2.4 s
(benchmarks/README.md, cold start). JAX needs the ``filelock`` package for it (requirements.txt).

The cache lives under the user's cache directory, never in the repository. The environment
variable ``LOSS_LAB_JAX_CACHE`` moves it (a directory) or turns it off (``off``).
"""

from __future__ import annotations

import gc
import os
import threading
from pathlib import Path

# NumPy's BLAS on one thread, set before NumPy loads (JAX loads it). A server's parallelism is its sessions; on a
# loaded machine a BLAS call split over threads waits for the one descheduled: the PCA slice's SVD of a 1,204 × 337
# path matrix took 1.2–2 s instead of 50–75 ms here at load 7 (JAX's programs have their own threads).
BLAS_THREADS_ENV = "OPENBLAS_NUM_THREADS"
os.environ.setdefault(BLAS_THREADS_ENV, "1")

import jax  # noqa: E402

# pandas with the process, not in a session: Streamlit imports it at a session's first table, and Plotly looks it up in
# sys.modules without waiting for the import to finish, so a session drawing a figure meanwhile failed ("partially
# initialized module 'pandas' has no attribute 'Series'"): half of 8 students opening a newly started server at once.
import pandas  # noqa: E402,F401

CACHE_ENV = "LOSS_LAB_JAX_CACHE"
CACHE_MAX_BYTES = 256 * 2**20  # least recently used entries go first; one program takes ~10 kB here


def jax_cache_directory(environ=os.environ) -> Path | None:
    """Where the compiled programs are kept, or None when the cache is off."""
    setting = environ.get(CACHE_ENV, "").strip()
    if setting.lower() == "off":
        return None
    if setting:
        return Path(setting).expanduser()
    base = environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "loss-landscape-lab" / "jax"


def _configure_jax() -> Path | None:
    directory = jax_cache_directory()
    if directory is None:
        return None
    jax.config.update("jax_compilation_cache_dir", str(directory))
    # Programs here compile in 0.1–0.3 s, below JAX's default threshold of 1 s for caching.
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)
    jax.config.update("jax_persistent_cache_min_entry_size_bytes", 0)
    jax.config.update("jax_compilation_cache_max_size", CACHE_MAX_BYTES)
    return directory


JAX_CACHE_DIRECTORY = _configure_jax()

# Each compiled program holds megabytes here (a typed formula's surface, paths and critical points
# ~18 MB), and every new formula compiles new ones. Past this many, JAX's caches are emptied: the
# programs still in use come back from the persistent cache on disk in milliseconds.
COMPILED_PROGRAM_LIMIT = 200
_COMPILE_EVENT = "/jax/core/compile/backend_compile_duration"
_programs_since_release = 0
_release_lock = threading.Lock()


def _count_compilation(event: str, duration: float, **kwargs) -> None:
    global _programs_since_release
    if event == _COMPILE_EVENT:
        _programs_since_release += 1


jax.monitoring.register_event_duration_secs_listener(_count_compilation)


def release_compiled_programs_if_many(limit: int = COMPILED_PROGRAM_LIMIT) -> bool:
    """Empty JAX's caches once ``limit`` programs were compiled (or loaded) since the last time."""
    global _programs_since_release
    with _release_lock:
        if _programs_since_release < limit:
            return False
        jax.clear_caches()
        _programs_since_release = 0
        return True

_heap_frozen = threading.Event()
_freeze_lock = threading.Lock()


def freeze_heap_once() -> bool:
    """Hide every object alive now from the garbage collector; only the first call does it.

    The page calls it at the end of its first run, when the modules, the compiled programs and the
    caches' first entries exist. Streamlit runs a full collection after every script run, and it has
    to walk all of those objects each time (~80 ms here); frozen, they are skipped. Garbage created
    later is collected as usual. Returns whether this call froze.
    """
    if _heap_frozen.is_set():
        return False
    with _freeze_lock:
        if _heap_frozen.is_set():
            return False
        gc.collect()
        gc.freeze()
        _heap_frozen.set()
        return True
