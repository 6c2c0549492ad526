"""Texts of the Export panel and the export CLI, in Korean and English."""

STRINGS: dict[str, dict[str, str]] = {}
