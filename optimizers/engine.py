"""Trace optimizers on surfaces: jitted programs per (rule, surface family, mode), see ``compiled_programs``.

Hyperparameters, landscape parameters, the start point, the seed, the batch size and the step count
(within its power-of-two bucket for recorded runs, see ``scan_length``; any count without a record)
are traced arrays, so moving a slider reuses the compiled program. Everything a caller passes is
normalised to host arrays of the default float dtype (``float32``, or ``float64`` under
``jax.enable_x64``) first, because a Python float, a NumPy float32 and a Python int are different
trace types, and a JAX array and a NumPy array are different cache entries.
"""

from __future__ import annotations

import functools
from typing import Any, Callable, Mapping, NamedTuple

import jax
import jax.flatten_util
import jax.numpy as jnp
import numpy as np

from landscapes import FiniteSum, Landscape
from optimizers import validation
from optimizers.rules import CONVENTIONS, Rule
from optimizers.spec import OPTIMIZER_IDS, RULE_TABLE, latex_for

DEFAULT_ESCAPE_RADIUS = 1e4
DEFAULT_GRAD_TOL = 1e-3


class Optimizer(NamedTuple):
    """A rule with its hyperparameters: ``init(params)`` is the rule's state before its first step."""

    id: str
    convention: str
    rule: Rule
    hparams: Mapping[str, jnp.ndarray]

    def init(self, params):
        return self.rule.init(_float(params))

    @property
    def latex(self) -> str:
        return latex_for(self.id, self.convention, {name: float(value) for name, value in self.hparams.items()})


def _float(value) -> jnp.ndarray:
    return jnp.asarray(value, dtype=jnp.result_type(float))


def _host(value, dtype=None) -> np.ndarray:
    """``value`` as a NumPy array of ``dtype`` (the default float dtype if None): the programs' inputs.

    Making a JAX array costs ~25 µs per value; a run_many call passes a dozen.
    """
    return np.asarray(value, dtype=jax.dtypes.canonicalize_dtype(np.float64) if dtype is None else dtype)


def make(optimizer_id: str, convention: str = "lecture", **hparams: float) -> Optimizer:
    """The optimizer ``optimizer_id`` in ``convention`` with the given hyperparameters (defaults for the rest)."""
    rule = _rule(optimizer_id, convention)
    unknown = sorted(set(hparams) - set(rule.defaults))
    if unknown:
        raise ValueError(
            f"{optimizer_id} ({convention}) has no hyperparameter {', '.join(unknown)}; "
            f"it takes {', '.join(rule.hparam_names)}"
        )
    validation.check_hparams(optimizer_id, hparams)
    values = {**rule.defaults, **hparams}
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
    params: np.ndarray  # (k+1, n), row 0 is the start; n = 2 on a surface, a model's number of parameters
    loss: np.ndarray  # (k+1,)
    grads: np.ndarray  # (k, n), the gradient used at each step
    lr_eff: np.ndarray  # (k, n), the per-coordinate factor applied to the step direction
    state: Any  # the rule's state after each step, each leaf (k, ...)
    diverged_at: int | None  # first step whose point was non-finite or escaped; the arrays stop before it


class Batch(NamedTuple):
    """``run_many``'s result: leading axis = the batch. Diverged runs are frozen at their last good point."""

    final_params: np.ndarray  # (M, n)
    final_loss: np.ndarray  # (M,)
    diverged_at: np.ndarray  # (M,) int, -1 where it did not diverge
    converged_at: np.ndarray  # (M,) int, first step whose gradient norm was below grad_tol, -1 if none
    params: np.ndarray | None  # (M, steps+1, n) with history=True
    loss: np.ndarray | None  # (M, steps+1)
    arrived_at: np.ndarray | None = None  # (M,) int with targets: first step from which it stayed at its target
    target_index: np.ndarray | None = None  # (M,) int with targets: the target it ends at, -1 if none


