"""The whole suite's settings.

Hypothesis: bounded, reproducible examples, so CI stays fast and a failure found once is found again
(``HYPOTHESIS_PROFILE=thorough`` draws ten times more, with fresh randomness).

Lessons: the app measures a lesson only when a test opens it (``LOSS_LAB_MEASURE_LESSONS=off``), not every lesson
at start in the background, which would compete with the other tests for the processor for minutes.
tests/test_lesson_measurements.py starts the background measuring itself, as the app does."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

from analysis.lessons import MEASURE_ENV

os.environ.setdefault(MEASURE_ENV, "off")

settings.register_profile("suite", max_examples=200, derandomize=True, deadline=None, database=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=2000, deadline=None, database=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "suite"))
