"""Real models as landscapes of their own kind: the lecture's cubic fit and a small neural network.

A model is a ``ModelLandscape``: a Landscape whose points are the model's parameters θ (``dimension`` of
them) and whose family is the training loss over its whole data set, so the engine, the finite sums and
the scene treat it like any surface. What differs is what a scene's start names: (x, y) is an offset of
the initial parameters along two fixed directions of the parameter space, in units of their norm (the
start plane, ``parameters``); (0, 0) is the initialisation itself.

- ``CUBIC``: PyTorch's "learning with examples" tutorial, y = a + b·x + c·x² + d·x³ fitted to sin(x) at 2,000
  points of [−π, π] by mean squared error (torch.nn.MSELoss). Its least-squares optimum has a closed form.
- ``MLP``: a 2 → 16 → 16 → 1 tanh network on two moons (200 points, drawn inside JAX from the data set seed,
  a traced landscape parameter), binary cross-entropy of its logit. Nothing is downloaded.
"""

from __future__ import annotations

import dataclasses
import functools
from typing import Callable

import jax
import jax.numpy as jnp
import numpy as np

from landscapes.base import Landscape, Param
from landscapes.finite_sum import FiniteSum

START_HALF_WIDTH = 0.5  # the start plane spans ±0.5 ‖θ_init‖ along each of its two directions
START_PLANE_SEED = 1234  # its two directions, fixed per model


@dataclasses.dataclass(frozen=True)
class ModelLandscape(Landscape):
    """A model: ``family(θ, theta)`` is its training loss, θ of shape (dimension,).

    ``filters`` are Li et al.'s filters (each unit's incoming weights, as flat indices into θ) and ``biases``
    the rest, for filter-normalised directions; ``axes`` the two coordinates of the coordinate slice.
    """

    initial: tuple[float, ...] = ()  # θ_init, what the start (0, 0) names
    parameter_names: tuple[str, ...] = ()
    filters: tuple[tuple[int, ...], ...] = ()
    biases: tuple[int, ...] = ()
    axes: tuple[int, int] = (0, 1)
    sample_loss: Callable | None = None  # (θ, datum, theta) -> the loss of one row of ``data``
    data: Callable | None = None  # theta -> (N, k) array: the rows the finite sum draws mini-batches from
    logits: Callable | None = None  # (θ, inputs (N, 2), theta) -> (N,): a classifier's scores (the MLP)
    optimum: Callable | None = None  # theta -> θ* when it has a closed form (the cubic's least squares)
    loss_target: float = 0.0  # "steps to a loss target": the first step from which the loss stays at or below
    radius: float = 1e3  # a parameter beyond this in absolute value has diverged

    @property
    def escape_radius(self) -> float:
        return self.radius

    @property
    def initial_parameters(self) -> np.ndarray:
        return np.asarray(self.initial, dtype=np.float64)

    def start_directions(self) -> np.ndarray:
        """(2, n): the start plane's two orthonormal directions, drawn once per model from a fixed seed."""
        return _orthonormal(np.random.default_rng(START_PLANE_SEED).standard_normal((2, self.dimension)))

    def parameters(self, start) -> np.ndarray:
        """θ_init + ‖θ_init‖ (x u₁ + y u₂) for the start (x, y): (0, 0) is the initialisation."""
        theta0 = self.initial_parameters
        offset = np.asarray(start, dtype=np.float64) @ self.start_directions()
        return theta0 + np.linalg.norm(theta0) * offset

    def finite_sum(self) -> FiniteSum:
        """The training data as a finite sum: the rows mini-batches are drawn from (cached per data set)."""
        return FiniteSum(self, self.sample_loss, _rows(self.id, self.values).astype(np.float32))

    def dataset(self) -> np.ndarray:
        """(N, k) float64: the training data (inputs, then the target)."""
        return _rows(self.id, self.values)


def _orthonormal(vectors: np.ndarray) -> np.ndarray:
    q, _ = np.linalg.qr(np.asarray(vectors, dtype=np.float64).T)
    return q.T


@functools.lru_cache(maxsize=32)
def _rows(model_id: str, values: tuple) -> np.ndarray:
    model = next(m for m in MODELS if m.id == model_id).with_params(**dict(values))
    rows = np.asarray(model.data(model.theta), dtype=np.float64)
    rows.setflags(write=False)
    return rows


def is_model(landscape) -> bool:
    return isinstance(landscape, ModelLandscape)


