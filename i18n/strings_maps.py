"""Texts of basin-of-attraction maps, hyperparameter sweeps and custom formulas, in Korean and English."""

STRINGS: dict[str, dict[str, str]] = {}
