"""Every text of the page, in Korean and English. Keys are grouped by the part of the page."""


def _ko_en(ko: str, en: str) -> dict[str, str]:
    return {"ko": ko, "en": en}


STRINGS: dict[str, dict[str, str]] = {
    "app.title": _ko_en("손실 지형 실험실", "Loss Landscape Lab"),
    "app.subtitle": _ko_en(
        "최적화 방법이 손실 지형 위에서 어떻게 움직이는지 보기 (2.3.7 학습 최적화 방법)",
        "See how optimizers move on loss surfaces (2.3.7 learning optimization)",
    ),
    "tab.trajectories": _ko_en("학습 경로", "Trajectories"),
    "tab.formulas": _ko_en("수식", "Formulas"),

    # --- sidebar controls ---
    "ctl.preset": _ko_en("수업 프리셋", "Lesson preset"),
    "ctl.preset_placeholder": _ko_en("프리셋을 고르세요…", "Choose a preset…"),
    "ctl.preset.help": _ko_en(
        "강의의 각 주제를 보여 주는 완성된 장면입니다. 고르면 지형·출발점·실행이 모두 바뀝니다.",
        "A complete scene for one lesson of the lecture. Choosing one replaces the landscape, start and runs.",
    ),
    "ctl.landscape_header": _ko_en("손실 지형", "Loss landscape"),
    "ctl.landscape": _ko_en("지형", "Landscape"),
    "ctl.custom": _ko_en("사용자 수식", "Custom formula"),
    "ctl.start_x": _ko_en("출발점 x", "Start x"),
    "ctl.start_y": _ko_en("출발점 y", "Start y"),
    "ctl.start.help": _ko_en(
        "등고선 그림을 클릭해도 출발점을 옮길 수 있습니다.",
        "You can also click the contour plot to move the start point.",
    ),
    "ctl.steps": _ko_en("반복 횟수", "Steps"),
    "ctl.steps.help": _ko_en("각 실행이 가중치를 갱신하는 횟수입니다.", "How many updates each run makes."),
    "ctl.noise": _ko_en("잡음 σ", "Noise σ"),
    "ctl.noise.help": _ko_en(
        "확률적 기울기의 잡음 크기입니다. 지형은 표본 손실 N개의 평균이고, 표본마다 σ만큼 기울어져 있습니다 "
        "(평균하면 기울기가 상쇄되어 그려진 지형과 같습니다).",
        "Size of the stochastic-gradient noise. The surface is the mean of N sample losses, each tilted by σ "
        "(the tilts cancel in the mean, which is exactly the plotted surface).",
    ),
    "ctl.seed": _ko_en("난수 시드", "Random seed"),
    "ctl.seed.help": _ko_en("미니배치를 뽑는 순서를 정합니다. 같은 시드는 같은 경로를 냅니다.",
                            "Sets the order in which mini-batches are drawn; the same seed gives the same path."),
    "ctl.runs_header": _ko_en("실행 (최적화기)", "Runs (optimizers)"),
    "ctl.optimizer": _ko_en("최적화기", "Optimizer"),
    "ctl.color": _ko_en("색", "Color"),
    "ctl.convention": _ko_en("수식 규약", "Convention"),
    "ctl.convention.lecture": _ko_en("강의 수식", "Lecture"),
    "ctl.convention.torch": _ko_en("PyTorch", "PyTorch"),
    "ctl.convention.help": _ko_en(
        "강의 수식: 강의 노트의 식 그대로. PyTorch: torch.optim의 구현 그대로. 두 식이 같은 최적화기도 있습니다.",
        "Lecture: the lecture note's equations as written. PyTorch: torch.optim's implementation. "
        "For some optimizers the two are the same.",
    ),
    "ctl.batch": _ko_en("배치 크기", "Batch size"),
    "ctl.batch_full": _ko_en("전체 (정확한 기울기)", "Full (exact gradient)"),
    "ctl.batch.help": _ko_en(
        "한 번 갱신할 때 쓰는 표본 수입니다. 전체는 배치 경사하강법, 1은 SGD, 그 사이는 미니배치입니다.",
        "Samples per update: full is batch gradient descent, 1 is SGD, anything between is mini-batch.",
    ),
    "ctl.visible": _ko_en("보이기", "Show"),
    "ctl.hidden": _ko_en("숨김", "hidden"),
    "ctl.duplicate": _ko_en("복제", "Duplicate"),
    "ctl.duplicate.help": _ko_en("같은 설정의 실행을 하나 더 추가합니다 (색만 다름).",
                                 "Adds another run with the same settings (in another colour)."),
    "ctl.remove": _ko_en("삭제", "Remove"),
    "ctl.remove.help": _ko_en("이 실행을 장면에서 지웁니다.", "Removes this run from the scene."),
    "ctl.new_run": _ko_en("새 실행", "New run"),
    "ctl.add_run": _ko_en("추가", "Add"),
    "ctl.add_run.help": _ko_en("같은 최적화기를 여러 번 추가할 수 있습니다 (최대 {n}개).",
                               "The same optimizer may be added several times (at most {n} runs)."),
    "ctl.view_header": _ko_en("보기", "View"),
    "ctl.log_loss": _ko_en("손실을 로그 눈금으로", "Log-scale loss"),
    "ctl.field": _ko_en("기울기 장", "Gradient field"),
    "ctl.field.help": _ko_en(
        "등고선 위에 내리막 방향(−∇f)을 그립니다. 화살표 길이는 기울기 크기에 비례하고, 방향만은 길이가 같습니다.",
        "Draws the downhill direction (−∇f) on the contour. Arrow length follows the gradient's size; "
        "'direction only' draws equal lengths.",
    ),
    "ctl.field.none": _ko_en("없음", "None"),
    "ctl.field.arrows": _ko_en("화살표 (크기)", "Arrows (size)"),
    "ctl.field.stream": _ko_en("유선 (흐름선)", "Streamlines"),
    "ctl.field.norm": _ko_en("‖∇f‖ 지도와 방향 화살표", "‖∇f‖ heatmap with direction arrows"),
    "ctl.show_critical": _ko_en("임계점 표시", "Show critical points"),
    "ctl.projector": _ko_en("프로젝터 모드", "Projector mode"),
    "ctl.projector.help": _ko_en("강의실 뒷자리에서도 보이도록 글자와 선을 키웁니다 (1920×1080).",
                                 "Larger fonts and thicker lines, readable from the back row at 1920×1080."),

    # --- hyperparameters ---
    "hp.lr": _ko_en("학습률 η", "Learning rate η"),
    "hp.lr.help": _ko_en("한 걸음의 크기. 로그 눈금입니다. 너무 크면 발산합니다.",
                         "Step size, on a log scale. Too large and the run diverges."),
    "hp.beta": _ko_en("모멘텀 β", "Momentum β"),
    "hp.beta.help": _ko_en("이전 누적 방향 aₜ를 얼마나 유지할지 (관성). 0이면 경사하강법과 같습니다.",
                           "How much of the accumulated direction aₜ is kept (inertia); 0 is plain gradient descent."),
    "hp.gamma": _ko_en("감쇠율 γ", "Decay γ"),
    "hp.gamma.help": _ko_en("기울기 제곱의 지수이동평균 Gₜ가 과거를 기억하는 정도입니다.",
                            "How long the exponential moving average Gₜ of squared gradients remembers."),
    "hp.beta1": _ko_en("β₁ (1차 모멘트)", "β₁ (first moment)"),
    "hp.beta1.help": _ko_en("기울기의 지수이동평균 mₜ의 감쇠율입니다.", "Decay of the moving average mₜ of gradients."),
    "hp.beta2": _ko_en("β₂ (2차 모멘트)", "β₂ (second moment)"),
    "hp.beta2.help": _ko_en("기울기 제곱의 지수이동평균 vₜ의 감쇠율입니다.",
                            "Decay of the moving average vₜ of squared gradients."),
    "hp.eps": _ko_en("ε (수치 안정)", "ε (numerical stability)"),
    "hp.eps.help": _ko_en("0으로 나누는 것을 막는 작은 수. 로그 눈금입니다.",
                          "A small number that prevents division by zero; log scale."),
    "hp.eps.help.adadelta": _ko_en(
        "Adadelta에서 ε은 0으로 나누기를 막는 값에 그치지 않습니다. 학습률이 없으므로 ε이 걸음의 크기를 정합니다. "
        "강의 수식에서 첫 걸음은 약 ε/√(1−γ)이고, 그 뒤로 걸음은 한 번에 약 (1−γ)·ε씩만 커지므로 ε이 내내 학습률 "
        "노릇을 합니다. PyTorch는 ε을 제곱근 안에 넣어, 같은 ε으로 처음에 약 1/√ε배 멀리 갑니다 (ε = 1e-6이면 "
        "1000배). 로그 눈금입니다.",
        "In Adadelta ε does more than prevent division by zero: there is no learning rate, so ε sets the step size. "
        "In the lecture's form the first step is about ε/√(1−γ) and the step then grows by only about (1−γ)·ε per "
        "step, so ε acts as the learning rate throughout. PyTorch puts ε inside the square roots, so the same ε "
        "moves about 1/√ε times farther at first (1000× for ε = 1e-6). Log scale.",
    ),
    "hp.beta1.help.lion": _ko_en(
        "Lion은 걸음 방향 cₜ = β₁mₜ₋₁ + (1−β₁)gₜ에서 지금 기울기와 모멘텀을 섞는 비율로 β₁을 씁니다.",
        "Lion mixes the momentum and the current gradient into the step's direction cₜ = β₁mₜ₋₁ + (1−β₁)gₜ with β₁.",
    ),
    "hp.beta2.help.lion": _ko_en(
        "Lion의 모멘텀 mₜ(기울기의 지수이동평균)의 감쇠율입니다. 클수록 오래 기억해, 최저점을 지나친 뒤에도 한동안 "
        "같은 방향으로 갑니다.",
        "Decay of Lion's momentum mₜ (a moving average of gradients): the larger, the longer it remembers, and the "
        "longer it keeps going the same way after passing a minimum.",
    ),
    "hp.eps.help.adabelief": _ko_en(
        "AdaBelief는 ε을 분모에 더하고, 매 걸음 sₜ에도 더합니다. 논문의 기본값은 1e-16입니다. 로그 눈금입니다.",
        "AdaBelief adds ε to the denominator and also to sₜ at every step; the paper's default is 1e-16. Log scale.",
    ),
    "hp.weight_decay": _ko_en("가중치 감쇠 λ", "Weight decay λ"),
    "hp.weight_decay.help": _ko_en(
        "매 걸음 가중치를 ηλw만큼 0 쪽으로 당깁니다 (기울기와 분리된 감쇠). 최저점이 원점이 아니면 경로는 최저점과 "
        "원점 사이에서 멈춥니다.",
        "Pulls the weights toward 0 by ηλw at every step (decay apart from the gradient). Where the minimum is not "
        "at the origin, the path stops between the two.",
    ),
    "hp.bias_correction": _ko_en("편향 보정", "Bias correction"),
    "switch.on": _ko_en("켬", "on"),
    "switch.off": _ko_en("끔", "off"),
    "hp.bias_correction.help": _ko_en(
        "Adam의 편향 보정 √(1−β₂ᵗ)/(1−β₁ᵗ)을 켜고 끕니다. 0에서 시작하는 추정값 mₜ, vₜ는 처음 몇 걸음 동안 0 쪽으로 "
        "치우쳐 있고, 보정이 이를 되돌립니다. 끄면 첫 걸음이 보정한 걸음의 (1−β₁)/√(1−β₂)배가 됩니다. 기본값 "
        "β₁ = 0.9, β₂ = 0.999에서는 약 3.16배 더 크고, 이 값이 1보다 작을 때(예: β₂ = 0.9이면 0.32배)만 더 작습니다.",
        "Turns Adam's bias correction √(1−β₂ᵗ)/(1−β₁ᵗ) on or off. The estimates mₜ and vₜ start at 0 and are "
        "biased toward 0 for the first steps; the correction undoes that. Without it the first step is "
        "(1−β₁)/√(1−β₂) times the corrected one: about 3.16× larger at the defaults β₁ = 0.9, β₂ = 0.999, and "
        "smaller only when that factor is below 1 (e.g. 0.32× with β₂ = 0.9).",
    ),

    # --- the views ---
    "views.play": _ko_en("재생", "Play"),
    "views.pause": _ko_en("멈춤", "Pause"),
    "views.step": _ko_en("단계", "Step"),
    "views.speed": _ko_en("속도", "Speed"),
    "views.reset_camera": _ko_en("3D 시점 초기화", "Reset 3D view"),
    "views.legend": _ko_en("범례", "Legend"),
    "views.keys": _ko_en("스페이스: 재생/멈춤 · ←/→: 한 단계 (Shift: 10단계)",
                         "Space: play/pause · ←/→: one step (Shift: ten)"),
    "view.step": _ko_en("단계", "Step"),
    "fig.start": _ko_en("출발점", "start"),
    "fig.current": _ko_en("현재 단계", "current step"),
    "fig.left_plot": _ko_en("그림 밖으로 나감", "left the plot"),
    "fig.step": _ko_en("단계", "step"),
    "fig.loss": _ko_en("손실 f(w)", "loss f(w)"),
    "fig.loss_gap": _ko_en("f(w) − ({offset})", "f(w) − ({offset})"),
    "fig.z": _ko_en("f(w)", "f(w)"),
    "fig.z_log": _ko_en("log₁₀(f − f_min)", "log₁₀(f − f_min)"),
    "fig.grad_norm": _ko_en("기울기 크기 ‖∇f‖", "gradient size ‖∇f‖"),
    "fig.field": _ko_en("기울기 장 (−∇f)", "gradient field (−∇f)"),
    "fig.title_contour": _ko_en("등고선", "Contour"),
    "fig.title_surface": _ko_en("3D 곡면", "3D surface"),
    "fig.title_loss": _ko_en("단계별 손실", "Loss per step"),
    "fig.diverged": _ko_en("발산", "diverged"),
    "kind.global_min": _ko_en("전역최저점", "global minimum"),
    "kind.local_min": _ko_en("지역최저점", "local minimum"),
    "kind.saddle": _ko_en("말안장점", "saddle point"),
    "kind.max": _ko_en("극대점", "maximum"),
    "kind.degenerate": _ko_en("퇴화 임계점", "degenerate critical point"),

    # --- notices ---
    "notice.url": _ko_en("주소(URL)의 일부 값을 쓸 수 없어 기본값을 사용했습니다:",
                         "Some values in the address (URL) could not be used; defaults were taken instead:"),
    "notice.dismiss": _ko_en("알림 닫기", "Dismiss"),
    "notice.diverged": _ko_en("발산: {runs}. 학습률을 낮춰 보세요.", "Diverged: {runs}. Try a smaller learning rate."),
    "notice.diverged_run": _ko_en("{run} ({step}단계)", "{run} at step {step}"),
    "notice.diverged_lesson": _ko_en("발산: {runs}. 수업 '{lesson}'의 장면입니다. 이 발산이 그 수업이 보여 주는 것입니다.",
                                     "Diverged: {runs}. This is the scene of the lesson '{lesson}': the divergence "
                                     "is what it shows."),
    "notice.bad_surface": _ko_en("지형을 만들 수 없어 볼록 그릇을 사용합니다: {error}",
                                 "The landscape could not be built; using the convex bowl instead: {error}"),

    # --- metrics ---
    "metrics.header": _ko_en("결과 비교", "Metrics"),
    "metrics.run": _ko_en("실행", "Run"),
    "metrics.color": _ko_en("색", "Color"),
    "metrics.loss_at_step": _ko_en("{step}단계 손실", "Loss at step {step}"),
    "metrics.final_loss": _ko_en("최종 손실", "Final loss"),
    "metrics.nearest": _ko_en("가장 가까운 최저점", "Nearest minimum"),
    "metrics.distance": _ko_en("최저점까지 거리", "Distance to it"),
    "metrics.outcome": _ko_en("결과", "Outcome"),
    "metrics.reached_at": _ko_en("{step}단계에 도달", "reached at step {step}"),
    "metrics.diverged_at": _ko_en("{step}단계에서 발산", "diverged at step {step}"),
    "metrics.none": _ko_en("보이는 실행이 없습니다. 사이드바에서 실행을 추가하거나 보이게 하세요.",
                           "No visible run. Add a run or show one in the sidebar."),
    "metrics.caption": _ko_en(
        "도달: 최저점에서 그림 폭의 1% 이내로 들어와 끝까지 머문 첫 단계. 최종 값은 마지막 단계 기준입니다.",
        "Reached: the first step from which the run stays within 1% of the plot's width of that minimum. "
        "Final values are at the last step.",
    ),

    # --- formulas ---
    "formula.landscape": _ko_en("지형: {name}", "Landscape: {name}"),
    "formula.header": _ko_en("실제로 실행되는 갱신 규칙", "The update rules that actually run"),
    "formula.caption": _ko_en("gₜ = ∇f(wₜ)는 t단계의 기울기(확률적 실행이면 미니배치 기울기)입니다.",
                              "gₜ = ∇f(wₜ) is the gradient at step t (the mini-batch gradient for stochastic runs)."),
    "formula.tree_title": _ko_en("최적화 기법들의 관계", "How the optimizers are related"),
    "formula.tree_caption": _ko_en(
        "화살표는 '이 방법을 고쳐 저 방법이 나왔다'는 뜻입니다. 색칠된 상자는 지금 장면에 있는 최적화기이고, 점선 "
        "상자는 강의 뒤에 나온 방법(2.3.7 이후)입니다.",
        "An arrow reads 'refined into'. Coloured boxes are the optimizers in the current scene; dashed boxes came "
        "after the lecture (beyond 2.3.7).",
    ),
    "explain.gd": _ko_en(
        "기울기의 반대 방향으로 η만큼 내려갑니다. 모든 데이터로 기울기를 계산하면 배치 경사하강법입니다.",
        "Steps against the gradient by η. With the gradient of all the data, this is batch gradient descent.",
    ),
    "explain.sgd": _ko_en(
        "식은 경사하강법과 같지만, 기울기를 무작위로 고른 데이터 하나로 계산합니다. 싸지만 경로가 흔들립니다.",
        "The same formula as gradient descent, but the gradient comes from one random data point: cheap, but the path jitters.",
    ),
    "explain.minibatch": _ko_en(
        "데이터의 일부(미니배치)로 기울기를 계산합니다. 배치의 안정성과 SGD의 효율을 함께 얻습니다. "
        "PyTorch의 SGD는 실제로는 이 방법입니다.",
        "The gradient of a small subset (mini-batch): the stability of batch GD with the efficiency of SGD. "
        "PyTorch's SGD is in fact this method.",
    ),
    "explain.momentum": _ko_en(
        "지금까지의 기울기를 누적한 aₜ(관성)로 움직입니다. 진동하는 방향은 상쇄되고 일관된 방향은 빨라집니다. "
        "a₀ = 0이면 torch.optim.SGD(momentum=β)와 정확히 같습니다.",
        "Moves along the accumulation aₜ of past gradients (inertia): oscillations cancel, a steady direction speeds up. "
        "With a₀ = 0 this is exactly torch.optim.SGD(momentum=β).",
    ),
    "explain.nag": _ko_en(
        "모멘텀과 같지만 기울기를 관성으로 한 걸음 간 위치 wₜ − ηβaₜ에서 미리 봅니다 (look-ahead).",
        "Like momentum, but the gradient is taken a step ahead, at wₜ − ηβaₜ (look-ahead).",
    ),
    "explain_torch.nag": _ko_en(
        "PyTorch(nesterov=True)는 같은 생각을 현재 위치의 기울기만으로 다시 쓴 식입니다.",
        "PyTorch (nesterov=True) rewrites the same idea using only the gradient at the current point.",
    ),
    "explain.adagrad": _ko_en(
        "학습률을 좌표마다 √Gₜ + ε로 나눕니다. Gₜ는 기울기 제곱을 계속 더한 값입니다. 많이 움직인 좌표는 작게, 적게 "
        "움직인 좌표는 크게 갱신합니다. Gₜ는 줄어들지 않으므로 유효 학습률 η/(√Gₜ + ε)은 오르지 않고, 오래 학습하면 "
        "0에 가까워집니다.",
        "Divides the learning rate, per coordinate, by √Gₜ + ε, where Gₜ is the running sum of squared gradients: "
        "coordinates that moved a lot get small steps. Gₜ never shrinks, so the effective rate η/(√Gₜ + ε) never "
        "rises, and over a long run it fades towards 0.",
    ),
    "explain.adadelta": _ko_en(
        "Gₜ를 지수이동평균으로 바꿔 계속 커지지 않게 하고, 갱신량 제곱의 평균 Hₜ로 단위를 맞춥니다. 학습률이 따로 "
        "없고, ε이 걸음의 크기를 정합니다: 첫 걸음은 약 ε/√(1−γ)이고 걸음은 한 번에 약 (1−γ)·ε씩 커집니다.",
        "Replaces Gₜ by an exponential moving average so it stops growing, and uses the average Hₜ of squared "
        "updates to set the units. There is no learning rate; ε sets the step size: the first step is about "
        "ε/√(1−γ), and the step grows by about (1−γ)·ε per step.",
    ),
    "explain_torch.adadelta": _ko_en(
        "PyTorch는 ε을 제곱근 안에 넣고(√(Hₜ₋₁+ε)/√(Gₜ+ε)), 학습률 η(기본값 1)를 곱합니다. 그래서 같은 ε으로 첫 "
        "걸음이 약 η√ε/√(1−γ)이 되어, 강의 수식보다 약 1/√ε배 멀리 갑니다.",
        "PyTorch puts ε inside the square roots, √(Hₜ₋₁+ε)/√(Gₜ+ε), and multiplies by a learning rate η (1 by "
        "default), so with the same ε the first step is about η√ε/√(1−γ): about 1/√ε times the lecture's.",
    ),
    "explain.rmsprop": _ko_en(
        "Adagrad의 누적합 대신 기울기 제곱의 지수이동평균을 씁니다. 학습률이 사라지지 않습니다.",
        "Adagrad with an exponential moving average of squared gradients instead of their sum: the learning rate does not fade.",
    ),
    "explain.adam": _ko_en(
        "모멘텀(기울기의 평균 mₜ)과 RMSProp(기울기 제곱의 평균 vₜ)을 합친 방법입니다. 처음 몇 단계의 편향은 "
        "√(1−β₂ᵗ)/(1−β₁ᵗ)로 보정합니다. 가장 무난하게 많이 쓰입니다.",
        "Momentum (the average mₜ of gradients) combined with RMSProp (the average vₜ of squared gradients); the bias of the "
        "first steps is corrected by √(1−β₂ᵗ)/(1−β₁ᵗ). The usual default choice.",
    ),
    "explain.adam_uncorrected": _ko_en(
        "이 실행은 편향 보정을 껐으므로 위의 식, 곧 0 쪽으로 치우친 mₜ와 vₜ를 그대로 쓰는 식이 실행됩니다.",
        "This run has its bias correction switched off, so the formula above runs: mₜ and vₜ as they are, biased "
        "toward 0 in the first steps.",
    ),
    "explain_torch.adam": _ko_en(
        "PyTorch는 m̂ₜ, v̂ₜ를 각각 보정한 뒤 ε을 더합니다. ε의 위치만 강의 수식과 다릅니다.",
        "PyTorch corrects m̂ₜ and v̂ₜ separately and then adds ε: only where ε sits differs from the lecture.",
    ),
    "explain.nadam": _ko_en(
        "Adam에 NAG의 미리 보기를 더한 방법입니다 (강의에는 없어 Dozat의 식을 씁니다).",
        "Adam with NAG's look-ahead (not in the lecture; Dozat's formula is used).",
    ),
    "explain_torch.nadam": _ko_en(
        "PyTorch의 NAdam은 모멘텀 계수 μₜ를 천천히 키우는 일정(ψ = 0.004)을 씁니다.",
        "PyTorch's NAdam warms the momentum coefficient μₜ up on a schedule (ψ = 0.004).",
    ),
    "explain.adamw": _ko_en(
        "강의(2.3.7) 뒤에 나온 방법입니다 (Loshchilov & Hutter, 2019). Adam에 가중치 감쇠를 더하되, λw를 기울기 gₜ에 "
        "더하지(L2 정규화) 않고 걸음에서 따로 ηλw를 뺍니다. 기울기에 더하면 Adam의 좌표별 배율이 감쇠까지 줄이기 "
        "때문입니다. 감쇠는 경로를 원점 쪽으로 당기므로, 최저점이 원점이 아니면 그 사이에서 멈춥니다. λ = 0이면 Adam과 같습니다.",
        "After the lecture (2.3.7) (Loshchilov & Hutter, 2019). Adam with weight decay, but instead of adding λw to "
        "the gradient gₜ (L2 regularization, which Adam's per-coordinate scaling would shrink too), each step also "
        "subtracts ηλw on its own. The decay pulls the path toward the origin, so where the minimum is elsewhere the "
        "run stops between the two. With λ = 0 it is Adam.",
    ),
    "explain_torch.adamw": _ko_en(
        "PyTorch의 AdamW(optax.adamw도 같음)는 m̂ₜ, v̂ₜ를 보정한 뒤 ε을 더합니다. ε의 위치만 강의 형식과 다릅니다.",
        "PyTorch's AdamW (and optax.adamw) corrects m̂ₜ and v̂ₜ and then adds ε: only where ε sits differs.",
    ),
    "explain.adabelief": _ko_en(
        "강의(2.3.7) 뒤에 나온 방법입니다 (Zhuang et al., 2020). Adam과 같지만 2차 모멘트 sₜ가 gₜ² 대신 (gₜ − mₜ)², "
        "곧 기울기가 예측 mₜ에서 벗어난 정도의 평균입니다. 기울기가 예측과 맞으면(믿을 만하면) 크게, 어긋나면 작게 "
        "걷습니다. ε은 매 걸음 sₜ에도 더해집니다. PyTorch에는 없어 두 규약 모두 논문과 optax.adabelief의 식입니다.",
        "After the lecture (2.3.7) (Zhuang et al., 2020). Adam, but its second moment sₜ averages (gₜ − mₜ)², how far "
        "the gradient strays from its prediction mₜ, instead of gₜ²: it steps far where the gradient is as predicted "
        "(believable) and short where it is not. ε is also added to sₜ at every step. PyTorch has no AdaBelief, so "
        "both conventions run the paper's and optax.adabelief's formula.",
    ),
    "explain.lion": _ko_en(
        "강의(2.3.7) 뒤에 나온 방법입니다 (Chen et al., 2023). 기울기와 모멘텀을 섞은 cₜ의 부호만 쓰므로 모든 좌표가 "
        "매 걸음 정확히 η씩(그리고 감쇠 ηλw만큼) 움직입니다. 걸음이 기울기 크기와 무관하므로 η는 Adam보다 작게 "
        "잡습니다. 사람이 고친 방법이 아니라 프로그램 탐색으로 찾은 규칙이어서 계보도에서 떨어져 있습니다. PyTorch에는 "
        "없어 두 규약 모두 논문과 optax.lion의 식입니다.",
        "After the lecture (2.3.7) (Chen et al., 2023). Only the sign of cₜ, a mix of gradient and momentum, counts, "
        "so every coordinate moves by exactly η per step (plus the decay ηλw). The step does not depend on the "
        "gradient's size, so η is smaller than Adam's. It was found by a program search rather than refined from "
        "another method, so it stands apart in the family tree. PyTorch has no Lion, so both conventions run the "
        "paper's and optax.lion's formula.",
    ),
    "optimizer.beyond": _ko_en("2.3.7 이후", "beyond 2.3.7"),
    "tree.note.lion": _ko_en("프로그램 탐색으로<br>찾은 규칙", "found by a<br>program search"),

    # --- link ---
    "link.header": _ko_en("이 장면의 링크", "Link to this scene"),
    "link.caption": _ko_en(
        "이 주소를 강의 노트나 채팅에 붙여 넣으면 지금 장면이 그대로 열립니다.",
        "Paste this address into lecture notes or a chat: it opens exactly this scene.",
    ),
}
