"""Loss landscapes: ``LANDSCAPES`` maps id → Landscape, the page's list: the 2-D ``SURFACES`` (analytic, the
line fit), then the real ``MODELS`` (landscapes/models.py), whose points are their parameters."""

from landscapes.base import KINDS, CriticalPoint, Landscape, Param
from landscapes.catalog import ANALYTIC, refined
from landscapes.critical import FoundPoint, find_critical_points
from landscapes.finite_sum import LINE_FIT, FiniteSum, as_finite_sum, tilted
from landscapes.formula import FormulaError, parse_formula
from landscapes.models import MODELS, ModelLandscape, is_model

SURFACES: dict[str, Landscape] = {ls.id: ls for ls in (*ANALYTIC, LINE_FIT)}
LANDSCAPES: dict[str, Landscape] = {**SURFACES, **{model.id: model for model in MODELS}}

__all__ = [
    "KINDS", "LANDSCAPES", "MODELS", "SURFACES", "CriticalPoint", "FiniteSum", "FormulaError", "FoundPoint",
    "Landscape", "ModelLandscape", "Param", "as_finite_sum", "find_critical_points", "is_model", "parse_formula",
    "refined", "tilted",
]
