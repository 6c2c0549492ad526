"""The link: a Scene as query parameters, exactly, and back (with a notice for every value that fell back)."""

from __future__ import annotations

import dataclasses
import math
from typing import Iterable, Mapping

from i18n import error_text, t
from landscapes import LANDSCAPES, FormulaError, Landscape, parse_formula
from landscapes.finite_sum import NOISE
from landscapes.formula import DEFAULT_BOUNDS, MAX_BOUND
from optimizers import CONVENTIONS, OPTIMIZER_IDS, hyperparameters
from optimizers.spec import DEFAULT_BATCH
from scene.model import (DEFAULT_SCENE, FIELD_MODES, HPARAM_RANGES, LANGUAGES, MAX_BATCH, MAX_QUERY_VALUE, MAX_RUNS,
                         MAX_SEED, MAX_SEEDS, MAX_STEPS, PALETTE, SLICE_KINDS, Run, Scene, View)

NO_RUNS = "none"  # run=none: a scene without runs (a link without any run key takes the base scene's runs)
FULL_BATCH = "full"  # bs=full: the exact gradient (batch_size None), for any optimizer
SHOWN = 40  # characters of a refused value quoted in a notice


def number_text(value: float) -> str:
    """The shortest text that reads back as exactly ``value``: Python's repr, without a trailing ".0"."""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


@dataclasses.dataclass(frozen=True)
class _Flag:
    def write(self, value: bool) -> str:
        return "1" if value else "0"

    def read(self, reader: "_Reader", key: str, default: bool) -> bool:
        return reader.choice(key, self.write(default), ("0", "1")) == "1"


@dataclasses.dataclass(frozen=True)
class _Choice:
    options: tuple[str, ...]

    def write(self, value: str) -> str:
        return value

    def read(self, reader: "_Reader", key: str, default: str) -> str:
        return reader.choice(key, default, self.options)


@dataclasses.dataclass(frozen=True)
class _Integer:
    low: int
    high: int

    def write(self, value: int) -> str:
        return str(int(value))

    def read(self, reader: "_Reader", key: str, default: int) -> int:
        return reader.integer(key, default, self.low, self.high)


@dataclasses.dataclass(frozen=True)
class _Number:
    low: float
    high: float

    def write(self, value: float) -> str:
        return number_text(value)

    def read(self, reader: "_Reader", key: str, default: float) -> float:
        return reader.number(key, default, self.low, self.high)


@dataclasses.dataclass(frozen=True)
class _Camera:
    """The 3D view's camera: nine numbers (eye, centre, up), each within ±``limit``; eye and up not zero."""

    limit: float = 100.0

    def write(self, value: tuple[float, ...]) -> str:
        return ",".join(number_text(v) for v in value)

    def read(self, reader: "_Reader", key: str, default: tuple[float, ...] | None) -> tuple[float, ...] | None:
        text = reader.raw(key)
        if text is None:
            return default
        try:
            values = tuple(float(v) for v in text.split(","))
        except ValueError:
            values = ()
        if (len(values) != 9 or not all(math.isfinite(v) and abs(v) <= self.limit for v in values)
                or not any(values[:3]) or not any(values[6:])):
            reader.notice("camera", setting=key, text=text[:SHOWN])
            return default
        return values


# Scene values whose range depends on nothing else: query key → (Scene field, codec). Written always.
SCENE_VALUES = {
    "steps": ("steps", _Integer(1, MAX_STEPS)),
    "noise": ("noise", _Number(NOISE.low, NOISE.high)),
    "seed": ("seed", _Integer(0, MAX_SEED)),
    "lang": ("language", _Choice(LANGUAGES)),
}
# Every View field: key v_<field>, written when it differs from View()'s.
VIEW_VALUES = {
    "log_loss": _Flag(),
    "field": _Choice(FIELD_MODES),
    "projector": _Flag(),
    "show_critical": _Flag(),
    "seeds": _Integer(1, MAX_SEEDS),
    "noise_ellipse": _Flag(),
    "camera": _Camera(),
    "slice": _Choice(SLICE_KINDS),
}
if set(VIEW_VALUES) != {field.name for field in dataclasses.fields(View)}:
    raise TypeError("every View field needs its entry in VIEW_VALUES, the link's format for it")
FORMULA_BOUNDS = tuple(v for pair in DEFAULT_BOUNDS for v in pair)  # the bounds of a formula given without fb


