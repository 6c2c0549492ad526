"""Maps over many runs at once: basins of attraction over start points, and hyperparameter sweeps.

Both run one optimizer of a scene many times in vmapped programs (``optimizers.run_many``), in
chunks of ``CHUNK`` runs so a progress callback ``progress(done, total)`` can report between them.
Every chunk has the same shape (the last one is padded), so one compiled program serves a whole
map and every map size.

Convergence. A run has converged to a minimum when it arrived there and stayed (``analysis.convergence``,
the one definition); its "steps to converge" is the step from which it stayed. A run that did not is
"not converged", or "diverged" when its point became non-finite or escaped. The minima are those the
critical-point finder finds inside the bounds (the global ones first).

Sizes are bounded (``MAX_MAP_RESOLUTION``, ``MAX_SWEEP``, ``MAX_MAP_WORK`` point-steps per map),
one map computes at a time per process, and results are cached per scene (``CACHE_SIZE`` maps).
"""

from __future__ import annotations

import collections
import concurrent.futures
import dataclasses
import threading
from typing import Callable, NamedTuple

import numpy as np

from analysis import compute, convergence
import optimizers
from landscapes import Landscape, find_critical_points
from scene import HPARAM_RANGES, MAX_STEPS, Run, Scene, clamp_hparam

DIVERGED = -1
NOT_CONVERGED = -2
MIN_MAP_RESOLUTION = 8
MAX_MAP_RESOLUTION = 256
MIN_SWEEP = 2
MAX_SWEEP = 64
MAX_MAP_WORK = 256 * 256 * 300  # starts × steps of one map: a few seconds on two cores
CHUNK = 8192  # 256² maps: 8 calls (1024: 64 calls; GD 94 → 44 ms a map, Adam 116 → 52 ms)
WORKERS = 2  # chunks run at once: XLA releases the GIL, and a small chunk keeps one core busy
CACHE_SIZE = 16
STEPS_AXIS = "steps"
LOG_AXES = tuple(name for name, h in optimizers.HYPERPARAMETERS.items() if h.log)

Progress = Callable[[int, int], None]


class Attractor(NamedTuple):
    """A minimum the maps colour by."""

    xy: tuple[float, float]
    kind: str  # global_min or local_min
    value: float


class BasinInfo(NamedTuple):
    """Where each start of a grid ends. Arrays are (R, R) with [i, j] the start (xs[j], ys[i])."""

    scene: Scene
    run_index: int
    xs: np.ndarray  # (R,) float32 cell centres
    ys: np.ndarray
    label: np.ndarray  # int16: index into ``minima``, DIVERGED or NOT_CONVERGED
    steps_to_converge: np.ndarray  # int32, -1 where it did not converge
    final_loss: np.ndarray  # float32, the loss at the last good point
    final_xy: np.ndarray  # (R, R, 2) float32
    diverged_at: np.ndarray  # int32, -1 where it did not diverge
    minima: tuple[Attractor, ...]
    steps: int
    requested_steps: int  # more than ``steps`` when the work bound cut the map short
    tolerance: float

    @property
    def resolution(self) -> int:
        return len(self.xs)

    @property
    def run(self) -> Run:
        return self.scene.runs[self.run_index]

    def cell_xy(self, i: int, j: int) -> tuple[float, float]:
        return float(self.xs[j]), float(self.ys[i])

    def counts(self) -> dict[int, int]:
        """How many starts end at each label."""
        labels, counts = np.unique(self.label, return_counts=True)
        return {int(k): int(n) for k, n in zip(labels, counts)}


class SweepInfo(NamedTuple):
    """One run from the scene's start for every (x, y) setting. Arrays are (ny, nx), [i, j] = (x_values[j], y_values[i])."""

    scene: Scene
    run_index: int
    x_param: str
    y_param: str
    x_values: np.ndarray  # (nx,) float64
    y_values: np.ndarray  # (ny,)
    final_loss: np.ndarray  # float32
    steps_to_converge: np.ndarray  # int32, -1 where it did not converge
    diverged_at: np.ndarray  # int32, -1 where it did not diverge
    label: np.ndarray  # int16, as in BasinInfo
    minima: tuple[Attractor, ...]
    tolerance: float

    @property
    def run(self) -> Run:
        return self.scene.runs[self.run_index]

    def cell_setting(self, i: int, j: int) -> dict[str, float]:
        return {self.x_param: float(self.x_values[j]), self.y_param: float(self.y_values[i])}

    @property
    def current(self) -> tuple[float | None, float | None]:
        """The run's present setting on each axis."""
        return setting_of(self.scene, self.run, self.x_param), setting_of(self.scene, self.run, self.y_param)


# --- minima, tolerance, labels ---------------------------------------------------------------------------

