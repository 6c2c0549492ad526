"""Hypothesis' settings for the whole suite: bounded, reproducible examples, so CI stays fast and a failure
found once is found again. ``HYPOTHESIS_PROFILE=thorough`` draws ten times more, with fresh randomness."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile("suite", max_examples=200, derandomize=True, deadline=None, database=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=2000, deadline=None, database=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "suite"))
