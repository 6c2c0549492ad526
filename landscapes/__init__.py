"""Analytic loss surfaces: ``LANDSCAPES`` maps id → Landscape."""

from landscapes.base import KINDS, CriticalPoint, Landscape, Param
from landscapes.catalog import ANALYTIC, refined
from landscapes.critical import FoundPoint, find_critical_points
from landscapes.finite_sum import LINE_FIT, FiniteSum, as_finite_sum, tilted
from landscapes.formula import FormulaError, parse_formula

LANDSCAPES: dict[str, Landscape] = {ls.id: ls for ls in (*ANALYTIC, LINE_FIT)}

__all__ = [
    "KINDS", "LANDSCAPES", "CriticalPoint", "FiniteSum", "FormulaError", "FoundPoint", "Landscape", "Param",
    "as_finite_sum", "find_critical_points", "parse_formula", "refined", "tilted",
]