def attractors(landscape: Landscape) -> tuple[Attractor, ...]:
    """The minima inside the bounds, global ones first, then by value."""
    found = [p for p in find_critical_points(landscape) if p.is_minimum]
    found.sort(key=lambda p: (p.kind != "global_min", p.value, p.xy))
    return tuple(Attractor(p.xy, p.kind, p.value) for p in found)


def labels(diverged_at: np.ndarray, minimum: np.ndarray) -> np.ndarray:
    """The map's label of each run: DIVERGED, the index of the minimum it arrived at, or NOT_CONVERGED."""
    return np.where(diverged_at >= 0, DIVERGED, np.where(minimum >= 0, minimum, NOT_CONVERGED)).astype(np.int16)


def outcomes(paths: np.ndarray, diverged_at: np.ndarray, minima: tuple[Attractor, ...], tolerance: float):
    """Label and steps to converge (−1 where it did not) of M recorded paths (M, T+1, 2)."""
    arrived = convergence.arrivals(paths, diverged_at, convergence.centres(minima), tolerance)
    return labels(diverged_at, arrived.minimum), arrived.since


# --- running in chunks ---------------------------------------------------------------------------------------

_COMPUTE = threading.Lock()  # one map at a time per process: two cores, many students


def _in_chunks(run_chunk: Callable[[slice], tuple], total: int, progress: Progress | None):
    """Run ``run_chunk`` over [0, total) in CHUNK-sized slices, WORKERS at a time; concatenate its outputs.

    The progress is reported from this thread, in order, as the chunks finish.
    """
    report = progress or (lambda done, of: None)
    report(0, total)
    slices = [slice(start, start + CHUNK) for start in range(0, total, CHUNK)]
    parts = []
    with _COMPUTE, concurrent.futures.ThreadPoolExecutor(WORKERS) as pool:
        for part, result in zip(slices, pool.map(run_chunk, slices)):
            parts.append(result)
            report(min(part.stop, total), total)
    return [np.concatenate(field)[:total] for field in zip(*parts)]


def _padded(values: np.ndarray, part: slice) -> np.ndarray:
    """values[part], padded to CHUNK rows by repeating its last row, so every chunk has one shape."""
    rows = values[part]
    if len(rows) == CHUNK:
        return rows
    return np.concatenate([rows, np.repeat(rows[-1:], CHUNK - len(rows), axis=0)])


# --- the cache ----------------------------------------------------------------------------------------------

_cache: collections.OrderedDict = collections.OrderedDict()
_cache_lock = threading.Lock()


def _cached(key: tuple, compute_map: Callable[[], tuple], progress: Progress | None, only_cached: bool):
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            hit = _cache[key]
        else:
            hit = None
    if hit is not None:
        if progress:
            progress(1, 1)
        return hit
    if only_cached:
        return None
    value = compute_map()
    with _cache_lock:
        _cache[key] = value
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return value


def cache_clear() -> None:
    with _cache_lock:
        _cache.clear()


def _surface_key(scene: Scene) -> tuple:
    return scene.landscape, scene.landscape_params, scene.formula, scene.formula_bounds


def _run_key(scene: Scene, run: Run) -> tuple:
    stochastic = run.batch_size is not None
    return (run.optimizer, run.convention, run.hparams, run.batch_size,
            scene.noise if stochastic else None, scene.seed if stochastic else None)


def _run_at(scene: Scene, run_index: int) -> Run:
    if not 0 <= run_index < len(scene.runs):
        raise ValueError(f"run {run_index} does not exist; the scene has {len(scene.runs)} runs")
    return scene.runs[run_index]


# --- basin map --------------------------------------------------------------------------------------------------

