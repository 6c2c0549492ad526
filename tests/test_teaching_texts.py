"""Every teaching text is true: where a text states a number or a formula, the engine measures the same.

One test per wrong text of issue 13; each asserts something the old text or the old code got wrong.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

import optimizers
from i18n import STRINGS, t
from scene import Run, Scene
from tests.test_app import load, open_tab


def first_step(optimizer: str, convention: str = "lecture", **hparams) -> np.ndarray:
    """The first displacement of a run from (-2.5, 2) on the κ = 10 bowl."""
    scene = Scene(landscape="bowl", landscape_params=(("angle", 0.0), ("kappa", 10.0)))
    opt = optimizers.make(optimizer, convention, **hparams)
    traj = optimizers.run(opt, scene.surface(), (-2.5, 2.0), 1)
    return np.asarray(traj.params[1] - traj.params[0], dtype=np.float64)


# --- the formula that actually runs ---------------------------------------------------------------------

@pytest.mark.parametrize("convention", ["lecture", "torch"])
def test_adam_without_bias_correction_shows_and_runs_the_uncorrected_formula(convention):
    on = optimizers.latex_for("adam", convention, {"bias_correction": 1.0})
    off = optimizers.latex_for("adam", convention, {"bias_correction": 0.0})
    assert on == optimizers.RULE_TABLE[("adam", convention)].latex
    assert r"\beta_1^{\,t}" in on and r"\beta_1^{\,t}" not in off and r"\hat" not in off
    assert optimizers.make("adam", convention, bias_correction=0.0).latex == off
    # The formula shown, w − η m_t/(√v_t + ε) with m_1 = (1−β1)g and v_1 = (1−β2)g², is the step that runs.
    lr, beta1, beta2, eps = 0.1, 0.9, 0.999, 1e-8
    g = np.array([-2.5, 20.0])  # ∇f at (-2.5, 2) on the κ = 10 bowl
    shown = -lr * (1 - beta1) * g / (np.sqrt((1 - beta2) * g**2) + eps)
    np.testing.assert_allclose(first_step("adam", convention, lr=lr, bias_correction=0.0), shown, rtol=1e-5)
    assert optimizers.latex_for("gd", convention, {"lr": 0.1}) == optimizers.RULE_TABLE[("gd", convention)].latex


def test_formula_panel_shows_each_runs_own_formula():
    at = load({"ls": "bowl", "run": ["adam,lr=0.1", "adam,lr=0.1,bias_correction=0"]}, tab="tab.formulas")
    shown = [latex.value.strip("$\n") for latex in at.latex]
    assert optimizers.latex_for("adam", "lecture", {"bias_correction": 1.0}) in shown
    assert optimizers.latex_for("adam", "lecture", {"bias_correction": 0.0}) in shown
