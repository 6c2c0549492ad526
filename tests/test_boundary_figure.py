"""The decision boundary figure (figures/boundary.py) as Kaleido draws it: real Kaleido with Debian's Chromium."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from export import images
from figures.boundary import boundary_figure
from figures.theme import theme_named


def test_a_saturated_probability_is_drawn_in_the_colour_of_its_band():
    """A trained network's sigmoid rounds to exactly 1.0 (or 0.0) in float32 far from its boundary: that region
    is the same band as P = 0.95 (or 0.05), not a darker patch of its own."""
    xs = np.linspace(-1.0, 1.0, 40, dtype=np.float32)
    ys = np.linspace(-1.0, 1.0, 30, dtype=np.float32)
    p = np.empty((30, 40), np.float32)
    p[:, :10], p[:, 10:20], p[:, 20:30], p[:, 30:] = 0.0, 0.05, 0.95, 1.0  # left to right
    data = np.array([[5.0, 5.0, 0.0]])  # outside the window: no dot on the bands
    figure = boundary_figure(xs, ys, p, data, "run", "#000000", theme_named("screen"))
    figure.update_layout(width=400, height=300, margin=dict(l=0, r=0, t=0, b=0))
    figure.update_yaxes(scaleanchor=None)
    picture = np.asarray(Image.open(io.BytesIO(images.png(figure))).convert("RGB"), dtype=int)
    row = picture[150]
    band = lambda fraction: row[int(fraction * 400)]  # the middle of a column block
    assert np.abs(band(0.125) - band(0.375)).max() <= 2  # P = 0 drawn as P = 0.05
    assert np.abs(band(0.875) - band(0.625)).max() <= 2  # P = 1 drawn as P = 0.95
    assert np.abs(band(0.125) - band(0.875)).max() > 60  # the two classes' colours differ
