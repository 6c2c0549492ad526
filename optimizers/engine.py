"""Trace optimizers on surfaces: one jitted ``lax.scan`` per (rule, surface family, steps bucket, mode).

Hyperparameters, landscape parameters, the start point, the seed, the batch size and the step count
(within its power-of-two bucket, see ``scan_length``) are traced arrays, so moving a slider reuses
the compiled program. Everything a caller passes is normalised to arrays of the default float dtype
(``float32``, or ``float64`` under ``jax.enable_x64``) first, because a Python float, a NumPy
float32 and a Python int are different trace types.
"""

from __future__ import annotations

import functools
from typing import Any, Callable, Mapping, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from landscapes import FiniteSum, Landscape
from optimizers.rules import CONVENTIONS, OPTIMIZER_IDS, RULE_TABLE, Rule

DEFAULT_ESCAPE_RADIUS = 1e4
DEFAULT_GRAD_TOL = 1e-3


class Optimizer(NamedTuple):
    """A rule with its hyperparameters: ``init(params)``, ``update(grads, state, params)``."""

    id: str
    convention: str
    rule: Rule
    hparams: Mapping[str, jnp.ndarray]

    def init(self, params):
        return self.rule.init(_float(params))

    def update(self, grads, state, params):
        return self.rule.update(_float(grads), state, _float(params), self.hparams)

    @property
    def latex(self) -> str:
        return self.rule.latex


def _float(value) -> jnp.ndarray:
    return jnp.asarray(value, dtype=jnp.result_type(float))


def make(optimizer_id: str, convention: str = "lecture", **hparams: float) -> Optimizer:
    """The optimizer ``optimizer_id`` in ``convention`` with the given hyperparameters (defaults for the rest)."""
    rule = _rule(optimizer_id, convention)
    unknown = sorted(set(hparams) - set(rule.defaults))
    if unknown:
        raise ValueError(
            f"{optimizer_id} ({convention}) has no hyperparameter {', '.join(unknown)}; "
            f"it takes {', '.join(rule.hparam_names)}"
        )
    values = {**rule.defaults, **hparams}
    for name, value in values.items():
        if not np.isfinite(value):
            raise ValueError(f"{optimizer_id}: {name} must be a finite number, got {value!r}")
    return Optimizer(optimizer_id, convention, rule, {k: _float(v) for k, v in values.items()})


def _rule(optimizer_id: str, convention: str) -> Rule:
    if optimizer_id not in OPTIMIZER_IDS:
        raise ValueError(f"unknown optimizer {optimizer_id!r}; choose one of {', '.join(OPTIMIZER_IDS)}")
    if convention not in CONVENTIONS:
        raise ValueError(f"unknown convention {convention!r}; choose one of {', '.join(CONVENTIONS)}")
    return RULE_TABLE[(optimizer_id, convention)]


def hyperparameters(optimizer_id: str, convention: str = "lecture") -> dict[str, float]:
    """The hyperparameter names of a rule with their default values (no arrays made: the page asks often)."""
    return dict(_rule(optimizer_id, convention).defaults)


class Trajectory(NamedTuple):
    params: np.ndarray  # (k+1, 2), row 0 is the start
    loss: np.ndarray  # (k+1,)
    grads: np.ndarray  # (k, 2), the gradient used at each step
    lr_eff: np.ndarray  # (k, 2), the per-coordinate factor applied to the step direction
    state: Any  # the rule's state after each step, each leaf (k, ...)
    diverged_at: int | None  # first step whose point was non-finite or escaped; the arrays stop before it


class Batch(NamedTuple):
    """``run_many``'s result: leading axis = the batch. Diverged runs are frozen at their last good point."""

    final_params: np.ndarray  # (M, 2)
    final_loss: np.ndarray  # (M,)
    diverged_at: np.ndarray  # (M,) int, -1 where it did not diverge
    converged_at: np.ndarray  # (M,) int, first step whose gradient norm was below grad_tol, -1 if none
    params: np.ndarray | None  # (M, steps+1, 2) with history=True
    loss: np.ndarray | None  # (M, steps+1)


# --- surfaces ---------------------------------------------------------------------------------------

class _Surface(NamedTuple):
    family: Callable  # static
    sample_loss: Callable | None  # static; None for a surface without a finite sum
    theta: Mapping[str, jnp.ndarray]
    data: jnp.ndarray
    radius: jnp.ndarray


@functools.lru_cache(maxsize=64)
def _plain_family(fn):
    return lambda w, theta: fn(w)


def _surface(fn) -> _Surface:
    if isinstance(fn, FiniteSum):
        ls = fn.landscape
        return _Surface(ls.family, fn.sample_loss, ls.theta_arrays(), _float(fn.data), _float(ls.escape_radius))
    if isinstance(fn, Landscape):
        return _Surface(fn.family, None, fn.theta_arrays(), _float(np.zeros((1, 1))), _float(fn.escape_radius))
    if callable(fn):
        return _Surface(_plain_family(fn), None, {}, _float(np.zeros((1, 1))), _float(DEFAULT_ESCAPE_RADIUS))
    raise TypeError(f"expected a Landscape, a FiniteSum or a function of a shape-(2,) array, got {type(fn).__name__}")