# --- surfaces ---------------------------------------------------------------------------------------

class _Surface(NamedTuple):
    family: Callable  # static
    sample_loss: Callable | None  # static; None for a surface without a finite sum
    theta: Mapping[str, np.ndarray]
    data: np.ndarray
    radius: np.ndarray
    dimension: int | None  # the number of coordinates a point has; None: a plain function, any


@functools.lru_cache(maxsize=64)
def _plain_family(fn):
    return lambda w, theta: fn(w)


def _surface(fn) -> _Surface:
    theta_of = lambda landscape: {name: _host(value) for name, value in landscape.theta.items()}
    if isinstance(fn, FiniteSum):
        ls = fn.landscape
        return _Surface(ls.family, fn.sample_loss, theta_of(ls), _host(fn.data), _host(ls.escape_radius),
                        ls.dimension)
    if isinstance(fn, Landscape):
        return _Surface(fn.family, None, theta_of(fn), _host(np.zeros((1, 1))), _host(fn.escape_radius), fn.dimension)
    if callable(fn):
        return _Surface(_plain_family(fn), None, {}, _host(np.zeros((1, 1))), _host(DEFAULT_ESCAPE_RADIUS), None)
    raise TypeError(f"expected a Landscape, a FiniteSum or a function of a shape-(n,) array, got {type(fn).__name__}")


# --- the scan -----------------------------------------------------------------------------------------

class _Carry(NamedTuple):
    """One run between steps. The dynamics are not frozen at a divergence: ``w`` and ``loss`` go on
    (non-finite, or far away) and the callers keep or restore the last point before it."""

    w: jnp.ndarray
    state: Any
    loss: jnp.ndarray
    diverged_at: jnp.ndarray
    converged_at: jnp.ndarray
    inside_from: jnp.ndarray  # (K,): per target, the first step from which every point was within target_tol


class _Settings(NamedTuple):
    """What a run needs besides its start; traced, so new values reuse the compiled program."""

    hp: Mapping[str, jnp.ndarray]
    theta: Mapping[str, jnp.ndarray]
    data: jnp.ndarray
    seed: jnp.ndarray
    batch_size: jnp.ndarray
    radius: jnp.ndarray
    grad_tol: jnp.ndarray
    targets: jnp.ndarray  # (K, n)
    target_tol: jnp.ndarray


FORWARD_MODE_MAX = 4  # coordinates up to which the gradient is taken in forward mode


def _loss_and_gradient(family, w, theta):
    """The loss at ``w`` and its gradient, in one pass.

    Forward mode for a few coordinates: one tangent per coordinate, every array of the batch's
    shape. Reverse mode through ``w[i]`` transposes to a padded (M, n) array per use, which XLA
    materializes per step (Rosenbrock 256² × 500, GD: 58 % of the step).
    """
    if w.shape[0] > FORWARD_MODE_MAX:
        return jax.value_and_grad(family)(w, theta)
    basis = np.eye(w.shape[0], dtype=w.dtype)  # constants, so XLA drops the products with 1
    pairs = [jax.jvp(lambda v: family(v, theta), (w,), (basis[i],)) for i in range(w.shape[0])]
    return pairs[0][0], jnp.stack([slope for _, slope in pairs])


def _gradient_source(family, sample_loss, theta, data, key, batch_size):
    """g(w, t): the exact gradient, or the mean gradient of a mini-batch drawn without replacement per epoch."""
    if sample_loss is None:
        return lambda w, t: _loss_and_gradient(family, w, theta)[1]
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


