"""Export speed: one contour PNG, one 3D PNG and a 100-frame contour GIF, against frame-by-frame Kaleido.

    python -m benchmarks.export [--repeat 3] [--lang en|ko]

The first contour PNG, which starts the browser (and its fonts), is timed once; everything else is warm
(the Kaleido browser started, the programs compiled) before timing. The baseline,
measured in the same run, is what the GIF would cost if every frame went through Kaleido: the mean
time of a few real frames (the contour figure at the GIF's size, each at its own step) times 100.
"""

from __future__ import annotations

import argparse
import statistics

import PIL

from benchmarks import machine
from benchmarks.timing import repeated
from export import animation, images
from export.views import export_figure, scene_record
from scene import DEFAULT_SCENE

FRAMES = 100
BASELINE_SAMPLES = 5


def timed(action, repeat: int) -> float:
    """Median seconds of ``repeat`` calls."""
    return repeated(action, repeat).wall.median


def frame_figure(scene, step: int):
    """One GIF frame the slow way: the whole contour figure at ``step``, at the GIF's size, for Kaleido."""
    figure = export_figure(scene_record(scene.replace(step=step), "print"), "contour")
    return figure.update_layout(width=animation.GIF_WIDTH, height=animation.GIF_HEIGHT)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--lang", default="en", choices=("en", "ko"), help="the language of titles and labels")
    args = parser.parse_args()
    scene = DEFAULT_SCENE.replace(language=args.lang)
    info = scene_record(scene, "print")
    contour, surface = export_figure(info, "contour"), export_figure(info, "surface")
    first_png = timed(lambda: images.png(contour, 2), 1)  # starts the browser
    images.png(surface, 2)
    print(machine.line(machine.describe()) + f" Pillow {PIL.__version__}.")
    png_2d = timed(lambda: images.png(contour, 2), args.repeat)
    png_3d = timed(lambda: images.png(surface, 2), args.repeat)
    gif = timed(lambda: animation.gif_bytes(info, FRAMES), args.repeat)
    steps = animation.animated_steps(scene.steps, FRAMES)
    samples = [int(steps[i]) for i in range(0, len(steps), len(steps) // BASELINE_SAMPLES)][:BASELINE_SAMPLES]
    frame_figures = [frame_figure(scene, step) for step in samples]
    one_frame = statistics.mean(timed(lambda f=f: images.png(f, 1), 1) for f in frame_figures)
    baseline = one_frame * len(steps)
    print(f"first contour PNG, browser start included: {first_png:.2f} s")
    print(f"contour PNG ({contour.layout.width}x{contour.layout.height}, scale 2): {png_2d:.2f} s")
    print(f"3D PNG      ({surface.layout.width}x{surface.layout.height}, scale 2): {png_3d:.2f} s")
    print(f"GIF, {len(steps)} frames ({animation.GIF_WIDTH}x{animation.GIF_HEIGHT}), background once + Pillow: "
          f"{gif:.2f} s")
    print(f"baseline: {len(steps)} frames through Kaleido one by one ≈ {one_frame:.2f} s × {len(steps)} = "
          f"{baseline:.1f} s (mean of {len(samples)} real frames)")
    print(f"ratio baseline / GIF: {baseline / gif:.1f}×")


if __name__ == "__main__":
    main()
