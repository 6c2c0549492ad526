"""One module per tab of the page. Each has ``LABEL`` (its i18n key) and ``panel(scene, landscape, trajectories)``;
a tab that keeps the link box and the address bar itself says ``SHOWS_LINK = True``. ``app.TABS`` lists them."""

from __future__ import annotations

import importlib
from types import ModuleType


def load(*names: str) -> tuple[ModuleType, ...]:
    """The tab modules ``ui.tabs.<name>``, in the order given (the page's order)."""
    return tuple(importlib.import_module(f"{__name__}.{name}") for name in names)