def run_to_query(run: Run) -> str:
    parts = [run.optimizer, f"conv={run.convention}"]
    parts += [f"{name}={number_text(value)}" for name, value in run.hparams]
    parts.append(f"bs={FULL_BATCH if run.batch_size is None else run.batch_size}")
    parts.append(f"color={run.color.lstrip('#')}")
    if not run.visible:
        parts.append("hide=1")
    return ",".join(parts)


def to_query(scene: Scene) -> dict[str, str | list[str]]:
    """The scene as query parameters (a repeated ``run`` key holds the runs); ``from_query`` reads it back exactly."""
    query: dict[str, str | list[str]] = {"ls": scene.landscape}
    for name, value in scene.landscape_params:
        query[f"p_{name}"] = number_text(value)
    query["x"], query["y"] = number_text(scene.start[0]), number_text(scene.start[1])
    for key, (field, codec) in SCENE_VALUES.items():
        query[key] = codec.write(getattr(scene, field))
    if scene.step is not None:
        query["step"] = str(scene.step)
    for name, codec in VIEW_VALUES.items():
        value = getattr(scene.view, name)
        if value != getattr(View(), name):
            query[f"v_{name}"] = codec.write(value)
    if scene.formula or scene.landscape == "custom":
        query["f"] = scene.formula
        query["fb"] = ",".join(number_text(v) for v in scene.formula_bounds)
    query["run"] = [run_to_query(run) for run in scene.runs] or [NO_RUNS]
    return query


def query_string(scene: Scene) -> str:
    from urllib.parse import urlencode

    return urlencode(to_query(scene), doseq=True)


# What a query parser reads differently from the character itself: "&" ends a value, "#" the whole query, "%"
# starts an escape, "+" is a space; "=" ends a key (a value's "=" is its own: both parsers split at the first).
KEPT_IN_KEYS = "&=#%+"
KEPT_IN_VALUES = "&#%+"


def readable_text(text: str, kept: str) -> str:
    """``text`` for a query, percent-encoded only where a parser would read it differently: ``kept`` and what an
    address bar drops or a reader cannot see (control characters, every space but " ")."""
    from urllib.parse import quote

    return "".join(char if char.isprintable() and char not in kept else quote(char, safe="") for char in text)


def readable_query(query: Mapping[str, str | list[str]]) -> str:
    """``urlencode(query, doseq=True)`` as a person reads it: a space, "*", "(", Hangul or Greek shown as they are.
    Pasted into an address bar it opens what the percent-encoded form opens (``parse_qs`` reads the same)."""
    text = "&".join(f"{readable_text(key, KEPT_IN_KEYS)}={readable_text(value, KEPT_IN_VALUES)}"
                    for key, values in query.items()
                    for value in (values if isinstance(values, list) else [values]))
    kept = text.rstrip(" ")  # an address bar trims the spaces at its end
    return kept + "%20" * (len(text) - len(kept))


def readable_query_string(scene: Scene) -> str:
    """``query_string(scene)`` as a person reads it (``readable_query``)."""
    return readable_query(to_query(scene))


