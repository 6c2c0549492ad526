"""The sidebar: every control of the scene. Each widget has a key that ui.state reads back into a Scene."""

from __future__ import annotations

import math

import streamlit as st

from i18n import STRINGS, hparam_help, optimizer_choice, t
from landscapes import LANDSCAPES, Landscape, Param, is_model
from optimizers import CONVENTIONS, HYPERPARAMETERS, OPTIMIZER_IDS, hyperparameters
from scene.presets import PRESETS
from scene import FIELD_MODES, HPARAM_RANGES, LANGUAGES, MAX_RUNS, MAX_STEPS, Scene
from scene import SLICE_KINDS
from ui import state as S
from ui.choice import choice
from ui.formula import formula_controls, formula_selected

LOG_MANTISSAS = (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0)
DECAY_STEPS = (0.9, 0.92, 0.95, 0.97, 0.98, 0.99, 0.995, 0.999, 0.9995, 0.9999, 0.99999)
BATCH_CHOICES = (1, 2, 4, 8, 16, 32, 64)


def log_options(low: float, high: float, current: float | None = None) -> list[float]:
    """Round values (1, 1.2, 1.5, 2, … per decade) from low to high, and the current value."""
    values = {low, high}
    for exponent in range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1):
        values.update(float(f"{m}e{exponent}") for m in LOG_MANTISSAS)
    if current is not None:
        values.add(float(current))
    return sorted(v for v in values if low <= v <= high)


def decay_options(low: float, high: float, current: float | None = None) -> list[float]:
    """0, 0.05, …, 0.85, then ever finer towards 1 (0.9, 0.95, 0.99, 0.999, …), and the current value."""
    values = {round(0.05 * k, 2) for k in range(18)} | set(DECAY_STEPS) | {low, high}
    if current is not None:
        values.add(float(current))
    return sorted(v for v in values if low <= v <= high)


def number_label(value: float) -> str:
    return f"{value:.4g}"


def choice_slider(label: str, options: list[float], key: str, help: str | None = None) -> None:
    st.select_slider(label, options=options, key=key, format_func=number_label, help=help,
                     persist_state="session")


def hparam_control(run_id: int, name: str, lang: str, optimizer: str) -> None:
    key = S.hparam_key(run_id, name)
    label = t(f"hp.{name}", lang) if f"hp.{name}" in STRINGS else name
    help_text = hparam_help(name, optimizer, lang)
    if name in S.SWITCH_HPARAMS:
        st.toggle(label, key=key, help=help_text, persist_state="session")
        return
    low, high, log = HPARAM_RANGES.get(name, (0.0, 1.0, False))
    current = st.session_state.get(key)
    if log:
        options = log_options(low, high, current)
    elif HYPERPARAMETERS[name].scale == "decay":
        options = decay_options(low, high, current)
    else:
        options = sorted({round(low + (high - low) * k / 40, 6) for k in range(41)} | ({current} - {None}))
    choice_slider(label, options, key, help_text)


def landscape_param_control(param: Param, lang: str) -> None:
    key = S.param_key(param.name)
    label = param.label.get(lang, param.name)
    if param.log:
        choice_slider(label, log_options(param.low, param.high, st.session_state.get(key)), key)
    else:
        st.slider(label, min_value=float(param.low), max_value=float(param.high), step=(param.high - param.low) / 100,
                  key=key, persist_state="session")


def _apply_preset() -> None:
    preset = PRESETS.get(st.session_state.get("preset"))
    if preset is not None:
        S.load_scene(st.session_state, preset.scene.replace(language=st.session_state.get("lang", "ko")))


def language_control() -> None:
    choice(st.segmented_control, "Language / 언어", LANGUAGES, key="lang", required=True,
           format_func=lambda code: {"ko": "한국어", "en": "English"}[code],
           label_visibility="collapsed", persist_state="session")


