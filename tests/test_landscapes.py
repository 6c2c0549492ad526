"""The surfaces: declared critical points are critical and of their kind, the declared global minimum
is the lowest point over the bounds, metadata is complete, and finite sums average to the surface."""

from __future__ import annotations

import functools
import itertools
import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from landscapes import KINDS, LANDSCAPES, SURFACES, Landscape, as_finite_sum, tilted
from landscapes.finite_sum import LINE_FIT_SUM, tilt_directions

GRID_POINTS = 401
GRADIENT_TOL = 1e-7
CURVATURE_TOL = 1e-9


def parameter_settings(landscape: Landscape) -> list[Landscape]:
    """The landscape at its defaults and at every corner of its parameter ranges."""
    corners = itertools.product(*[(p.low, p.high) for p in landscape.params])
    return [landscape] + [
        landscape.with_params(**{p.name: v for p, v in zip(landscape.params, corner)})
        for corner in corners if landscape.params
    ]


SETTINGS = [
    pytest.param(setting, id=f"{setting.id}{dict(setting.values) or ''}")
    for landscape in SURFACES.values()
    for setting in parameter_settings(landscape)
]


def float64_theta(landscape: Landscape) -> dict[str, jnp.ndarray]:
    return {k: jnp.asarray(v, jnp.float64) for k, v in landscape.theta.items()}


@functools.partial(jax.jit, static_argnames="family")
def _grid_values(family, theta, xs, ys):  # one program per surface family; theta is traced
    wx, wy = jnp.meshgrid(xs, ys)
    points = jnp.stack([wx.ravel(), wy.ravel()], axis=1)
    return jax.vmap(lambda w: family(w, theta))(points)


# --- metadata --------------------------------------------------------------------------------------

@pytest.mark.parametrize("landscape", SURFACES.values(), ids=SURFACES.keys())
def test_metadata_is_complete_and_consistent(landscape):
    assert LANDSCAPES[landscape.id] is landscape
    for language in ("ko", "en"):
        assert landscape.name[language].strip(), f"{landscape.id}: no {language} name"
        assert landscape.description[language].strip(), f"{landscape.id}: no {language} description"
    assert landscape.name["ko"] != landscape.name["en"]
    (x0, x1), (y0, y1) = landscape.bounds
    assert x0 < x1 and y0 < y1
    assert landscape.starts, f"{landscape.id}: no start points"
    for x, y in landscape.starts:
        assert x0 <= x <= x1 and y0 <= y <= y1, f"{landscape.id}: start {(x, y)} outside {landscape.bounds}"
    assert landscape.latex.strip()
    for param in landscape.params:
        assert param.low < param.high
        assert param.low <= param.default <= param.high, f"{landscape.id}.{param.name} default out of range"
        assert param.label["ko"].strip() and param.label["en"].strip()
        if param.log:
            assert param.low > 0
    assert landscape.critical_points, f"{landscape.id} declares no critical point"
    assert {point.kind for point in landscape.critical_points} <= set(KINDS)


@pytest.mark.parametrize("landscape", [ls for ls in SURFACES.values() if ls.params], ids=lambda ls: ls.id)
def test_with_params_clamps_to_ranges_and_ignores_unknown_names(landscape):
    for param in landscape.params:
        above = landscape.with_params(**{param.name: param.high * 10 + 1})
        below = landscape.with_params(**{param.name: param.low - abs(param.low) - 1})
        inside = landscape.with_params(**{param.name: (param.low + param.high) / 2})
        not_a_number = landscape.with_params(**{param.name: math.nan})
        assert above.theta[param.name] == param.high
        assert below.theta[param.name] == param.low
        assert inside.theta[param.name] == pytest.approx((param.low + param.high) / 2)
        assert not_a_number.theta[param.name] == param.default
    assert landscape.with_params(no_such_parameter=3.0).theta == landscape.theta
    assert landscape.theta == {p.name: p.default for p in landscape.params}, "with_params changed the original"