def _stepper(rule, family, sample_loss, s: _Settings):
    """One run's ``start(x0) -> carry`` and ``step(carry, t, active) -> (carry, history row)``.

    ``active`` is False on the steps that only pad a scan: they count nothing.
    """
    gradient = _gradient_source(family, sample_loss, s.theta, s.data, jax.random.PRNGKey(s.seed), s.batch_size)

    def start(x0):
        minus_one = jnp.asarray(-1, jnp.int32)
        return _Carry(x0, rule.init(x0), family(x0, s.theta), minus_one, minus_one,
                      _outside(_blocks(x0, x0.shape[0]), s).astype(jnp.int32))

    def step(c: _Carry, t, active):
        n = c.w.shape[0]
        at = rule.lookahead(c.w, c.state, s.hp) if rule.lookahead is not None else c.w
        g = gradient(at, t)
        updates, state, lr_eff = rule.update(g, c.state, c.w, s.hp)
        w = c.w + updates
        loss = family(w, s.theta)
        alive = active & (c.diverged_at < 0)
        carry = _Carry(
            w, state, loss,
            diverged_at=jnp.where(alive & ~_fine(_blocks(w, n), loss, s), t + 1, c.diverged_at),
            converged_at=jnp.where(alive & (c.converged_at < 0) & _flat(_blocks(g, n), s), t, c.converged_at),
            inside_from=jnp.where(active & _outside(_blocks(w, n), s), t + 2, c.inside_from),
        )
        return carry, (w, loss, g, lr_eff, state)

    return start, step


# A point is carried as blocks of coordinates: up to FORWARD_MODE_MAX coordinates each on its own (a
# scalar block), more as one block of all of them (a model's hundreds of parameters would otherwise
# be hundreds of kernels per step). The per-point tests are written out per block: under vmap a
# reduction over the coordinate axis of a surface's point compiled to a loop per run (a sketch of GD
# on Rosenbrock 256² × 500: 658 ms instead of 58).

def _blocks(w, n: int) -> tuple:
    """A run's (n,) array as its blocks of coordinates."""
    return tuple(w[i] for i in range(n)) if n <= FORWARD_MODE_MAX else (w,)


def _joined(blocks) -> jnp.ndarray:
    """The (n,) array of a run's blocks."""
    return jnp.stack(blocks) if jnp.ndim(blocks[0]) == 0 else blocks[0]


def _reduced(value, reduce):
    """A scalar block's value as it is, a whole block's reduced over its coordinates."""
    return value if jnp.ndim(value) == 0 else reduce(value)


def _fine(w, loss, s: _Settings):
    """The point (its blocks) is within the escape radius (a finite number, so the point is finite: NaN
    compares false), and its loss is finite."""
    fine = jnp.isfinite(loss)
    for block in w:
        fine = fine & _reduced(jnp.abs(block) <= s.radius, jnp.all)
    return fine


def _flat(g, s: _Settings):
    return sum(_reduced(block * block, jnp.sum) for block in g) < s.grad_tol * s.grad_tol


def _outside(w, s: _Settings):
    """(K,): per target, whether ``w`` (its blocks) is farther than target_tol from it."""
    if jnp.ndim(w[0]) == 0:
        distance = sum((w[i] - s.targets[:, i]) ** 2 for i in range(len(w)))
    else:
        distance = jnp.sum((w[0][None, :] - s.targets) ** 2, axis=-1)
    return distance > s.target_tol * s.target_tol


def _history(rule, family, sample_loss, steps, s: _Settings, x0, active_steps):
    """One run, every step recorded: a scan of ``steps`` (its bucket), the steps past ``active_steps`` inactive.

    The rows go on past a divergence; the callers cut or freeze them (``_frozen``).
    """
    start, step = _stepper(rule, family, sample_loss, s)
    first = start(x0)
    carry, rows = jax.lax.scan(lambda c, t: step(c, t, t < active_steps), first, jnp.arange(steps, dtype=jnp.int32))
    return first.loss, carry, rows


STRETCH = 32  # steps between the no-history program's updates of the last good point
BLOCK = 65536  # runs per program call: one coordinate of a block is 256 KiB, and a step's arrays stay in cache


