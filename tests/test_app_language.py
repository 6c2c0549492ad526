"""The language switch through AppTest, with a model of what the browser holds (issue 12, item 1).

AppTest sends each choice (select box, radio, segmented control) as the label of its value in the *latest* run's
labels; a browser sends the label it shows, and it shows a new label only when the page tells it to (``set_value``)
or when the widget is drawn anew. ``Browser`` sends what a browser sends, so a label that changed under a choice
(another language) comes back as the browser would send it.
"""

from __future__ import annotations

import pytest

from i18n import t
from scene.presets import PRESETS
from tests.test_app import load, open_tab, url_scene
from ui.state import run_key

CHOICES = ("selectbox", "radio", "segmented_control")


def choices(at) -> list:
    return [widget for kind in CHOICES for widget in getattr(at, kind)]


def first_label(widget) -> str | list[str] | None:
    """What a freshly drawn choice shows: its proto's default (the page's ``set_value`` aside); None: nothing chosen."""
    proto = widget.proto
    if widget.type == "button_group":
        return [proto.options[i].content for i in proto.default]
    return proto.options[proto.default] if proto.HasField("default") else None


def sent_label(widget) -> str | list[str] | None:
    """The label AppTest sends for a choice: its value's label in the latest run's labels."""
    state = widget._widget_state
    if widget.type == "button_group":
        return list(state.string_array_value.data)
    return state.string_value if state.HasField("string_value") else None


class Browser:
    """Holds each choice's shown label as a browser does, and sends those labels on every rerun."""

    def __init__(self, at):
        """Opened on ``at``'s page as drawn now: each choice shows its value's label (AppTest's own)."""
        self.at = at
        self.shown = {widget.proto.id: sent_label(widget) for widget in choices(at)}

    def note(self) -> None:
        drawn = {}
        for widget in choices(self.at):
            proto = widget.proto
            if proto.set_value:
                drawn[proto.id] = list(proto.raw_values) if widget.type == "button_group" else proto.raw_value or None
            else:
                drawn[proto.id] = self.shown.get(proto.id, first_label(widget))
        self.shown = drawn

    def run(self):
        states = self.at._tree.get_widget_states()
        for state in states.widgets:
            label = self.shown.get(state.id)
            if label is not None:
                if isinstance(label, list):
                    state.string_array_value.data[:] = label
                else:
                    state.string_value = label
        self.at._run(states)
        assert not self.at.exception, [e.message for e in self.at.exception]
        self.note()
        return self.at

    def choose(self, kind: str, key: str, value):
        """The user sets widget ``key`` of ``kind`` to ``value``; a choice shows (and sends) its label as drawn now."""
        widget = getattr(self.at, kind)(key=key)
        widget.set_value(value)
        if kind in CHOICES:
            self.shown[widget.proto.id] = sent_label(widget)
        return self.run()

    def click(self, key: str):
        self.at.button(key=key).click()
        return self.run()

    def assert_labels_of_this_run(self) -> None:
        """Every choice shows a label of its options as drawn now (not a leftover of the other language)."""
        for widget in choices(self.at):
            shown = self.shown[widget.proto.id]
            labels = [o.content for o in widget.proto.options] if widget.type == "button_group" else list(widget.options)
            assert set(shown if isinstance(shown, list) else [shown]) <= {*labels, None}, (widget.key, shown, labels)


