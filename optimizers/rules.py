"""Update rules, in the optax style but with hyperparameters as data; ``optimizers.spec`` binds them to optimizers.

Each rule is a pair of pure functions

    init(params) -> state
    update(grads, state, params, hp) -> (updates, state, lr_eff)

with ``params + updates`` the next point and ``lr_eff`` the per-coordinate factor the rule applied to
its step direction. ``hp`` is a dict of scalar arrays, so one compiled program serves every slider
value. A rule whose gradient is taken somewhere else than at ``params`` (the lecture's NAG) says
where with ``lookahead(params, state, hp)``.

Two conventions: ``lecture`` follows the lecture note's equations exactly, ``torch`` follows
``torch.optim``. Where they coincide, one rule is registered under both.

Each rule's formula is written once, as the LaTeX constant after it (the page shows it); a docstring
says only what the formula does not.
"""

from __future__ import annotations

import dataclasses
from typing import Callable, Mapping, NamedTuple

import jax.numpy as jnp

from optimizers.hyperparameters import SWITCH_ON

CONVENTIONS = ("lecture", "torch")


@dataclasses.dataclass(frozen=True, eq=False)  # identity hash: a rule is a static compile key
class Rule:
    id: str
    conventions: tuple[str, ...]
    init: Callable
    update: Callable
    defaults: Mapping[str, float]
    latex: str
    lookahead: Callable | None = None

    @property
    def hparam_names(self) -> tuple[str, ...]:
        return tuple(self.defaults)


def _zeros(params):
    return jnp.zeros_like(params)


def _step_count(state):
    return state.count + 1.0


# --- GD, SGD, mini-batch GD ------------------------------------------------------------------------

class NoState(NamedTuple):
    pass


def gd_init(params):
    return NoState()


def gd_update(grads, state, params, hp):
    """``GD_LATEX``, both conventions: torch.optim.SGD without momentum."""
    lr = jnp.broadcast_to(hp["lr"], grads.shape)
    return -lr * grads, state, lr


GD_LATEX = r"w_{t+1} = w_t - \eta\, g_t"


# --- Momentum ------------------------------------------------------------------------------------

class MomentumState(NamedTuple):
    accumulation: jnp.ndarray  # a_t


def momentum_init(params):
    return MomentumState(_zeros(params))


def momentum_update(grads, state, params, hp):
    """``MOMENTUM_LATEX``. With a_0 = 0 this is torch.optim.SGD(momentum=β, dampening=0) exactly, so one rule
    serves both conventions."""
    a = hp["beta"] * state.accumulation + grads
    lr = jnp.broadcast_to(hp["lr"], grads.shape)
    return -lr * a, MomentumState(a), lr


MOMENTUM_LATEX = r"""\begin{aligned}
a_{t+1} &= \beta\, a_t + g_t \\
w_{t+1} &= w_t - \eta\, a_{t+1}
\end{aligned}"""


# --- Nesterov (NAG) ------------------------------------------------------------------------------

def nag_lecture_lookahead(params, state, hp):
    return params - hp["lr"] * hp["beta"] * state.accumulation


def nag_lecture_update(grads, state, params, hp):
    """``NAG_LECTURE_LATEX``: ``grads`` is the look-ahead gradient (``nag_lecture_lookahead``); the plotted
    point is w."""
    return momentum_update(grads, state, params, hp)


NAG_LECTURE_LATEX = r"""\begin{aligned}
a_{t+1} &= \beta\, a_t + \nabla L(w_t - \eta\beta\, a_t) \\
w_{t+1} &= w_t - \eta\, a_{t+1}
\end{aligned}"""


def nag_torch_update(grads, state, params, hp):
    """``NAG_TORCH_LATEX``: torch.optim.SGD(momentum=β, nesterov=True)."""
    b = hp["beta"] * state.accumulation + grads
    lr = jnp.broadcast_to(hp["lr"], grads.shape)
    return -lr * (grads + hp["beta"] * b), MomentumState(b), lr


