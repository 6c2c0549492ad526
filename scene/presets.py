"""Presets: full scenes, one per lesson of the lecture's section 2.3.7. ``PRESETS`` maps id → Preset."""

from __future__ import annotations

from typing import NamedTuple

from scene import PALETTE as C
from scene import Run, Scene, View


class Preset(NamedTuple):
    id: str
    name: dict[str, str]
    scene: Scene


def _preset(preset_id: str, ko: str, en: str, scene: Scene) -> Preset:
    return Preset(preset_id, {"ko": ko, "en": en}, scene)


PRESET_LIST: tuple[Preset, ...] = (
    _preset(
        "bowl_gd_momentum", "볼록 그릇: GD 대 모멘텀", "Convex bowl: GD vs Momentum",
        Scene(landscape="bowl", landscape_params=(("angle", 0.0), ("kappa", 5.0)), start=(-2.5, 2.0), steps=60,
              runs=(Run.of("gd", lr=0.1, color=C[0]), Run.of("momentum", lr=0.05, beta=0.6, color=C[1]))),
    ),
    _preset(
        # Each at its own best setting of a sweep (lessons.check_ravine finds them): a fair race.
        "ravine_momentum", "골짜기: 잘 맞춘 GD 대 잘 맞춘 모멘텀", "Ravine: tuned GD vs tuned momentum",
        Scene(landscape="bowl", landscape_params=(("angle", 20.0), ("kappa", 50.0)), start=(-2.6, 1.0), steps=150,
              runs=(Run.of("gd", lr=0.0354813, color=C[0]), Run.of("momentum", lr=0.0562341, beta=0.625, color=C[1]))),
    ),
    _preset(
        "saddle_escape", "말안장점: GD는 멈추고 모멘텀은 탈출", "Saddle: GD stalls, momentum escapes",
        Scene(landscape="saddle_two_minima", start=(-1.8, 1e-3), steps=120,
              runs=(Run.of("gd", lr=0.05, color=C[0]), Run.of("momentum", lr=0.05, beta=0.9, color=C[1]))),
    ),
    _preset(
        "local_minima_start", "지역최저점: 출발점이 도착점을 정한다", "Local minima: the start decides the end",
        Scene(landscape="wells", start=(0.6, 0.9), steps=150,
              runs=(Run.of("gd", lr=0.1, color=C[0]), Run.of("momentum", lr=0.05, beta=0.9, color=C[1]),
                    Run.of("adam", lr=0.05, color=C[2]))),
    ),
    _preset(
        "rosenbrock_adaptive", "로젠브록: Adam 대 RMSProp 대 Adagrad", "Rosenbrock: Adam, RMSProp, Adagrad",
        Scene(landscape="rosenbrock", start=(-1.5, 2.5), steps=500, view=View(log_loss=True),
              runs=(Run.of("adam", lr=0.05, color=C[2]), Run.of("rmsprop", lr=0.01, gamma=0.9, color=C[3]),
                    Run.of("adagrad", lr=0.5, eps=1e-8, color=C[4]))),
    ),
    _preset(
        "adagrad_fades", "Adagrad의 학습률이 사라진다", "Adagrad's learning rate fades",
        # Rosenbrock's steep walls fill Adagrad's sum Gₜ early; on the valley floor its steps shrink to a crawl,
        # while RMSProp's moving average forgets the walls and keeps going.
        Scene(landscape="rosenbrock", start=(-1.5, 2.5), steps=1000, view=View(log_loss=True),
              runs=(Run.of("adagrad", lr=0.5, eps=1e-8, color=C[4]), Run.of("rmsprop", lr=0.01, gamma=0.9, color=C[3]))),
    ),
    _preset(
        "batch_sgd_minibatch", "배치 대 SGD 대 미니배치", "Batch vs SGD vs mini-batch",
        Scene(landscape="line_fit", start=(-1.5, 2.5), steps=120, noise=1.0,
              runs=(Run.of("gd", lr=0.3, color=C[0]), Run.of("sgd", lr=0.3, color=C[1]),
                    Run.of("minibatch", lr=0.3, batch_size=8, color=C[2]))),
    ),
)

# The real models (landscapes/models.py): trained in their whole parameter space, seen through a slice.
MODEL_PRESETS: tuple[Preset, ...] = (
    _preset(
        "cubic_tutorial", "3차식 맞추기: 배치 대 SGD 대 미니배치", "Cubic fit: batch vs SGD vs mini-batch",
        Scene(landscape="cubic_fit", start=(0.0, 0.0), steps=400,
              runs=(Run.of("gd", lr=0.003, color=C[0]), Run.of("sgd", lr=0.002, color=C[1]),
                    Run.of("minibatch", lr=0.003, batch_size=64, color=C[2]))),
    ),
    _preset(
        "mlp_not_a_bowl", "실제 손실은 그릇이 아니다: 작은 신경망", "Real losses are not bowls: a small network",
        Scene(landscape="mlp", start=(0.0, 0.0), steps=300, view=View(log_loss=True, slice="pca"),
              runs=(Run.of("gd", lr=0.1, color=C[0]), Run.of("momentum", lr=0.1, beta=0.9, color=C[1]),
                    Run.of("rmsprop", lr=0.003, gamma=0.9, color=C[3]), Run.of("adam", lr=0.01, color=C[2]))),
    ),
)

PRESETS: dict[str, Preset] = {p.id: p for p in (*PRESET_LIST, *MODEL_PRESETS)}