def test_after_a_switch_every_sidebar_choice_and_action_keeps_the_scene_both_ways():
    at = load()
    browser = Browser(at)
    browser.choose("selectbox", "field", "arrows")
    for language, preset in (("en", "ravine_momentum"), ("ko", "saddle_escape")):
        first = at.session_state["run_ids"][0]
        at.session_state[run_key(first, "settings")] = True  # its optimizer, convention and batch choices are drawn
        browser.run()
        before = url_scene(at)
        browser.choose("segmented_control", "lang", language)
        assert url_scene(at) == before.replace(language=language)
        browser.assert_labels_of_this_run()
        before = url_scene(at)
        browser.run()  # any rerun (a step key, Play, a click on the contour) leaves the scene as it was
        assert url_scene(at) == before
        browser.click("add_run")
        added = url_scene(at)
        assert added.replace(runs=before.runs) == before and added.runs[:-1] == before.runs
        assert added.runs[-1].optimizer == at.selectbox(key="new_run_optimizer").value
        browser.click(f"run{first}.duplicate")
        assert url_scene(at).runs[:-1] == added.runs and url_scene(at).runs[-1].hparams == before.runs[0].hparams
        for _ in range(2):
            last = at.session_state["run_ids"][-1]
            at.session_state[run_key(last, "settings")] = True
            browser.run()
            browser.click(f"run{last}.remove")
        assert url_scene(at) == before
        # Each choice of the sidebar, picked after the switch, changes its own part of the scene and nothing else.
        for key, value, changed in [
            (f"run{first}.batch", 4, lambda s: s.runs[0].batch_size == 4),
            (f"run{first}.batch", "full", lambda s: s.runs[0].batch_size is None),
            (f"run{first}.convention", "torch", lambda s: s.runs[0].convention == "torch"),
            (f"run{first}.convention", "lecture", lambda s: s.runs[0].convention == "lecture"),
            (f"run{first}.optimizer", "nag", lambda s: s.runs[0].optimizer == "nag"),
            ("new_run_optimizer", "adam", lambda s: True),
            ("field", "stream", lambda s: s.view.field == "stream"),
        ]:
            kind = "segmented_control" if key.endswith("convention") else "selectbox"
            browser.choose(kind, key, value)
            scene = url_scene(at)
            assert changed(scene), key
            assert scene.landscape == before.landscape and scene.start == before.start and scene.runs[1:] == before.runs[1:]
        browser.choose("selectbox", "landscape", "rosenbrock")
        assert url_scene(at).landscape == "rosenbrock" and len(url_scene(at).runs) == len(before.runs)
        browser.choose("selectbox", "preset", preset)
        assert url_scene(at).runs == PRESETS[preset].scene.runs
        assert url_scene(at).language == language
        browser.assert_labels_of_this_run()


TAB_CHOICES = [
    ("tab.lessons", ("selectbox", "lesson", "nag")),
    ("tab.internals", ("selectbox", "internals_run", 2)),
    ("maps.tab", ("selectbox", "maps.run", 1)),
    ("maps.tab", ("select_slider", "maps.resolution", 128)),
    ("export.tab", ("selectbox", "export.view", "loss")),
    ("export.tab", ("select_slider", "export.scale", 3)),
]


@pytest.mark.parametrize("tab, choice", TAB_CHOICES)
def test_a_tabs_choices_stay_while_another_tab_is_open(tab, choice):
    """A tab's widgets are not drawn while another tab is open; what the student chose there is kept."""
    at = open_tab(load(), tab)
    kind, key, value = choice
    Browser(at).choose(kind, key, value)
    open_tab(at, "tab.formulas")
    open_tab(at, tab)
    assert getattr(at, kind)(key=key).value == value


@pytest.mark.parametrize("tab, choice", TAB_CHOICES)
def test_a_tab_and_its_choices_stay_what_they_were_through_switches(tab, choice):
    at = open_tab(load(), tab)
    browser = Browser(at)
    kind, key, value = choice
    browser.choose(kind, key, value)
    for language in ("en", "ko"):
        before = url_scene(at)
        browser.choose("segmented_control", "lang", language)
        assert at.session_state["tabs"] == t(tab, language)  # the same tab is open
        assert getattr(at, kind)(key=key).value == value
        browser.assert_labels_of_this_run()
        browser.run()
        assert getattr(at, kind)(key=key).value == value
        assert url_scene(at) == before.replace(language=language)


def test_a_run_select_keeps_its_run_when_that_runs_label_changes():
    """The run selects show each run's label (with its η): a new η changes the label the browser holds."""
    at = open_tab(load(runs=(1,)), "maps.tab")
    browser = Browser(at)
    browser.choose("selectbox", "maps.run", 1)
    browser.choose("select_slider", "run1.hp.lr", 0.05)
    assert at.selectbox(key="maps.run").value == 1 and url_scene(at).runs[1].settings["lr"] == 0.05
    browser.assert_labels_of_this_run()
    browser.run()
    assert at.selectbox(key="maps.run").value == 1
