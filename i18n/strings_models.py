"""Texts of the model scenes (the cubic fit and the small network): their slices, metrics and maps."""

from __future__ import annotations

from i18n.strings import _ko_en


STRINGS: dict[str, dict[str, str]] = {
    "ctl.slice": _ko_en("그림의 단면", "Slice shown"),
    "ctl.slice.help": _ko_en(
        "모델은 모든 매개변수 공간에서 학습한다. 등고선과 3D는 그 공간의 한 평면 θ_c + α·d₁ + β·d₂만 보여준다.",
        "The model trains in its whole parameter space; the contour and the 3D view show one plane of it, "
        "θ_c + α·d₁ + β·d₂."),
    "slice.coordinates": _ko_en("두 좌표", "Two coordinates"),
    "slice.filter": _ko_en("필터 정규화 무작위 방향 (Li et al.)", "Filter-normalised random directions (Li et al.)"),
    "slice.pca": _ko_en("경로의 주성분 (PCA)", "Principal directions of the paths (PCA)"),
    "slice.note.coordinates": _ko_en(
        "단면: 두 좌표 {x}, {y} (가로 α = {x}, 세로 β = {y}); 나머지 매개변수는 {centre}에 고정. 이 두 좌표에 대해서는 정확한 손실이다.",
        "Slice: two coordinates {x} and {y} (across α = {x}, up β = {y}); the other parameters held at {centre}. "
        "Exact for those two."),
    "slice.centre.optimum": _ko_en("최소제곱 최적값", "the least-squares optimum"),
    "slice.centre.end": _ko_en("실행 1의 마지막 점", "run 1's last point"),
    "slice.note.filter": _ko_en(
        "단면: 실행 1의 마지막 점을 지나는 무작위 방향 두 개. 각 필터(한 뉴런으로 들어오는 가중치)를 그 점의 필터 크기로 맞추고 "
        "편향은 움직이지 않는다 (Li et al. 2018). 시드 {seed}.",
        "Slice: two random directions through run 1's last point, each filter (a unit's incoming weights) scaled to "
        "that filter's norm at the point, biases not moved (Li et al. 2018). Seed {seed}."),
    "slice.note.pca": _ko_en(
        "단면: 모든 경로의 점들의 처음 두 주성분, 그 평균을 지난다. 이 평면이 경로 분산의 {share}를 담는다.",
        "Slice: the first two principal directions of every path's points, through their mean. The plane keeps "
        "{share} of the paths' variance."),
    "slice.not_the_loss": _ko_en(
        "고차원 손실의 2차원 단면은 손실이 아니다: 각 경로는 실행의 평면 위 투영이고, 3D의 높이는 투영된 점에서 단면의 손실이다. "
        "손실 그래프는 실제 학습 손실을 보여준다.",
        "A 2-D slice of a high-dimensional loss is not the loss: each path is its run's projection onto the plane, "
        "and a point's height in 3D is the slice's loss at the projection. The loss chart shows the true training loss."),
    "model.start": _ko_en(
        "모델의 시작점 (x, y)는 초기 매개변수 θ_init을 고정된 두 직교 방향으로 x·‖θ_init‖, y·‖θ_init‖만큼 옮긴다. (0, 0)이 θ_init이다. "
        "등고선을 클릭해도 시작점은 바뀌지 않는다.",
        "A model's start (x, y) moves its initial parameters θ_init by x·‖θ_init‖ and y·‖θ_init‖ along two fixed "
        "orthonormal directions; (0, 0) is θ_init. A click on the contour does not move it."),
    "fig.z_slice": _ko_en("단면의 손실", "loss on the slice"),
    "fig.accuracy": _ko_en("학습 정확도", "training accuracy"),
    "fig.training_loss": _ko_en("학습 손실", "training loss"),  # short: the loss chart's y title is its plot's height
    "model.metrics.steps_to_target": _ko_en("손실 ≤ {target} 도달 스텝", "steps to loss ≤ {target}"),
    "model.metrics.accuracy": _ko_en("학습 정확도 (스텝 {step})", "training accuracy (step {step})"),
    "model.boundary.header": _ko_en("결정 경계 (스텝 {step})", "Decision boundary (step {step})"),
    "model.boundary.caption": _ko_en(
        "각 실행의 신경망이 스텝 {step}에서 그리는 경계: 색은 P(클래스 1), 점은 학습 데이터.",
        "Each run's network at step {step}: colour is P(class 1), dots are the training data."),
    "model.internals_off": _ko_en(
        "내부 상태 탭은 2차원 곡면의 한 스텝을 화살표로 그린다. 모델의 스텝은 매개변수 수백 개를 움직이므로 여기서는 보여주지 않는다: "
        "궤적 탭의 지표와 손실 그래프를 보라.",
        "The internals tab draws one step of a 2-D surface as arrows. A model's step moves all of its parameters, so "
        "it is not shown here: see the metrics and the loss chart of the trajectories tab."),
    "model.maps_off": _ko_en(
        "분지 지도와 η 스윕은 2차원 시작점 평면에서 계산한다. 모델의 시작점은 매개변수 수백 개이므로 모델에서는 지도를 끈다. "
        "학습률을 비교하려면 같은 시작점에서 η가 다른 실행을 여러 개 추가하라.",
        "Basin maps and η sweeps are computed over a 2-D plane of start points. A model's start is all of its "
        "parameters, so the maps are off for models. To compare learning rates, add runs with different η from the "
        "same start."),
}