class _Walk(NamedTuple):
    """One run between steps without history, block by block of coordinates (see ``_coordinates``); no
    loss carried: each step gets it with its gradient."""

    w: tuple
    state: Any
    diverged_at: jnp.ndarray
    converged_at: jnp.ndarray
    inside_from: jnp.ndarray  # (K,), as in _Carry


def _coordinates(tree, n: int):
    """Every (n,) leaf of a run's point or state as a tuple of its blocks (``_blocks``)."""
    return jax.tree.map(lambda leaf: _blocks(leaf, n) if jnp.shape(leaf) == (n,) else leaf, tree)


def _is_split(node) -> bool:
    return type(node) is tuple


def _coordinate(tree, i: int):
    """Block i of a tree from ``_coordinates``: the scalar leaves stay as they are."""
    return jax.tree.map(lambda leaf: leaf[i] if _is_split(leaf) else leaf, tree, is_leaf=_is_split)


def _update_per_coordinate(rule, g, state, w, hp):
    """``rule.update`` applied to each block apart: the rules are coordinate-wise (optax style).

    Under vmap each coordinate of a surface's point is then an (M,) array of its own, and so is every
    array of a step: contiguous, with the per-run tests lined up with it. A rule's (n,) arrays would be
    (M, n): the coordinates interleave, XLA materializes the stacks and slices between its kernels, and a
    per-run select or test on them compiled to a branch per run (Rosenbrock 256² × 500, GD: 3-4× slower).
    """
    per = [rule.update(g[i], _coordinate(state, i), w[i], hp) for i in range(len(w))]
    merged = jax.tree.map(lambda leaf, *values: tuple(values) if _is_split(leaf) else values[0],
                          state, *[new_state for _, new_state, _ in per], is_leaf=_is_split)
    return tuple(updates for updates, _, _ in per), merged


def _final(rule, family, sample_loss, s: _Settings, x0, active_steps):
    """One run without history: its last walk, and its last good point and loss.

    Step t tests its point w_t with the loss that comes with the gradient (one pass for both) and
    moves on to NaN when w_t is not fine: NaN stays NaN, so a divergence needs no per-step record
    (under vmap each recorded value is a kernel of its own per step). Once per stretch of STRETCH
    steps the stretch's last point is tested; the runs that diverged inside the stretch step through
    it again, recording, to find their divergence step and the point before it.
    """
    gradient = _gradient_source(family, sample_loss, s.theta, s.data, jax.random.PRNGKey(s.seed), s.batch_size)
    n = x0.shape[0]

    def tested(walk: _Walk, t):
        """The loss at the walk's point and the gradient the rule uses, block by block."""
        w = _joined(walk.w)
        if sample_loss is None and rule.lookahead is None:
            loss, g = _loss_and_gradient(family, w, s.theta)
        else:
            at = w if rule.lookahead is None else _joined(
                [rule.lookahead(block, _coordinate(walk.state, i), s.hp) for i, block in enumerate(walk.w)])
            loss, g = family(w, s.theta), gradient(at, t)
        return loss, _blocks(g, n)

    def moved(walk: _Walk, t, loss, g) -> _Walk:
        fine = _fine(walk.w, loss, s) | (t == 0)  # the start is not a divergence
        flat = fine & (walk.converged_at < 0) & _flat(g, s)
        updates, state = _update_per_coordinate(rule, g, walk.state, walk.w, s.hp)
        # NaN in the first coordinate is enough: every later point fails _fine (|NaN| <= radius is false),
        # and the other coordinates' kernels need not test the point
        w = tuple(wi + step for wi, step in zip(walk.w, updates))
        w = (w[0] + jnp.where(fine, 0.0, jnp.nan),) + w[1:]
        return _Walk(w, state, walk.diverged_at, jnp.where(flat, t, walk.converged_at),
                     jnp.where(_outside(walk.w, s), t + 1, walk.inside_from))

    def move(t, walk: _Walk) -> _Walk:
        return moved(walk, t, *tested(walk, t))

    def diverged(first, last, before: _Walk, newly):
        """For the ``newly`` diverged runs, stepping again from point ``first``: the first point in
        (first, last] that is not fine, and the point before it."""
        def test(t, state):
            walk, at, good = state
            loss, g = tested(walk, t)
            at = jnp.where((at < 0) & ~(_fine(walk.w, loss, s) | (t == 0)), t, at)
            return moved(walk, t, loss, g), at, tuple(jnp.where(at < 0, wi, gi) for wi, gi in zip(walk.w, good))
        _, at, good = jax.lax.fori_loop(first, jnp.where(newly, last + 1, first), test,
                                        (before, before.diverged_at, before.w))
        return at, good

    def stretch(state):
        before, good_w, first = state
        last = jnp.minimum(first + STRETCH, active_steps)
        after = jax.lax.fori_loop(first, last, move, before)
        fine = (before.diverged_at < 0) & _fine(after.w, family(_joined(after.w), s.theta), s)
        newly = (before.diverged_at < 0) & ~fine
        at, again = diverged(first, last, before, newly)
        after = after._replace(diverged_at=jnp.where(newly, at, after.diverged_at),
                               inside_from=jnp.where(_outside(after.w, s), last + 1, after.inside_from))
        good_w = tuple(jnp.where(fine, end, jnp.where(newly, redone, kept))
                       for end, redone, kept in zip(after.w, again, good_w))
        return after, good_w, last

    minus_one = jnp.asarray(-1, jnp.int32)
    start = _coordinates(x0, n)
    walk = _Walk(start, _coordinates(rule.init(x0), n), minus_one, minus_one, jnp.zeros(s.targets.shape[:1], jnp.int32))
    walk, good_w, _ = jax.lax.while_loop(lambda state: state[-1] < active_steps, stretch, (walk, start, jnp.int32(0)))
    good_w = _joined(good_w)
    return walk, good_w, family(good_w, s.theta)