class _Reader:
    """Reads query values with validation; every value that is refused, clamped or ignored leaves a notice
    (an i18n key and its values, put into words by ``from_query`` in the page's language)."""

    def __init__(self, query: Mapping):
        self.query = query
        self.notices: list[tuple[str, dict]] = []

    def notice(self, what: str, **values) -> None:
        self.notices.append((f"link.{what}", values))

    def text(self, key: str, value, limit: int | None = MAX_QUERY_VALUE) -> str | None:
        """``value`` as text (a number is read as its text), or None with a notice."""
        text = None
        if isinstance(value, str):
            text = value
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            try:
                text = number_text(value) if isinstance(value, float) else str(value)
            except ValueError:  # an int too long for str()
                pass
        if text is None:
            self.notice("not_text", setting=key, kind=type(value).__name__)
        elif limit is not None and len(text) > limit:
            self.notice("too_long", setting=key, length=len(text), limit=limit)
            text = None
        return text

    def raw(self, key: str, limit: int | None = MAX_QUERY_VALUE) -> str | None:
        """The text of ``key`` (its last value when repeated), or None when absent or refused."""
        if key not in self.query:
            return None
        value = self.query[key]
        if isinstance(value, (list, tuple)):
            if not value:
                self.notice("not_text", setting=key, kind="[]")
                return None
            value = value[-1]
        return self.text(key, value, limit)

    def _parsed(self, key: str, text: str, low: float, high: float, default: str) -> float | None:
        try:
            value = float(text)
        except ValueError:
            self.notice("not_number", setting=key, text=text[:SHOWN], default=default)
            return None
        if not math.isfinite(value):
            self.notice("not_finite", setting=key, text=text[:SHOWN], default=default)
            return None
        if not low <= value <= high:
            clamped = min(max(value, low), high)
            self.notice("outside", setting=key, text=text[:SHOWN], low=number_text(low), high=number_text(high),
                        value=number_text(clamped))
            return clamped
        return value

    def number(self, key: str, default: float, low: float, high: float, text: str | None = None) -> float:
        text = self.raw(key) if text is None else text
        if text is None:
            return default
        value = self._parsed(key, text, low, high, number_text(default))
        return default if value is None else value

    def integer(self, key: str, default, low: int, high: int, text: str | None = None, shown: str | None = None):
        """A whole number in [low, high]; ``default`` (any value, shown as ``shown``) when there is none."""
        text = self.raw(key) if text is None else text
        if text is None:
            return default
        value = self._parsed(key, text, low, high, str(default) if shown is None else shown)
        if value is None:
            return default
        if value != round(value):
            self.notice("not_whole", setting=key, text=text[:SHOWN], value=str(round(value)))
        return int(round(value))

    def choice(self, key: str, default: str, options: Iterable[str]) -> str:
        text = self.raw(key)
        if text is None:
            return default
        options = tuple(options)
        if text not in options:
            self.notice("not_one_of", setting=key, text=text[:SHOWN], options=", ".join(options), default=default)
            return default
        return text


