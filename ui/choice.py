"""Choice widgets (select boxes, radios, segmented controls, the tabs) that hold ids, whatever their labels say.

The browser holds a choice as the label it shows and sends that label back; Streamlit turns it into an option with
the labels of the run that drew the widget. When the labels change (the page's language, a run's η in a run's
label), the browser keeps showing the old label and the rerun after next finds no option for it: a label string
where an id belongs (a Korean optimizer name for "gd", a landscape that is no landscape). So ``choice`` keeps the
labels it drew; when the label of the id a choice holds is not the one drawn last (the previous labels still map
the browser's label to that id), it writes the id back into the widget's key, and Streamlit sends the browser this
run's label of that id. Only then: a value sent on every run costs the next click on that select box (it opens only
at the second). Every choice of the page goes through here.
"""

from __future__ import annotations

from typing import Any, Callable, MutableMapping, Sequence

import streamlit as st

from scene import LANGUAGES

State = MutableMapping[str, Any]


DRAWN_LABELS = "_labels"  # every choice's labels as last drawn, by its key: one entry of the session state, not one
# per choice (each select box and number input walks the whole session state as it is drawn)


def drawn_labels(state: State, key: str) -> dict:
    return state.get(DRAWN_LABELS, {}).get(key, {})


def hold(state: State, key: str, options: Sequence, label: Callable[[Any], str]) -> None:
    """Before choice ``key`` is drawn: the id it holds written back when its label changed since it was drawn; an id
    that is no longer an option dropped (the choice falls back to its default)."""
    if key not in state:
        return
    value = state[key]
    if value is not None and value not in options:
        del state[key]
    elif value is not None and drawn_labels(state, key).get(value) != label(value):
        state[key] = value


def remember(state: State, key: str, options: Sequence, label: Callable[[Any], str]) -> None:
    state[DRAWN_LABELS] = {**state.get(DRAWN_LABELS, {}), key: {option: label(option) for option in options}}


def choice(widget: Callable, label: str, options: Sequence, *, key: str, format_func: Callable[[Any], str] = str,
           **kwargs):
    """``widget(label, options=options, key=key, …)`` (``st.selectbox``, a column's ``radio``, …), its id held."""
    state = st.session_state
    hold(state, key, options, format_func)
    chosen = widget(label, options=options, key=key, format_func=format_func, **kwargs)
    remember(state, key, options, format_func)
    return chosen


def tabs(ids: Sequence[str], label: Callable[[str, str], str], language: str, *, key: str, **kwargs):
    """``st.tabs`` of ``ids`` labelled in ``language``; the open tab stays open when the language changes.

    A tab's value is its label itself, so the label held is mapped back to its id through every language.
    """
    state = st.session_state
    held = state.get(key)
    for tab_id in ids:
        if held in {label(tab_id, other) for other in LANGUAGES} and held != label(tab_id, language):
            state[key] = label(tab_id, language)
    return st.tabs([label(tab_id, language) for tab_id in ids], key=key, **kwargs)
