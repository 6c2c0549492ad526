"""The Scene: the whole configuration of the page (its query-string form: scene/link.py).

Widgets, the URL, presets, lessons, the export CLI and the tests all build Scenes; the compute
layer and the figure builders take one. A Scene is frozen and hashable, so it is also a cache key.
"""

from __future__ import annotations

import dataclasses

from i18n import HP_SYMBOLS
from landscapes import LANDSCAPES, Landscape, parse_formula
from landscapes.finite_sum import DEFAULT_SAMPLES
from optimizers import HYPERPARAMETERS, hyperparameters
from optimizers.spec import DEFAULT_BATCH

LANGUAGES = ("ko", "en")
FIELD_MODES = ("none", "arrows", "stream", "norm")
MAX_RUNS = 8
MAX_STEPS = 2000
MAX_SEEDS = 16
MAX_SEED = 2**31 - 1
MAX_BATCH = DEFAULT_SAMPLES  # a stochastic run's batch size: 1 (SGD) to every sample of the finite sum
MAX_QUERY_VALUE = 512  # characters; longer values are refused as oversized

SLICE_KINDS = ("coordinates", "filter", "pca")  # a real model's planes: analysis/slices.py

# Okabe–Ito, distinguishable with the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")

# Hyperparameter ranges (low, high, log scale) shared by the sliders and the URL validation.
HPARAM_RANGES: dict[str, tuple[float, float, bool]] = {
    name: (h.low, h.high, h.log) for name, h in HYPERPARAMETERS.items()
}


def clamp_hparam(name: str, value: float) -> float:
    low, high, _ = HPARAM_RANGES[name]
    return min(max(float(value), low), high)


@dataclasses.dataclass(frozen=True)
class Run:
    """One optimizer with its own settings. ``batch_size`` None means the exact (full-batch) gradient."""

    optimizer: str
    convention: str = "lecture"
    hparams: tuple[tuple[str, float], ...] = ()
    color: str = PALETTE[0]
    visible: bool = True
    batch_size: int | None = None

    @staticmethod
    def of(optimizer: str, convention: str = "lecture", *, color: str = PALETTE[0], visible: bool = True,
           batch_size: int | None | str = "default", **hparams: float) -> "Run":
        """A run with every hyperparameter filled in (defaults for those not given), each clamped to its range."""
        values = hyperparameters(optimizer, convention)
        values.update({k: v for k, v in hparams.items() if k in values})
        values = {k: clamp_hparam(k, v) for k, v in values.items()}
        if batch_size == "default":
            batch_size = DEFAULT_BATCH.get(optimizer)
        return Run(optimizer, convention, tuple(sorted(values.items())), color, visible, batch_size)

    @property
    def settings(self) -> dict[str, float]:
        return dict(self.hparams)

    def label(self, language: str = "ko") -> str:
        """The optimizer, η, and every other setting that differs from the optimizer's defaults, short: two runs
        that differ only in β, γ, ε, the bias correction, the batch or the convention get different labels."""
        from i18n import optimizer_name, t  # local: i18n is a leaf module, this keeps Scene importable alone

        defaults = hyperparameters(self.optimizer, self.convention)
        parts = [optimizer_name(self.optimizer, language)]
        if "lr" in self.settings:
            parts.append(f"η={self.settings['lr']:.3g}")
        parts += [f"{HP_SYMBOLS[name]}={self.settings[name]:.6g}" for name, default in defaults.items()
                  if name in HP_SYMBOLS and name != "lr" and self.settings[name] != default]
        if self.settings.get("bias_correction", 1.0) < 0.5:
            parts.append(t("run.no_bias_correction", language))
        if self.batch_size != DEFAULT_BATCH.get(self.optimizer):
            parts.append(t("run.full_batch", language) if self.batch_size is None else f"B={self.batch_size}")
        if self.convention == "torch":
            parts.append("(torch)")
        return " ".join(parts)


@dataclasses.dataclass(frozen=True)
class View:
    log_loss: bool = False
    field: str = "none"  # one of FIELD_MODES
    projector: bool = False
    show_critical: bool = True
    seeds: int = 1  # > 1 draws the spread of several seeds for stochastic runs
    noise_ellipse: bool = False
    camera: tuple[float, ...] | None = None  # the 3D view's eye, centre and up (9 numbers); None: the default
    slice: str = SLICE_KINDS[0]  # a model's plane in the views (analysis/slices.py); a surface ignores it


@dataclasses.dataclass(frozen=True)
class Scene:
    landscape: str = "bowl"
    landscape_params: tuple[tuple[str, float], ...] = ()
    runs: tuple[Run, ...] = ()
    start: tuple[float, float] = (-2.5, 2.0)
    steps: int = 100
    step: int | None = None  # the step shown by the shared step control; None = the last
    noise: float = 1.0  # σ of the tilted finite sum, for runs with stochastic gradients
    seed: int = 0
    language: str = "ko"
    view: View = View()
    formula: str = ""  # a custom f(x, y) when landscape == "custom"
    formula_bounds: tuple[float, float, float, float] = (-3.0, 3.0, -3.0, 3.0)

    def surface(self) -> Landscape:
        """The Landscape with this scene's parameters. Custom formulas are resolved by ``landscapes.parse_formula``."""
        if self.landscape == "custom":
            x0, x1, y0, y1 = self.formula_bounds
            return parse_formula(self.formula, bounds=((x0, x1), (y0, y1)))
        return LANDSCAPES[self.landscape].with_params(**dict(self.landscape_params))

    @property
    def shown_step(self) -> int:
        return self.steps if self.step is None else min(self.step, self.steps)

    def replace(self, **changes) -> "Scene":
        return dataclasses.replace(self, **changes)


DEFAULT_SCENE = Scene(
    landscape="bowl",
    runs=(
        Run.of("gd", lr=0.1, color=PALETTE[0]),
        Run.of("momentum", lr=0.02, beta=0.9, color=PALETTE[1]),
        Run.of("adam", lr=0.3, color=PALETTE[2]),
    ),
    start=(-2.5, 2.0),
    steps=100,
)