def preset_control(lang: str) -> None:
    choice(st.selectbox, t("ctl.preset", lang), list(PRESETS), index=None, key="preset",
           placeholder=t("ctl.preset_placeholder", lang), format_func=lambda pid: PRESETS[pid].name[lang],
           on_change=_apply_preset, help=t("ctl.preset.help", lang))


def _landscape_changed() -> None:
    if st.session_state["landscape"] in LANDSCAPES:
        S.change_landscape(st.session_state)
    else:
        formula_selected(st.session_state)


def landscape_controls(lang: str) -> None:
    st.subheader(t("ctl.landscape_header", lang))
    options = list(LANDSCAPES) + ["custom"]
    choice(st.selectbox, t("ctl.landscape", lang), options, key="landscape",
           format_func=lambda lid: LANDSCAPES[lid].name[lang] if lid in LANDSCAPES else t("ctl.custom", lang),
           on_change=_landscape_changed, persist_state="session")
    landscape = LANDSCAPES.get(st.session_state["landscape"])
    if landscape is None:
        formula_controls(lang)
        return
    st.caption(landscape.description[lang])
    for param in landscape.params:
        landscape_param_control(param, lang)
    if is_model(landscape):
        model_controls(lang)


def model_controls(lang: str) -> None:
    """A model's slice (what the contour and the 3D view show) and what its start means."""
    st.selectbox(t("ctl.slice", lang), options=SLICE_KINDS, key="slice", format_func=lambda k: t(f"slice.{k}", lang),
                 help=t("ctl.slice.help", lang), persist_state="session")
    st.caption(t("model.start", lang))


def start_controls(lang: str, bounds, clickable: bool = True) -> None:
    (x0, x1), (y0, y1) = bounds
    left, right = st.columns(2)
    for column, key, low, high in ((left, "start_x", x0, x1), (right, "start_y", y0, y1)):
        column.number_input(t(f"ctl.{key}", lang), min_value=float(low), max_value=float(high), step=0.1,
                            format="%.3f", key=key, persist_state="session")
    if clickable:  # a model's contour is a slice, not the plane its start moves in
        st.caption(t("ctl.start.help", lang))


def steps_controls(lang: str, stochastic: bool) -> None:
    st.number_input(t("ctl.steps", lang), min_value=1, max_value=MAX_STEPS, step=10, key="steps",
                    help=t("ctl.steps.help", lang), persist_state="session")
    if stochastic:
        st.slider(t("ctl.noise", lang), min_value=0.0, max_value=10.0, step=0.1, key="noise",
                  help=t("ctl.noise.help", lang), persist_state="session")
        st.number_input(t("ctl.seed", lang), min_value=0, max_value=2**31 - 1, step=1, key="seed",
                        help=t("ctl.seed.help", lang), persist_state="session")


def _add_run() -> None:
    S.add_run(st.session_state, S.new_run(st.session_state.get("new_run_optimizer") or "gd"))