def _hparam_axes(hp, batched_hparams) -> _Settings:
    # Hyperparameters shared by the whole batch stay scalars: per-run copies would make every run
    # recompute β^t and friends.
    return _Settings(hp={name: 0 if name in batched_hparams else None for name in hp}, theta=None, data=None, seed=0,
                     batch_size=None, radius=None, grad_tol=None, targets=None, target_tol=None)


_STATIC = ("rule", "family", "sample_loss", "steps")
_single = jax.jit(_history, static_argnames=_STATIC)


@functools.partial(jax.jit, static_argnames=(*_STATIC, "batched_hparams"))
def _batched_history(rule, family, sample_loss, steps, batched_hparams, s: _Settings, x0, active_steps):
    one = functools.partial(_history, rule, family, sample_loss, steps)
    loss0, last, rows = jax.vmap(one, in_axes=(_hparam_axes(s.hp, batched_hparams), 0, None))(s, x0, active_steps)
    return loss0, last, rows[:2]  # the points and losses: the other rows would be computed for nothing


@functools.partial(jax.jit, static_argnames=("rule", "family", "sample_loss", "batched_hparams"))
def _batched_final(rule, family, sample_loss, batched_hparams, s: _Settings, x0, active_steps):
    one = functools.partial(_final, rule, family, sample_loss)
    return jax.vmap(one, in_axes=(_hparam_axes(s.hp, batched_hparams), 0, None))(s, x0, active_steps)


def _inputs(opt: Optimizer, fn, batch_size):
    surface = _surface(fn)
    if batch_size is not None and surface.sample_loss is None:
        raise ValueError("stochastic gradients need a finite sum: pass landscapes.as_finite_sum(landscape)")
    if surface.sample_loss is not None:
        n = surface.data.shape[0]
        batch_size = n if batch_size is None else validation.check_batch_size(batch_size, n)
    batch = _host(1 if batch_size is None else batch_size, np.int32)
    static = dict(rule=opt.rule, family=surface.family, sample_loss=surface.sample_loss)
    return static, surface, batch


