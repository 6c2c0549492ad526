"""What the page shows, as one frozen value: the Scene (scene.model), its link (scene.link) and the presets
(scene.presets). The layers above import the Scene and the link from here."""

from scene.model import (DEFAULT_SCENE, FIELD_MODES, HPARAM_RANGES, LANGUAGES, MAX_BATCH, MAX_QUERY_VALUE, MAX_RUNS,
                         MAX_SEED, MAX_SEEDS, MAX_STEPS, PALETTE, SLICE_KINDS, Run, Scene, View, clamp_hparam)
from scene.link import FULL_BATCH, NO_RUNS, from_query, query_string, readable_query_string, to_query

__all__ = ["DEFAULT_SCENE", "FIELD_MODES", "FULL_BATCH", "HPARAM_RANGES", "LANGUAGES", "MAX_BATCH", "MAX_QUERY_VALUE",
           "MAX_RUNS", "MAX_SEED", "MAX_SEEDS", "MAX_STEPS", "NO_RUNS", "PALETTE", "SLICE_KINDS", "Run", "Scene", "View",
           "clamp_hparam", "from_query", "query_string", "readable_query_string", "to_query"]
