"""Finite sums: a surface written as the mean of N per-sample losses, the source of SGD's noise.

``FiniteSum.landscape`` is the plotted surface and equals, exactly, the mean of
``sample_loss(w, data[i], theta)`` over the N rows of ``data``. Stochastic optimizers draw their
gradients from a few of those rows.
"""

from __future__ import annotations

import dataclasses
import functools

import jax
import jax.numpy as jnp
import numpy as np

from landscapes.base import CriticalPoint, Landscape, Param

DEFAULT_SAMPLES = 64
NOISE = Param("noise", 1.0, 0.0, 10.0, {"ko": "잡음 σ", "en": "noise σ"})


@dataclasses.dataclass(frozen=True)
class FiniteSum:
    landscape: Landscape
    sample_loss: object  # (w, datum, theta) -> scalar, module-level or cached so it is a stable key
    data: np.ndarray  # (N, k) float32

    @property
    def n(self) -> int:
        return int(self.data.shape[0])

    def mean_loss(self, w) -> jnp.ndarray:
        theta = self.landscape.theta_arrays()
        return jnp.mean(jax.vmap(self.sample_loss, (None, 0, None))(w, jnp.asarray(self.data), theta))


@functools.lru_cache(maxsize=64)  # bounded: every typed formula is a new family
def _tilted_loss(family):
    def sample_loss(w, z, theta):
        return family(w, theta) + theta["noise"] * jnp.dot(z, w)

    return sample_loss


def tilt_directions(n: int = DEFAULT_SAMPLES, seed: int = 0) -> np.ndarray:
    """N directions with unit variance per coordinate and an exactly zero mean (in float64)."""
    z = np.random.default_rng(seed).standard_normal((n, 2))
    z -= z.mean(axis=0)
    z /= z.std(axis=0)
    return z.astype(np.float32)


def tilted(landscape: Landscape, *, noise: float = NOISE.default, n: int = DEFAULT_SAMPLES, seed: int = 0) -> FiniteSum:
    """fᵢ(w) = f(w) + σ zᵢ·w with Σ zᵢ = 0, so the mean of the fᵢ is f itself.

    σ ("noise") becomes one more traced landscape parameter.
    """
    with_noise = dataclasses.replace(
        landscape,
        params=tuple(p for p in landscape.params if p.name != "noise") + (NOISE,),
    ).with_params(noise=noise)
    return FiniteSum(with_noise, _tilted_loss(landscape.family), tilt_directions(n, seed))


# --- a real data landscape: least-squares line fit -----------------------------------------------

def _line_data(n: int = DEFAULT_SAMPLES, seed: int = 7) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1.5, 1.5, n)
    y = 2.0 * x - 1.0 + rng.normal(0.0, 0.8, n)
    return np.stack([x, y], axis=1).astype(np.float32)


LINE_DATA = _line_data()


def line_fit_sample_loss(w, datum, theta):
    """½ (w·x + b − y)² for one sample; w = (slope, intercept)."""
    return 0.5 * (w[0] * datum[0] + w[1] - datum[1]) ** 2


def line_fit(w, theta):
    data = jnp.asarray(LINE_DATA)
    residual = w[0] * data[:, 0] + w[1] - data[:, 1]
    return 0.5 * jnp.mean(residual**2)


def _least_squares(theta):
    x, y = LINE_DATA[:, 0].astype(np.float64), LINE_DATA[:, 1].astype(np.float64)
    design = np.stack([x, np.ones_like(x)], axis=1)
    slope, intercept = np.linalg.lstsq(design, y, rcond=None)[0]
    return (CriticalPoint((float(slope), float(intercept)), "global_min"),)


LINE_FIT = Landscape(
    id="line_fit",
    name={"ko": "직선 회귀 (데이터 64개)", "en": "Line fit (64 data points)"},
    family=line_fit,
    bounds=((-2.0, 6.0), (-5.0, 3.0)),
    starts=((-1.5, 2.5), (5.0, -4.0), (0.0, 0.0)),
    description={
        "ko": "데이터 y ≈ w·x + b에 직선을 맞추는 평균제곱오차. 각 데이터 점이 손실 하나를 더한다.",
        "en": "Mean squared error of fitting y ≈ w·x + b to data; each data point adds one loss term.",
    },
    critical=_least_squares,
    latex=r"L(w,b)=\frac{1}{N}\sum_i \tfrac12\,(w x_i+b-y_i)^2",
)

LINE_FIT_SUM = FiniteSum(LINE_FIT, line_fit_sample_loss, LINE_DATA)


def as_finite_sum(landscape: Landscape, *, noise: float = NOISE.default, seed: int = 0) -> FiniteSum:
    """The finite-sum form of any landscape: its own data where it has some, tilted copies otherwise."""
    if landscape.family is line_fit:
        return LINE_FIT_SUM
    if hasattr(landscape, "finite_sum"):  # a model: its training data
        return landscape.finite_sum()
    return tilted(landscape, noise=noise, seed=seed)
