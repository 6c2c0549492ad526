"""Optimizers as pure JAX update rules, one spec each (``optimizers.spec``), and the engine that traces them."""

from optimizers.engine import (
    Batch, Optimizer, Trajectory, compiled_programs, flattened, hyperparameters, make, run, run_many,
)
from optimizers.hyperparameters import HYPERPARAMETERS, Hyperparameter
from optimizers.rules import CONVENTIONS, Rule
from optimizers.spec import OPTIMIZER_IDS, RULE_TABLE, RULES, SPECS, OptimizerSpec, bias_correction_on, latex_for

__all__ = [
    "Batch", "CONVENTIONS", "HYPERPARAMETERS", "Hyperparameter", "OPTIMIZER_IDS", "Optimizer", "OptimizerSpec", "RULES",
    "RULE_TABLE", "Rule", "SPECS", "Trajectory",
    "bias_correction_on", "compiled_programs", "flattened", "hyperparameters", "latex_for", "make", "run", "run_many",
]
