"""ui.cache: what every session of the server shares."""

import numpy as np
import pytest

from scene import DEFAULT_SCENE
from ui import cache


def test_a_cached_trajectory_and_grid_are_one_shared_read_only_object():
    run = DEFAULT_SCENE.runs[0]
    first, again = cache.trajectory(DEFAULT_SCENE, run), cache.trajectory(DEFAULT_SCENE, run)
    assert first is again  # no copy per session and rerun
    grid = cache.surface_grid(cache.surface_key(DEFAULT_SCENE))
    for array in (first.params, first.loss, first.grads, first.lr_eff, grid.z):
        with pytest.raises(ValueError, match="read-only"):
            array[(0,) * array.ndim] = 0.0


def test_read_only_reaches_arrays_nested_in_tuples_lists_and_dicts():
    values = (np.zeros(2), [np.ones(1)], {"m": np.zeros((2, 2))}, 3)
    assert cache.read_only(values) is values
    assert not any(a.flags.writeable for a in (values[0], values[1][0], values[2]["m"]))
