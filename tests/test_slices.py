"""Slices of a model's loss (analysis/slices.py): what each plane is, and how far a run's projection is from the run."""

import jax
import numpy as np
import pytest

import optimizers
from landscapes.models import CUBIC, MLP, cubic_optimum
from analysis.slices import (coordinate_slice, filter_normalized_slice, grid_bounds, in_plane, pca_slice, project,
                    slice_losses)


def mlp_paths(steps=60):
    start = MLP.initial_parameters
    return [optimizers.run(optimizers.make(optimizer_id, lr=lr), MLP, start, steps).params
            for optimizer_id, lr in (("adam", 0.01), ("momentum", 0.05), ("rmsprop", 0.003))]


def test_the_coordinate_slice_through_the_cubic_optimum_is_the_loss_at_those_points():
    optimum = cubic_optimum()
    plane = coordinate_slice(CUBIC, optimum)
    cs, ds = np.linspace(-0.3, 0.3, 7), np.linspace(-0.2, 0.1, 5)
    with jax.enable_x64(True):
        z = slice_losses(CUBIC, plane, cs, ds)
        direct = np.array([[float(CUBIC.family(np.array([optimum[0], optimum[1], c, d]), {})) for c in cs] for d in ds])
    np.testing.assert_allclose(z, direct, rtol=1e-6)
    np.testing.assert_allclose(project(plane, [optimum]), [optimum[[2, 3]]], atol=1e-12)  # α, β = c, d
    assert np.unravel_index(np.argmin(z), z.shape) == (np.argmin(np.abs(ds - optimum[3])), np.argmin(np.abs(cs)))


def test_the_mlps_slice_is_its_loss_at_each_point_of_the_plane():
    plane = filter_normalized_slice(MLP, MLP.initial_parameters, seed=2)  # every layer moves
    xs, ys = np.linspace(-1.0, 0.6, 5), np.linspace(-0.4, 1.0, 3)
    z = slice_losses(MLP, plane, xs, ys)
    theta = MLP.theta_arrays()
    direct = np.array([[float(MLP.family(np.float32(p), theta)) for p in in_plane(plane, [(x, y) for x in xs])]
                       for y in ys])
    assert direct.std() > 0.05
    np.testing.assert_allclose(z, direct, rtol=1e-5)


@pytest.mark.parametrize("model", [CUBIC, MLP], ids=lambda m: m.id)
def test_filter_normalized_directions_have_the_norms_li_et_al_define(model):
    point = model.initial_parameters + 0.1
    plane = filter_normalized_slice(model, point, seed=3)
    for direction in plane.directions:
        for indices in model.filters:
            rows = list(indices)
            np.testing.assert_allclose(np.linalg.norm(direction[rows]), np.linalg.norm(point[rows]), rtol=1e-12)
        np.testing.assert_array_equal(direction[list(model.biases)], 0.0)
    assert len(model.filters) == (1 if model is CUBIC else 16 + 16 + 1)
    assert not np.allclose(plane.directions[0], plane.directions[1])
    np.testing.assert_array_equal(plane.centre, point)
    again = filter_normalized_slice(model, point, seed=3)
    np.testing.assert_array_equal(again.directions, plane.directions)


def test_pca_directions_are_orthonormal_and_the_projection_keeps_the_variance_it_reports():
    paths = mlp_paths()
    plane = pca_slice(paths)
    np.testing.assert_allclose(plane.directions @ plane.directions.T, np.eye(2), atol=1e-10)
    points = np.concatenate(paths).astype(np.float64)
    total = np.sum((points - plane.centre) ** 2)
    residual = sum(np.sum((path - in_plane(plane, project(plane, path))) ** 2) for path in paths)
    assert 0.3 < plane.explained < 1.0
    np.testing.assert_allclose(residual / total, 1.0 - plane.explained, rtol=1e-6, atol=1e-9)
    # the two largest principal directions (an SVD of the points says which), each its largest component positive
    singular = np.linalg.svd(points - plane.centre, compute_uv=False)
    np.testing.assert_allclose(plane.explained, np.sum(singular[:2] ** 2) / np.sum(singular**2), rtol=1e-9)
    assert np.all(plane.directions[np.arange(2), np.argmax(np.abs(plane.directions), axis=1)] > 0)
    # no other plane through the mean keeps more: the plane of two coordinates keeps less
    coordinate = coordinate_slice(MLP, plane.centre)._replace(centre=plane.centre)
    kept_by_coordinates = sum(np.sum((in_plane(coordinate, project(coordinate, p)) - plane.centre) ** 2) for p in paths)
    assert kept_by_coordinates / total < plane.explained


def test_the_grid_holds_every_projected_point():
    paths = mlp_paths(30)
    plane = pca_slice(paths)
    projected = [project(plane, p) for p in paths]
    (x0, x1), (y0, y1) = grid_bounds(projected)
    for p in projected:
        assert np.all((p[:, 0] > x0) & (p[:, 0] < x1) & (p[:, 1] > y0) & (p[:, 1] < y1))
    z = slice_losses(MLP, plane, np.linspace(x0, x1, 9), np.linspace(y0, y1, 9))
    assert z.shape == (9, 9) and np.all(np.isfinite(z)) and z.std() > 0
