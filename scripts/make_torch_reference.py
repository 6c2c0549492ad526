"""Write tests/data/torch_reference.json: torch.optim trajectories that the torch convention must reproduce.

Run from the repository root with torch==2.13.0 (CPU):

    python scripts/make_torch_reference.py

Every optimizer id that torch.optim has (not Lion, not AdaBelief) runs with two hyperparameter settings on three surfaces written
here in torch, from a fixed start, for 30 full-batch steps in float64. The same settings also run on
the cubic fit of PyTorch's tutorial (4 parameters, landscapes/models.py), written to
tests/data/torch_reference_cubic.json: the engine's n-dimensional parity. The tests read the JSON and
need no torch. Hyperparameters are stored under the engine's names (``lr``, ``beta``, ``gamma``,
``beta1``, ``beta2``, ``eps``, ``weight_decay``); ``torch_call`` records the exact torch.optim call they became.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import torch

TORCH_VERSION = "2.13.0"
STEPS = 30
SIGNIFICANT_DIGITS = 12
OUTPUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "torch_reference.json"
CUBIC_OUTPUT = OUTPUT.with_name("torch_reference_cubic.json")


def bowl(w, kappa=10.0, angle=30.0):
    c, s = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    u = c * w[0] + s * w[1]
    v = -s * w[0] + c * w[1]
    return 0.5 * (u**2 + kappa * v**2)


def rosenbrock(w, a=1.0, b=100.0):
    return (a - w[0]) ** 2 + b * (w[1] - w[0] ** 2) ** 2


def himmelblau(w):
    return (w[0] ** 2 + w[1] - 11.0) ** 2 + (w[0] + w[1] ** 2 - 7.0) ** 2


def cubic_fit(w):
    """The tutorial's model as a loss of its 4 coefficients: MSE of a + bx + cx² + dx³ against sin x."""
    x = torch.linspace(-math.pi, math.pi, 2000, dtype=torch.float64)
    return torch.mean((w[0] + w[1] * x + w[2] * x**2 + w[3] * x**3 - torch.sin(x)) ** 2)


# landscape id -> (torch function, landscape parameters, start, factor on the learning rate of the
# rules whose step is proportional to the gradient; keeps them stable where the curvature is large)
SURFACES = {
    "bowl": (bowl, {"kappa": 10.0, "angle": 30.0}, (-2.5, 2.0), 1.0),
    "rosenbrock": (rosenbrock, {"a": 1.0, "b": 100.0}, (-1.2, 1.0), 0.005),
    "himmelblau": (himmelblau, {}, (-1.0, 1.5), 0.1),
}

# the cubic's largest curvature is 281: GD is stable below η = 0.0071
MODELS = {"cubic_fit": (cubic_fit, {}, (0.126, -0.132, 0.640, 0.105), 0.02)}

GRADIENT_PROPORTIONAL = ("gd", "sgd", "minibatch", "momentum", "nag")

