"""The real models: MLP training per optimizer and a 61×61 slice, JAX against torch and NumPy, in one run.

    python -m benchmarks.models              # from the repository root
    python -m benchmarks.models --rounds 5   # more interleaved rounds

- Training: one 500-step full-batch run of the small network (landscapes/models.py, 337 parameters, 200 points
  of two moons) per optimizer, the engine's ``optimizers.run`` (every step recorded, as the page runs it)
  against the same network, data, start and torch.optim rule in torch on the CPU (the torch convention, whose
  parity the tests hold). Mini-batch ids (sgd, minibatch) are GD with a batch: GD stands for them.
- Slice: the full training loss at the 3,721 points of a 61×61 plane (slices.slice_losses: one program, a row
  of the grid vmapped, the rows in turn) against a NumPy loop and a torch loop over the grid. The loops are
  plain: per grid point θ, one vectorised float32 loss over all 200 points (three matrix products, two tanh,
  the mean of the cross-entropy), in the network's own layout (feature-major, as landscapes/models.py).
- Redraw: the server's work after an η move on a model scene: the new trajectory, the plane, the slice and the
  browser's payloads (figures.browser), with a new η each round so nothing is cached.

The sides run in turns, ``--rounds`` times; each figure is the median with the range. Every side must agree
with the engine before a time is printed. torch is not a requirement of the app: without it, its columns are
left out. runtime is imported first, as the server does (NumPy's BLAS on one thread; the NumPy loop's small
products do not split over threads either way). The machine is shared: its description with the load average
is printed before, and the load average again after.
"""

from __future__ import annotations

from lablab import runtime  # noqa: F401  first, as in app.py: NumPy's BLAS on one thread, as the server runs it

import argparse

import numpy as np

from analysis import compute
import optimizers
from benchmarks import machine
from benchmarks.timing import in_turns, median_and_range, summarised, timed
from figures import browser
from figures.model_info import model_scene_info
from landscapes.models import MLP, MLP_SIZES, _layer_shapes
from scene import Run, Scene, View
from analysis.slices import SLICE_RESOLUTION, coordinate_slice, slice_losses

STEPS = 500
TRAINED = ("gd", "momentum", "nag", "adagrad", "adadelta", "rmsprop", "adam", "nadam")
LR = {"gd": 0.1, "momentum": 0.05, "nag": 0.05, "adagrad": 0.05, "adadelta": 1.0, "rmsprop": 0.003, "adam": 0.01,
      "nadam": 0.01}
HALF_WIDTH = 1.0  # the slice's window, in units of its (coordinate) directions


# --- training --------------------------------------------------------------------------------------------

def hparams(optimizer_id: str) -> dict[str, float]:
    values = optimizers.hyperparameters(optimizer_id, "torch")
    if "lr" in values:
        values["lr"] = LR[optimizer_id]
    return values


def jax_training(optimizer_id: str) -> optimizers.Trajectory:
    opt = optimizers.make(optimizer_id, "torch", **hparams(optimizer_id))
    return optimizers.run(opt, MLP, MLP.initial_parameters, STEPS)


def torch_training(torch, optimizer_id: str) -> np.ndarray:
    """The torch run's training loss after each step (the loss at the start first)."""
    from scripts.make_torch_reference import torch_call

    data = MLP.dataset()
    inputs = torch.tensor(data[:, :2], dtype=torch.float32)
    labels = torch.tensor(data[:, 2], dtype=torch.float32)
    flat = MLP.initial_parameters.astype(np.float32)
    tensors, at = [], 0
    for fan_out, fan_in in _layer_shapes(MLP_SIZES):
        tensors.append(torch.tensor(flat[at:at + fan_out * fan_in].reshape(fan_out, fan_in), requires_grad=True))
        at += fan_out * fan_in
        tensors.append(torch.tensor(flat[at:at + fan_out], requires_grad=True))
        at += fan_out
    name, kwargs = torch_call(optimizer_id, hparams(optimizer_id))
    opt = getattr(torch.optim, name)(tensors, **kwargs)
    criterion = torch.nn.BCEWithLogitsLoss()

    def loss():
        h = inputs
        for layer in range(0, len(tensors) - 2, 2):
            h = torch.tanh(h @ tensors[layer].T + tensors[layer + 1])
        return criterion((h @ tensors[-2].T + tensors[-1])[:, 0], labels)

    losses = []
    for _ in range(STEPS):
        opt.zero_grad()
        value = loss()
        losses.append(value.item())
        value.backward()
        opt.step()
    with torch.no_grad():
        losses.append(float(loss()))
    return np.asarray(losses)


# --- the slice ------------------------------------------------------------------------------------------

def forward(w, points, tanh):
    """The network's scores with NumPy arrays or torch tensors (``tanh`` from either), landscapes.models' layout,
    feature-major as there (W @ hᵀ: the loop's NumPy side is 15 % faster so than with h @ Wᵀ)."""
    h, at = points.T, 0
    shapes = _layer_shapes(MLP_SIZES)
    for index, (fan_out, fan_in) in enumerate(shapes):
        weights = w[at:at + fan_out * fan_in].reshape(fan_out, fan_in)
        at += fan_out * fan_in
        h = weights @ h + w[at:at + fan_out, None]
        at += fan_out
        if index < len(shapes) - 1:
            h = tanh(h)
    return h[0]


def numpy_loss(w: np.ndarray, points: np.ndarray, labels: np.ndarray) -> float:
    z = forward(w, points, np.tanh)
    return float(np.mean(np.logaddexp(0.0, z) - labels * z))


