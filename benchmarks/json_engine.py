"""Figure → JSON with orjson against the standard library's json, for the figures the page sends.

    python -m benchmarks.json_engine [--repeat 30]

``st.plotly_chart`` serializes every figure with ``plotly.io.to_json(figure, validate=False)`` on each
rerun that shows it; Plotly uses orjson when it is installed and ``json`` otherwise. Both engines
serialize the same figures in the same process: the default scene's contour (with its click grid),
3D surface and loss chart, and the finest basin map of the Maps tab (the largest message the page
sends). The ratio is json's time over orjson's.
"""

from __future__ import annotations

import argparse

import plotly
import plotly.io

from analysis import compute
from benchmarks import machine
from benchmarks.timing import repeated
from figures import contour_figure, loss_figure, scene_info, surface_figure
from figures.maps import basin_plot_info, map_figure
from analysis.maps import MAX_MAP_RESOLUTION, basin_map
from scene import DEFAULT_SCENE

ENGINES = ("json", "orjson")


def page_figures() -> dict[str, plotly.graph_objects.Figure]:
    """The figures as the page builds them for the default scene: the views whole (the browser steps them,
    figures.browser cuts them into payloads) and the finest basin map (ui.tabs.maps)."""
    scene = DEFAULT_SCENE
    landscape = scene.surface()
    info = scene_info(scene, landscape, compute.trajectories(scene), compute.surface_grid(landscape), None)
    basins = basin_map(scene, 0, MAX_MAP_RESOLUTION)
    return {
        "contour": contour_figure(info, stepped=False),
        "3D surface": surface_figure(info, stepped=False),
        "loss": loss_figure(info, stepped=False),
        f"basin map {MAX_MAP_RESOLUTION}²": map_figure(basin_plot_info(basins, "steps", scene.language)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    figures = page_figures()
    print(machine.line(machine.describe()))
    print(f"{'figure':<22} {'JSON size':>10} {'json':>10} {'orjson':>10} {'json/orjson':>12}")
    totals = dict.fromkeys(ENGINES, 0.0)
    for name, figure in figures.items():
        texts = {engine: plotly.io.to_json(figure, validate=False, engine=engine) for engine in ENGINES}  # warm-up
        assert texts["json"] != "" and len(texts["orjson"]) > 0
        seconds = {engine: repeated(lambda: plotly.io.to_json(figure, validate=False, engine=engine),
                                    args.repeat).wall.median for engine in ENGINES}
        for engine in ENGINES:
            totals[engine] += seconds[engine]
        print(f"{name:<22} {len(texts['orjson']) / 1024:>7.0f} KiB {1000 * seconds['json']:>7.2f} ms "
              f"{1000 * seconds['orjson']:>7.2f} ms {seconds['json'] / seconds['orjson']:>11.1f}×")
    print(f"{'all four':<22} {'':>10} {1000 * totals['json']:>7.2f} ms {1000 * totals['orjson']:>7.2f} ms "
          f"{totals['json'] / totals['orjson']:>11.1f}×   (medians of {args.repeat})")


if __name__ == "__main__":
    main()
