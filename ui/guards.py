"""Server-wide guards of the classroom server, applied by app.py when a session first runs the page.

Streamlit 1.67 empties every ``st.cache_data`` and ``st.cache_resource`` of the process when any browser
sends a ``clear_cache`` message (``AppSession._handle_clear_cache_request``), and no configuration option
turns that off: ``client.toolbarMode = "viewer"`` only hides the menu item, and a client can still send
the message. On one server for a class, one student would make everyone's figures be recomputed (and
every program recompiled). The handler is therefore replaced for every session of the process; to clear
the caches, restart the server.
"""

from __future__ import annotations

import logging

from streamlit.runtime.app_session import AppSession

_LOGGER = logging.getLogger(__name__)
_HANDLER = "_handle_clear_cache_request"


def _refuse_clear_cache(session: AppSession) -> None:
    _LOGGER.warning("A client asked to clear the server's caches; refused (restart the server to clear them).")


def refuse_clear_cache_from_clients() -> None:
    """Make every session of this process ignore a client's ``clear_cache``. Idempotent; raises if Streamlit
    no longer has the handler (then the guard must be rewritten, not silently skipped)."""
    if not callable(getattr(AppSession, _HANDLER, None)):
        raise RuntimeError(f"streamlit's AppSession has no {_HANDLER}; ui/guards.py needs updating")
    setattr(AppSession, _HANDLER, _refuse_clear_cache)
