"""One spec per optimizer: everything the engine, the page, the maps and the family tree know of it.

Adding an optimizer means one ``OptimizerSpec`` in ``SPECS`` (its rules in ``optimizers.rules``) and its
strings in ``i18n`` (name, explanation), keyed by the spec's id; tests/test_specs.py checks that both are
complete. Hyperparameters are declared once for all optimizers in ``optimizers.hyperparameters``.
"""

from __future__ import annotations

import dataclasses
from typing import Mapping

from optimizers import rules as R
from optimizers.hyperparameters import HYPERPARAMETERS, SWITCH_ON, Hyperparameter
from optimizers.rules import CONVENTIONS, Rule

BOTH = CONVENTIONS
LECTURE, TORCH = ("lecture",), ("torch",)
BIAS_FACTOR_KINDS = ("adam", "nadam")


@dataclasses.dataclass(frozen=True)
class OptimizerSpec:
    id: str
    rules: tuple[Rule, ...]  # each serves the conventions it names; together every convention exactly once
    in_lecture: bool  # in the lecture's section 2.3.7 (its ten optimizers), or beyond it
    tree_position: tuple[float, float]  # the centre of its box in the family tree, in grid steps
    parents: tuple[str, ...] = ()  # the optimizers it refines: the family tree's arrows into it
    state_symbols: Mapping[str, str] = dataclasses.field(default_factory=dict)  # state field → symbol
    moment: str | None = None  # the state field that is a momentum-like vector (a, m), if any
    bias_factors: str | None = None  # whose bias-correction factors the internals show: one of BIAS_FACTOR_KINDS
    default_batch: int | None = None  # samples per step of a new run; None: the exact gradient
    new_run: Mapping[str, float] = dataclasses.field(default_factory=dict)  # the page's start, over the defaults
    torch_optim: bool = True  # torch.optim has it: its torch convention reproduces torch.optim's

    def rule(self, convention: str) -> Rule:
        return next(rule for rule in self.rules if convention in rule.conventions)

    def hyperparameters(self, convention: str) -> tuple[Hyperparameter, ...]:
        return tuple(HYPERPARAMETERS[name] for name in self.rule(convention).defaults)


def _spec(optimizer_id: str, rules: tuple[tuple, ...], **details) -> OptimizerSpec:
    """A spec from its rules, each (conventions, init, update, defaults, latex[, lookahead])."""
    return OptimizerSpec(optimizer_id, tuple(Rule(optimizer_id, *fields) for fields in rules), **details)


def _gd_like(optimizer_id: str, position, parents, default_batch) -> OptimizerSpec:
    """GD, SGD and mini-batch GD: one rule; they differ in the gradient they take."""
    return _spec(optimizer_id, ((BOTH, R.gd_init, R.gd_update, {"lr": 0.001}, R.GD_LATEX),), in_lecture=True,
                 tree_position=position, parents=parents, default_batch=default_batch, new_run={"lr": 0.05})


_MOMENTUM_STATE = dict(state_symbols={"accumulation": "a"}, moment="accumulation")
_ADAM_STATE = dict(state_symbols={"count": "t", "mu": "m", "nu": "v"}, moment="mu")
_ADAM_DEFAULTS = {"lr": 0.001, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}
_NADAM_DEFAULTS = {**_ADAM_DEFAULTS, "lr": 0.002}
_ADAMW_DEFAULTS = {**_ADAM_DEFAULTS, "weight_decay": 0.01}  # torch.optim.AdamW's
_LION_DEFAULTS = {"lr": 1e-4, "beta1": 0.9, "beta2": 0.99, "weight_decay": 1e-3}  # optax.lion's (η: the paper's)
_ADABELIEF_DEFAULTS = {**_ADAM_DEFAULTS, "eps": 1e-16}  # the paper's and optax.adabelief's