def run_controls(lang: str, run_id: int, number: int, label: str) -> None:
    key = lambda name: S.run_key(run_id, name)  # noqa: E731
    visible = st.session_state.get(key("visible"), True)
    title = f"{number}. {label}" + ("" if visible else f" · {t('ctl.hidden', lang)}")
    # Open stays open when the title (which shows η) changes and the expander is therefore a new one.
    settings = st.expander(title, expanded=bool(st.session_state.get(key("settings"), False)), key=key("settings"),
                           on_change="rerun")
    if not settings.open:  # a closed run sends no widgets; their values persist in the session
        return
    with settings:
        choice(st.selectbox, t("ctl.optimizer", lang), OPTIMIZER_IDS, key=key("optimizer"),
               format_func=lambda oid: optimizer_choice(oid, lang),
               on_change=S.reset_optimizer, args=(st.session_state, run_id), persist_state="session")
        choice(st.segmented_control, t("ctl.convention", lang), CONVENTIONS, key=key("convention"), required=True,
               format_func=lambda c: t(f"ctl.convention.{c}", lang), help=t("ctl.convention.help", lang),
               on_change=S.change_optimizer, args=(st.session_state, run_id), persist_state="session")
        optimizer = st.session_state[key("optimizer")]
        convention = st.session_state.get(key("convention")) or "lecture"
        for name in hyperparameters(optimizer, convention):
            hparam_control(run_id, name, lang, optimizer)
        batch = st.session_state.get(key("batch"), S.FULL_BATCH)
        sizes = sorted(set(BATCH_CHOICES) | ({batch} - {S.FULL_BATCH}))
        choice(st.selectbox, t("ctl.batch", lang), [S.FULL_BATCH, *sizes], key=key("batch"),
               help=t("ctl.batch.help", lang), persist_state="session",
               format_func=lambda b: t("ctl.batch_full", lang) if b == S.FULL_BATCH else str(b))
        # Two rows (show and colour, then the buttons): one row of three cut every label ("S…", "Du…", "Re…"), and the
        # colour beside the optimizer cut its name.
        shown = st.columns([3, 1], vertical_alignment="center")
        shown[0].toggle(t("ctl.visible", lang), key=key("visible"), persist_state="session")
        shown[1].color_picker(t("ctl.color", lang), key=key("color"), label_visibility="collapsed",
                              help=t("ctl.color", lang), persist_state="session")
        buttons = st.columns(2)
        buttons[0].button(t("ctl.duplicate", lang), key=key("duplicate"), width="stretch",
                          disabled=len(st.session_state[S.RUN_IDS]) >= MAX_RUNS, help=t("ctl.duplicate.help", lang),
                          on_click=lambda: S.add_run(st.session_state, S.read_run(st.session_state, run_id, S.new_run("gd"))))
        buttons[1].button(t("ctl.remove", lang), key=key("remove"), width="stretch", help=t("ctl.remove.help", lang),
                          on_click=S.remove_run, args=(st.session_state, run_id))


def runs_controls(lang: str, labels: list[str]) -> None:
    st.subheader(t("ctl.runs_header", lang))
    for number, (run_id, label) in enumerate(zip(list(st.session_state[S.RUN_IDS]), labels), start=1):
        run_controls(lang, run_id, number, label)
    full = len(st.session_state[S.RUN_IDS]) >= MAX_RUNS
    # The select on its own row: beside the button it cut the optimizer's name at the sidebar's width.
    choice(st.selectbox, t("ctl.new_run", lang), OPTIMIZER_IDS, key="new_run_optimizer",
           format_func=lambda oid: optimizer_choice(oid, lang))
    st.button(t("ctl.add_run", lang), key="add_run", on_click=_add_run, disabled=full, type="primary",
              icon=":material/add:", width="stretch", help=t("ctl.add_run.help", lang, n=MAX_RUNS))


def view_controls(lang: str) -> None:
    st.subheader(t("ctl.view_header", lang))
    st.toggle(t("ctl.log_loss", lang), key="log_loss", persist_state="session")
    choice(st.selectbox, t("ctl.field", lang), FIELD_MODES, key="field", format_func=lambda m: t(f"ctl.field.{m}", lang),
           help=t("ctl.field.help", lang), persist_state="session")
    st.toggle(t("ctl.show_critical", lang), key="show_critical", persist_state="session")
    st.toggle(t("ctl.projector", lang), key="projector", help=t("ctl.projector.help", lang), persist_state="session")


def sidebar(scene: Scene, landscape: Landscape) -> None:
    """All scene controls, in the order a lecturer sets a scene up."""
    lang = scene.language
    with st.sidebar:
        language_control()
        preset_control(lang)
        landscape_controls(lang)
        start_controls(lang, landscape.bounds, clickable=not is_model(landscape))
        steps_controls(lang, stochastic=any(run.batch_size is not None for run in scene.runs))
        runs_controls(lang, [run.label(lang) for run in scene.runs])
        view_controls(lang)