def grid_points(plane, xs, ys) -> np.ndarray:
    return plane.centre + xs[None, :, None] * plane.directions[0] + ys[:, None, None] * plane.directions[1]


def numpy_slice(plane, xs, ys) -> np.ndarray:
    """A plain NumPy loop over the grid: per point, one vectorised full-data loss (numpy_loss) in float32."""
    data = MLP.dataset().astype(np.float32)
    points, labels = np.ascontiguousarray(data[:, :2]), np.ascontiguousarray(data[:, 2])
    thetas = grid_points(plane, xs, ys).astype(np.float32)
    return np.array([[numpy_loss(theta, points, labels) for theta in row] for row in thetas], np.float32)


def torch_slice(torch, plane, xs, ys) -> np.ndarray:
    data = torch.tensor(MLP.dataset(), dtype=torch.float32)
    thetas = torch.tensor(grid_points(plane, xs, ys), dtype=torch.float32)

    def loss(w):
        return float(torch.nn.functional.binary_cross_entropy_with_logits(forward(w, data[:, :2], torch.tanh),
                                                                            data[:, 2]))

    with torch.no_grad():
        return np.array([[loss(theta) for theta in row] for row in thetas], np.float32)


# --- the redraw -----------------------------------------------------------------------------------------

def redraw_scene(lr: float) -> Scene:
    return Scene(landscape="mlp", start=(0.0, 0.0), steps=300, view=View(slice="pca"),
                 runs=(Run.of("adam", lr=lr), Run.of("momentum", lr=0.05, beta=0.9)))


def redraw(lr: float) -> None:
    scene = redraw_scene(lr)
    info = model_scene_info(scene, MLP, compute.trajectories(scene))
    browser.surface_payload(info)
    for path in info.runs:
        browser.run_payload(info, path)
    browser.layout_payload(browser.scene_parts(info))
    browser.inline_traces(info)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    try:
        import torch

        torch.set_num_threads(1)  # a loop of small tensors: more threads only contend on a shared machine
    except ImportError:
        torch = None
    print(machine.line(machine.describe()))
    print(f"torch {torch.__version__}" if torch else "torch not installed: its columns left out")

    print(f"\nMLP training, {STEPS} full-batch steps ({MLP.dimension} parameters, {len(MLP.dataset())} points)")
    print(f"{'optimizer':10} {'JAX first call':>16} {'JAX':>28} {'torch':>28} {'torch/JAX':>9}  final loss JAX / torch")
    for optimizer_id in TRAINED:
        first = timed(lambda: jax_training(optimizer_id))[0]
        if torch:
            torch_training(torch, optimizer_id)  # torch's first call of a rule prepares its kernels
        sides = {"JAX": lambda: jax_training(optimizer_id),
                 **({"torch": lambda: torch_training(torch, optimizer_id)} if torch else {})}
        timings = in_turns(sides, args.rounds)
        ours = timings["JAX"].wall
        jax_loss = jax_training(optimizer_id).loss
        line = f"{optimizer_id:10} {1e3 * first:13.0f} ms {median_and_range(ours):>28}"
        if torch:
            theirs = timings["torch"].wall
            torch_loss = torch_training(torch, optimizer_id)
            # float32 paths computed in another order part slowly; the losses must tell the same story
            np.testing.assert_allclose(jax_loss[:50], torch_loss[:50], rtol=2e-3, atol=1e-5)
            line += f" {median_and_range(theirs):>28} {theirs.median / ours.median:8.1f}×"
            line += f"  {jax_loss[-1]:.4g} / {torch_loss[-1]:.4g}"
        print(line)

    plane = coordinate_slice(MLP, jax_training("adam").params[-1])
    xs = np.linspace(-HALF_WIDTH, HALF_WIDTH, SLICE_RESOLUTION, dtype=np.float32)
    ys = np.linspace(-HALF_WIDTH, HALF_WIDTH, SLICE_RESOLUTION, dtype=np.float32)
    first = timed(lambda: slice_losses(MLP, plane, xs, ys))[0]
    reference = slice_losses(MLP, plane, xs, ys)
    np.testing.assert_allclose(numpy_slice(plane, xs[:7], ys[:7]), reference[:7, :7], rtol=1e-4, atol=1e-6)
    if torch:
        np.testing.assert_allclose(torch_slice(torch, plane, xs[:7], ys[:7]), reference[:7, :7], rtol=1e-4, atol=1e-6)
    if torch:
        torch_slice(torch, plane, xs[:3], ys[:3])
    timings = in_turns({"JAX (vmapped)": lambda: slice_losses(MLP, plane, xs, ys),
                        "NumPy loop": lambda: numpy_slice(plane, xs, ys),
                        **({"torch loop": lambda: torch_slice(torch, plane, xs, ys)} if torch else {})}, args.rounds)
    print(f"\n{SLICE_RESOLUTION}×{SLICE_RESOLUTION} slice ({SLICE_RESOLUTION ** 2:,} full-data losses); JAX first call "
          f"{1e3 * first:.0f} ms")
    base = timings["JAX (vmapped)"].wall.median
    for name, timing in timings.items():
        print(f"{name:14} {median_and_range(timing.wall):>28} {timing.wall.median / base:8.1f}× JAX")

    redraw(0.01)  # compiles
    seconds = summarised(timed(lambda lr=lr: redraw(lr)) for lr in np.geomspace(0.003, 0.03, 2 * args.rounds)).wall
    print(f"\nserver work of a redraw after an η move (MLP, 2 runs × 300 steps, PCA slice, payloads): "
          f"{median_and_range(seconds)}")
    print(f"\nafter: {machine.load_text()}")


if __name__ == "__main__":
    main()