# The page's settings for a new run (``new_run``) sit over the engine's defaults, which stay the optimizers'
# and PyTorch's: with those, a new GD run (η = 0.001) barely moved in 100 steps. With these, each new run gets
# within 0.2 of the default bowl's minimum in 100 steps (tests/test_runs.py), and none diverges there.
# Tree positions: batch GD, SGD, momentum and NAG in one row with mini-batch GD above; Adam and Nadam a row
# below; the adaptive line (Adagrad, RMSProp) below that and Adadelta under RMSProp. After the lecture: AdamW
# under Adam and AdaBelief beside it; Lion, found by a program search, refines none of them and stands apart.
SPECS: dict[str, OptimizerSpec] = {spec.id: spec for spec in (
    _gd_like("gd", (0.0, 2.0), (), None),
    _gd_like("sgd", (1.0, 2.0), ("gd",), 1),
    _gd_like("minibatch", (0.5, 3.0), ("gd", "sgd"), 8),
    _spec("momentum", ((BOTH, R.momentum_init, R.momentum_update, {"lr": 0.001, "beta": 0.9}, R.MOMENTUM_LATEX),),
          in_lecture=True, tree_position=(2.0, 2.0), parents=("sgd",), new_run={"lr": 0.01}, **_MOMENTUM_STATE),
    _spec("nag", ((LECTURE, R.momentum_init, R.nag_lecture_update, {"lr": 0.001, "beta": 0.9}, R.NAG_LECTURE_LATEX,
                   R.nag_lecture_lookahead),
                  (TORCH, R.momentum_init, R.nag_torch_update, {"lr": 0.001, "beta": 0.9}, R.NAG_TORCH_LATEX)),
          in_lecture=True, tree_position=(3.0, 2.0), parents=("momentum",), new_run={"lr": 0.01}, **_MOMENTUM_STATE),
    _spec("adagrad", ((BOTH, R.adagrad_init, R.adagrad_update, {"lr": 0.01, "eps": 1e-10}, R.ADAGRAD_LATEX),),
          in_lecture=True, tree_position=(1.0, 0.0), parents=("sgd",), state_symbols={"sum_sq": "G"},
          new_run={"lr": 0.5}),
    _spec("adadelta", ((LECTURE, R.adadelta_init, R.adadelta_lecture_update, {"gamma": 0.9, "eps": 1e-6},
                        R.ADADELTA_LECTURE_LATEX),
                       (TORCH, R.adadelta_init, R.adadelta_torch_update, {"lr": 1.0, "gamma": 0.9, "eps": 1e-6},
                        R.ADADELTA_TORCH_LATEX)),
          in_lecture=True, tree_position=(2.0, -1.0), parents=("adagrad",),
          state_symbols={"avg_sq_grad": "G", "avg_sq_delta": "H"}, new_run={"eps": 0.01}),
    _spec("rmsprop", ((BOTH, R.rmsprop_init, R.rmsprop_update, {"lr": 0.01, "gamma": 0.99, "eps": 1e-8},
                       R.RMSPROP_LATEX),),
          in_lecture=True, tree_position=(2.0, 0.0), parents=("adagrad",), state_symbols={"avg_sq_grad": "G"},
          new_run={"lr": 0.05}),
    _spec("adam", ((LECTURE, R.adam_init, R.adam_lecture_update, {**_ADAM_DEFAULTS, "bias_correction": 1.0},
                    R.ADAM_LECTURE_LATEX),
                   (TORCH, R.adam_init, R.adam_torch_update, {**_ADAM_DEFAULTS, "bias_correction": 1.0},
                    R.ADAM_TORCH_LATEX)),
          in_lecture=True, tree_position=(3.0, 1.0), parents=("momentum", "rmsprop"), bias_factors="adam",
          new_run={"lr": 0.1}, **_ADAM_STATE),
    _spec("nadam", ((LECTURE, R.adam_init, R.nadam_lecture_update, _NADAM_DEFAULTS, R.NADAM_LECTURE_LATEX),
                    (TORCH, R.nadam_torch_init, R.nadam_torch_update, _NADAM_DEFAULTS, R.NADAM_TORCH_LATEX)),
          in_lecture=True, tree_position=(4.0, 1.0), parents=("adam", "nag"), bias_factors="nadam",
          new_run={"lr": 0.1}, state_symbols={**_ADAM_STATE["state_symbols"], "mu_product": "Πμ"}, moment="mu"),
    _spec("adamw", ((LECTURE, R.adam_init, R.adamw_lecture_update, _ADAMW_DEFAULTS, R.ADAMW_LECTURE_LATEX),
                    (TORCH, R.adam_init, R.adamw_torch_update, _ADAMW_DEFAULTS, R.ADAMW_TORCH_LATEX)),
          in_lecture=False, tree_position=(3.0, 0.0), parents=("adam",), bias_factors="adam", new_run={"lr": 0.1},
          **_ADAM_STATE),
    _spec("adabelief", ((BOTH, R.adam_init, R.adabelief_update, _ADABELIEF_DEFAULTS, R.ADABELIEF_LATEX),),
          in_lecture=False, tree_position=(4.0, 0.0), parents=("adam",), bias_factors="adam", new_run={"lr": 0.1},
          state_symbols={"count": "t", "mu": "m", "nu": "s"}, moment="mu", torch_optim=False),
    _spec("lion", ((BOTH, R.lion_init, R.lion_update, _LION_DEFAULTS, R.LION_LATEX),),
          in_lecture=False, tree_position=(4.0, -1.0), state_symbols={"mu": "m"}, moment="mu", new_run={"lr": 0.1},
          torch_optim=False),
)}

OPTIMIZER_IDS: tuple[str, ...] = tuple(SPECS)
RULES: tuple[Rule, ...] = tuple(rule for spec in SPECS.values() for rule in spec.rules)
RULE_TABLE: dict[tuple[str, str], Rule] = {
    (rule.id, convention): rule for rule in RULES for convention in rule.conventions
}
DEFAULT_BATCH: dict[str, int | None] = {spec.id: spec.default_batch for spec in SPECS.values()}


def bias_correction_on(optimizer_id: str, convention: str, hparams: Mapping[str, float]) -> bool:
    """Whether a rule with a ``bias_correction`` switch runs with it on (rules without the switch: False)."""
    defaults = RULE_TABLE[(optimizer_id, convention)].defaults
    return "bias_correction" in defaults and hparams.get("bias_correction", defaults["bias_correction"]) > SWITCH_ON


def latex_for(optimizer_id: str, convention: str, hparams: Mapping[str, float]) -> str:
    """The LaTeX of the update that actually runs with ``hparams``: Adam with its bias correction switched
    off runs (and shows) the formula without the correction factor."""
    rule = RULE_TABLE[(optimizer_id, convention)]
    if "bias_correction" in rule.defaults and not bias_correction_on(optimizer_id, convention, hparams):
        return R.ADAM_UNCORRECTED_LATEX
    return rule.latex