def test_theta_arrays_follow_the_default_float_dtype():
    rosenbrock = LANDSCAPES["rosenbrock"]
    assert {v.dtype for v in rosenbrock.theta_arrays().values()} == {jnp.dtype(jnp.float32)}
    with jax.enable_x64(True):
        assert {v.dtype for v in rosenbrock.theta_arrays().values()} == {jnp.dtype(jnp.float64)}


# --- critical points -------------------------------------------------------------------------------

@functools.partial(jax.jit, static_argnames="family")
def _gradients_and_hessians(family, theta, points):  # every declared point at once (Rastrigin has 441)
    f = lambda w: family(w, theta)
    return jax.vmap(jax.grad(f))(points), jax.vmap(jax.hessian(f))(points)


@pytest.mark.parametrize("landscape", SETTINGS)
def test_declared_critical_points_are_critical_and_of_their_kind(landscape):
    points = landscape.critical_points
    with jax.enable_x64(True):
        gradients, hessians = _gradients_and_hessians(
            landscape.family, float64_theta(landscape), jnp.asarray([p.xy for p in points], jnp.float64))
    for point, g, hessian in zip(points, np.asarray(gradients), np.asarray(hessians)):
        assert np.linalg.norm(g) < GRADIENT_TOL, f"{point}: gradient {g}"
        low, high = np.linalg.eigvalsh(hessian)
        if point.kind in ("global_min", "local_min"):
            assert low > CURVATURE_TOL, f"{point}: Hessian eigenvalues {low, high}"
        elif point.kind == "max":
            assert high < -CURVATURE_TOL, f"{point}: Hessian eigenvalues {low, high}"
        elif point.kind == "saddle":
            assert low < -CURVATURE_TOL and high > CURVATURE_TOL, f"{point}: Hessian eigenvalues {low, high}"
        else:
            assert max(abs(low), abs(high)) < CURVATURE_TOL, f"{point}: Hessian eigenvalues {low, high}"


def grid_values(landscape: Landscape) -> np.ndarray:
    """f on a GRID_POINTS² grid over the bounds, in float64, shape (y, x)."""
    (x0, x1), (y0, y1) = landscape.bounds
    xs, ys = jnp.linspace(x0, x1, GRID_POINTS), jnp.linspace(y0, y1, GRID_POINTS)
    values = _grid_values(landscape.family, float64_theta(landscape), xs, ys)
    return np.asarray(values).reshape(GRID_POINTS, GRID_POINTS)


@pytest.mark.parametrize("landscape", SETTINGS)
def test_declared_global_minimum_is_lowest_on_a_dense_grid(landscape):
    with jax.enable_x64(True):
        grid = grid_values(landscape)
        theta = float64_theta(landscape)
        f = lambda xy: float(landscape.family(jnp.asarray(xy, jnp.float64), theta))
        global_values = [f(p.xy) for p in landscape.minima if p.kind == "global_min"]
        local_values = [f(p.xy) for p in landscape.minima if p.kind == "local_min"]
    assert np.all(np.isfinite(grid))
    if not global_values:
        # Unbounded below (a pure saddle): then the lowest grid value must lie on the edge of the plot.
        row, col = np.unravel_index(np.argmin(grid), grid.shape)
        assert {row, col} & {0, GRID_POINTS - 1}, f"{landscape.id} has an interior minimum but declares none"
        return
    lowest = min(global_values)
    tol = 1e-9 * (1.0 + abs(lowest))
    assert grid.min() >= lowest - tol, f"grid value {grid.min()} below the declared global minimum {lowest}"
    assert max(global_values) - lowest <= tol, f"declared global minima differ in value: {global_values}"
    assert all(value > lowest + tol for value in local_values), "a local minimum is as deep as the global one"


@pytest.mark.parametrize("landscape", SETTINGS)
def test_critical_points_lie_inside_the_bounds(landscape):
    (x0, x1), (y0, y1) = landscape.bounds
    for point in landscape.critical_points:
        x, y = point.xy
        assert x0 <= x <= x1 and y0 <= y <= y1, f"{point} lies outside the bounds {landscape.bounds}"


# --- finite sums -----------------------------------------------------------------------------------