@functools.lru_cache(maxsize=64)
def _on_flat(fn, unravel):
    return lambda w: fn(unravel(w))


def flattened(fn, params: Mapping[str, Any]) -> tuple[Callable, np.ndarray, Callable]:
    """A function of a dict of arrays as a function of one (n,) array: (the function, the flat ``params``,
    ``unravel`` from a flat array back to the dict). The same ``fn``, shapes and float dtype give the same
    function, so the engine compiles once for them."""
    dtype = jax.dtypes.canonicalize_dtype(np.float64)
    values = {name: np.asarray(value, dtype) for name, value in params.items()}
    unravel = _unravel_of(tuple((name, value.shape) for name, value in sorted(values.items())), dtype)
    flat = np.concatenate([values[name].ravel() for name in sorted(values)]) if values else np.zeros(0, dtype)
    return _on_flat(fn, unravel), flat, unravel


@functools.lru_cache(maxsize=64)
def _unravel_of(shapes, dtype):
    return jax.flatten_util.ravel_pytree({name: np.zeros(shape, dtype) for name, shape in shapes})[1]


def _flat_start(fn, x0):
    """A dict start on a plain function: both flattened (``flattened``); anything else as it is."""
    if isinstance(x0, Mapping):
        if isinstance(fn, (Landscape, FiniteSum)) or not callable(fn):
            raise ValueError("a start given as a dict of arrays needs a plain function of that dict")
        fn, x0, _ = flattened(fn, x0)
    return fn, x0


def scan_length(steps: int) -> int:
    """The compiled scan length of a recorded run of ``steps``: the next power of two, at least 16.

    The step count is traced; only its bucket is a compile key, so a step-count control compiles a
    handful of programs (each holds megabytes), not one per value. Runs without a record loop
    exactly ``steps`` times in one program for every count.
    """
    return max(16, 1 << (steps - 1).bit_length())


def run(opt: Optimizer, fn, x0, steps: int, *, batch_size: int | None = None, seed: int = 0,
        grad_tol: float = DEFAULT_GRAD_TOL) -> Trajectory:
    """Trace ``opt`` from ``x0`` for ``steps`` steps on ``fn``.

    ``fn`` is a Landscape, a FiniteSum (then ``batch_size`` samples per step; all N when None)
    or a JAX function of a shape-(n,) array, or of a dict of arrays (``x0`` is then such a dict: the
    engine runs on it flattened, see ``flattened``). ``x0`` has the landscape's dimension (2 for a
    surface, a model's number of parameters). After a divergence the arrays are cut before it.
    """
    fn, x0 = _flat_start(fn, x0)
    static, surface, batch = _inputs(opt, fn, batch_size)
    x0, steps = validation.run_inputs(x0, steps, seed, grad_tol, surface.dimension)
    start = _host(x0)
    settings = _settings(surface, {name: _host(value) for name, value in opt.hparams.items()}, seed=seed, batch=batch,
                         grad_tol=grad_tol, n=start.shape[-1])
    loss0, last, rows = _single(steps=scan_length(steps), s=settings, x0=start,
                                active_steps=_host(steps, np.int32), **static)
    params, loss, grads, lr_eff, state = jax.tree.map(lambda leaf: leaf[:steps], jax.device_get(rows))
    params = np.concatenate([start[None], params])
    loss = np.concatenate([np.asarray(loss0)[None], loss])
    k = int(last.diverged_at)
    if k < 0:
        return Trajectory(params, loss, grads, lr_eff, state, None)
    cut = lambda leaf: leaf[: k - 1]
    return Trajectory(params[:k], loss[:k], grads[: k - 1], lr_eff[: k - 1], jax.tree.map(cut, state), k)


