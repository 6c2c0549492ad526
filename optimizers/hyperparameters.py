"""Every hyperparameter a rule takes, once: its symbol, its slider and the values for which a rule is defined.

A name means the same quantity in every rule that takes it (β₁ is the first moment's decay in Adam, Nadam,
AdamW and AdaBelief alike), so the slider, the link's validation and the symbol belong to the name, and an
optimizer's spec (``optimizers.spec``) lists the names it takes with its defaults.
"""

from __future__ import annotations

import dataclasses
from typing import NamedTuple

LARGEST = 3.4028234663852886e38  # float32's largest: the programs compute in float32, beyond this a number is ∞


class Range(NamedTuple):
    """An interval of numbers; ``low_open``/``high_open`` exclude an end."""

    low: float
    high: float
    low_open: bool = False
    high_open: bool = False

    def holds(self, values):
        above = values > self.low if self.low_open else values >= self.low
        below = values < self.high if self.high_open else values <= self.high
        return above & below  # False for NaN

    def __str__(self) -> str:
        return f"{'(' if self.low_open else '['}{self.low:g}, {self.high:g}{')' if self.high_open else ']'}"


POSITIVE = Range(0.0, LARGEST, low_open=True)
BELOW_ONE = Range(0.0, 1.0, high_open=True)
AT_LEAST_ZERO = Range(0.0, LARGEST)

SLIDER_SCALES = ("log", "decay", "linear", "switch")  # decay: ever finer towards 1 (0.9, 0.99, 0.999, …)


@dataclasses.dataclass(frozen=True)
class Hyperparameter:
    name: str
    symbol: str  # as text on the page ("η"); "" for a switch, which is named by its label instead
    latex: str  # the symbol in the rules' LaTeX (r"\eta")
    low: float  # the page's slider, and the link's accepted values: [low, high] lies inside ``valid``
    high: float
    scale: str  # one of SLIDER_SCALES
    valid: Range  # the values for which every rule taking it is defined (the engine refuses the rest)

    @property
    def log(self) -> bool:
        return self.scale == "log"


HYPERPARAMETERS: dict[str, Hyperparameter] = {h.name: h for h in (
    Hyperparameter("lr", "η", r"\eta", 1e-5, 10.0, "log", POSITIVE),  # η ≤ 0 stands still or climbs
    # momentum: a_t = β a_{t-1} + g_t grows without bound for β ≥ 1
    Hyperparameter("beta", "β", r"\beta", 0.0, 0.999, "decay", BELOW_ONE),
    Hyperparameter("gamma", "γ", r"\gamma", 0.0, 0.9999, "decay", BELOW_ONE),  # Adadelta's and RMSProp's averages
    # the first moment's decay; Adam's correction divides by 1 − β1^t
    Hyperparameter("beta1", "β₁", r"\beta_1", 0.0, 0.999, "decay", BELOW_ONE),
    # β2 = 1 keeps v_0 = 0: defined (the step is then ε-limited), unlike β2 > 1
    Hyperparameter("beta2", "β₂", r"\beta_2", 0.0, 0.99999, "decay", Range(0.0, 1.0)),
    # ε < 0 can make a denominator zero or negative; AdaBelief's own default is 1e-16
    Hyperparameter("eps", "ε", r"\epsilon", 1e-16, 1.0, "log", AT_LEAST_ZERO),
    Hyperparameter("weight_decay", "λ", r"\lambda", 0.0, 1.0, "linear", AT_LEAST_ZERO),  # decoupled: −ηλw per step
    Hyperparameter("bias_correction", "", "", 0.0, 1.0, "switch", Range(0.0, 1.0)),  # Adam's switch: ≥ 0.5 on
)}
SWITCH_ON = 0.5  # a switch is on above this value (1 on, 0 off)

SYMBOLS: dict[str, str] = {name: h.symbol for name, h in HYPERPARAMETERS.items() if h.symbol}
SWITCHES: tuple[str, ...] = tuple(name for name, h in HYPERPARAMETERS.items() if h.scale == "switch")
