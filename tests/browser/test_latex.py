"""Every formula an optimizer's spec declares renders with the KaTeX that the page itself ships (Streamlit's
bundle), in Chromium, with errors thrown rather than drawn in red: what st.latex would show a student."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import streamlit

from optimizers import RULES
from optimizers.rules import ADAM_UNCORRECTED_LATEX

pytestmark = pytest.mark.browser

BUNDLE_EXPORT = re.compile(r"export\s*\{\s*([\w$]+)\s+as\s+default\s*\}\s*;?\s*$")


def katex_source() -> str:
    """Streamlit's KaTeX module, as a classic script that sets ``window.katex``."""
    (bundle,) = (Path(streamlit.__file__).parent / "static" / "static" / "js").glob("katex.*.js")
    source = bundle.read_text("utf-8")
    assert BUNDLE_EXPORT.search(source), "the KaTeX bundle no longer ends with its default export"
    return BUNDLE_EXPORT.sub(r"window.katex = \1;", source)


RENDER = """(formulas) => formulas.map((latex) => {
    try { katex.renderToString(latex, {displayMode: true, throwOnError: true}); return null; }
    catch (error) { return String(error.message || error); }
})"""


def test_every_rules_latex_renders_with_the_pages_katex(browser):
    formulas = {f"{rule.id} {'/'.join(rule.conventions)}": rule.latex for rule in RULES}
    formulas["adam without bias correction"] = ADAM_UNCORRECTED_LATEX
    context = browser.new_context()
    page = context.new_page()
    page.add_script_tag(content=katex_source())
    errors = page.evaluate(RENDER, list(formulas.values()))
    broken = page.evaluate(RENDER, [r"\frac{a}{b", r"\begin{aligned} a \end{align}", r"\notacommand x"])
    context.close()
    assert all(broken), broken  # the check itself sees a formula KaTeX cannot render
    assert {name: error for name, error in zip(formulas, errors) if error} == {}
