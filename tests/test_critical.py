"""The critical-point finder: from a grid of seeds it finds every declared critical point of every
catalog surface with its kind, at default and other parameter values, with the Hessian's eigenpairs."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from landscapes import KINDS, LANDSCAPES, SURFACES, find_critical_points

POSITION_TOL = 1e-5


def nearest(found, xy):
    distances = [np.hypot(p.xy[0] - xy[0], p.xy[1] - xy[1]) for p in found]
    index = int(np.argmin(distances))
    return found[index], distances[index]


def assert_declared_points_found(landscape):
    found = find_critical_points(landscape)
    assert found, f"{landscape.id}: nothing found"
    for declared in landscape.critical_points:
        point, distance = nearest(found, declared.xy)
        assert distance < POSITION_TOL, f"{landscape.id}: {declared} not found (nearest {point.xy})"
        assert point.kind == declared.kind, f"{landscape.id}: {declared} found as {point.kind}"
    return found


@pytest.mark.parametrize("landscape", SURFACES.values(), ids=SURFACES.keys())
def test_every_declared_critical_point_is_found_with_its_kind(landscape):
    found = assert_declared_points_found(landscape)
    (x0, x1), (y0, y1) = landscape.bounds
    for point in found:
        assert point.kind in KINDS
        assert x0 <= point.xy[0] <= x1 and y0 <= point.xy[1] <= y1
        assert point.gradient_norm < 1e-5 * (1 + abs(point.value))
    values = [p.value for p in found]
    assert values == sorted(values)


PARAMETERISED = [
    LANDSCAPES["rosenbrock"].with_params(a=0.5, b=10.0),
    LANDSCAPES["bowl"].with_params(kappa=50.0, angle=30.0),
    LANDSCAPES["plateau"].with_params(width=0.4),
]
PARAMETERISED_IDS = ["rosenbrock-a0.5", "bowl-rotated", "plateau-narrow"]


@pytest.mark.parametrize("landscape", PARAMETERISED, ids=PARAMETERISED_IDS)
def test_parameterised_surfaces_are_searched_at_their_values(landscape):
    assert_declared_points_found(landscape)


@pytest.mark.parametrize("landscape", [*SURFACES.values(), *PARAMETERISED], ids=[*SURFACES, *PARAMETERISED_IDS])
def test_the_finder_finds_nothing_the_declaration_lacks(landscape):
    """Every critical point inside the bounds is declared, with its kind: the contour's markers are complete."""
    declared = landscape.critical_points
    missing, wrong_kind = [], []
    for point in find_critical_points(landscape):
        match, distance = nearest(declared, point.xy)
        if distance > POSITION_TOL:
            missing.append((point.xy, point.kind))
        elif match.kind != point.kind:
            wrong_kind.append((point.xy, point.kind, match.kind))
    assert missing == [], f"{landscape.id}: critical points not declared: {missing}"
    assert wrong_kind == [], f"{landscape.id}: declared with the wrong kind (found, declared): {wrong_kind}"


def test_six_hump_camel_and_beale_declare_their_saddles_and_maxima():
    counts = lambda landscape_id, kind: sum(p.kind == kind for p in LANDSCAPES[landscape_id].critical_points)
    assert [counts("six_hump_camel", k) for k in ("global_min", "local_min", "saddle", "max")] == [2, 4, 7, 2]
    beale_saddles = sorted(p.xy for p in LANDSCAPES["beale"].critical_points if p.kind == "saddle")
    np.testing.assert_allclose(beale_saddles, [(0.0, 1.0), (0.1005, -2.6445)], atol=1e-4)


def test_global_minima_are_the_lowest_minima():
    counts = {"himmelblau": 4, "six_hump_camel": 2, "wells": 1, "rastrigin": 1, "ackley": 1}
    for landscape_id, count in counts.items():
        found = find_critical_points(LANDSCAPES[landscape_id])
        best = [p for p in found if p.kind == "global_min"]
        assert len(best) == count, landscape_id
        others = [p.value for p in found if p.kind == "local_min"]
        assert all(value > max(p.value for p in best) for value in others)


def test_eigenpairs_are_those_of_the_hessian():
    landscape = LANDSCAPES["bowl"].with_params(kappa=10.0, angle=30.0)
    (point,) = find_critical_points(landscape)
    np.testing.assert_allclose(point.eigenvalues, (1.0, 10.0), rtol=1e-6)
    angle = np.deg2rad(30.0)
    # f = ½(u² + κv²) with v = -sin·x + cos·y: the stiff direction is (-sin, cos)
    stiff = np.array(point.eigenvectors[1])
    assert abs(abs(stiff @ np.array([-np.sin(angle), np.cos(angle)])) - 1.0) < 1e-9
    for point in find_critical_points(LANDSCAPES["six_hump_camel"]):
        with jax.enable_x64(True):
            hessian = np.asarray(jax.hessian(lambda w: landscape_fn(w))(jnp.asarray(point.xy, jnp.float64)))
        for value, vector in zip(point.eigenvalues, point.eigenvectors):
            np.testing.assert_allclose(hessian @ np.array(vector), value * np.array(vector), atol=1e-6 * (1 + abs(value)))


def landscape_fn(w):
    return LANDSCAPES["six_hump_camel"].family(w, {})


def test_degenerate_points_are_classified_by_their_neighbours():
    (monkey,) = find_critical_points(LANDSCAPES["monkey_saddle"])
    assert monkey.kind == "degenerate" and monkey.hessian_singular
    assert max(abs(v) for v in monkey.eigenvalues) < 1e-6


def test_results_are_cached_per_parameter_values():
    landscape = LANDSCAPES["rosenbrock"]
    assert find_critical_points(landscape) is find_critical_points(landscape.with_params(a=1.0))
    moved = find_critical_points(landscape.with_params(a=0.75))
    assert np.allclose(moved[0].xy, (0.75, 0.5625), atol=POSITION_TOL)
