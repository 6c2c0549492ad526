"""The page walk's checks (page_checks.js) as Python calls them, and how their findings are reported."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Page

from i18n import STRINGS

CHECKS = Path(__file__).with_name("page_checks.js").read_text()
EXAMPLES = 4  # screenshot names given per defect in the failure message


def check_options(language: str) -> dict:
    return {
        "english": language == "en",
        "keys": sorted(STRINGS),
        "keyPrefixes": sorted({key.split(".")[0] for key in STRINGS}),
        "allowedNone": sorted({text for entry in STRINGS.values() for text in entry.values() if re.search(r"\bNone\b", text)}),
        "exempt": [".st-key-lang"],  # the language switch names both languages in their own script
    }


def run_checks(page: Page, language: str) -> dict:
    """{defects: [...], notes: [...]} of the page as it is now (see page_checks.js)."""
    return page.evaluate(CHECKS, check_options(language))


@dataclass
class Shot:
    """One screenshot of a state, and how far each scrolling area was scrolled in it."""

    file: str
    tops: dict[str, tuple[float, float]]  # area → (scrollTop, clientHeight)


def shown_in(defect: dict, shots: list[Shot]) -> str:
    """The first screenshot whose scrolled area shows the defect's element."""
    for shot in shots:
        if defect["area"] not in shot.tops:
            return shot.file
        scroll, height = shot.tops[defect["area"]]
        if scroll <= defect["y"] < scroll + height:
            return shot.file
    return shots[-1].file


def summary(found: list[dict]) -> list[str]:
    """One line per distinct defect (kind, place, text), with the screenshots that show it."""
    grouped: dict[tuple[str, str, str], list[dict]] = {}
    for defect in found:
        where = re.sub(r"key=run\d+-", "key=run*-", defect["where"])  # a run's id changes with every scene loaded
        grouped.setdefault((defect["kind"], where, defect["text"]), []).append(defect)
    lines = []
    for (kind, where, text), seen in grouped.items():
        shots = list(dict.fromkeys(d["shot"] for d in seen))
        detail = f" ({seen[0]['detail']})" if seen[0]["detail"] else ""
        more = f" and {len(shots) - EXAMPLES} more" if len(shots) > EXAMPLES else ""
        lines.append(f"- [{kind}] {where}: {text}{detail} — in {', '.join(shots[:EXAMPLES])}{more}")
    return lines
