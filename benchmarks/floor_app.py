"""The floor of the browser benchmark (benchmarks/browser.py): the least a Streamlit page does to show a contour
and a 3D surface of a 200×200 grid and move a marker on both with a slider — a plain server rerun that sends
both figures again (st.plotly_chart), as the page did before its views moved into the browser.

    streamlit run benchmarks/floor_app.py

Each marker trace carries the step it shows (``meta.step``), so the benchmark can see when a plot shows a new one.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import streamlit as st

GRID = 200
STEPS = 100
BOUNDS = (-3.0, 3.0)
ANGLE = np.radians(30)
CURVATURES = (1.0, 10.0)  # an ill-conditioned bowl, turned by ANGLE (the page's default landscape is one too)
LEARNING_RATE = 0.09
START = (-2.5, 2.0)


def loss(x, y):
    u = np.cos(ANGLE) * x + np.sin(ANGLE) * y
    v = -np.sin(ANGLE) * x + np.cos(ANGLE) * y
    return 0.5 * (CURVATURES[0] * u**2 + CURVATURES[1] * v**2)


def gradient(x: float, y: float) -> np.ndarray:
    rotation = np.array([[np.cos(ANGLE), np.sin(ANGLE)], [-np.sin(ANGLE), np.cos(ANGLE)]])
    return rotation.T @ (np.array(CURVATURES) * (rotation @ np.array([x, y])))


@st.cache_data
def grid() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    axis = np.linspace(*BOUNDS, GRID)
    x, y = np.meshgrid(axis, axis)
    return axis, axis, loss(x, y)


@st.cache_data
def path() -> np.ndarray:
    """Gradient descent from START: STEPS + 1 points (x, y, loss)."""
    points = [np.array(START)]
    for _ in range(STEPS):
        points.append(points[-1] - LEARNING_RATE * gradient(*points[-1]))
    xy = np.array(points)
    return np.column_stack([xy, loss(xy[:, 0], xy[:, 1])])


def figures(step: int) -> tuple[go.Figure, go.Figure]:
    xs, ys, z = grid()
    x, y, height = path()[step]
    marker = dict(mode="markers", name="marker", meta={"step": step}, marker=dict(size=10, color="crimson"))
    contour = go.Figure([go.Contour(x=xs, y=ys, z=z, ncontours=30, colorscale="Viridis"),
                         go.Scatter(x=[x], y=[y], **marker)])
    surface = go.Figure([go.Surface(x=xs, y=ys, z=z, colorscale="Viridis", showscale=False),
                         go.Scatter3d(x=[x], y=[y], z=[height], **{**marker, "marker": dict(size=5, color="crimson")})])
    for figure in (contour, surface):
        figure.update_layout(height=520, margin=dict(l=40, r=20, t=30, b=40), showlegend=False)
    return contour, surface


st.set_page_config(page_title="floor", layout="wide")
step = st.slider("step", min_value=0, max_value=STEPS, value=0, key="step")
contour, surface = figures(step)
left, right = st.columns(2)
left.plotly_chart(contour, key="contour")
right.plotly_chart(surface, key="surface")