def _label(ko: str, en: str) -> dict[str, str]:
    return {"ko": ko, "en": en}


# --- the cubic fit of PyTorch's tutorial ---------------------------------------------------------------

CUBIC_SAMPLES = 2000
CUBIC_X = np.linspace(-np.pi, np.pi, CUBIC_SAMPLES)  # float64; jnp makes it the default float dtype
CUBIC_Y = np.sin(CUBIC_X)


def cubic_features(x):
    return jnp.stack([jnp.ones_like(x), x, x**2, x**3], axis=-1)


def cubic_loss(w, theta):
    """Mean squared error of a + b·x + c·x² + d·x³ against sin(x) over the 2,000 points."""
    # The dtype named: once traced in float32 and again under jax.enable_x64, a bare jnp.asarray of these
    # arrays gives back their float32 copy (JAX 0.10.2; tests/test_engine_ndim.py).
    dtype = jnp.result_type(float)
    x, y = jnp.asarray(CUBIC_X, dtype), jnp.asarray(CUBIC_Y, dtype)
    prediction = w[0] + w[1] * x + w[2] * x**2 + w[3] * x**3
    return jnp.mean((prediction - y) ** 2)


def cubic_sample_loss(w, datum, theta):
    x = datum[0]
    return (w[0] + w[1] * x + w[2] * x**2 + w[3] * x**3 - datum[1]) ** 2


def cubic_optimum(theta=None) -> np.ndarray:
    """The least-squares coefficients (a, b, c, d): the normal equations, in float64."""
    design = np.stack([np.ones_like(CUBIC_X), CUBIC_X, CUBIC_X**2, CUBIC_X**3], axis=1)
    return np.linalg.solve(design.T @ design, design.T @ CUBIC_Y)


def _cubic_data(theta) -> np.ndarray:
    return np.stack([CUBIC_X, CUBIC_Y], axis=1)


# The tutorial starts from torch.randn; these are four standard normal draws (NumPy, seed 0), rounded.
CUBIC_INITIAL = (0.126, -0.132, 0.640, 0.105)

CUBIC = ModelLandscape(
    id="cubic_fit",
    name=_label("3차식 맞추기 (PyTorch 예제)", "Cubic fit (PyTorch tutorial)"),
    family=cubic_loss,
    bounds=((-START_HALF_WIDTH, START_HALF_WIDTH), (-START_HALF_WIDTH, START_HALF_WIDTH)),
    starts=((0.0, 0.0),),
    description=_label(
        "강의가 가리키는 PyTorch 예제: y = a + bx + cx² + dx³을 [−π, π]의 sin(x) 2,000개 점에 평균제곱오차로 맞춘다. "
        "매개변수 4개를 실제로 학습시키고, 그 손실을 2차원 단면으로 본다.",
        "The PyTorch tutorial the lecture points to: y = a + bx + cx² + dx³ fitted to sin(x) at 2,000 points of "
        "[−π, π] by mean squared error. Its 4 parameters are trained for real; the views show a 2-D slice of the loss.",
    ),
    latex=r"L(a,b,c,d)=\frac{1}{N}\sum_{i=1}^{2000}\left(a+b\,x_i+c\,x_i^2+d\,x_i^3-\sin x_i\right)^2",
    dimension=4,
    initial=CUBIC_INITIAL,
    parameter_names=("a", "b", "c", "d"),
    filters=((1, 2, 3),),  # the tutorial's network form: torch.nn.Linear(3, 1), weights (b, c, d), bias a
    biases=(0,),
    axes=(2, 3),  # c and d, the others at the optimum
    sample_loss=cubic_sample_loss,
    data=_cubic_data,
    optimum=cubic_optimum,
    loss_target=0.01,
)


# --- a small neural network on two moons -------------------------------------------------------------------

MLP_SIZES = (2, 16, 16, 1)
MOONS_SAMPLES = 200
MOONS_NOISE = 0.15
DATA_SEED = Param("data_seed", 0.0, 0.0, 100.0, _label("데이터 시드", "data set seed"))


def _layer_shapes(sizes=MLP_SIZES) -> tuple[tuple[int, int], ...]:
    return tuple((fan_out, fan_in) for fan_in, fan_out in zip(sizes[:-1], sizes[1:]))


