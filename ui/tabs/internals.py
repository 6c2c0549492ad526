"""The Internals tab: one run at the shared step: arrows on the contour, the table of values at that step,
charts over steps, and for stochastic runs the noise ellipse and the spread over seeds."""

from __future__ import annotations

import dataclasses

import streamlit as st

from analysis import internals
from figures import scene_info, theme_named
from figures import internals as internal_figures
from i18n import t
from landscapes import Landscape, is_model
from scene import MAX_SEEDS, Scene
from ui import cache
from ui import state as S
from ui.choice import choice

LABEL = "tab.internals"
PLOT_CONFIG = {"displaylogo": False}
RUN_KEY = "internals_run"
STEP_KEY = "internals_step"  # mirrors the shared "step" both ways


def _step_moved() -> None:
    S.move_step(st.session_state, st.session_state[STEP_KEY])


def _set_view(**changes) -> None:
    """View settings without a sidebar widget live in the base scene."""
    base: Scene = st.session_state[S.BASE]
    st.session_state[S.BASE] = base.replace(view=dataclasses.replace(base.view, **changes))


def _seeds_changed() -> None:
    _set_view(seeds=int(st.session_state["internals_seeds"]))


def _ellipse_changed() -> None:
    _set_view(noise_ellipse=bool(st.session_state["internals_ellipse"]))


def vector_rows(info: internals.InternalsInfo) -> list[dict[str, object]]:
    """The table at the shown step: one row per vector quantity, its x and y components."""
    rows = [("w_t", info.point), ("g_t", info.at("gradient"))]
    if info.moment is not None:
        rows.append((info.moment_symbol, info.at("moment")))
    rows += [(symbol, values[info.step]) for symbol, values in info.accumulators.items()
             if symbol != info.moment_symbol]
    rows += [("η_eff", info.at("lr_eff")), ("−η_eff·g", info.at("scaled_gradient_step")),
             ("Δw", info.at("actual_step"))]
    return [{"": name, "x": float(v[0]), "y": float(v[1])} for name, v in rows]


def scalar_rows(info: internals.InternalsInfo, lang: str) -> list[dict[str, object]]:
    """The numbers at the shown step that have no x and y: ‖g‖ and Adam's bias-correction factors."""
    value = t("internals.value", lang)
    rows = [("‖g‖", float(info.at("grad_norm")))] + [(name, info.at_factor(name)) for name in info.bias_correction]
    return [{"": name, value: number} for name, number in rows]


def _curvature_note(landscape: Landscape, lang: str) -> None:
    try:
        info = internals.curvature(landscape)
    except Exception:  # a custom formula may have no usable Hessian; the note is optional
        return
    if info.lr_max is None:
        st.caption(t("curvature.none", lang))
        return
    note = t("curvature.limit", lang, lambda_max=float(info.eigenvalues[-1]), lr_max=info.lr_max)
    st.caption(note if info.quadratic else f"{note} {t('curvature.local', lang)}")


def panel(scene: Scene, landscape: Landscape, trajectories) -> None:
    lang = scene.language
    st.subheader(t("internals.header", lang))
    if is_model(landscape):
        st.info(t("model.internals_off", lang))
        return
    shown = [i for i, (run, traj) in enumerate(zip(scene.runs, trajectories)) if run.visible and traj is not None]
    if not shown:
        st.info(t("internals.none", lang))
        return
    if st.session_state.get(RUN_KEY) not in shown:
        st.session_state[RUN_KEY] = shown[0]
    columns = st.columns([3, 5])  # room for a run's label with its η (cut at 1280 px with 2:5)
    index = choice(columns[0].selectbox, t("internals.run", lang), shown, key=RUN_KEY, persist_state="session",
                   format_func=lambda i: f"{i + 1}. {scene.runs[i].label(lang)}")
    st.session_state[STEP_KEY] = scene.shown_step
    columns[1].slider(t("view.step", lang), min_value=0, max_value=scene.steps, key=STEP_KEY, on_change=_step_moved)
    run, traj = scene.runs[index], trajectories[index]
    info = internals.internals_of(scene, index, traj)
    if traj.diverged_at is not None:
        st.warning(t("internals.diverged", lang, step=traj.diverged_at))
    if info.steps == 0:
        return
    base_info = scene_info(scene, landscape, trajectories, cache.surface_grid(cache.surface_key(scene)))
    arrows = internal_figures.step_arrows(info, base_info.bounds, lang)
    st.caption(t("internals.at_step", lang, step=info.step, next=info.step + 1) + " · "
               + internal_figures.scale_note(arrows, lang))
    _curvature_note(landscape, lang)
    figure = internal_figures.internals_contour_figure(base_info, arrows)
    theme = base_info.theme
    if run.batch_size is not None:
        stochastic_overlays(figure, scene, index, traj, info, lang)
    left, right = st.columns([3, 2])
    left.plotly_chart(figure, key="internals_contour", config=PLOT_CONFIG, theme=None)
    right.markdown(f"**{t('internals.table', lang)}**")
    right.dataframe(vector_rows(info), hide_index=True, key="internals_values")
    right.dataframe(scalar_rows(info, lang), hide_index=True, key="internals_scalars")
    st.plotly_chart(internal_figures.internals_charts(info, theme, lang), key="internals_charts",
                    config=PLOT_CONFIG, theme=None)


@st.cache_data(max_entries=32, show_spinner=False)
def seed_band(key: str, _scene: Scene, _run, seeds: int) -> internals.SeedBand:
    return internals.seed_band(_scene, _run, seeds)


def stochastic_overlays(figure, scene: Scene, index: int, traj, info: internals.InternalsInfo, lang: str) -> None:
    """Seed band and noise ellipse for a stochastic run, with their two controls."""
    run = scene.runs[index]
    theme = theme_named("projector" if scene.view.projector else "screen")
    st.session_state["internals_seeds"] = scene.view.seeds
    st.session_state["internals_ellipse"] = scene.view.noise_ellipse
    columns = st.columns(2)
    columns[0].slider(t("seeds.band", lang, count=scene.view.seeds), min_value=1, max_value=MAX_SEEDS,
                      key="internals_seeds", on_change=_seeds_changed)
    columns[1].toggle(t("noise.ellipse", lang), key="internals_ellipse", on_change=_ellipse_changed)
    if scene.view.seeds > 1:
        band = seed_band(cache.hashed(cache.trajectory_key(scene, run)), scene, run, scene.view.seeds)
        figure.add_traces(internal_figures.seed_band_traces(
            band, run.color, t("seeds.band", lang, count=scene.view.seeds), theme, upto=scene.shown_step))
    if scene.view.noise_ellipse:
        next_step = internals.next_step(scene, run, traj, info.step)
        figure.add_traces(internal_figures.noise_ellipse_traces(next_step, run.color, t("noise.ellipse", lang), theme))
        st.caption(t("noise.caption", lang, batches=len(next_step.samples)) if next_step.exact
                   else t("noise.caption_sampled", lang, batches=len(next_step.samples)))
