"""The page's static files (``server.enableStaticServing`` serves ``static/``): plotly.js copied there from the
installed ``plotly`` package, so the page needs no internet and the copy always matches the Python side.

    python -m ui.assets   # copy it now (an image build does, so that the app needs no write access at run time)
"""

from __future__ import annotations

import shutil
from pathlib import Path

import plotly

STATIC = Path(__file__).resolve().parents[1] / "static"
PLOTLY_SOURCE = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
PLOTLY_NAME = f"vendor/plotly-{plotly.__version__}.min.js"


def install_plotly() -> str:
    """plotly.js of the installed ``plotly`` in the static folder (copied once per version); its URL there."""
    target = STATIC / PLOTLY_NAME
    if not target.exists() or target.stat().st_size != PLOTLY_SOURCE.stat().st_size:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".partial")
        shutil.copyfile(PLOTLY_SOURCE, partial)
        partial.replace(target)
    return PLOTLY_NAME


if __name__ == "__main__":
    print(STATIC / install_plotly())
