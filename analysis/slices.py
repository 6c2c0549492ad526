"""2-D slices of a model's loss: θ(α, β) = θ_c + α·d₁ + β·d₂, and runs projected onto their plane.

A model trains in its whole parameter space (landscapes/models.py); the contour and the 3D view show one
plane of it. Three honest choices, each saying what it is:

- ``coordinate_slice``: two of the model's own coordinates (the cubic's c and d), the others held at the
  centre (the cubic's least-squares optimum): exact for those two; α and β are the coordinates' values;
- ``filter_normalized_slice``: two random directions through a point, each filter of each rescaled to the
  norm of that filter of the point, biases not moved (Li et al. 2018, "Visualizing the Loss Landscape of
  Neural Nets");
- ``pca_slice``: the first two principal directions of the runs' points, through their mean: the plane that
  keeps most of the paths, with the share of their variance it keeps.

A 2-D slice of a high-dimensional loss is not the loss: a path's projection can cross contour lines its run
never crossed. No Streamlit, no Plotly here.
"""

from __future__ import annotations

import functools
from typing import NamedTuple, Sequence

import jax
import jax.numpy as jnp
import numpy as np

from landscapes.models import ModelLandscape

SLICE_RESOLUTION = 61
MARGIN = 0.25  # the grid reaches this fraction of the paths' extent beyond them
MIN_HALF_WIDTH = 0.05  # in units of the directions; a grid is never narrower than this either side
FILTER_HALF_WIDTH = 1.0  # filter-normalised directions: at least α, β ∈ [−1, 1], as Li et al. draw them


class Slice(NamedTuple):
    kind: str  # one of SLICE_KINDS
    centre: np.ndarray  # (n,) float64, θ_c
    directions: np.ndarray  # (2, n) float64, d₁ and d₂
    explained: float | None  # PCA: the share of the points' variance the plane keeps; None otherwise


def coordinate_slice(model: ModelLandscape, through) -> Slice:
    """The plane of the model's ``axes`` coordinates, the others at ``through`` (α, β = the two coordinates)."""
    centre = np.array(through, dtype=np.float64)
    centre[list(model.axes)] = 0.0
    directions = np.zeros((2, model.dimension))
    directions[0, model.axes[0]] = directions[1, model.axes[1]] = 1.0
    return Slice("coordinates", centre, directions, None)


def filter_normalized(direction: np.ndarray, point: np.ndarray, model: ModelLandscape) -> np.ndarray:
    """Li et al.'s normalisation: each filter of ``direction`` gets the norm of that filter of ``point``;
    the biases get 0."""
    out = np.array(direction, dtype=np.float64)
    for indices in model.filters:
        rows = list(indices)
        norm = np.linalg.norm(out[rows])
        out[rows] *= np.linalg.norm(point[rows]) / norm if norm > 0 else 0.0
    out[list(model.biases)] = 0.0
    return out


def filter_normalized_slice(model: ModelLandscape, through, seed: int) -> Slice:
    """Two Gaussian directions drawn from ``seed``, filter-normalised to ``through``, the plane through it."""
    centre = np.asarray(through, dtype=np.float64)
    draws = np.random.default_rng(seed).standard_normal((2, model.dimension))
    return Slice("filter", centre, np.stack([filter_normalized(d, centre, model) for d in draws]), None)


def pca_slice(paths: Sequence[np.ndarray]) -> Slice:
    """The first two principal directions of every point of ``paths`` (each (T, n)), through their mean.

    The eigenvectors of the points' scatter matrix (n × n) rather than an SVD of the points (T × n): the same
    directions, 17 ms instead of 90 ms for four runs of the small network (1,204 × 337). Each direction's largest
    component is positive, so the view keeps its orientation when a run changes a little."""
    points = np.concatenate([np.asarray(p, dtype=np.float64) for p in paths])
    centre = points.mean(axis=0)
    offsets = points - centre
    variance, vectors = np.linalg.eigh(offsets.T @ offsets)  # ascending
    total = float(np.sum(offsets**2))
    kept = min(2, points.shape[1])
    directions = np.zeros((2, points.shape[1]))
    directions[:kept] = vectors[:, ::-1][:, :kept].T
    largest = np.argmax(np.abs(directions), axis=1)
    directions *= np.where(directions[np.arange(2), largest] < 0, -1.0, 1.0)[:, None]
    explained = float(np.clip(variance[::-1][:kept].sum() / total, 0.0, 1.0)) if total > 0 else 1.0
    return Slice("pca", centre, directions, explained)