def _layers(w):
    """The flat θ as (W, b) per layer, torch.nn.Linear's layout: W (out, in), then b (out,)."""
    layers, at = [], 0
    for fan_out, fan_in in _layer_shapes():
        weights = w[at:at + fan_out * fan_in].reshape(fan_out, fan_in)
        at += fan_out * fan_in
        layers.append((weights, w[at:at + fan_out]))
        at += fan_out
    return layers


def mlp_logits(w, inputs, theta=None):
    """The network's score for each row of ``inputs`` (N, 2): tanh hidden layers, a linear output.

    Computed feature-major, W @ hᵀ with h of shape (units, N): vmapped over many θ (a slice's grid) each product
    keeps the N data points on its long, contiguous axis. A 61×61 slice took 26 ms instead of 45 ms, a 500-step
    training run 17 ms instead of 26 ms (benchmarks/models.py), the same losses to float32 rounding.
    """
    h = inputs.T
    layers = _layers(w)
    for weights, bias in layers[:-1]:
        h = jnp.tanh(weights @ h + bias[:, None])
    weights, bias = layers[-1]
    return (weights @ h + bias[:, None])[0]


def moons(seed):
    """Two interleaving half circles, MOONS_SAMPLES points with Gaussian noise, centred: (points (N, 2), labels (N,)).

    Drawn with jax.random from ``seed`` (its whole part), so a traced seed gives a new data set without a new
    program; drawn in float32 whatever the default float (float64 draws are other numbers), so the full loss and
    the finite sum's rows (``_mlp_data``) are the same data under ``jax.enable_x64`` too.
    """
    key = jax.random.PRNGKey(jnp.floor(seed).astype(jnp.uint32))
    angle_key, noise_key = jax.random.split(key)
    half = MOONS_SAMPLES // 2
    labels = (jnp.arange(MOONS_SAMPLES) >= half).astype(jnp.float32)
    angle = jnp.pi * jax.random.uniform(angle_key, (MOONS_SAMPLES,), dtype=jnp.float32)
    x = jnp.where(labels > 0, 1.0 - jnp.cos(angle), jnp.cos(angle)) - 0.5
    y = jnp.where(labels > 0, 0.5 - jnp.sin(angle), jnp.sin(angle)) - 0.25
    noise = MOONS_NOISE * jax.random.normal(noise_key, (MOONS_SAMPLES, 2), dtype=jnp.float32)
    dtype = jnp.result_type(float)
    return (jnp.stack([x, y], axis=1) + noise).astype(dtype), labels.astype(dtype)


def _cross_entropy(logits, labels):
    """Binary cross-entropy of a score against a 0/1 label, written stably: log(1 + e^z) − y·z."""
    return jax.nn.softplus(logits) - labels * logits


def mlp_loss(w, theta):
    points, labels = moons(theta["data_seed"])
    return jnp.mean(_cross_entropy(mlp_logits(w, points), labels))


def mlp_sample_loss(w, datum, theta):
    return _cross_entropy(mlp_logits(w, datum[None, :2])[0], datum[2])


_moons_on_host = jax.jit(moons)


def _mlp_data(theta) -> np.ndarray:
    points, labels = _moons_on_host(jnp.asarray(theta["data_seed"], jnp.result_type(float)))
    return np.concatenate([np.asarray(points), np.asarray(labels)[:, None]], axis=1)


def _mlp_initial() -> tuple[float, ...]:
    """LeCun-normal weights (variance 1/fan_in) drawn with NumPy's seed 0, zero biases, rounded to 4 digits."""
    rng = np.random.default_rng(0)
    parts = []
    for fan_out, fan_in in _layer_shapes():
        parts += [rng.standard_normal(fan_out * fan_in) / np.sqrt(fan_in), np.zeros(fan_out)]
    return tuple(float(v) for v in np.round(np.concatenate(parts), 4))


def _mlp_structure() -> tuple[tuple[str, ...], tuple[tuple[int, ...], ...], tuple[int, ...]]:
    """Parameter names, filters (each unit's incoming weights) and biases, as flat indices in ``_layers``' order."""
    names, filters, biases, at = [], [], [], 0
    for layer, (fan_out, fan_in) in enumerate(_layer_shapes(), start=1):
        for unit in range(fan_out):
            filters.append(tuple(range(at + unit * fan_in, at + (unit + 1) * fan_in)))
            names += [f"W{layer}[{unit},{j}]" for j in range(fan_in)]
        at += fan_out * fan_in
        biases += range(at, at + fan_out)
        names += [f"b{layer}[{unit}]" for unit in range(fan_out)]
        at += fan_out
    return tuple(names), tuple(filters), tuple(biases)