def map_steps(resolution: int, steps: int) -> int:
    """``steps``, cut so that resolution² × steps stays within MAX_MAP_WORK."""
    return max(1, min(int(steps), MAX_MAP_WORK // (resolution * resolution)))


def start_grid(landscape: Landscape, resolution: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cell centres (xs, ys) tiling the bounds exactly, and the (R², 2) starts in row-major [i, j] order."""
    (x0, x1), (y0, y1) = landscape.bounds
    centres = lambda lo, hi: (lo + (np.arange(resolution) + 0.5) * (hi - lo) / resolution).astype(np.float32)
    xs, ys = centres(x0, x1), centres(y0, y1)
    gx, gy = np.meshgrid(xs, ys)
    return xs, ys, np.stack([gx.ravel(), gy.ravel()], axis=1)


def basin_map(scene: Scene, run_index: int, resolution: int, steps: int | None = None, *,
              tolerance: float | None = None, progress: Progress | None = None,
              only_cached: bool = False) -> BasinInfo | None:
    """Run scene.runs[run_index] from every cell of a resolution × resolution grid of starts.

    With ``only_cached`` nothing is computed: the cached map, or None.
    """
    resolution = int(resolution)
    if not MIN_MAP_RESOLUTION <= resolution <= MAX_MAP_RESOLUTION:
        raise ValueError(f"map resolution must be between {MIN_MAP_RESOLUTION} and {MAX_MAP_RESOLUTION}, got {resolution}")
    run = _run_at(scene, run_index)
    requested = scene.steps if steps is None else int(steps)
    if not 1 <= requested <= MAX_STEPS:
        raise ValueError(f"steps must be between 1 and {MAX_STEPS}, got {requested}")
    steps = map_steps(resolution, requested)
    key = ("basin", _surface_key(scene), _run_key(scene, run), resolution, steps, requested, tolerance)

    def compute_map() -> BasinInfo:
        surface = scene.surface()
        fn, batch_size = compute.gradient_source(scene, run, surface)
        opt = compute.make_optimizer(run)
        xs, ys, starts = start_grid(surface, resolution)
        tol = convergence.tolerance_for(surface, tolerance)
        minima = attractors(surface)
        centres = convergence.centres(minima)

        def run_chunk(part: slice):  # the engine tracks the arrivals as it steps: no paths recorded
            batch = optimizers.run_many(opt, fn, _padded(starts, part), steps, batch_size=batch_size,
                                        seed=scene.seed, targets=centres, target_tol=tol)
            return (labels(batch.diverged_at, batch.target_index), batch.arrived_at, batch.final_loss,
                    batch.final_params, batch.diverged_at)

        label, settle, final_loss, final_xy, diverged_at = _in_chunks(run_chunk, len(starts), progress)
        shape = (resolution, resolution)
        return BasinInfo(
            scene, run_index, xs, ys, label.reshape(shape), settle.reshape(shape),
            final_loss.astype(np.float32).reshape(shape), final_xy.astype(np.float32).reshape(*shape, 2),
            diverged_at.astype(np.int32).reshape(shape), minima, steps, requested, tol,
        )

    return _current(_cached(key, compute_map, progress, only_cached), scene)


def _current(info, scene: Scene):
    """A map from the cache, holding the scene it is shown for (a run's colour, the present setting)."""
    return None if info is None else info._replace(scene=scene)


def start_from_cell(scene: Scene, info: BasinInfo, i: int, j: int) -> Scene:
    """The scene started at basin cell [i, j]: its runs now trace the path that cell summarises."""
    return scene.replace(start=info.cell_xy(i, j))


# --- hyperparameter sweep -----------------------------------------------------------------------------------------

def sweep_axes(run: Run) -> tuple[tuple[str, str], ...]:
    """The (x, y) pairs a sweep offers for this run: lr × β, lr × γ, lr × λ, β₁ × β₂, lr × steps (or γ × … without
    lr)."""
    names = [name for name, _ in run.hparams]
    pairs = []
    first = "lr" if "lr" in names else ("gamma" if "gamma" in names else None)
    for partner in ("beta", "gamma", "weight_decay"):
        if first and partner in names and partner != first:
            pairs.append((first, partner))
    if "beta1" in names and "beta2" in names:
        pairs.append(("beta1", "beta2"))
    if first:
        pairs.append((first, STEPS_AXIS))
    if first == "gamma" and "eps" in names:
        pairs.append(("gamma", "eps"))
    return tuple(pairs)


def default_values(param: str, count: int, scene: Scene) -> np.ndarray:
    """``count`` values of ``param`` spanning what is worth trying (log-spaced for lr and ε)."""
    count = int(count)
    if param == STEPS_AXIS:
        top = max(scene.steps, 20)
        return np.unique(np.linspace(max(2, top // count), top, count).round().astype(np.int64)).astype(np.float64)
    if param == "lr":
        return _rounded(np.geomspace(1e-3, 1.0, count))
    if param == "eps":
        return _rounded(np.geomspace(1e-10, 1e-1, count))
    if param == "beta2":
        return 1.0 - _rounded(np.geomspace(0.5, 1e-4, count))
    low, high, _ = HPARAM_RANGES[param]
    return _rounded(np.linspace(low, min(high, 0.99), count))


def _rounded(values: np.ndarray) -> np.ndarray:
    """Three significant digits: values a student can read off the axis and type back."""
    return np.array([float(f"{v:.3g}") for v in values])


def setting_of(scene: Scene, run: Run, param: str) -> float | None:
    return float(scene.steps) if param == STEPS_AXIS else run.settings.get(param)


def _check_axis(run: Run, param: str, values) -> np.ndarray:
    values = np.asarray(values, dtype=np.float64).ravel()
    if param != STEPS_AXIS and param not in run.settings:
        raise ValueError(f"{run.optimizer} has no hyperparameter {param!r}; it takes {', '.join(run.settings)}")
    if not MIN_SWEEP <= len(values) <= MAX_SWEEP:
        raise ValueError(f"a sweep axis takes between {MIN_SWEEP} and {MAX_SWEEP} values, got {len(values)} for {param}")
    if not np.all(np.isfinite(values)):
        raise ValueError(f"{param} values must be finite numbers")
    if param == STEPS_AXIS:
        if np.any(values != np.round(values)) or values.min() < 1 or values.max() > MAX_STEPS:
            raise ValueError(f"steps values must be whole numbers between 1 and {MAX_STEPS}")
    else:
        low, high, _ = HPARAM_RANGES[param]
        if values.min() < low or values.max() > high:
            raise ValueError(f"{param} values must lie in [{low:g}, {high:g}]")
    return values


def sweep(scene: Scene, run_index: int, x_param: str, y_param: str, x_values, y_values, *,
          tolerance: float | None = None, progress: Progress | None = None,
          only_cached: bool = False) -> SweepInfo | None:
    """Run scene.runs[run_index] from the scene's start once per (x, y) setting (``only_cached``: as basin_map)."""
    run = _run_at(scene, run_index)
    if x_param == y_param:
        raise ValueError(f"the two sweep axes must differ, both are {x_param!r}")
    x_values, y_values = _check_axis(run, x_param, x_values), _check_axis(run, y_param, y_values)
    axes = {x_param: x_values, y_param: y_values}
    longest = int(axes[STEPS_AXIS].max()) if STEPS_AXIS in axes else scene.steps
    if len(x_values) * len(y_values) * longest > MAX_MAP_WORK:
        raise ValueError("this sweep is too large: fewer values or fewer steps")
    # the swept settings do not matter: loading a cell's setting into the run leaves its sweep in the cache
    unswept = dataclasses.replace(run, hparams=tuple(item for item in run.hparams if item[0] not in axes))
    key = ("sweep", _surface_key(scene), _run_key(scene, unswept), scene.start,
           None if STEPS_AXIS in axes else scene.steps, x_param, y_param, tuple(x_values), tuple(y_values), tolerance)

    def compute_map() -> SweepInfo:
        surface = scene.surface()
        fn, batch_size = compute.gradient_source(scene, run, surface)
        opt = compute.make_optimizer(run)
        tol = convergence.tolerance_for(surface, tolerance)
        minima = attractors(surface)
        gx, gy = np.meshgrid(x_values, y_values)
        settings = {x_param: gx.ravel(), y_param: gy.ravel()}
        step_counts = settings.pop(STEPS_AXIS, None)
        step_counts = None if step_counts is None else step_counts.astype(np.int64)
        total = gx.size

        def run_chunk(part: slice):
            hparams = {name: _padded(values, part) for name, values in settings.items()}
            batch = optimizers.run_many(opt, fn, scene.start, longest, hparams=hparams, batch_size=batch_size,
                                        seed=scene.seed, history=True)
            paths, losses, diverged_at = batch.params, batch.loss, batch.diverged_at
            if step_counts is not None:  # cut each run at its own step count
                counts = _padded(step_counts, part)
                reach = np.arange(paths.shape[1])[None, :] > counts[:, None]
                last = np.take_along_axis(paths, counts[:, None, None].repeat(2, axis=2), axis=1)
                paths = np.where(reach[:, :, None], last, paths)
                losses = np.take_along_axis(losses, counts[:, None], axis=1)[:, 0]
                diverged_at = np.where((diverged_at >= 0) & (diverged_at <= counts), diverged_at, -1)
            else:
                losses = batch.final_loss
            label, settle = outcomes(paths, diverged_at, minima, tol)
            return label, settle, losses, diverged_at

        label, settle, final_loss, diverged_at = _in_chunks(run_chunk, total, progress)
        shape = gx.shape
        return SweepInfo(
            scene, run_index, x_param, y_param, x_values, y_values, final_loss.astype(np.float32).reshape(shape),
            settle.reshape(shape), diverged_at.astype(np.int32).reshape(shape), label.reshape(shape), minima, tol,
        )

    return _current(_cached(key, compute_map, progress, only_cached), scene)


def setting_from_cell(scene: Scene, info: SweepInfo, i: int, j: int) -> Scene:
    """The scene with sweep cell [i, j]'s setting loaded into the swept run (steps into the scene)."""
    setting = info.cell_setting(i, j)
    steps = setting.pop(STEPS_AXIS, None)
    run = info.run
    hparams = dict(run.hparams)
    hparams.update({name: clamp_hparam(name, value) for name, value in setting.items()})
    runs = list(scene.runs)
    runs[info.run_index] = dataclasses.replace(run, hparams=tuple(sorted(hparams.items())))
    changes = {"runs": tuple(runs)}
    if steps is not None:
        changes["steps"] = int(steps)
        changes["step"] = None
    return scene.replace(**changes)