def project(plane: Slice, params) -> np.ndarray:
    """(T, 2): each row of ``params`` (T, n) as the (α, β) of its nearest point of the plane (least squares)."""
    offsets = np.asarray(params, dtype=np.float64) - plane.centre
    solution, *_ = np.linalg.lstsq(plane.directions.T, offsets.T, rcond=None)
    return solution.T


def in_plane(plane: Slice, alpha_beta) -> np.ndarray:
    """(T, n): the parameters θ_c + α d₁ + β d₂ of each row of ``alpha_beta`` (T, 2)."""
    return plane.centre + np.asarray(alpha_beta, dtype=np.float64) @ plane.directions


def grid_bounds(projected: Sequence[np.ndarray], min_half_width: float = MIN_HALF_WIDTH
                ) -> tuple[tuple[float, float], tuple[float, float]]:
    """A square window around every projected point (and the centre, α = β = 0), with a margin: α and β
    drawn to the same scale, as the contour draws x and y."""
    points = np.concatenate([np.zeros((1, 2)), *[np.asarray(p, dtype=np.float64) for p in projected]])
    points = points[np.all(np.isfinite(points), axis=1)]
    low, high = points.min(axis=0), points.max(axis=0)
    half = np.full(2, max(float(np.max(high - low)) * (0.5 + MARGIN), min_half_width))
    middle = (low + high) / 2
    return tuple((float(middle[k] - half[k]), float(middle[k] + half[k])) for k in (0, 1))


@functools.partial(jax.jit, static_argnames=("family",))
def _plane_losses(family, theta, centre, directions, alphas, betas):
    """A row of the grid vmapped, the rows one after another: a model's activations for the whole grid at once
    (3,721 × 200 × 16 floats per layer for the MLP) do not fit in a cache, a row's do (3–8× faster side by side
    on the shared machine, the same numbers)."""
    def loss_at(alpha, beta):
        return family(centre + alpha * directions[0] + beta * directions[1], theta)

    row = jax.vmap(loss_at, in_axes=(0, None))
    return jax.lax.map(lambda beta: row(alphas, beta), betas)


def slice_losses(model: ModelLandscape, plane: Slice, xs, ys) -> np.ndarray:
    """(R, R) float32, z[i, j] = the full training loss at θ_c + xs[j] d₁ + ys[i] d₂ (NaN where not finite)."""
    dtype = jnp.result_type(float)
    z = np.array(_plane_losses(model.family, model.theta_arrays(), jnp.asarray(plane.centre, dtype),
                               jnp.asarray(plane.directions, dtype), jnp.asarray(xs, dtype), jnp.asarray(ys, dtype)),
                 dtype=np.float32)
    z[~np.isfinite(z)] = np.nan
    return z


@functools.partial(jax.jit, static_argnames=("family",))
def _losses_at(family, theta, centre, directions, alpha_beta):
    return jax.vmap(lambda ab: family(centre + ab[0] * directions[0] + ab[1] * directions[1], theta))(alpha_beta)


def losses_at(model: ModelLandscape, plane: Slice, alpha_beta) -> np.ndarray:
    """(T,) float32: the training loss at the plane's point of each row (α, β) of ``alpha_beta`` (NaN where not finite)."""
    dtype = jnp.result_type(float)
    z = np.array(_losses_at(model.family, model.theta_arrays(), jnp.asarray(plane.centre, dtype),
                            jnp.asarray(plane.directions, dtype), jnp.asarray(alpha_beta, dtype)), dtype=np.float32)
    z[~np.isfinite(z)] = np.nan
    return z


def plane_for(kind: str, model: ModelLandscape, paths: Sequence[np.ndarray], start, seed: int) -> Slice:
    """The plane a scene asks for. Through run 1's last point (the start when there is no run); the
    coordinate plane through the model's optimum where it has a closed form (the cubic); PCA needs a
    path that moved (else the coordinate plane)."""
    through = np.asarray(paths[0][-1] if paths else start, dtype=np.float64)
    if kind == "pca" and paths and np.ptp(np.concatenate(paths), axis=0).max() > 0:
        return pca_slice(paths)
    if kind == "filter":
        return filter_normalized_slice(model, through, seed)
    return coordinate_slice(model, model.optimum(model.theta) if model.optimum is not None else through)
