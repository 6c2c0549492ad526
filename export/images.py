"""Static images through Kaleido and the machine's Chromium: one browser kept open, one export at a time.

Kaleido 1.x drives a Chromium found by choreographer: the ``BROWSER_PATH`` environment variable when
set, otherwise a copy downloaded earlier by ``kaleido_get_chrome``, the names ``chromium``/``chrome``/…
on ``PATH``, and finally the usual install paths (``/usr/bin/chromium``). It downloads nothing by
itself, and neither does this module: when no browser is found, every call raises ``ExportUnavailable``.

Kaleido's own ``start_sync_server`` waits forever when its browser fails to start (its worker thread
dies with the error and the caller blocks on a queue), so this module keeps the same arrangement — one
``kaleido.Kaleido`` open on an event loop in a daemon thread — with a timeout on every wait instead.

The browser starts with the app's own Korean font in its fontconfig (export/fonts.py), so Korean titles
and labels are drawn on a machine that has no Korean font installed.
"""

from __future__ import annotations

import asyncio
import atexit
import functools
import os
import threading
from pathlib import Path

import plotly.graph_objects as go

from export import fonts

BROWSER_ENV = "BROWSER_PATH"  # choreographer reads the same variable
INSTALL_HINT = "apt-get install chromium"
LOCK_TIMEOUT = 120.0  # seconds a caller waits for the exports queued before it
START_TIMEOUT = 60.0
RENDER_TIMEOUT = 90.0
SCALES = (1, 2, 3, 4)
DEFAULT_SIZE = (900, 700)  # pixels, for a figure whose layout leaves its size open
FORMATS = ("png", "svg")


class ExportError(RuntimeError):
    """An export could not be made; the message says why in one line."""


class ExportUnavailable(ExportError):
    """No Chromium on this machine (or ``BROWSER_PATH`` points at nothing runnable)."""


def find_browser() -> str:
    """The Chromium Kaleido will use. Raises ``ExportUnavailable`` when there is none; never downloads one."""
    chosen = os.environ.get(BROWSER_ENV)
    if chosen is not None:
        if Path(chosen).is_file() and os.access(chosen, os.X_OK):
            return chosen
        raise ExportUnavailable(
            f"{BROWSER_ENV}={chosen!r} is not an executable browser; "
            f"install Chromium ({INSTALL_HINT}) or point {BROWSER_ENV} at one"
        )
    from choreographer.browsers.chromium import Chromium

    found = Chromium.find_browser(skip_local=False)
    if found and Path(found).is_file():
        return str(found)
    raise ExportUnavailable(f"no Chromium found for image export; install it with: {INSTALL_HINT}")


def browser_available() -> bool:
    try:
        find_browser()
    except ExportUnavailable:
        return False
    return True


@functools.lru_cache(maxsize=1)
def _browser_class():
    """choreographer's Chromium, started with the app's fonts added to its fontconfig."""
    from choreographer.browsers.chromium import Chromium

    class ChromiumWithAppFonts(Chromium):
        def get_env(self):
            return fonts.with_app_fonts(super().get_env())

    return ChromiumWithAppFonts


class _Renderer:
    """One ``kaleido.Kaleido`` (one browser tab) on an event loop in a daemon thread."""

    def __init__(self, browser: str):
        self.browser = browser
        self.closed = False
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="kaleido-export", daemon=True)
        self.thread.start()
        try:
            self.kaleido = self._wait(self._open(), START_TIMEOUT, "starting Chromium")
        except Exception as error:
            self.loop.call_soon_threadsafe(self.loop.stop)
            raise ExportError(f"Chromium at {browser} did not start: {_one_line(error)}") from error

    async def _open(self):
        import kaleido

        instance = kaleido.Kaleido(n=1, timeout=RENDER_TIMEOUT, mathjax=False, path=self.browser,
                                   browser_cls=_browser_class())
        await instance.open()
        return instance

    def _wait(self, coroutine, timeout: float, what: str):
        future = asyncio.run_coroutine_threadsafe(coroutine, self.loop)
        try:
            return future.result(timeout)
        except TimeoutError:
            future.cancel()
            raise ExportError(f"{what} took longer than {timeout:g} s") from None

    def render(self, figure: dict, opts: dict) -> bytes:
        return self._wait(self.kaleido.calc_fig(figure, opts=opts), RENDER_TIMEOUT + 5, "rendering the image")

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        try:
            self._wait(self.kaleido.close(), 10, "closing Chromium")
        except Exception:  # noqa: BLE001 - closing at exit is best effort
            pass
        self.loop.call_soon_threadsafe(self.loop.stop)


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text[:300]


_LOCK = threading.Lock()
_renderer: _Renderer | None = None


def _current_renderer() -> _Renderer:
    global _renderer
    if _renderer is None:
        _renderer = _Renderer(find_browser())
        atexit.register(_renderer.close)
    return _renderer


def _discard_renderer() -> None:
    global _renderer
    if _renderer is not None:
        _renderer.close()
        _renderer = None


def render(figure: go.Figure | dict, fmt: str = "png", *, scale: float = 1, width: int | None = None,
           height: int | None = None, lock_timeout: float = LOCK_TIMEOUT) -> bytes:
    """The figure as PNG or SVG bytes. Serialized: one render at a time in this process.

    ``width``/``height`` default to the figure's layout size. Raises ``ExportUnavailable`` without a
    Chromium, ``ExportError`` when the queue or the render times out.
    """
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    if not 1 <= scale <= max(SCALES):
        raise ValueError(f"scale must be between 1 and {max(SCALES)}, got {scale!r}")
    spec = figure.to_dict() if isinstance(figure, go.Figure) else figure
    layout = spec.get("layout", {})
    opts = {"format": fmt, "scale": scale, "width": width or layout.get("width") or DEFAULT_SIZE[0],
            "height": height or layout.get("height") or DEFAULT_SIZE[1]}
    if not _LOCK.acquire(timeout=lock_timeout):
        raise ExportError(f"another export is still running after {lock_timeout:g} s; try again")
    try:
        for attempt in (1, 2):
            try:
                return _current_renderer().render(spec, opts)
            except ExportError:
                raise
            except Exception as error:  # noqa: BLE001 - maybe a crashed browser: start a fresh one, try once more
                _discard_renderer()
                if attempt == 2:
                    raise ExportError(f"Kaleido could not render the figure: {_one_line(error)}") from error
    finally:
        _LOCK.release()


def png(figure: go.Figure | dict, scale: float = 1, **size) -> bytes:
    return render(figure, "png", scale=scale, **size)


def svg(figure: go.Figure | dict, **size) -> bytes:
    return render(figure, "svg", **size)
