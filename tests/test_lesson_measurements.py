"""lessons.Measurements: every lesson's check and share computed once per process by a background thread,
a lesson a page asks for first, a bounded wait, a failure kept as its exception. Real lessons, real engine."""

from __future__ import annotations

import os
import sys
import time

import pytest

from analysis import lessons
from analysis.lessons import LESSONS_BY_ID, Lesson, Measurements, check_gd, measure_at_start
from scene import Run, Scene

QUICK = tuple(LESSONS_BY_ID[i] for i in ("gd", "curvature", "nag", "adagrad", "rmsprop", "adam"))


def test_measure_all_computes_every_lesson_without_being_asked_and_keeps_the_figures():
    measurements = Measurements(QUICK[:3])
    measurements.measure_all()
    deadline = time.monotonic() + 600
    while measurements.progress() != (6, 6) and time.monotonic() < deadline:  # looking only: waiting would ask
        time.sleep(0.05)
    assert measurements.progress() == (6, 6)
    assert measurements.finished == [(lesson.id, part) for lesson in QUICK[:3] for part in lessons.PARTS]  # in order
    for lesson in QUICK[:3]:
        result, robust = measurements.get(lesson.id, "check"), measurements.get(lesson.id, "robustness")
        assert result.figures == lesson.result().figures and result.passed
        assert robust.outcomes == lessons.robustness(lesson).outcomes
    finished = list(measurements.finished)
    measurements.measure_all()  # the app calls it with every run: nothing is measured twice
    assert measurements.wait("gd", 0.0) and measurements.finished == finished


def test_a_lesson_asked_for_is_measured_next():
    measurements = Measurements(QUICK)
    measurements.measure_all()
    measurements.ask("adam")  # the last one queued
    assert measurements.wait("adam", timeout=None)
    order = measurements.finished
    # At most the part already running when it was asked comes before it, then its check and its share.
    assert order.index(("adam", "check")) <= 1 and order.index(("adam", "robustness")) <= 2
    assert all(measurements.wait(lesson.id, timeout=None) for lesson in QUICK)


def test_get_waits_a_bounded_time_and_says_when_it_is_not_measured_yet():
    measurements = Measurements((LESSONS_BY_ID["saddle"],))  # its share runs 16 seeds on 20 nearby scenes
    assert measurements.get("saddle", "robustness", timeout=0.2) is None
    assert measurements.progress()[0] < 2
    assert measurements.get("saddle", "robustness", timeout=None).total == 20


def test_a_failed_measurement_is_kept_and_raised_to_whoever_asks():
    broken = Lesson("broken", 1, None, "2.3.7", Scene(runs=(Run.of("adam"),)), check_gd)  # GD's check, no GD run
    measurements = Measurements((broken,))
    assert measurements.wait("broken", timeout=None)
    with pytest.raises(ValueError, match="no run #1 of gd"):
        measurements.get("broken", "check")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a nice value per thread is Linux's")
def test_the_worker_yields_the_processor_to_the_pages():
    measurements = Measurements(QUICK[:1])
    measurements.measure_all()
    assert measurements.wait("gd", timeout=None)
    page = os.getpriority(os.PRIO_PROCESS, 0)
    assert os.getpriority(os.PRIO_PROCESS, measurements.worker_id) >= min(page + lessons.BACKGROUND_NICENESS, 19)


def test_the_app_measures_at_start_unless_turned_off():
    off = Measurements(QUICK[:1])
    assert not measure_at_start({lessons.MEASURE_ENV: "off"}, off)
    assert off.progress() == (0, 2) and off.worker_id is None and not off.finished
    on = Measurements(QUICK[:1])
    assert measure_at_start({}, on)
    assert on.wait("gd", timeout=None) and on.progress() == (2, 2)