def _settings(surface: _Surface, hp, seed, batch, grad_tol, n: int, targets=None, target_tol=None) -> _Settings:
    """A call's traced settings, for points of ``n`` coordinates (``targets``: see ``_targets``)."""
    targets, target_tol = _targets(targets, target_tol, n)
    return _Settings(hp=hp, theta=surface.theta, data=surface.data, seed=_host(seed, np.uint32), batch_size=batch,
                     radius=surface.radius, grad_tol=_host(grad_tol), targets=targets, target_tol=target_tol)


def _targets(targets, target_tol, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(K, n) targets padded to a power of two with points at infinity (fewer programs), and the tolerance."""
    if targets is None:
        return _host(np.zeros((0, n))), _host(0.0)
    targets = np.asarray(targets, dtype=np.float64).reshape(-1, n)
    if not np.all(np.isfinite(targets)):
        raise ValueError("targets must be finite points")
    if target_tol is None or not 0 <= float(target_tol) < np.inf:
        raise ValueError(f"targets need a finite tolerance of at least 0, got {target_tol!r}")
    rows = 0 if len(targets) == 0 else 1 << (len(targets) - 1).bit_length()
    return _host(np.concatenate([targets, np.full((rows - len(targets), n), np.inf)])), _host(target_tol)


def _arrivals(final_params, diverged_at, inside_from, targets, steps: int) -> tuple[np.ndarray, np.ndarray]:
    """Each run's target_index and arrived_at (see ``run_many``) from what the scan streamed.

    This is the definition of "arrived and stayed" in ``analysis.convergence`` (which the engine may not
    import), computed without a recorded path: the target nearest the last point in float64, and the
    in-scan ``inside_from`` against it (a run whose last point was outside has inside_from = steps + 1).
    """
    m, k = len(final_params), len(targets)
    if k == 0:
        return np.full(m, -1, np.int32), np.full(m, -1, np.int32)
    final, targets, runs = final_params.astype(np.float64), np.asarray(targets, dtype=np.float64), np.arange(m)
    squared = sum((final[:, i:i + 1] - targets[:, i]) ** 2 for i in range(final.shape[1]))
    nearest = np.argmin(squared, axis=1)
    since = inside_from[runs, nearest]
    arrived = (since <= steps) & (diverged_at < 0)
    return np.where(arrived, nearest, -1).astype(np.int32), np.where(arrived, since, -1).astype(np.int32)


def run_many(opt: Optimizer, fn, starts, steps: int, *, hparams: Mapping[str, Any] | None = None,
             batch_size: int | None = None, seed=0, history: bool = False,
             grad_tol: float = DEFAULT_GRAD_TOL, targets=None, target_tol: float | None = None) -> Batch:
    """Many runs in a vmapped program: M start points and/or M hyperparameter settings (M > BLOCK: in blocks).

    ``starts`` is (M, n) or one point (n: as in ``run``); each entry of ``hparams`` is a scalar or an (M,)
    array overriding ``opt``'s value; ``seed`` is a scalar or (M,). Everything broadcasts to M.

    With ``targets`` (K, n) and ``target_tol`` each run also reports, without a history, whether it arrived
    at a target and stayed, as ``analysis.convergence`` defines it: the target nearest its last point if
    that point is within ``target_tol`` (``target_index``; -1 if none or if it diverged) and the first step
    from which every point stayed within ``target_tol`` of it (``arrived_at``).
    """
    fn, starts = _flat_start(fn, starts)
    hparams = dict(hparams or {})
    unknown = sorted(set(hparams) - set(opt.hparams))
    if unknown:
        raise ValueError(f"{opt.id} has no hyperparameter {', '.join(unknown)}")
    static, surface, batch = _inputs(opt, fn, batch_size)
    starts, steps, seed = validation.run_many_inputs(opt.id, starts, hparams, steps, seed, grad_tol, surface.dimension)
    n = starts.shape[1]
    sizes = {len(starts), np.size(seed), *(np.size(v) for v in hparams.values())} - {1}
    if len(sizes) > 1:
        raise ValueError(f"batch sizes disagree: {sorted(sizes)}")
    m = sizes.pop() if sizes else 1
    batched_hparams = tuple(sorted(name for name, value in hparams.items() if np.size(value) > 1))
    hp = {name: _host(np.broadcast_to(hparams[name], (m,))) if name in batched_hparams
          else _host(hparams.get(name, value)) for name, value in opt.hparams.items()}
    x0 = _host(np.broadcast_to(starts, (m, n)))
    settings = _settings(surface, hp, seed=np.broadcast_to(seed, (m,)), batch=batch, grad_tol=grad_tol, n=n,
                         targets=targets, target_tol=target_tol)

    def block(rows) -> tuple:
        block_hp = {name: value[rows] if name in batched_hparams else value for name, value in hp.items()}
        s = settings._replace(hp=block_hp, seed=settings.seed[rows])
        return _called(static, batched_hparams, s, x0[rows], steps, history)

    if m <= BLOCK:
        results = block(slice(None))
    else:  # blocks of one shape, the last padded with copies of the last run
        parts = [block(np.minimum(np.arange(first, first + BLOCK), m - 1)) for first in range(0, m, BLOCK)]
        results = tuple(None if field[0] is None else np.concatenate(field)[:m] for field in zip(*parts))
    final_params, final_loss, diverged_at, converged_at, inside_from, params, losses = results
    target_index = arrived_at = None
    if targets is not None:
        target_index, arrived_at = _arrivals(final_params, diverged_at, inside_from, np.reshape(targets, (-1, n)),
                                             steps)
    return Batch(final_params, final_loss, diverged_at, converged_at, params, losses, arrived_at, target_index)


def _called(static, batched_hparams, s: _Settings, x0, steps: int, history: bool) -> tuple:
    """One program call on a batch: final_params, final_loss, diverged_at, converged_at, inside_from, params, losses."""
    active_steps = _host(steps, np.int32)
    if not history:
        last, final_params, final_loss = _batched_final(batched_hparams=batched_hparams, s=s, x0=x0,
                                                        active_steps=active_steps, **static)
        return (np.asarray(final_params), np.asarray(final_loss), np.asarray(last.diverged_at),
                np.asarray(last.converged_at), np.asarray(last.inside_from), None, None)
    loss0, last, (points, losses) = _batched_history(steps=scan_length(steps), batched_hparams=batched_hparams, s=s,
                                                     x0=x0, active_steps=active_steps, **static)
    diverged_at = np.asarray(last.diverged_at)
    params = _frozen(np.concatenate([x0[:, None], np.asarray(points)[:, :steps]], axis=1), diverged_at)
    losses = _frozen(np.concatenate([np.asarray(loss0)[:, None], np.asarray(losses)[:, :steps]], axis=1), diverged_at)
    return (params[:, -1], losses[:, -1], diverged_at, np.asarray(last.converged_at), np.asarray(last.inside_from),
            params, losses)


def _frozen(rows: np.ndarray, diverged_at: np.ndarray) -> np.ndarray:
    """(M, steps+1, ...) rows with each diverged run's rows from its divergence on replaced by the row before."""
    if np.all(diverged_at < 0):
        return rows
    runs, steps = np.arange(len(rows)), np.arange(rows.shape[1])
    last_good = rows[runs, np.maximum(diverged_at - 1, 0)]
    past = steps[None] >= np.where(diverged_at >= 0, diverged_at, len(steps))[:, None]
    return np.where(past.reshape(past.shape + (1,) * (rows.ndim - 2)), last_good[:, None], rows)


def compiled_programs() -> int:
    """How many programs the engine has compiled so far in this process (for recompilation tests)."""
    return _single._cache_size() + _batched_history._cache_size() + _batched_final._cache_size()