def _read_bounds(reader: _Reader, default: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    text = reader.raw("fb")
    if text is None:
        return default
    parts = text.split(",")
    if len(parts) != 4:
        reader.notice("bounds", text=text[:SHOWN], default=",".join(map(number_text, default)))
        return default
    values = tuple(reader.number("fb", d, -MAX_BOUND, MAX_BOUND, part) for d, part in zip(default, parts))
    if not (values[0] < values[1] and values[2] < values[3]):
        reader.notice("bounds", text=text[:SHOWN], default=",".join(map(number_text, default)))
        return default
    return values


def _read_surface(reader: _Reader, base: Scene) -> tuple[str, str, tuple[float, float, float, float]]:
    """The landscape id, the formula and its bounds. A refused formula is dropped, never kept; a custom
    landscape without a usable formula falls back to the convex bowl."""
    landscape = reader.choice("ls", base.landscape, (*LANDSCAPES, "custom"))
    formula, bounds = base.formula, base.formula_bounds
    if "f" in reader.query:
        formula = reader.raw("f", limit=None) or ""  # parse_formula refuses an overlong one, and says so
        bounds = _read_bounds(reader, base.formula_bounds if base.formula else FORMULA_BOUNDS)
    elif "fb" in reader.query:
        if formula:
            bounds = _read_bounds(reader, bounds)
        else:
            reader.notice("bounds_without_formula")
    refused = False
    if formula:
        try:
            parse_formula(formula, bounds=(bounds[:2], bounds[2:]))
        except FormulaError as error:
            reader.notice("formula_refused" if landscape == "custom" else "formula_dropped", error=error)
            formula, bounds, refused = "", FORMULA_BOUNDS, True
    if landscape == "custom" and not formula:
        if not refused:
            reader.notice("no_formula")
        landscape = "bowl"
    if not formula:
        bounds = FORMULA_BOUNDS
    return landscape, formula, bounds


def _read_start(reader: _Reader, base: Scene, surface: Landscape) -> tuple[float, float]:
    (xmin, xmax), (ymin, ymax) = surface.bounds
    same = (surface.id, surface.bounds) == (base.landscape, _bounds_of(base))
    x, y = base.start if same else surface.default_start
    default = (min(max(x, xmin), xmax), min(max(y, ymin), ymax))
    return reader.number("x", default[0], xmin, xmax), reader.number("y", default[1], ymin, ymax)


def _bounds_of(scene: Scene):
    if scene.landscape == "custom":
        x0, x1, y0, y1 = scene.formula_bounds
        return (x0, x1), (y0, y1)
    return LANDSCAPES[scene.landscape].bounds


def _read_runs(reader: _Reader, base: Scene) -> tuple[Run, ...]:
    if "run" not in reader.query:
        return base.runs
    value = reader.query["run"]
    items = list(value) if isinstance(value, (list, tuple)) else [value]
    if items == [NO_RUNS]:
        return ()
    if len(items) > MAX_RUNS:
        reader.notice("too_many_runs", count=len(items), limit=MAX_RUNS)
    texts = [reader.text(f"run {index + 1}", item) for index, item in enumerate(items[:MAX_RUNS])]
    return tuple(run for index, text in enumerate(texts) if text is not None
                 and (run := _read_run(reader, text, index)) is not None)


def _read_run(reader: _Reader, text: str, index: int) -> Run | None:
    number = index + 1
    optimizer, *items = text.split(",")
    if optimizer not in OPTIMIZER_IDS:
        reader.notice("unknown_optimizer", index=number, name=optimizer[:SHOWN])
        return None
    fields = dict(item.partition("=")[::2] for item in items)
    convention = fields.pop("conv", "lecture")
    if convention not in CONVENTIONS:
        reader.notice("unknown_convention", index=number, name=convention[:SHOWN])
        convention = "lecture"
    values = {name: reader.number(f"run {number} {name}", default, *HPARAM_RANGES[name][:2], fields.pop(name))
              for name, default in hyperparameters(optimizer, convention).items() if name in fields}
    batch = DEFAULT_BATCH.get(optimizer)
    if "bs" in fields:
        size = fields.pop("bs")
        shown = FULL_BATCH if batch is None else str(batch)
        batch = None if size == FULL_BATCH else reader.integer(f"run {number} bs", batch, 1, MAX_BATCH, size, shown)
    color = PALETTE[index % len(PALETTE)]
    if "color" in fields:
        given = fields.pop("color").strip("#")
        if len(given) == 6 and all(c in "0123456789abcdefABCDEF" for c in given):
            color = "#" + given
        else:
            reader.notice("bad_color", index=number, text=given[:SHOWN], color=color)
    visible = True
    if "hide" in fields:
        hidden = fields.pop("hide")
        if hidden not in ("0", "1"):
            reader.notice("not_one_of", setting=f"run {number} hide", text=hidden[:SHOWN], options="0, 1", default="0")
        visible = hidden != "1"
    for key in fields:
        reader.notice("unknown_run_setting", index=number, name=key[:SHOWN])
    return Run.of(optimizer, convention, color=color, visible=visible, batch_size=batch, **values)


def _in_words(notices: list[tuple[str, dict]], language: str) -> list[str]:
    def word(value):
        return error_text(value, language) if isinstance(value, FormulaError) else value

    return [t(key, language, **{name: word(value) for name, value in values.items()}) for key, values in notices]


def from_query(query: Mapping, base: Scene | None = None, *, language: str | None = None) -> tuple[Scene, list[str]]:
    """A Scene from query parameters, and the notices for every value that was refused, clamped or ignored,
    in ``language`` (the scene's language when None).

    Missing keys take ``base``'s values (the default scene when None). Never raises, whatever the mapping
    holds: a value that is not text (nor a number) is refused with a notice like any other bad value.
    """
    base = base or DEFAULT_SCENE
    reader = _Reader(query)
    landscape_id, formula, bounds = _read_surface(reader, base)
    known = {"ls", "x", "y", "step", "run", "f", "fb", *SCENE_VALUES, *(f"v_{name}" for name in VIEW_VALUES)}
    params = dict(base.landscape_params) if landscape_id == base.landscape else {}
    if landscape_id == "custom":
        surface = parse_formula(formula, bounds=(bounds[:2], bounds[2:]))
    else:
        surface = LANDSCAPES[landscape_id]
        for p in surface.params:
            known.add(f"p_{p.name}")
            if f"p_{p.name}" in query:
                params[p.name] = reader.number(f"p_{p.name}", p.default, p.low, p.high)
    start = _read_start(reader, base, surface)
    values = {field: codec.read(reader, key, getattr(base, field)) for key, (field, codec) in SCENE_VALUES.items()}
    step = reader.integer("step", values["steps"], 0, values["steps"]) if "step" in query else None
    view = View(**{name: codec.read(reader, f"v_{name}", getattr(base.view, name))
                   for name, codec in VIEW_VALUES.items()})
    runs = _read_runs(reader, base)
    for key in query:
        if key not in known:
            reader.notice("unknown_key", setting=str(key)[:SHOWN])
    scene = Scene(landscape=landscape_id, landscape_params=tuple(sorted(params.items())), runs=runs, start=start,
                  step=step, view=view, formula=formula, formula_bounds=bounds, **values)
    return scene, _in_words(reader.notices, language or scene.language)