NAG_TORCH_LATEX = r"""\begin{aligned}
b_t &= \beta\, b_{t-1} + g_t \\
w_{t+1} &= w_t - \eta\,(g_t + \beta\, b_t)
\end{aligned}"""


# --- Adagrad -------------------------------------------------------------------------------------

class AdagradState(NamedTuple):
    sum_sq: jnp.ndarray  # G_t


def adagrad_init(params):
    return AdagradState(_zeros(params))


def adagrad_update(grads, state, params, hp):
    """``ADAGRAD_LATEX``: torch.optim.Adagrad with lr_decay=0 and initial_accumulator_value=0 is the same rule."""
    sum_sq = state.sum_sq + grads**2
    lr_eff = hp["lr"] / (jnp.sqrt(sum_sq) + hp["eps"])
    return -lr_eff * grads, AdagradState(sum_sq), lr_eff


ADAGRAD_LATEX = r"""\begin{aligned}
G_t &= G_{t-1} + g_t^2 \\
w_{t+1} &= w_t - \frac{\eta}{\sqrt{G_t}+\epsilon}\, g_t
\end{aligned}"""


# --- Adadelta ------------------------------------------------------------------------------------

class AdadeltaState(NamedTuple):
    avg_sq_grad: jnp.ndarray  # G_t
    avg_sq_delta: jnp.ndarray  # H_t


def adadelta_init(params):
    return AdadeltaState(_zeros(params), _zeros(params))


def adadelta_lecture_update(grads, state, params, hp):
    """``ADADELTA_LECTURE_LATEX``: no learning rate."""
    gamma, eps = hp["gamma"], hp["eps"]
    avg_sq_grad = gamma * state.avg_sq_grad + (1.0 - gamma) * grads**2
    ratio = (jnp.sqrt(state.avg_sq_delta) + eps) / (jnp.sqrt(avg_sq_grad) + eps)
    delta = -ratio * grads
    avg_sq_delta = gamma * state.avg_sq_delta + (1.0 - gamma) * delta**2
    return delta, AdadeltaState(avg_sq_grad, avg_sq_delta), ratio


ADADELTA_LECTURE_LATEX = r"""\begin{aligned}
G_t &= \gamma\, G_{t-1} + (1-\gamma)\, g_t^2 \\
\Delta w_t &= -\frac{\sqrt{H_{t-1}}+\epsilon}{\sqrt{G_t}+\epsilon}\, g_t \\
H_t &= \gamma\, H_{t-1} + (1-\gamma)\, \Delta w_t^2 \\
w_{t+1} &= w_t + \Delta w_t
\end{aligned}"""


def adadelta_torch_update(grads, state, params, hp):
    """``ADADELTA_TORCH_LATEX``, torch.optim.Adadelta: ε inside both roots and a learning rate η (1.0 by default)."""
    gamma, eps = hp["gamma"], hp["eps"]
    avg_sq_grad = gamma * state.avg_sq_grad + (1.0 - gamma) * grads**2
    ratio = jnp.sqrt(state.avg_sq_delta + eps) / jnp.sqrt(avg_sq_grad + eps)
    delta = ratio * grads
    avg_sq_delta = gamma * state.avg_sq_delta + (1.0 - gamma) * delta**2
    return -hp["lr"] * delta, AdadeltaState(avg_sq_grad, avg_sq_delta), hp["lr"] * ratio


ADADELTA_TORCH_LATEX = r"""\begin{aligned}
G_t &= \gamma\, G_{t-1} + (1-\gamma)\, g_t^2 \\
\Delta_t &= \frac{\sqrt{H_{t-1}+\epsilon}}{\sqrt{G_t+\epsilon}}\, g_t \\
H_t &= \gamma\, H_{t-1} + (1-\gamma)\, \Delta_t^2 \\
w_{t+1} &= w_t - \eta\, \Delta_t
\end{aligned}"""


# --- RMSProp -------------------------------------------------------------------------------------

class RMSPropState(NamedTuple):
    avg_sq_grad: jnp.ndarray  # G_t


def rmsprop_init(params):
    return RMSPropState(_zeros(params))


