"""The whole suite: the app measures a lesson only when a test opens it (``LOSS_LAB_MEASURE_LESSONS=off``), not
every lesson at start in the background, which would compete with the other tests for the processor for minutes.
tests/test_lesson_measurements.py starts the background measuring itself, as the app does."""

import os

from lessons import MEASURE_ENV

os.environ.setdefault(MEASURE_ENV, "off")
