"""The classroom server refuses a client's request to clear its caches: a real ``streamlit run app.py`` and two
protocol-level sessions (benchmarks/loadtest.py speaks Streamlit's websocket protocol as a browser does)."""

from __future__ import annotations

import asyncio
import re
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from benchmarks.loadtest import Server, Session

CACHE_LINE = re.compile(r'^cache_memory_bytes\{cache_type="(st_cache_\w+)",cache="([\w.]+)"\} (\d+)$', re.M)
METRICS_TTL_SECONDS = 5.5  # Streamlit recomputes the cache sizes of /_stcore/metrics at most every 5 s


def cached_bytes(url: str) -> dict[str, int]:
    """Bytes held by each of the page's st.cache_data / st.cache_resource functions, from the server's metrics."""
    with urllib.request.urlopen(f"{url}/_stcore/metrics", timeout=60) as response:
        text = response.read().decode()
    return {name: int(size) for _, name, size in CACHE_LINE.findall(text)}


async def one_student_clears_the_cache(url: str) -> tuple[dict[str, int], dict[str, int]]:
    teacher, student = Session(url, timeout=600.0), Session(url, timeout=60.0)
    try:
        await teacher.open()  # the page's first run fills the caches every session shares
        before = cached_bytes(url)
        await student.connect()
        await student.clear_cache()
        await asyncio.sleep(METRICS_TTL_SECONDS)
        return before, cached_bytes(url)
    finally:
        await teacher.close()
        await student.close()


def test_a_clients_clear_cache_leaves_the_shared_caches_for_everyone(tmp_path):
    with Server("app.py", env={"LOSS_LAB_JAX_CACHE": str(tmp_path / "jax")}, startup_timeout=300.0) as server:
        with ThreadPoolExecutor(1) as thread:  # an event loop of its own: Playwright's may run in this thread
            before, after = thread.submit(asyncio.run, one_student_clears_the_cache(server.url)).result()
        time.sleep(0.2)
        log = server.log_tail()
    assert {"ui.cache._surface_grid", "ui.cache._trajectory", "ui.cache.surface_payload"} <= before.keys()
    assert after == before  # still cached: another session's next run reuses them
    assert "A client asked to clear the server's caches; refused" in log  # the request did arrive
