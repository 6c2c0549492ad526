"""The Formulas tab: the landscape's formula, each visible run's update rule as it runs (one LaTeX source per rule,
optimizers.spec) with its explanation, and the optimizers' family tree."""

from __future__ import annotations

import streamlit as st

from figures import family_tree_figure
from i18n import STRINGS, optimizer_choice, settings_text, t
from landscapes import Landscape
from optimizers import bias_correction_on, latex_for
from scene import Scene

LABEL = "tab.formulas"


def panel(scene: Scene, landscape: Landscape, trajectories) -> None:
    lang = scene.language
    st.subheader(t("formula.landscape", lang, name=landscape.name.get(lang, landscape.id)))
    if landscape.latex:
        st.latex(landscape.latex)
    st.markdown(landscape.description.get(lang, ""))
    st.subheader(t("formula.header", lang))
    st.caption(t("formula.caption", lang))
    groups: dict[tuple[str, str, str], list] = {}  # runs sharing the formula that actually runs
    for run in scene.runs:
        if run.visible:
            groups.setdefault((run.optimizer, run.convention, latex_for(run.optimizer, run.convention, run.settings)),
                              []).append(run)
    for (optimizer, convention, latex), runs in groups.items():
        with st.container(border=True):
            st.markdown(f"**{optimizer_choice(optimizer, lang)}** · {t(f'ctl.convention.{convention}', lang)}")
            st.latex(latex)
            st.markdown(t(f"explain.{optimizer}", lang))
            if "bias_correction" in runs[0].settings and not bias_correction_on(optimizer, convention, runs[0].settings):
                st.markdown(t("explain.adam_uncorrected", lang))
            if convention == "torch" and f"explain_torch.{optimizer}" in STRINGS:
                st.markdown(t(f"explain_torch.{optimizer}", lang))
            for run in runs:
                st.markdown(f"<span style='color:{run.color}'>●</span> {run.label(lang)} — {settings_text(run.hparams, lang)}",
                            unsafe_allow_html=True)
    used = {}
    for run in scene.runs:
        used.setdefault(run.optimizer, run.color)
    st.plotly_chart(family_tree_figure(lang, used, "projector" if scene.view.projector else "screen"),
                    key="family_tree", config={"displayModeBar": False}, theme=None)
    st.caption(t("formula.tree_caption", lang))
