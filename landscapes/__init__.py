"""Analytic loss surfaces: ``LANDSCAPES`` maps id → Landscape."""

from landscapes.base import KINDS, CriticalPoint, Landscape, Param
from landscapes.catalog import ANALYTIC, refined
from landscapes.finite_sum import LINE_FIT, FiniteSum, as_finite_sum, tilted

LANDSCAPES: dict[str, Landscape] = {ls.id: ls for ls in (*ANALYTIC, LINE_FIT)}

__all__ = [
    "KINDS", "LANDSCAPES", "CriticalPoint", "FiniteSum", "Landscape", "Param",
    "as_finite_sum", "refined", "tilted",
]
