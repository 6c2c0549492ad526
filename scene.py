"""The Scene: the whole configuration of the page, and its query-string form.

Widgets, the URL, presets, lessons, the export CLI and the tests all build Scenes; the compute
layer and the figure builders take one. A Scene is frozen and hashable, so it is also a cache key.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Iterable, Mapping

from landscapes import LANDSCAPES, Landscape
from optimizers import CONVENTIONS, OPTIMIZER_IDS, hyperparameters

LANGUAGES = ("ko", "en")
FIELD_MODES = ("none", "arrows", "stream", "norm")
MAX_RUNS = 8
MAX_STEPS = 2000
MAX_SEEDS = 16
MAX_QUERY_VALUE = 512  # characters; longer values are refused as oversized
MAX_FORMULA = 256

# Okabe–Ito, distinguishable with the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")

# Hyperparameter ranges (low, high, log scale) shared by the sliders and the URL validation.
HPARAM_RANGES: dict[str, tuple[float, float, bool]] = {
    "lr": (1e-5, 10.0, True),
    "beta": (0.0, 0.999, False),
    "gamma": (0.0, 0.9999, False),
    "beta1": (0.0, 0.999, False),
    "beta2": (0.0, 0.99999, False),
    "eps": (1e-12, 1.0, True),
    "bias_correction": (0.0, 1.0, False),  # Adam's switch: 1 on, 0 off
}

DEFAULT_BATCH = {"gd": None, "sgd": 1, "minibatch": 8}
HPARAM_SYMBOLS = {"lr": "η", "beta": "β", "gamma": "γ", "beta1": "β₁", "beta2": "β₂", "eps": "ε"}


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
        parts += [f"{HPARAM_SYMBOLS[name]}={self.settings[name]:.6g}" for name, default in defaults.items()
                  if name in HPARAM_SYMBOLS and name != "lr" and self.settings[name] != default]
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
            from landscapes import parse_formula  # provided by the formula module

            x0, x1, y0, y1 = self.formula_bounds
            return parse_formula(self.formula, bounds=((x0, x1), (y0, y1)))
        return LANDSCAPES[self.landscape].with_params(**dict(self.landscape_params))

    @property
    def shown_step(self) -> int:
        return self.steps if self.step is None else min(self.step, self.steps)

    def replace(self, **changes) -> "Scene":
        return dataclasses.replace(self, **changes)


# --- query string -------------------------------------------------------------------------------------

def _fmt(value: float) -> str:
    return f"{value:.6g}"


def run_to_query(run: Run) -> str:
    parts = [run.optimizer, f"conv={run.convention}"]
    parts += [f"{k}={_fmt(v)}" for k, v in run.hparams]
    if run.batch_size is not None:
        parts.append(f"bs={run.batch_size}")
    parts.append(f"color={run.color.lstrip('#')}")
    if not run.visible:
        parts.append("hide=1")
    return ",".join(parts)


def to_query(scene: Scene) -> dict[str, str | list[str]]:
    """The scene as query parameters (a repeated ``run`` key holds the runs)."""
    query: dict[str, str | list[str]] = {"ls": scene.landscape}
    for name, value in scene.landscape_params:
        query[f"p_{name}"] = _fmt(value)
    query["x"], query["y"] = _fmt(scene.start[0]), _fmt(scene.start[1])
    query["steps"] = str(scene.steps)
    if scene.step is not None:
        query["step"] = str(scene.step)
    query["noise"] = _fmt(scene.noise)
    query["seed"] = str(scene.seed)
    query["lang"] = scene.language
    default_view = View()
    for field in dataclasses.fields(View):
        value = getattr(scene.view, field.name)
        if value == getattr(default_view, field.name):
            continue
        if field.name == "camera":
            query["v_camera"] = ",".join(_fmt(v) for v in value)
        else:
            query[f"v_{field.name}"] = str(int(value)) if isinstance(value, bool) else str(value)
    if scene.landscape == "custom":
        query["f"] = scene.formula
        query["fb"] = ",".join(_fmt(v) for v in scene.formula_bounds)
    query["run"] = [run_to_query(run) for run in scene.runs]
    return query


def query_string(scene: Scene) -> str:
    from urllib.parse import urlencode

    return urlencode(to_query(scene), doseq=True)


class _Reader:
    """Reads query values with validation; every fallback leaves a notice."""

    def __init__(self, query: Mapping[str, str | list[str]]):
        self.query = query
        self.notices: list[str] = []

    def raw(self, key: str) -> str | None:
        value = self.query.get(key)
        if isinstance(value, (list, tuple)):
            value = value[-1] if value else None
        if value is None:
            return None
        if len(value) > MAX_QUERY_VALUE:
            self.notices.append(f"'{key}' is too long ({len(value)} characters); using the default")
            return None
        return value

    def number(self, key: str, default: float, low: float, high: float, text: str | None = None) -> float:
        text = self.raw(key) if text is None else text
        if text is None:
            return default
        try:
            value = float(text)
        except ValueError:
            self.notices.append(f"'{key}={text[:40]}' is not a number; using {default:g}")
            return default
        if not math.isfinite(value):
            self.notices.append(f"'{key}={text[:40]}' is not a finite number; using {default:g}")
            return default
        if not low <= value <= high:
            clamped = min(max(value, low), high)
            self.notices.append(f"'{key}={text[:40]}' is outside [{low:g}, {high:g}]; using {clamped:g}")
            return clamped
        return value

    def integer(self, key: str, default: int, low: int, high: int) -> int:
        return int(round(self.number(key, default, low, high)))

    def camera(self, key: str, default: tuple[float, ...] | None) -> tuple[float, ...] | None:
        """Nine numbers (the 3D camera's eye, centre and up), none of them beyond ±100, up not zero."""
        text = self.raw(key)
        if text is None:
            return default
        try:
            values = tuple(float(v) for v in text.split(","))
        except ValueError:
            values = ()
        if (len(values) != 9 or not all(math.isfinite(v) and abs(v) <= 100 for v in values)
                or not any(values[6:]) or not any(values[:3])):
            self.notices.append(f"'{key}' must be nine numbers (eye, centre, up); using the default view")
            return default
        return values

    def choice(self, key: str, default: str, options: Iterable[str]) -> str:
        text = self.raw(key)
        if text is None:
            return default
        options = tuple(options)
        if text not in options:
            self.notices.append(f"'{key}={text[:40]}' is not one of {', '.join(options)}; using {default}")
            return default
        return text


def _read_run(reader: _Reader, text: str, index: int) -> Run | None:
    if len(text) > MAX_QUERY_VALUE:
        reader.notices.append(f"run {index + 1} is too long; dropped")
        return None
    optimizer, *items = text.split(",")
    if optimizer not in OPTIMIZER_IDS:
        reader.notices.append(f"run {index + 1}: unknown optimizer '{optimizer[:40]}'; dropped")
        return None
    fields = {}
    for item in items:
        key, _, value = item.partition("=")
        fields[key] = value
    convention = fields.pop("conv", "lecture")
    if convention not in CONVENTIONS:
        reader.notices.append(f"run {index + 1}: unknown convention '{convention[:40]}'; using lecture")
        convention = "lecture"
    defaults = hyperparameters(optimizer, convention)
    values = {}
    for name, default in defaults.items():
        low, high, _ = HPARAM_RANGES[name]
        if name in fields:
            values[name] = reader.number(f"run {index + 1} {name}", default, low, high, fields.pop(name))
    batch = DEFAULT_BATCH.get(optimizer)
    if "bs" in fields:
        batch = int(reader.number(f"run {index + 1} bs", 1, 1, 64, fields.pop("bs")))
    color = "#" + fields.pop("color", "").strip("#")
    if len(color) != 7 or any(c not in "0123456789abcdefABCDEF" for c in color[1:]):
        color = PALETTE[index % len(PALETTE)]
    visible = fields.pop("hide", "0") != "1"
    for key in fields:
        reader.notices.append(f"run {index + 1}: unknown setting '{key[:40]}' ignored")
    return Run.of(optimizer, convention, color=color, visible=visible, batch_size=batch, **values)


def from_query(query: Mapping[str, str | list[str]], base: Scene | None = None) -> tuple[Scene, list[str]]:
    """A Scene from query parameters, and the notices for every value that fell back or was clamped.

    Missing keys take ``base``'s values (the default scene when None). Never raises.
    """
    base = base or DEFAULT_SCENE
    reader = _Reader(query)
    known = {"ls", "x", "y", "steps", "step", "noise", "seed", "lang", "run", "f", "fb"}
    known |= {f"v_{f.name}" for f in dataclasses.fields(View)}
    landscape_id = reader.choice("ls", base.landscape, (*LANDSCAPES, "custom"))
    formula, formula_bounds = base.formula, base.formula_bounds
    if landscape_id == "custom":
        formula = reader.raw("f") or ""
        fb = (reader.raw("fb") or "").split(",")
        if len(fb) == 4:
            values = [reader.number("fb", d, -1e3, 1e3, t) for d, t in zip(base.formula_bounds, fb)]
            if values[0] < values[1] and values[2] < values[3]:
                formula_bounds = tuple(values)
            else:
                reader.notices.append("'fb' bounds must be increasing; using the default")
        if not formula:
            reader.notices.append("custom landscape without a formula; using the convex bowl")
            landscape_id = "bowl"
        else:
            from landscapes import FormulaError, parse_formula

            x0, x1, y0, y1 = formula_bounds
            try:
                custom_start = parse_formula(formula, bounds=((x0, x1), (y0, y1))).default_start
            except FormulaError as error:
                reader.notices.append(f"formula 'f' refused: {error} Using the convex bowl")
                landscape_id = "bowl"
    landscape = LANDSCAPES.get(landscape_id)
    params = dict(base.landscape_params) if landscape_id == base.landscape else {}
    if landscape is not None:
        for p in landscape.params:
            known.add(f"p_{p.name}")
            if f"p_{p.name}" in query:
                params[p.name] = reader.number(f"p_{p.name}", p.default, p.low, p.high)
        (xmin, xmax), (ymin, ymax) = landscape.bounds
        default_start = base.start if landscape_id == base.landscape else landscape.default_start
    else:
        xmin, xmax, ymin, ymax = formula_bounds
        default_start = custom_start if landscape_id != base.landscape else base.start
    start = (reader.number("x", default_start[0], xmin, xmax), reader.number("y", default_start[1], ymin, ymax))
    steps = reader.integer("steps", base.steps, 1, MAX_STEPS)
    step = reader.integer("step", steps, 0, steps) if "step" in query else None
    view_changes = {}
    for field in dataclasses.fields(View):
        key, default = f"v_{field.name}", getattr(base.view, field.name)
        if key not in query:
            continue
        if field.name == "field":
            view_changes[field.name] = reader.choice(key, default, FIELD_MODES)
        elif field.name == "seeds":
            view_changes[field.name] = reader.integer(key, default, 1, MAX_SEEDS)
        elif field.name == "camera":
            view_changes[field.name] = reader.camera(key, default)
        else:
            view_changes[field.name] = reader.choice(key, "1" if default else "0", ("0", "1")) == "1"
    runs_raw = query.get("run", None)
    if runs_raw is None:
        runs = base.runs
    else:
        runs_raw = [runs_raw] if isinstance(runs_raw, str) else list(runs_raw)
        if len(runs_raw) > MAX_RUNS:
            reader.notices.append(f"{len(runs_raw)} runs given; keeping the first {MAX_RUNS}")
        runs = tuple(r for i, text in enumerate(runs_raw[:MAX_RUNS]) if (r := _read_run(reader, text, i)))
    for key in query:
        if key not in known:
            reader.notices.append(f"unknown setting '{str(key)[:40]}' ignored")
    scene = Scene(
        landscape=landscape_id,
        landscape_params=tuple(sorted(params.items())),
        runs=runs,
        start=start,
        steps=steps,
        step=step,
        noise=reader.number("noise", base.noise, 0.0, 10.0),
        seed=reader.integer("seed", base.seed, 0, 2**31 - 1),
        language=reader.choice("lang", base.language, LANGUAGES),
        view=dataclasses.replace(base.view, **view_changes),
        formula=formula,
        formula_bounds=formula_bounds,
    )
    return scene, reader.notices


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
