"""The classroom server's configuration: .streamlit/config.toml as Streamlit reads it, and lablab/runtime.py's JAX settings."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

from lablab import runtime
from scene import DEFAULT_SCENE

REPO = Path(__file__).resolve().parent.parent
CONFIG = REPO / ".streamlit" / "config.toml"

CLASSROOM_SETTINGS = {
    "server.headless": True,
    "server.runOnSave": False,
    "server.fileWatcherType": "none",
    "server.enableXsrfProtection": True,
    "server.enableCORS": True,
    "client.toolbarMode": "viewer",
    "browser.gatherUsageStats": False,
}


def _file_settings() -> dict[str, object]:
    with CONFIG.open("rb") as file:
        sections = tomllib.load(file)
    return {f"{section}.{name}": value for section, options in sections.items() for name, value in options.items()}


def _as_streamlit_reads_it(names) -> dict[str, object]:
    """The options' values in a fresh Python process started in the repository, as ``streamlit run`` would see them."""
    script = (
        "import json, sys; from streamlit import config; config.get_config_options(force_reparse=True); "
        "print(json.dumps({n: config.get_option(n) for n in sys.argv[1:]}))"
    )
    environment = {k: v for k, v in os.environ.items() if not k.startswith("STREAMLIT_")}
    output = subprocess.run([sys.executable, "-c", script, *names], cwd=REPO, env=environment,
                            capture_output=True, text=True, check=True, timeout=120).stdout
    return json.loads(output.strip().splitlines()[-1])


def test_every_option_in_the_file_is_one_streamlit_knows():
    from streamlit import config

    unknown = sorted(set(_file_settings()) - set(config._config_options_template))
    assert unknown == []


def test_streamlit_reads_the_classroom_settings_from_the_file():
    settings = _file_settings()
    names = sorted(set(CLASSROOM_SETTINGS) | set(settings))
    effective = _as_streamlit_reads_it(names)
    for name, expected in CLASSROOM_SETTINGS.items():
        assert effective[name] == expected, name
    for name, value in settings.items():
        assert effective[name] == value, name


def test_message_upload_and_session_limits_are_small():
    settings = _file_settings()
    assert 1 <= settings["server.maxMessageSize"] <= 16  # megabytes; Streamlit's default is 200
    assert settings["server.maxUploadSize"] <= 1  # the page uploads nothing
    assert 10 <= settings["server.disconnectedSessionTTL"] <= 60  # seconds; default 120
    assert isinstance(settings["runner.postScriptGC"], bool)


def test_jax_cache_lives_outside_the_repository_and_can_be_moved_or_turned_off(tmp_path):
    default = runtime.jax_cache_directory({"XDG_CACHE_HOME": str(tmp_path)})
    assert default == tmp_path / "loss-landscape-lab" / "jax"
    home_default = runtime.jax_cache_directory({})
    assert REPO not in home_default.parents
    assert runtime.jax_cache_directory({runtime.CACHE_ENV: "off"}) is None
    assert runtime.jax_cache_directory({runtime.CACHE_ENV: str(tmp_path / "x")}) == tmp_path / "x"


def test_importing_runtime_turns_on_the_persistent_cache_for_fast_programs(tmp_path):
    script = (
        "import jax; from lablab import runtime; c = jax.config; "
        "print(c.jax_compilation_cache_dir, c.jax_persistent_cache_min_compile_time_secs, "
        "c.jax_compilation_cache_max_size)"
    )
    environment = {**os.environ, runtime.CACHE_ENV: str(tmp_path / "cache")}
    output = subprocess.run([sys.executable, "-c", script], cwd=REPO, env=environment,
                            capture_output=True, text=True, check=True, timeout=120).stdout.split()
    assert output == [str(tmp_path / "cache"), "0.0", str(runtime.CACHE_MAX_BYTES)]


def _source_files():
    skipped = {"tests", "scripts", "benchmarks", ".git", ".venv"}
    for path in REPO.rglob("*.py"):
        if not skipped & set(path.relative_to(REPO).parts):
            yield path


def test_jax_configuration_is_set_in_runtime_only():
    callers = set()
    for path in _source_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "update"
                    and ast.unparse(node.func.value).endswith("config") and "jax" in ast.unparse(node.func.value)):
                callers.add(path.relative_to(REPO).as_posix())
    assert callers == {"lablab/runtime.py"}


def test_the_heap_is_frozen_once_and_later_garbage_is_still_collected():
    script = (
        "import gc\nfrom lablab import runtime\n"
        "class Cycle: pass\n"
        "first, second = runtime.freeze_heap_once(), runtime.freeze_heap_once()\n"
        "frozen = gc.get_freeze_count()\n"
        "a = Cycle(); a.me = a; del a\n"
        "print(first, second, frozen > 1000, gc.collect() >= 1, gc.get_freeze_count() == frozen)"
    )
    output = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=True,
                            timeout=120).stdout.split()
    assert output == ["True", "False", "True", "True", "True"]