def rmsprop_update(grads, state, params, hp):
    """``RMSPROP_LATEX``. The lecture calls G_t a sum; the formula is an exponential moving average, and it is
    exactly torch.optim.RMSprop(alpha=γ, centered=False, momentum=0)."""
    avg_sq_grad = hp["gamma"] * state.avg_sq_grad + (1.0 - hp["gamma"]) * grads**2
    lr_eff = hp["lr"] / (jnp.sqrt(avg_sq_grad) + hp["eps"])
    return -lr_eff * grads, RMSPropState(avg_sq_grad), lr_eff


RMSPROP_LATEX = r"""\begin{aligned}
G_t &= \gamma\, G_{t-1} + (1-\gamma)\, g_t^2 \\
w_{t+1} &= w_t - \frac{\eta}{\sqrt{G_t}+\epsilon}\, g_t
\end{aligned}"""


# --- Adam and Nadam ------------------------------------------------------------------------------

class AdamState(NamedTuple):
    count: jnp.ndarray  # t, the number of steps taken so far
    mu: jnp.ndarray  # m_t
    nu: jnp.ndarray  # v_t


def adam_init(params):
    return AdamState(jnp.zeros((), params.dtype), _zeros(params), _zeros(params))


def _moments(grads, state, hp):
    t = _step_count(state)
    mu = hp["beta1"] * state.mu + (1.0 - hp["beta1"]) * grads
    nu = hp["beta2"] * state.nu + (1.0 - hp["beta2"]) * grads**2
    return t, mu, nu


def _bias_corrected(hp, factor):
    """``factor`` when the ``bias_correction`` switch is on, else 1: Adam without its correction."""
    return jnp.where(hp["bias_correction"] > SWITCH_ON, factor, 1.0)


def adam_lecture_update(grads, state, params, hp):
    """``ADAM_LECTURE_LATEX`` (``ADAM_UNCORRECTED_LATEX`` with the switch off), t from 1."""
    t, mu, nu = _moments(grads, state, hp)
    correction = _bias_corrected(hp, jnp.sqrt(1.0 - hp["beta2"] ** t) / (1.0 - hp["beta1"] ** t))
    lr_eff = hp["lr"] / (jnp.sqrt(nu) + hp["eps"]) * correction
    return -lr_eff * mu, AdamState(t, mu, nu), lr_eff


ADAM_LECTURE_LATEX = r"""\begin{aligned}
m_t &= \beta_1 m_{t-1} + (1-\beta_1)\, g_t \\
v_t &= \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2 \\
w_{t+1} &= w_t - \frac{\eta}{\sqrt{v_t}+\epsilon}\,\frac{\sqrt{1-\beta_2^{\,t}}}{1-\beta_1^{\,t}}\, m_t
\end{aligned}"""


def adam_torch_update(grads, state, params, hp):
    """``ADAM_TORCH_LATEX`` (``ADAM_UNCORRECTED_LATEX`` with the switch off): torch.optim.Adam."""
    t, mu, nu = _moments(grads, state, hp)
    bias1 = _bias_corrected(hp, 1.0 - hp["beta1"] ** t)
    bias2 = _bias_corrected(hp, 1.0 - hp["beta2"] ** t)
    lr_eff = (hp["lr"] / bias1) / (jnp.sqrt(nu) / jnp.sqrt(bias2) + hp["eps"])
    return -lr_eff * mu, AdamState(t, mu, nu), lr_eff


ADAM_TORCH_LATEX = r"""\begin{aligned}
m_t &= \beta_1 m_{t-1} + (1-\beta_1)\, g_t,\quad \hat m_t = m_t/(1-\beta_1^{\,t}) \\
v_t &= \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2,\quad \hat v_t = v_t/(1-\beta_2^{\,t}) \\
w_{t+1} &= w_t - \frac{\eta}{\sqrt{\hat v_t}+\epsilon}\, \hat m_t
\end{aligned}"""


