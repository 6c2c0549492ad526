"""Korean and English strings, one key per text. ``t(key, lang)``; Korean is the default."""

from __future__ import annotations

from i18n import strings, strings_export, strings_lessons, strings_link, strings_maps, strings_models
from optimizers import SPECS
from optimizers.hyperparameters import SWITCH_ON
from optimizers.hyperparameters import SYMBOLS as HP_SYMBOLS

# Each part of the page keeps its texts in its own module; keys must not collide.
STRINGS: dict[str, dict[str, str]] = {}
for _module in (strings, strings_export, strings_lessons, strings_link, strings_maps, strings_models):
    _clash = STRINGS.keys() & _module.STRINGS.keys()
    if _clash:
        raise KeyError(f"i18n keys defined twice: {sorted(_clash)}")
    STRINGS.update(_module.STRINGS)

DEFAULT_LANGUAGE = "ko"

OPTIMIZER_NAMES = {
    "gd": {"ko": "경사하강법 (GD)", "en": "Gradient descent (GD)"},
    "sgd": {"ko": "확률적 경사하강법 (SGD)", "en": "Stochastic GD (SGD)"},
    "minibatch": {"ko": "미니배치 경사하강법", "en": "Mini-batch GD"},
    "momentum": {"ko": "모멘텀", "en": "Momentum"},
    "nag": {"ko": "NAG (네스테로프)", "en": "NAG (Nesterov)"},
    "adagrad": {"ko": "Adagrad", "en": "Adagrad"},
    "adadelta": {"ko": "Adadelta", "en": "Adadelta"},
    "rmsprop": {"ko": "RMSProp", "en": "RMSProp"},
    "adam": {"ko": "Adam", "en": "Adam"},
    "nadam": {"ko": "Nadam", "en": "Nadam"},
    "adamw": {"ko": "AdamW", "en": "AdamW"},
    "adabelief": {"ko": "AdaBelief", "en": "AdaBelief"},
    "lion": {"ko": "Lion", "en": "Lion"},
}


def t(key: str, language: str = DEFAULT_LANGUAGE, **values) -> str:
    """The text for ``key`` in ``language`` (falling back to Korean), formatted with ``values``."""
    entry = STRINGS[key]
    text = entry.get(language) or entry[DEFAULT_LANGUAGE]
    return text.format(**values) if values else text


def error_text(error: Exception, language: str = DEFAULT_LANGUAGE) -> str:
    """An error in the page's language: a refused formula (``landscapes.FormulaError``, keyed by its ``reason``)
    in its own words, any other error as its text."""
    reason = getattr(error, "reason", None)
    if reason is None:
        return str(error)
    values = dict(error.details, position=error.position, token=error.token)
    if "what" in values:
        values["what"] = t(f"formula.what.{values['what']}", language)
    return t(f"formula.{reason}", language, **values)


def hparam_help(name: str, optimizer_id: str, language: str = DEFAULT_LANGUAGE) -> str | None:
    """The help text of a hyperparameter, the optimizer's own where its role differs (Adadelta's ε)."""
    for key in (f"hp.{name}.help.{optimizer_id}", f"hp.{name}.help"):
        if key in STRINGS:
            return t(key, language)
    return None


def setting_text(name: str, value: float, language: str = DEFAULT_LANGUAGE) -> str:
    """One hyperparameter as a reader wants it: "η = 0.1", or a switch by its name, "Bias correction: off"."""
    if name in HP_SYMBOLS:
        return f"{HP_SYMBOLS[name]} = {value:.4g}"
    return f"{t(f'hp.{name}', language)}: {t('switch.on' if value > SWITCH_ON else 'switch.off', language)}"


def settings_text(hparams, language: str = DEFAULT_LANGUAGE) -> str:
    """A run's hyperparameters (name, value pairs), η first, then the others, switches last."""
    order = list(HP_SYMBOLS)
    ranked = sorted(hparams, key=lambda item: order.index(item[0]) if item[0] in order else len(order))
    return ", ".join(setting_text(name, value, language) for name, value in ranked)


def optimizer_name(optimizer_id: str, language: str = DEFAULT_LANGUAGE) -> str:
    names = OPTIMIZER_NAMES.get(optimizer_id, {})
    return names.get(language) or names.get(DEFAULT_LANGUAGE, optimizer_id)


def optimizer_choice(optimizer_id: str, language: str = DEFAULT_LANGUAGE) -> str:
    """The name where an optimizer is chosen or its formula shown, marked when it came after section 2.3.7."""
    name = optimizer_name(optimizer_id, language)
    return name if SPECS[optimizer_id].in_lecture else f"{name} · {t('optimizer.beyond', language)}"
