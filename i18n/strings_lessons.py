"""Texts of lesson mode, internals and the stochastic-gradient views, in Korean and English."""

STRINGS: dict[str, dict[str, str]] = {}
