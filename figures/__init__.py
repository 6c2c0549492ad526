"""Pure Plotly figure builders (no Streamlit): a typed ``SceneInfo`` record first, then figures from it."""

from figures.contour import contour_figure
from figures.family_tree import EDGES, family_tree_figure
from figures.info import RunPath, SceneInfo, scene_info
from figures.loss import loss_figure
from figures.surface3d import surface_figure
from figures.theme import THEMES, Theme, theme_named

__all__ = [
    "EDGES", "RunPath", "SceneInfo", "THEMES", "Theme", "contour_figure", "family_tree_figure",
    "loss_figure", "scene_info", "surface_figure", "theme_named",
]
