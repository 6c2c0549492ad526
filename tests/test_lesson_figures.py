"""figures/lessons.py: the lessons' figures draw their records' numbers (pure Plotly, no Streamlit)."""

from __future__ import annotations

import numpy as np
import pytest

from analysis import lessons
from figures import lessons as lesson_figures
from figures import theme_named

SCREEN = theme_named("screen")


def traces(figure, role):
    return [trace for trace in figure.data if (trace.meta or {}).get("role") == role]


def test_escape_figure_crosses_the_escape_line_at_each_runs_escape_step():
    result = lessons.LESSONS_BY_ID["saddle"].result()
    figure = lesson_figures.escape_figure(result.records["escape"], SCREEN, "en")
    for role, escape in (("gd", result.figures["gd_escape"]), ("momentum", result.figures["momentum_escape"])):
        (trace,) = traces(figure, role)
        x, y = np.asarray(trace.x), np.asarray(trace.y)
        assert np.all(np.diff(y) >= 0)  # the farthest distance so far never falls
        assert x[np.argmax(y >= lessons.ESCAPE_DISTANCE)] == pytest.approx(escape, abs=1)  # thinned to ≤ 600 points
    (label,) = figure.layout.annotations
    assert label.y == pytest.approx(np.log10(lessons.ESCAPE_DISTANCE))  # on the line, not 10^0.5 above it
    (median,) = traces(figure, "noise_median")
    crossing = np.asarray(median.x)[np.argmax(np.asarray(median.y) >= lessons.ESCAPE_DISTANCE)]
    assert result.figures["noise_min"] <= crossing <= result.figures["noise_max"]


def test_budget_figure_puts_each_step_at_its_work():
    result = lessons.LESSONS_BY_ID["batch"].result()
    figure = lesson_figures.budget_figure(result.records["budget"], SCREEN, "en")
    (gd,) = traces(figure, "budget_gd")
    np.testing.assert_array_equal(np.asarray(gd.x), 64.0 * np.arange(1, lessons.BUDGET_PASSES + 1))
    (sgd,) = traces(figure, "budget_sgd")
    assert sgd.x[0] == 1.0 and sgd.x[-1] == 64.0 * lessons.BUDGET_PASSES
    assert len(traces(figure, "budget_band_gd")) == 0 and len(traces(figure, "budget_band_sgd")) == 1  # GD: one run
    assert figure.layout.shapes[0].x0 == 64  # one pass over the data ...
    assert figure.layout.annotations[0].x == pytest.approx(np.log10(64))  # ... labelled there (log axis: log10 units)


def test_race_figure_draws_the_classical_rate_beside_each_tuned_run():
    result = lessons.LESSONS_BY_ID["ravine"].result()
    race = result.records["race"]
    figure = lesson_figures.race_figure(race, SCREEN, "en")
    for run, distance, rate in zip(race.runs, race.distances, race.rates):
        (theory,) = traces(figure, f"theory_{run.optimizer}")
        np.testing.assert_allclose(theory.y, distance[0] * rate ** np.asarray(theory.x), rtol=1e-5)
    gd_arrives = np.argmax(race.distances[0] <= race.tolerance)
    assert gd_arrives == pytest.approx(result.figures["gd_steps"], abs=2)  # the scene's GD is the tuned one