# optimizer id -> two settings: torch's defaults (with a usable learning rate) and a non-default one,
# whose large ε makes it matter where a formula puts ε
SETTINGS = {
    "gd": ({"lr": 0.02}, {"lr": 0.15}),
    "sgd": ({"lr": 0.05}, {"lr": 0.12}),
    "minibatch": ({"lr": 0.01}, {"lr": 0.18}),
    "momentum": ({"lr": 0.01, "beta": 0.9}, {"lr": 0.05, "beta": 0.5}),
    "nag": ({"lr": 0.01, "beta": 0.9}, {"lr": 0.04, "beta": 0.6}),
    "adagrad": ({"lr": 0.1, "eps": 1e-10}, {"lr": 0.5, "eps": 0.1}),
    "adadelta": ({"lr": 1.0, "gamma": 0.9, "eps": 1e-6}, {"lr": 5.0, "gamma": 0.5, "eps": 1e-3}),
    "rmsprop": ({"lr": 0.01, "gamma": 0.99, "eps": 1e-8}, {"lr": 0.05, "gamma": 0.8, "eps": 0.1}),
    "adam": ({"lr": 0.01, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
             {"lr": 0.1, "beta1": 0.5, "beta2": 0.9, "eps": 0.1}),
    "nadam": ({"lr": 0.01, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
              {"lr": 0.1, "beta1": 0.5, "beta2": 0.9, "eps": 0.1}),
    "adamw": ({"lr": 0.01, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.01},
              {"lr": 0.1, "beta1": 0.5, "beta2": 0.9, "eps": 0.1, "weight_decay": 0.5}),
}


def torch_call(optimizer_id: str, hp: dict[str, float]) -> tuple[str, dict[str, object]]:
    """The torch.optim class and keyword arguments that the engine's ``(optimizer_id, hp)`` means."""
    if optimizer_id in ("gd", "sgd", "minibatch"):
        return "SGD", {"lr": hp["lr"]}
    if optimizer_id == "momentum":
        return "SGD", {"lr": hp["lr"], "momentum": hp["beta"], "dampening": 0.0}
    if optimizer_id == "nag":
        return "SGD", {"lr": hp["lr"], "momentum": hp["beta"], "dampening": 0.0, "nesterov": True}
    if optimizer_id == "adagrad":
        return "Adagrad", {"lr": hp["lr"], "eps": hp["eps"], "lr_decay": 0.0, "initial_accumulator_value": 0.0}
    if optimizer_id == "adadelta":
        return "Adadelta", {"lr": hp["lr"], "rho": hp["gamma"], "eps": hp["eps"]}
    if optimizer_id == "rmsprop":
        return "RMSprop", {"lr": hp["lr"], "alpha": hp["gamma"], "eps": hp["eps"]}
    betas = (hp["beta1"], hp["beta2"])
    if optimizer_id == "adam":
        return "Adam", {"lr": hp["lr"], "betas": betas, "eps": hp["eps"]}
    if optimizer_id == "nadam":
        return "NAdam", {"lr": hp["lr"], "betas": betas, "eps": hp["eps"], "momentum_decay": 0.004}
    if optimizer_id == "adamw":
        return "AdamW", {"lr": hp["lr"], "betas": betas, "eps": hp["eps"], "weight_decay": hp["weight_decay"]}
    raise KeyError(optimizer_id)


def trajectory(loss_fn, start, optimizer_class: str, kwargs: dict[str, object]) -> list[list[float]]:
    w = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    opt = getattr(torch.optim, optimizer_class)([w], **kwargs)
    points = [w.detach().tolist()]
    for _ in range(STEPS):
        opt.zero_grad()
        loss_fn(w).backward()
        opt.step()
        points.append(w.detach().tolist())
    if not all(math.isfinite(v) for point in points for v in point):
        raise RuntimeError(f"{optimizer_class}{kwargs} left the finite numbers; choose a smaller learning rate")
    return points


def rounded(value: float) -> float:
    return float(f"{value:.{SIGNIFICANT_DIGITS}g}")


def cases(surfaces) -> list[dict[str, object]]:
    out = []
    for surface_id, (loss_fn, surface_params, start, lr_factor) in surfaces.items():
        loss = lambda w, f=loss_fn, p=surface_params: f(w, **p)
        for optimizer_id, settings in SETTINGS.items():
            for hp in settings:
                if optimizer_id in GRADIENT_PROPORTIONAL:
                    hp = {**hp, "lr": rounded(hp["lr"] * lr_factor)}
                optimizer_class, kwargs = torch_call(optimizer_id, hp)
                points = trajectory(loss, start, optimizer_class, kwargs)
                out.append({
                    "optimizer": optimizer_id,
                    "landscape": surface_id,
                    "landscape_params": surface_params,
                    "hparams": hp,
                    "torch_call": f"torch.optim.{optimizer_class}(**{kwargs})",
                    "start": list(start),
                    "params": [[rounded(v) for v in point] for point in points],
                })
    return out


def main() -> None:
    version = torch.__version__.split("+")[0]
    if version != TORCH_VERSION:
        sys.exit(f"this script pins torch=={TORCH_VERSION} (found {torch.__version__}); the reference must not drift")
    torch.set_default_dtype(torch.float64)
    for output, surfaces in ((OUTPUT, SURFACES), (CUBIC_OUTPUT, MODELS)):
        write(output, cases(surfaces))


def write(output: Path, written_cases: list[dict[str, object]]) -> None:
    reference = {
        "generator": "scripts/make_torch_reference.py",
        "torch_version": torch.__version__,
        "dtype": "float64",
        "steps": STEPS,
        "significant_digits": SIGNIFICANT_DIGITS,
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    # One case per line keeps the file small and its diffs readable.
    lines = [json.dumps(case, separators=(",", ":")) for case in written_cases]
    header = json.dumps(reference, indent=1)[:-2]
    output.write_text(header + ',\n "cases": [\n' + ",\n".join(lines) + "\n ]\n}\n", encoding="utf-8")
    print(f"wrote {len(lines)} cases to {output}")


if __name__ == "__main__":
    main()