def test_jax_caches_are_emptied_once_enough_programs_were_compiled(tmp_path):
    script = (
        "import optimizers\nfrom lablab import runtime\nfrom analysis import compute\n"
        "from scene import DEFAULT_SCENE\n"
        "compute.trajectories(DEFAULT_SCENE)\n"
        "compiled = optimizers.compiled_programs()\n"
        "kept = runtime.release_compiled_programs_if_many(limit=10**6)\n"
        "released = runtime.release_compiled_programs_if_many(limit=compiled)\n"
        "print(compiled, kept, released, optimizers.compiled_programs(), runtime.release_compiled_programs_if_many(1))\n"
        "compute.trajectories(DEFAULT_SCENE)\n"
        "print(optimizers.compiled_programs())"
    )
    environment = {**os.environ, runtime.CACHE_ENV: str(tmp_path / "cache")}
    output = subprocess.run([sys.executable, "-c", script], cwd=REPO, env=environment, capture_output=True,
                            text=True, check=True, timeout=300).stdout.split()
    compiled = int(output[0])
    assert compiled == len(DEFAULT_SCENE.runs)  # one program per optimizer of the scene
    assert output[1:5] == ["False", "True", "0", "False"]
    assert int(output[5]) == compiled  # the scene compiles (or loads) its programs again after the release


def test_ci_runs_the_readmes_test_command_in_a_fresh_virtual_environment():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    commands = [line for line in readme.splitlines() if "pytest" in line and line.startswith("apt-get")]
    assert len(commands) == 1
    ci = [line for line in (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
          if line and not line.startswith("#")]
    assert ci[0] == "set -euo pipefail" and ci[-1] == commands[0]
    steps = commands[0].split(" && ")
    assert "python3 -m venv .venv" in steps  # nothing but the declared requirements
    assert steps[-2:] == [".venv/bin/pip install -r requirements-dev.txt", ".venv/bin/python -m pytest"]
    assert ".venv/" in (REPO / ".gitignore").read_text(encoding="utf-8").splitlines()


FIRST_FIGURE = """
import json, os, time
started = time.perf_counter()
import jax
from lablab import runtime
counts = {"/jax/compilation_cache/cache_hits": 0, "/jax/compilation_cache/cache_misses": 0}
jax.monitoring.register_event_listener(lambda event, **kw: counts.__setitem__(event, counts.get(event, 0) + 1))
from analysis import compute
from figures import contour_figure, scene_info, surface_figure
from scene import DEFAULT_SCENE
landscape = DEFAULT_SCENE.surface()
info = scene_info(DEFAULT_SCENE, landscape, compute.trajectories(DEFAULT_SCENE), compute.surface_grid(landscape), None)
contour_figure(info, stepped=False), surface_figure(info, stepped=False)
print(json.dumps({"hits": counts["/jax/compilation_cache/cache_hits"],
                  "written": counts["/jax/compilation_cache/cache_misses"],
                  "entries": sum(name.endswith("-cache") for name in os.listdir(runtime.JAX_CACHE_DIRECTORY)),
                  "seconds": time.perf_counter() - started}))
"""


def _first_figure(cache: Path) -> dict:
    environment = {**os.environ, runtime.CACHE_ENV: str(cache)}
    result = subprocess.run([sys.executable, "-c", FIRST_FIGURE], cwd=REPO,
                            env=environment, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_second_process_loads_the_first_ones_compiled_programs_from_disk(tmp_path):
    cache = tmp_path / "jax"
    first = _first_figure(cache)
    assert first["hits"] == 0 and first["written"] > 0  # an empty cache: every program compiled, and written
    assert first["entries"] == first["written"]
    second = _first_figure(cache)
    assert second["written"] == 0 and second["hits"] == first["written"]  # every program loaded, none compiled
    assert second["entries"] == first["entries"]


BLAS_THREADS = """
import ctypes, json
from lablab import runtime
import numpy
numpy.linalg.svd(numpy.ones((300, 300)))  # OpenBLAS is loaded and has started
libraries = {line.split()[-1] for line in open("/proc/self/maps") if "openblas" in line.lower()}
counts = []
for path in libraries:
    library = ctypes.CDLL(path)
    names = [name for name in ("openblas_get_num_threads", "scipy_openblas_get_num_threads64_",
                                "openblas_get_num_threads64_") if hasattr(library, name)]
    counts += [getattr(library, name)() for name in names[:1]]
print(json.dumps(counts))
"""


def test_numpy_blas_runs_on_one_thread_in_a_process_that_imports_runtime_first():
    environment = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    output = subprocess.run([sys.executable, "-c", BLAS_THREADS], cwd=REPO, env=environment, capture_output=True,
                            text=True, check=True, timeout=120).stdout
    counts = json.loads(output.strip().splitlines()[-1])
    assert counts and set(counts) == {1}, counts  # NumPy's OpenBLAS found, on one thread


def test_pandas_is_imported_with_the_process_not_by_a_sessions_first_table():
    """A session importing pandas while another draws a Plotly figure broke that figure (lablab/runtime.py)."""
    script = "import sys\nfrom lablab import runtime\nprint('pandas' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=True,
                          timeout=120).stdout.split() == ["True"]


def test_the_server_runs_on_streamlits_performance_extras(tmp_path):
    """uvloop and httptools (``streamlit[performance]`` in requirements.txt): the same class load cost the server
    ~8 % less CPU and a 95th percentile 25–50 % lower (benchmarks/README.md). Streamlit uses them only if
    installed."""
    from benchmarks.loadtest import Server

    with Server(env={"LOSS_LAB_JAX_CACHE": str(tmp_path / "jax")}, startup_timeout=300.0) as server:
        loaded = Path(f"/proc/{server.pid}/maps").read_text()
    assert "/uvloop/loop." in loaded
    assert "/httptools/parser/" in loaded