# --- the scan -----------------------------------------------------------------------------------------

def _gradient_source(family, sample_loss, theta, data, key, batch_size):
    """g(w, t): the exact gradient, or the mean gradient of a mini-batch drawn without replacement per epoch."""
    if sample_loss is None:
        return lambda w, t: jax.grad(family)(w, theta)
    n = data.shape[0]
    slots = jnp.arange(n)
    per_epoch = jnp.maximum(n // batch_size, 1)
    weights = jnp.where(slots < batch_size, 1.0, 0.0).astype(data.dtype) / batch_size.astype(data.dtype)
    per_sample = jax.vmap(sample_loss, (None, 0, None))

    def gradient(w, t):
        epoch, position = t // per_epoch, t % per_epoch
        order = jax.random.permutation(jax.random.fold_in(key, epoch), n)
        batch = data[order[(position * batch_size + slots) % n]]
        return jax.grad(lambda v: jnp.sum(weights * per_sample(v, batch, theta)))(w)

    return gradient


def _scan(rule, family, sample_loss, steps, history, hp, theta, data, x0, seed, batch_size, radius, grad_tol,
          active_steps):
    gradient = _gradient_source(family, sample_loss, theta, data, jax.random.PRNGKey(seed), batch_size)
    loss0 = family(x0, theta)

    def body(carry, t):
        w, loss, state, diverged_at, converged_at = carry
        at = rule.lookahead(w, state, hp) if rule.lookahead is not None else w
        g = gradient(at, t)
        updates, new_state, lr_eff = rule.update(g, state, w, hp)
        new_w = w + updates
        new_loss = family(new_w, theta)
        bad = ~(jnp.all(jnp.isfinite(new_w)) & jnp.isfinite(new_loss)) | (jnp.max(jnp.abs(new_w)) > radius)
        alive = (diverged_at < 0) & (t < active_steps)  # steps past active_steps only pad the scan
        keep = alive & ~bad
        diverged_at = jnp.where(alive & bad, t + 1, diverged_at)
        converged_at = jnp.where(alive & (converged_at < 0) & (jnp.linalg.norm(g) < grad_tol), t, converged_at)
        pick = lambda new, old: jnp.where(keep, new, old)
        # Only the point and its loss are frozen after a divergence: a non-finite state then gives a
        # non-finite step, which is refused again. Rows past a divergence are cut by the callers.
        carry = (pick(new_w, w), pick(new_loss, loss), new_state, diverged_at, converged_at)
        if not history:
            return carry, None
        zero = jnp.zeros_like(g)
        return carry, (carry[0], carry[1], pick(g, zero), pick(lr_eff, zero), new_state)

    minus_one = jnp.asarray(-1, jnp.int32)
    init = (x0, loss0, rule.init(x0), minus_one, minus_one)
    (w, loss, _, diverged_at, converged_at), rows = jax.lax.scan(body, init, jnp.arange(steps, dtype=jnp.int32))
    return x0, loss0, w, loss, diverged_at, converged_at, rows


_STATIC = ("rule", "family", "sample_loss", "steps", "history")
_single = jax.jit(_scan, static_argnames=_STATIC)


@functools.partial(jax.jit, static_argnames=(*_STATIC, "batched_hparams"))
def _batched(rule, family, sample_loss, steps, history, batched_hparams, hp, theta, data, x0, seed, batch_size,
             radius, grad_tol, active_steps):
    # Hyperparameters shared by the whole batch stay scalars: per-run copies would make every run
    # recompute β^t and friends.
    hp_axes = {name: 0 if name in batched_hparams else None for name in hp}
    one = functools.partial(_scan, rule, family, sample_loss, steps, history)
    return jax.vmap(one, in_axes=(hp_axes, None, None, 0, 0, None, None, None, None))(
        hp, theta, data, x0, seed, batch_size, radius, grad_tol, active_steps
    )


def _inputs(opt: Optimizer, fn, batch_size):
    surface = _surface(fn)
    if batch_size is not None and surface.sample_loss is None:
        raise ValueError("stochastic gradients need a finite sum: pass landscapes.as_finite_sum(landscape)")
    if surface.sample_loss is not None:
        n = surface.data.shape[0]
        batch_size = n if batch_size is None else int(batch_size)
        if not 1 <= batch_size <= n:
            raise ValueError(f"batch size must be between 1 and {n}, got {batch_size}")
    batch = jnp.asarray(1 if batch_size is None else batch_size, jnp.int32)
    static = dict(rule=opt.rule, family=surface.family, sample_loss=surface.sample_loss)
    return static, surface, batch


def _check_steps(steps) -> int:
    steps = int(steps)
    if steps < 1:
        raise ValueError(f"steps must be at least 1, got {steps}")
    return steps


def scan_length(steps: int) -> int:
    """The compiled scan length for ``steps``: the next power of two, at least 16.

    The step count is traced; only its bucket is a compile key, so a step-count control compiles a
    handful of programs (each holds megabytes), not one per value.
    """
    return max(16, 1 << (steps - 1).bit_length())


def run(opt: Optimizer, fn, x0, steps: int, *, batch_size: int | None = None, seed: int = 0,
        grad_tol: float = DEFAULT_GRAD_TOL) -> Trajectory:
    """Trace ``opt`` from ``x0`` for ``steps`` steps on ``fn``.

    ``fn`` is a Landscape, a FiniteSum (then ``batch_size`` samples per step; all N when None)
    or a JAX function of a shape-(2,) array. After a divergence the arrays are cut before it.
    """
    start = _float(x0)
    if start.shape != (2,) or not bool(jnp.all(jnp.isfinite(start))):
        raise ValueError(f"the start point must be two finite numbers, got {x0!r}")
    static, surface, batch = _inputs(opt, fn, batch_size)
    steps = _check_steps(steps)
    _, loss0, _, _, diverged_at, _, rows = _single(
        steps=scan_length(steps), history=True, hp=opt.hparams, theta=surface.theta, data=surface.data,
        x0=start, seed=jnp.asarray(seed, jnp.uint32), batch_size=batch, radius=surface.radius,
        grad_tol=_float(grad_tol), active_steps=jnp.asarray(steps, jnp.int32), **static,
    )
    params, loss, grads, lr_eff, state = jax.tree.map(lambda leaf: leaf[:steps], jax.device_get(rows))
    params = np.concatenate([np.asarray(start)[None], params])
    loss = np.concatenate([np.asarray(loss0)[None], loss])
    k = int(diverged_at)
    if k < 0:
        return Trajectory(params, loss, grads, lr_eff, state, None)
    cut = lambda leaf: leaf[: k - 1]
    return Trajectory(params[:k], loss[:k], grads[: k - 1], lr_eff[: k - 1], jax.tree.map(cut, state), k)


def run_many(opt: Optimizer, fn, starts, steps: int, *, hparams: Mapping[str, Any] | None = None,
             batch_size: int | None = None, seed=0, history: bool = False,
             grad_tol: float = DEFAULT_GRAD_TOL) -> Batch:
    """Many runs in one vmapped program: M start points and/or M hyperparameter settings.

    ``starts`` is (M, 2) or one point; each entry of ``hparams`` is a scalar or an (M,) array
    overriding ``opt``'s value; ``seed`` is a scalar or (M,). Everything broadcasts to M.
    """
    starts = np.atleast_2d(np.asarray(starts, dtype=np.float64))
    hparams = dict(hparams or {})
    unknown = sorted(set(hparams) - set(opt.hparams))
    if unknown:
        raise ValueError(f"{opt.id} has no hyperparameter {', '.join(unknown)}")
    sizes = {len(starts), np.size(seed), *(np.size(v) for v in hparams.values())} - {1}
    if len(sizes) > 1:
        raise ValueError(f"batch sizes disagree: {sorted(sizes)}")
    m = sizes.pop() if sizes else 1
    batched_hparams = tuple(sorted(name for name, value in hparams.items() if np.size(value) > 1))
    spread = lambda v: _float(np.broadcast_to(np.asarray(v, dtype=np.float64), (m,)))
    hp = {name: spread(hparams[name]) if name in batched_hparams else _float(hparams.get(name, value))
          for name, value in opt.hparams.items()}
    x0 = _float(np.broadcast_to(starts, (m, 2)))
    seeds = jnp.asarray(np.broadcast_to(np.asarray(seed, dtype=np.uint32), (m,)))
    static, surface, batch = _inputs(opt, fn, batch_size)
    steps = _check_steps(steps)
    _, loss0, w, loss, diverged_at, converged_at, rows = _batched(
        steps=scan_length(steps), history=history, batched_hparams=batched_hparams, hp=hp,
        theta=surface.theta, data=surface.data, x0=x0, seed=seeds, batch_size=batch, radius=surface.radius, grad_tol=_float(grad_tol),
        active_steps=jnp.asarray(steps, jnp.int32), **static,
    )
    if history:
        params = np.concatenate([np.asarray(x0)[:, None], np.asarray(rows[0])[:, :steps]], axis=1)
        losses = np.concatenate([np.asarray(loss0)[:, None], np.asarray(rows[1])[:, :steps]], axis=1)
    else:
        params = losses = None
    return Batch(np.asarray(w), np.asarray(loss), np.asarray(diverged_at), np.asarray(converged_at), params, losses)


def compiled_programs() -> int:
    """How many programs the engine has compiled so far in this process (for recompilation tests)."""
    return _single._cache_size() + _batched._cache_size()
