"""The custom formula in the sidebar: typed, checked (a Korean or English message, never a traceback) and applied
to the scene with its plot bounds."""

from __future__ import annotations

import streamlit as st

from i18n import error_text, t
from landscapes import FormulaError, parse_formula
from landscapes.formula import DEFAULT_BOUNDS, FUNCTIONS, MAX_BOUND
from scene import DEFAULT_SCENE, Scene
from ui import cache
from ui import state as S
from ui.text import verbatim

FORMULA_TEXT, FORMULA_ERROR = "formula.text", "formula.error"
BOUND_KEYS = ("formula.x0", "formula.x1", "formula.y0", "formula.y1")
EXAMPLE_FORMULA = "x**2 + 3*sin(y)"


def _base(state) -> Scene:
    return state.get(S.BASE, DEFAULT_SCENE)


def _bounds_from(state) -> tuple[tuple[float, float], tuple[float, float]]:
    x0, x1, y0, y1 = (float(state[key]) for key in BOUND_KEYS)
    return (x0, x1), (y0, y1)


def apply_formula(state) -> bool:
    """Parse the typed formula and bounds; on success make them the scene's surface. False (and the error kept) otherwise."""
    text = state.get(FORMULA_TEXT, "")
    try:
        landscape = parse_formula(text, bounds=_bounds_from(state))
    except FormulaError as error:
        state[FORMULA_ERROR] = (text, error)
        return False
    state[FORMULA_ERROR] = None
    (x0, x1), (y0, y1) = landscape.bounds
    state[S.BASE] = _base(state).replace(landscape="custom", landscape_params=(), formula=text,
                                         formula_bounds=(x0, x1, y0, y1))
    state["landscape"] = "custom"
    state["start_x"], state["start_y"] = landscape.default_start
    S.move_step(state, state.get("steps", DEFAULT_SCENE.steps))
    return True


def formula_selected(state) -> None:
    """"Custom formula" chosen in the landscape list: the last formula of the scene, or an example."""
    base = _base(state)
    formula = base.formula or state.get(FORMULA_TEXT) or EXAMPLE_FORMULA
    bounds = base.formula_bounds if base.formula else DEFAULT_BOUNDS[0] + DEFAULT_BOUNDS[1]
    state[FORMULA_TEXT] = formula
    for key, value in zip(BOUND_KEYS, bounds):
        state[key] = float(value)
    if not apply_formula(state):
        state[FORMULA_TEXT] = EXAMPLE_FORMULA
        apply_formula(state)


def _sync_widgets(state) -> None:
    """The text field and bounds show the scene's formula when it came from elsewhere (URL, preset)."""
    base = _base(state)
    if base.landscape == "custom" and state.get("_formula_seen") != (base.formula, base.formula_bounds):
        state["_formula_seen"] = (base.formula, base.formula_bounds)
        state[FORMULA_TEXT] = base.formula
        for key, value in zip(BOUND_KEYS, base.formula_bounds):
            state[key] = float(value)


def formula_controls(lang: str) -> None:
    """The text field for f(x, y), its plot bounds, the parse error (with its position) and the masked-area notice."""
    state = st.session_state
    _sync_widgets(state)
    for key, value in zip(BOUND_KEYS, DEFAULT_BOUNDS[0] + DEFAULT_BOUNDS[1]):
        state.setdefault(key, float(value))
    st.text_input(t("formula.label", lang), key=FORMULA_TEXT, max_chars=None, placeholder=EXAMPLE_FORMULA,
                  help=t("formula.help", lang, functions=", ".join(FUNCTIONS)), on_change=apply_formula, args=(state,))
    columns = st.columns(4)
    for column, key, label in zip(columns, BOUND_KEYS, ("x min", "x max", "y min", "y max")):
        column.number_input(label, min_value=-MAX_BOUND, max_value=MAX_BOUND, step=0.5, key=key, on_change=apply_formula,
                            args=(state,))
    failed = state.get(FORMULA_ERROR)
    if failed:
        text, error = failed
        st.error(verbatim(error_text(error, lang)))
        if error.position is not None:
            st.code(text + "\n" + " " * (error.position - 1) + "^", language=None)
        return
    base = _base(state)
    if base.landscape == "custom" and base.formula:
        landscape = parse_formula(base.formula, bounds=((base.formula_bounds[0], base.formula_bounds[1]),
                                                        (base.formula_bounds[2], base.formula_bounds[3])))
        st.markdown(f"${landscape.latex}$")  # inline: KaTeX breaks it at + and − to the sidebar's width
        grid = cache.surface_grid(cache.surface_key(base))
        if grid.masked:
            st.warning(t("formula.masked", lang, masked=grid.masked, total=grid.z.size))