_MLP_NAMES, _MLP_FILTERS, _MLP_BIASES = _mlp_structure()
MLP_PARAMETERS = len(_MLP_NAMES)

MLP = ModelLandscape(
    id="mlp",
    name=_label("작은 신경망 (두 개의 반달)", "Small neural network (two moons)"),
    family=mlp_loss,
    bounds=((-START_HALF_WIDTH, START_HALF_WIDTH), (-START_HALF_WIDTH, START_HALF_WIDTH)),
    starts=((0.0, 0.0),),
    description=_label(
        f"2 → 16 → 16 → 1 tanh 신경망(매개변수 {MLP_PARAMETERS}개)을 두 반달 모양 데이터 {MOONS_SAMPLES}개에 "
        "교차 엔트로피로 학습시킨다. 데이터는 시드로 만든다. 손실은 그릇이 아니다: 그림은 고차원 손실의 2차원 단면일 뿐이다.",
        f"A 2 → 16 → 16 → 1 tanh network ({MLP_PARAMETERS} parameters) trained by cross-entropy on {MOONS_SAMPLES} "
        "points of two moons, drawn from a seed. Its loss is not a bowl: the views show a 2-D slice of a "
        "high-dimensional loss, not the loss.",
    ),
    latex=(r"L(\theta)=\frac{1}{N}\sum_i \left[\log\!\left(1+e^{f_\theta(x_i)}\right)-y_i f_\theta(x_i)\right],\ "
           r"f_\theta=W_3\tanh(W_2\tanh(W_1x+b_1)+b_2)+b_3"),
    params=(DATA_SEED,),
    dimension=MLP_PARAMETERS,
    initial=_mlp_initial(),
    parameter_names=_MLP_NAMES,
    filters=_MLP_FILTERS,
    biases=_MLP_BIASES,
    axes=(MLP_PARAMETERS - 17, MLP_PARAMETERS - 16),  # the output layer's first two weights
    sample_loss=mlp_sample_loss,
    data=_mlp_data,
    logits=mlp_logits,
    loss_target=0.1,
)

MODELS: tuple[ModelLandscape, ...] = (CUBIC, MLP)


# --- what the views measure on a model ------------------------------------------------------------------

@functools.partial(jax.jit, static_argnames=("logits",))
def _accuracy(logits, params, points, labels):
    scores = jax.vmap(lambda w: logits(w, points))(params)
    return jnp.mean((scores > 0) == (labels[None] > 0.5), axis=1)


def accuracy_along(model: ModelLandscape, params) -> np.ndarray | None:
    """The training accuracy at each row of ``params`` (T, n), for a classifier; None for a regression."""
    if model.logits is None:
        return None
    data = model.dataset()
    return np.asarray(_accuracy(model.logits, np.asarray(params, np.float32), data[:, :2].astype(np.float32),
                                data[:, 2].astype(np.float32)), dtype=np.float32)


@functools.partial(jax.jit, static_argnames=("logits",))
def _probabilities(logits, w, points):
    return jax.nn.sigmoid(logits(w, points))


def decision_grid(model: ModelLandscape, params, resolution: int = 60, margin: float = 0.3):
    """A classifier's P(class 1) on a resolution² grid over its data: (xs, ys, p (R, R) with p[i, j] at (xs[j], ys[i]))."""
    data = model.dataset()
    low, high = data[:, :2].min(axis=0) - margin, data[:, :2].max(axis=0) + margin
    xs, ys = (np.linspace(low[k], high[k], resolution, dtype=np.float32) for k in (0, 1))
    gx, gy = np.meshgrid(xs, ys)
    points = np.stack([gx.ravel(), gy.ravel()], axis=1)
    p = np.asarray(_probabilities(model.logits, np.asarray(params, np.float32), points), np.float32)
    return xs, ys, p.reshape(resolution, resolution)


def steps_to_loss(loss, target: float) -> int | None:
    """The first step from which ``loss`` stays at or below ``target``; None if it ends above it."""
    above = np.flatnonzero(~(np.asarray(loss) <= target))  # NaN counts as above
    if not len(loss) or (above.size and above[-1] == len(loss) - 1):
        return None
    return int(above[-1] + 1) if above.size else 0