def random_points(landscape: Landscape, count: int = 16, seed: int = 0) -> np.ndarray:
    (x0, x1), (y0, y1) = landscape.bounds
    rng = np.random.default_rng(seed)
    return np.stack([rng.uniform(x0, x1, count), rng.uniform(y0, y1, count)], axis=1)


def assert_mean_equals_surface(finite_sum, points):
    with jax.enable_x64(True):
        w = jnp.asarray(points, jnp.float64)
        theta = float64_theta(finite_sum.landscape)
        per_sample = jax.vmap(jax.vmap(finite_sum.sample_loss, (None, 0, None)), (0, None, None))
        losses = np.asarray(per_sample(w, jnp.asarray(finite_sum.data, jnp.float64), theta))
        surface = np.asarray(jax.vmap(lambda v: finite_sum.landscape.family(v, theta))(w))
    assert losses.shape == (len(points), finite_sum.n)
    # The data are float32; their mean tilt is zero to float32 rounding, so the sum is exact to ~1e-7 · |w|.
    np.testing.assert_allclose(losses.mean(axis=1), surface, rtol=1e-9, atol=1e-6)
    return losses


@pytest.mark.parametrize("landscape", SURFACES.values(), ids=SURFACES.keys())
def test_finite_sum_mean_is_the_surface(landscape):
    losses = assert_mean_equals_surface(as_finite_sum(landscape), random_points(landscape))
    assert np.all(losses.std(axis=1) > 1e-3), "the samples do not differ, so SGD would have no noise"


@pytest.mark.parametrize("landscape_id", ["bowl", "rosenbrock", "himmelblau", "wells", "six_hump_camel"])
@pytest.mark.parametrize("noise", [0.5, 4.0])
def test_tilted_mean_is_the_surface_for_any_noise_and_seed(landscape_id, noise):
    landscape = LANDSCAPES[landscape_id]
    for seed in (0, 3):
        finite_sum = tilted(landscape, noise=noise, seed=seed)
        assert finite_sum.landscape.theta["noise"] == noise
        points = random_points(landscape, seed=seed)
        losses = assert_mean_equals_surface(finite_sum, points)
        # fᵢ(w) − f(w) = σ zᵢ·w: the spread across samples is σ times that of zᵢ·w.
        spread = losses - losses.mean(axis=1, keepdims=True)
        expected = noise * points @ finite_sum.data.astype(np.float64).T
        np.testing.assert_allclose(spread, expected - expected.mean(axis=1, keepdims=True), rtol=1e-6, atol=1e-6)


def test_zero_noise_makes_every_sample_the_surface():
    finite_sum = tilted(LANDSCAPES["himmelblau"], noise=0.0)
    losses = assert_mean_equals_surface(finite_sum, random_points(finite_sum.landscape))
    np.testing.assert_allclose(losses, losses[:, :1].repeat(finite_sum.n, axis=1), rtol=1e-12)


def test_line_fit_is_its_own_finite_sum():
    assert as_finite_sum(LANDSCAPES["line_fit"]) is LINE_FIT_SUM
    assert_mean_equals_surface(LINE_FIT_SUM, random_points(LINE_FIT_SUM.landscape))
    assert LINE_FIT_SUM.n == 64


@pytest.mark.parametrize("n, seed", [(64, 0), (64, 5), (17, 1)])
def test_tilts_sum_to_zero_with_unit_variance(n, seed):
    z = tilt_directions(n, seed).astype(np.float64)
    assert z.shape == (n, 2)
    np.testing.assert_allclose(z.sum(axis=0), 0.0, atol=n * 1e-7)
    np.testing.assert_allclose(z.var(axis=0), 1.0, rtol=1e-6)
    assert not np.allclose(z, tilt_directions(n, seed + 1)), "the seed does not change the tilts"


def test_finite_sum_mean_loss_matches_the_plotted_function():
    finite_sum = as_finite_sum(LANDSCAPES["rosenbrock"], noise=2.0)
    for w in random_points(finite_sum.landscape, count=4):
        assert float(finite_sum.mean_loss(jnp.asarray(w))) == pytest.approx(float(finite_sum.landscape.fn(w)), rel=1e-5)
