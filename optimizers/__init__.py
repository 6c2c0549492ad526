"""Optimizers of section 2.3.7 as pure JAX update rules, and the engine that traces them."""

from optimizers.engine import (
    Batch, Optimizer, Trajectory, compiled_programs, flattened, hyperparameters, make, run, run_many,
)
from optimizers.rules import CONVENTIONS, OPTIMIZER_IDS, RULE_TABLE, RULES, Rule, bias_correction_on, latex_for

__all__ = [
    "Batch", "CONVENTIONS", "OPTIMIZER_IDS", "Optimizer", "RULES", "RULE_TABLE", "Rule", "Trajectory",
    "bias_correction_on", "compiled_programs", "flattened", "hyperparameters", "latex_for", "make", "run", "run_many",
]