# Both conventions without the correction: the moments go into the step as they are.
ADAM_UNCORRECTED_LATEX = r"""\begin{aligned}
m_t &= \beta_1 m_{t-1} + (1-\beta_1)\, g_t \\
v_t &= \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2 \\
w_{t+1} &= w_t - \frac{\eta}{\sqrt{v_t}+\epsilon}\, m_t
\end{aligned}"""


def nadam_lecture_update(grads, state, params, hp):
    """``NADAM_LECTURE_LATEX``. The lecture gives no Nadam formula; this is the lecture's Adam with Dozat's Nesterov
    first moment in place of m_t/(1-β1^t)."""
    t, mu, nu = _moments(grads, state, hp)
    b1 = hp["beta1"]
    nesterov_mu = b1 * mu / (1.0 - b1 ** (t + 1.0)) + (1.0 - b1) * grads / (1.0 - b1**t)
    lr_eff = hp["lr"] * jnp.sqrt(1.0 - hp["beta2"] ** t) / (jnp.sqrt(nu) + hp["eps"])
    return -lr_eff * nesterov_mu, AdamState(t, mu, nu), lr_eff


NADAM_LECTURE_LATEX = r"""\begin{aligned}
m_t &= \beta_1 m_{t-1} + (1-\beta_1)\, g_t \\
v_t &= \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2 \\
\bar m_t &= \frac{\beta_1\, m_t}{1-\beta_1^{\,t+1}} + \frac{(1-\beta_1)\, g_t}{1-\beta_1^{\,t}} \\
w_{t+1} &= w_t - \frac{\eta\,\sqrt{1-\beta_2^{\,t}}}{\sqrt{v_t}+\epsilon}\, \bar m_t
\end{aligned}"""


NADAM_MOMENTUM_DECAY = 0.004  # torch.optim.NAdam's default ψ


class NAdamTorchState(NamedTuple):
    count: jnp.ndarray
    mu: jnp.ndarray
    nu: jnp.ndarray
    mu_product: jnp.ndarray  # Π μ_i


def nadam_torch_init(params):
    zero = jnp.zeros((), params.dtype)
    return NAdamTorchState(zero, _zeros(params), _zeros(params), zero + 1.0)


def nadam_momentum(beta1, t):
    """torch.optim.NAdam's momentum coefficient μ_t = β1 (1 − ½·0.96^{tψ}) (NumPy or JAX values)."""
    return beta1 * (1.0 - 0.5 * 0.96 ** (t * NADAM_MOMENTUM_DECAY))


def nadam_torch_update(grads, state, params, hp):
    """``NADAM_TORCH_LATEX``: torch.optim.NAdam with momentum_decay ψ = 0.004."""
    t, mu, nu = _moments(grads, state, hp)
    mom_t, mom_next = nadam_momentum(hp["beta1"], t), nadam_momentum(hp["beta1"], t + 1.0)
    mu_product = state.mu_product * mom_t
    denom = jnp.sqrt(nu / (1.0 - hp["beta2"] ** t)) + hp["eps"]
    lr_eff = hp["lr"] / denom
    direction = (1.0 - mom_t) / (1.0 - mu_product) * grads + mom_next / (1.0 - mu_product * mom_next) * mu
    return -lr_eff * direction, NAdamTorchState(t, mu, nu, mu_product), lr_eff


NADAM_TORCH_LATEX = r"""\begin{aligned}
\mu_t &= \beta_1\,(1 - \tfrac12\, 0.96^{\,t\psi}),\ \psi = 0.004 \\
m_t &= \beta_1 m_{t-1} + (1-\beta_1)\, g_t,\quad v_t = \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2 \\
w_{t+1} &= w_t - \frac{\eta}{\sqrt{v_t/(1-\beta_2^{\,t})}+\epsilon}
\left(\frac{(1-\mu_t)\, g_t}{1-\prod_{i\le t}\mu_i} + \frac{\mu_{t+1}\, m_t}{1-\prod_{i\le t+1}\mu_i}\right)
\end{aligned}"""

# --- after the lecture: AdamW, Lion, AdaBelief ---------------------------------------------------------------

