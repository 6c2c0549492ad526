"""What the Formulas and Internals tabs and the notes bundle write, as a reader sees it: hyperparameters by their
symbols, a switch as on/off in the page's language, no raw keys, no Python ``None``."""

from __future__ import annotations

import re

import pytest

from export import bundle
from i18n import HP_SYMBOLS, setting_text, settings_text, t
from scene import HPARAM_RANGES, from_query
from tests.test_app import load

ADAM_PAIR = {"ls": "bowl", "run": ["adam,lr=0.1,beta2=0.9", "adam,lr=0.1,beta2=0.9,bias_correction=0",
                                   "minibatch,lr=0.2,bs=8"]}
RAW_KEY = re.compile(r"\b(" + "|".join(HPARAM_RANGES) + r")\s*=")  # "bias_correction = 1", "lr=0.1", ...


def test_every_hyperparameter_is_shown_by_symbol_or_as_a_switch():
    for name, (low, high, log) in HPARAM_RANGES.items():
        assert name in HP_SYMBOLS or (low, high, log) == (0.0, 1.0, False), name  # the rest are 0/1 switches
    assert setting_text("beta1", 0.9, "en") == "β₁ = 0.9"
    assert setting_text("bias_correction", 0.0, "en") == "Bias correction: off"
    assert setting_text("bias_correction", 1.0, "ko") == "편향 보정: 켬"
    shown = settings_text((("beta1", 0.9), ("bias_correction", 1.0), ("eps", 1e-8), ("lr", 0.1)), "en")
    assert shown == "η = 0.1, β₁ = 0.9, ε = 1e-08, Bias correction: on"  # η first, the switch last


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_formula_panel_names_hyperparameters_by_symbol_and_switches_in_words(lang):
    at = load({**ADAM_PAIR, "lang": lang}, tab="tab.formulas")
    texts = [m.value for m in at.markdown]
    assert not [text for text in texts if RAW_KEY.search(text)]
    off = f"{t('hp.bias_correction', lang)}: {t('switch.off', lang)}"
    on = f"{t('hp.bias_correction', lang)}: {t('switch.on', lang)}"
    assert sum(off in text for text in texts) == 1 and sum(on in text for text in texts) == 1


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_notes_name_hyperparameters_by_symbol_and_switches_in_words(lang):
    scene, _ = from_query({**ADAM_PAIR, "lang": lang})
    notes = bundle.export_files(scene, ("md",))[bundle.NOTES].decode()
    assert not RAW_KEY.search(notes), RAW_KEY.search(notes)
    assert f"{t('hp.bias_correction', lang)}: {t('switch.off', lang)}" in notes
    assert f"{t('ctl.convention.lecture', lang)}: η = 0.2, B = 8" in notes  # the convention in the page's language