def _with_decoupled_decay(adam_update):
    """AdamW from an Adam update (its bias correction on): the decay ηλw is taken from the point apart from the
    moments, so the per-coordinate scaling does not shrink it as it would an L2 term added to g_t."""

    def update(grads, state, params, hp):
        updates, state, lr_eff = adam_update(grads, state, params, {**hp, "bias_correction": 1.0})
        return updates - hp["lr"] * hp["weight_decay"] * params, state, lr_eff

    return update


adamw_lecture_update = _with_decoupled_decay(adam_lecture_update)  # ADAMW_LECTURE_LATEX
adamw_torch_update = _with_decoupled_decay(adam_torch_update)  # ADAMW_TORCH_LATEX: torch.optim.AdamW, optax.adamw

ADAMW_LECTURE_LATEX = r"""\begin{aligned}
m_t &= \beta_1 m_{t-1} + (1-\beta_1)\, g_t \\
v_t &= \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2 \\
w_{t+1} &= w_t - \eta \left(\frac{\sqrt{1-\beta_2^{\,t}}}{1-\beta_1^{\,t}}\,\frac{m_t}{\sqrt{v_t}+\epsilon}
+ \lambda\, w_t\right)
\end{aligned}"""

ADAMW_TORCH_LATEX = r"""\begin{aligned}
m_t &= \beta_1 m_{t-1} + (1-\beta_1)\, g_t,\quad \hat m_t = m_t/(1-\beta_1^{\,t}) \\
v_t &= \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2,\quad \hat v_t = v_t/(1-\beta_2^{\,t}) \\
w_{t+1} &= w_t - \eta \left(\frac{\hat m_t}{\sqrt{\hat v_t}+\epsilon} + \lambda\, w_t\right)
\end{aligned}"""


class LionState(NamedTuple):
    mu: jnp.ndarray  # m_t


def lion_init(params):
    return LionState(_zeros(params))


def lion_update(grads, state, params, hp):
    """``LION_LATEX``, optax.lion: only the sign of c_t counts, so every coordinate moves by η (and the decay);
    ``lr_eff`` is η."""
    direction = jnp.sign(hp["beta1"] * state.mu + (1.0 - hp["beta1"]) * grads)
    mu = hp["beta2"] * state.mu + (1.0 - hp["beta2"]) * grads
    lr = jnp.broadcast_to(hp["lr"], grads.shape)
    return -lr * (direction + hp["weight_decay"] * params), LionState(mu), lr


LION_LATEX = r"""\begin{aligned}
c_t &= \beta_1 m_{t-1} + (1-\beta_1)\, g_t \\
w_{t+1} &= w_t - \eta \left(\operatorname{sign}(c_t) + \lambda\, w_t\right) \\
m_t &= \beta_2 m_{t-1} + (1-\beta_2)\, g_t
\end{aligned}"""


def adabelief_update(grads, state, params, hp):
    """``ADABELIEF_LATEX``: optax.adabelief with eps_root = ε (the paper adds the same ε to s_t)."""
    t = _step_count(state)
    mu = hp["beta1"] * state.mu + (1.0 - hp["beta1"]) * grads
    nu = hp["beta2"] * state.nu + (1.0 - hp["beta2"]) * (grads - mu) ** 2 + hp["eps"]
    lr_eff = (hp["lr"] / (1.0 - hp["beta1"] ** t)) / (jnp.sqrt(nu / (1.0 - hp["beta2"] ** t)) + hp["eps"])
    return -lr_eff * mu, AdamState(t, mu, nu), lr_eff


ADABELIEF_LATEX = r"""\begin{aligned}
m_t &= \beta_1 m_{t-1} + (1-\beta_1)\, g_t,\quad \hat m_t = m_t/(1-\beta_1^{\,t}) \\
s_t &= \beta_2 s_{t-1} + (1-\beta_2)\,(g_t - m_t)^2 + \epsilon,\quad \hat s_t = s_t/(1-\beta_2^{\,t}) \\
w_{t+1} &= w_t - \frac{\eta}{\sqrt{\hat s_t}+\epsilon}\, \hat m_t
\end{aligned}"""
