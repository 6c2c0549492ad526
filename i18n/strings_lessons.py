"""Texts of lesson mode, internals and the stochastic-gradient views, in Korean and English."""

_LESSONS: dict[str, dict[str, dict[str, str]]] = {
    "minima": {
        "title": {"ko": "지역최저점: 출발점이 도착점을 정한다", "en": "Local minima: the start decides the end"},
        "explanation": {
            "ko": "이 지형에는 깊이가 다른 우물이 셋 있다. 경사하강법은 지금 서 있는 자리의 기울기만 보기 때문에, "
                  "가장 가까운 우물로 굴러 들어가 거기서 멈춘다. 기울기가 0이 되었다고 해서 전역최저점에 도착했다는 "
                  "보장은 없다. 흐름선(streamline)은 각 자리에서 음의 기울기를 따라간 길이다.",
            "en": "This surface has three wells of different depths. Gradient descent only sees the slope where it "
                  "stands, so it rolls into the nearest well and stops there. A zero gradient does not mean the global "
                  "minimum was found. The streamlines follow the negative gradient from every place.",
        },
        "question": {
            "ko": "GD가 전역최저점(별표)에 도착하도록 출발점을 옮겨 보자. 어느 영역에서 출발해야 할까?",
            "en": "Move the start so that GD ends in the global minimum (the star). Which region must it start from?",
        },
        "result": {
            "ko": "출발점 {starts:.0f}곳에서 GD가 서로 다른 최저점 {distinct_minima:.0f}곳에 도착. 이 장면의 출발점에서는 "
                  "손실 {final_loss:.3f}인 지역최저점에 멈춤 (전역최저점 {global_loss:.3f}보다 {loss_gap:.3f} 높음)",
            "en": "From {starts:.0f} starts GD ends in {distinct_minima:.0f} different minima. From this scene's start "
                  "it stops in a local minimum at loss {final_loss:.3f} ({loss_gap:.3f} above the global {global_loss:.3f})",
        },
    },
    "saddle": {
        "title": {"ko": "말안장점: 기울기 0이 최저점은 아니다", "en": "Saddle point: a zero gradient is not a minimum"},
        "explanation": {
            "ko": "원점에서 기울기는 정확히 0이지만, x 방향으로는 오르막이고 y 방향으로는 내리막이다. x축 위에서 "
                  "출발한 GD는 원점으로 끌려가 오래 머문다. 관성이 있는 모멘텀과 잡음이 섞인 미니배치는 작은 흔들림을 "
                  "키워 말안장점을 빠르게 벗어난다.",
            "en": "At the origin the gradient is exactly zero, yet the surface rises along x and falls along y. GD "
                  "started on the x axis is pulled into the origin and lingers there. Momentum, with its inertia, and "
                  "mini-batch noise grow a tiny wobble and leave the saddle quickly.",
        },
        "question": {
            "ko": "출발점의 y를 정확히 0으로 두면 모멘텀도 빠져나오지 못한다. 왜일까? 잡음이 있는 미니배치는 어떨까?",
            "en": "With the start's y exactly 0, momentum cannot escape either. Why? What about the noisy mini-batch?",
        },
        "result": {
            "ko": "말안장점의 기울기 크기 {grad_norm:.1e}, 가장 작은 곡률 {lowest_curvature:.2f} (< 0이라 최저점 아님). "
                  "{steps:.0f}걸음 중 말안장점 가까이 머문 걸음: GD {gd_near:.0f}, 모멘텀 {momentum_near:.0f}, "
                  "미니배치 {noise_near:.0f}. 축 위에서 출발하면 GD는 거리 {axis_gd_distance:.1e}에 머물고, "
                  "잡음은 손실을 {axis_noise_drop:.2f} 낮추며 빠져나온다",
            "en": "Gradient norm at the saddle {grad_norm:.1e}, lowest curvature {lowest_curvature:.2f} (< 0: not a "
                  "minimum). Steps of {steps:.0f} spent near the saddle: GD {gd_near:.0f}, momentum {momentum_near:.0f}, "
                  "mini-batch {noise_near:.0f}. Started exactly on the axis, GD stays within {axis_gd_distance:.1e}; "
                  "noise escapes and lowers the loss by {axis_noise_drop:.2f}",
        },
    },
    "gd": {
        "title": {"ko": "경사하강법: 음의 기울기를 따라 내려간다", "en": "Gradient descent follows the negative gradient"},
        "explanation": {
            "ko": "경사하강법은 매 걸음 현재 자리의 기울기를 구하고, 그 반대 방향으로 η만큼 비례해 움직인다. "
                  "볼록한 그릇에서는 어디서 출발하든 이 규칙만으로 하나뿐인 최저점에 도착한다. "
                  "안쪽 패널의 화살표에서 기울기와 실제 걸음이 정확히 반대 방향인지 확인해 보자.",
            "en": "Each step, gradient descent computes the slope where it stands and moves against it, by η times "
                  "its size. On a convex bowl this rule alone reaches the single minimum from any start. Check in the "
                  "internals panel that the gradient arrow and the actual step point exactly opposite.",
        },
        "question": {
            "ko": "기울기가 큰 곳과 작은 곳에서 걸음의 길이는 어떻게 다른가? 최저점에 가까워질수록 걸음이 짧아지는 이유는?",
            "en": "How does the step length differ where the slope is steep and where it is gentle? Why do steps "
                  "shrink near the minimum?",
        },
        "result": {
            "ko": "걸음과 −∇f 사이 코사인의 최솟값 {min_cosine:.6f}, 손실이 오른 걸음 {rises:.0f}번, "
                  "최저점까지 거리 {initial_distance:.2f} → {final_distance:.4f}",
            "en": "Smallest cosine between a step and −∇f: {min_cosine:.6f}; steps where the loss rose: {rises:.0f}; "
                  "distance to the minimum {initial_distance:.2f} → {final_distance:.4f}",
        },
    },
    "curvature": {
        "title": {"ko": "곡률과 학습률의 한계 2/λ_max", "en": "Curvature and the learning-rate limit 2/λ_max"},
        "explanation": {
            "ko": "이차함수에서 GD 한 걸음은 각 고유방향의 거리에 (1 − ηλ)를 곱한다. 가장 가파른 방향의 곡률 "
                  "λ_max에 대해 η < 2/λ_max이면 이 값의 절댓값이 1보다 작아 수렴하고, 넘으면 걸음마다 튕겨 나가며 "
                  "발산한다. 두 실행은 한계의 0.95배와 1.05배다.",
            "en": "On a quadratic, one GD step multiplies the distance along each eigendirection by (1 − ηλ). "
                  "With η < 2/λ_max, for the steepest curvature λ_max, that factor stays inside (−1, 1) and GD "
                  "converges; above it every step bounces farther out. The two runs use 0.95 and 1.05 times the limit.",
        },
        "question": {
            "ko": "조건수 κ를 바꾸면 한계 학습률은 어떻게 바뀔까? 완만한 방향의 수렴 속도는 누가 정할까?",
            "en": "How does the limit change when you change the condition number κ? What sets the speed along the "
                  "gentle direction?",
        },
        "result": {
            "ko": "헤시안 고윳값 {lambda_min:.2f}, {lambda_max:.2f} → 한계 η = 2/λ_max = {lr_max:.3f}. "
                  "η = {lr_below:.3f}: 최저점까지 거리 {below_distance:.4f}로 수렴, η = {lr_above:.3f}: "
                  "{above_diverged_at:.0f}번째 걸음에서 발산",
            "en": "Hessian eigenvalues {lambda_min:.2f}, {lambda_max:.2f} → limit η = 2/λ_max = {lr_max:.3f}. "
                  "η = {lr_below:.3f} converges to within {below_distance:.4f}; η = {lr_above:.3f} diverges at step "
                  "{above_diverged_at:.0f}",
        },
    },
    "batch": {
        "title": {"ko": "배치 GD, SGD, 미니배치", "en": "Batch GD, SGD and mini-batch"},
        "explanation": {
            "ko": "이 손실은 데이터 64개의 손실을 평균한 것이다. 배치 GD는 64개를 모두 써서 정확한 기울기를, "
                  "SGD는 하나만 써서 잡음이 큰 기울기를, 미니배치는 8개로 그 중간 정도의 기울기를 얻는다. "
                  "잡음 타원은 현재 자리에서 다음 걸음이 떨어질 수 있는 범위이고, 띠는 여러 시드의 흩어짐이다.",
            "en": "This loss is the mean of 64 per-sample losses. Batch GD uses all 64 for the exact gradient, SGD one "
                  "sample for a very noisy gradient, mini-batch 8 samples for something in between. The noise ellipse "
                  "shows where the next step may land; the band shows the spread over several seeds.",
        },
        "question": {
            "ko": "배치 크기를 1에서 64까지 바꿔 보자. 잡음 타원의 크기는 배치 크기에 따라 어떻게 줄어드는가?",
            "en": "Change the batch size from 1 to 64. How does the noise ellipse shrink as the batch grows?",
        },
        "result": {
            "ko": "경로 길이: GD {gd_length:.2f}, 미니배치 {minibatch_length:.2f}, SGD {sgd_length:.2f}. 후반 걸음의 "
                  "분산: GD {gd_variance:.1e}, 미니배치 {minibatch_variance:.1e}, SGD {sgd_variance:.1e}",
            "en": "Path length: GD {gd_length:.2f}, mini-batch {minibatch_length:.2f}, SGD {sgd_length:.2f}. Variance "
                  "of the late steps: GD {gd_variance:.1e}, mini-batch {minibatch_variance:.1e}, SGD {sgd_variance:.1e}",
        },
    },
    "ravine": {
        "title": {"ko": "골짜기: 모멘텀이 지그재그를 줄인다", "en": "Ravine: momentum damps the zig-zag"},
        "explanation": {
            "ko": "좁고 기울어진 골짜기에서는 기울기가 거의 골짜기를 가로지르는 방향을 가리킨다. GD는 양쪽 벽을 "
                  "오가며 지그재그로 내려간다. 모멘텀은 지난 기울기를 누적하므로, 서로 반대인 가로 성분은 상쇄되고 "
                  "골짜기를 따라가는 성분은 쌓인다.",
            "en": "In a narrow, tilted ravine the gradient points mostly across the valley. GD bounces between the "
                  "walls in a zig-zag. Momentum accumulates past gradients, so the alternating cross-valley parts "
                  "cancel while the part along the valley builds up.",
        },
        "question": {
            "ko": "β를 0.8에서 0.95로 올리면 부호 바뀜 횟수와 도달 걸음 수는 어떻게 될까? 너무 크면 무엇이 생길까?",
            "en": "Raise β from 0.8 to 0.95: what happens to the sign changes and the steps to the minimum? What goes "
                  "wrong when it is too large?",
        },
        "result": {
            "ko": "골짜기를 가로지르는 좌표의 부호 바뀜: 모멘텀 {momentum_flips:.0f}번, GD {gd_flips:.0f}번. "
                  "최저점 도달: 모멘텀 {momentum_steps:.0f}걸음, GD {gd_steps:.0f}걸음",
            "en": "Sign changes of the cross-valley coordinate: momentum {momentum_flips:.0f}, GD {gd_flips:.0f}. "
                  "Steps to the minimum: momentum {momentum_steps:.0f}, GD {gd_steps:.0f}",
        },
    },
    "nag": {
        "title": {"ko": "NAG: 한 걸음 앞을 보고 덜 지나친다", "en": "NAG looks ahead and overshoots less"},
        "explanation": {
            "ko": "모멘텀은 쌓인 속도 때문에 최저점을 지나쳐 반대편으로 넘어간다. NAG는 관성으로 갈 자리 "
                  "w − ηβa에서 기울기를 미리 재기 때문에, 지나치기 전에 브레이크를 건다. 두 실행의 η와 β는 같다.",
            "en": "Momentum's built-up velocity carries it past the minimum to the other side. NAG measures the "
                  "gradient where inertia is about to take it, w − ηβa, so it brakes before overshooting. Both runs "
                  "share η and β.",
        },
        "question": {
            "ko": "안쪽 패널에서 NAG의 기울기 화살표가 현재 점이 아닌 곳의 기울기라는 것을 확인해 보자. 어디의 기울기인가?",
            "en": "In the internals panel, NAG's gradient arrow is not the gradient at the current point. Where is it "
                  "taken?",
        },
        "result": {
            "ko": "η = {lr:.3g}, β = {beta:.2g}에서 최저점을 지나친 최대 거리: 모멘텀 {momentum_overshoot:.2f}, "
                  "NAG {nag_overshoot:.2f}. 최저점 도달: 모멘텀 {momentum_steps:.0f}걸음, NAG {nag_steps:.0f}걸음",
            "en": "At η = {lr:.3g}, β = {beta:.2g} the farthest overshoot past the minimum: momentum "
                  "{momentum_overshoot:.2f}, NAG {nag_overshoot:.2f}. Steps to the minimum: momentum "
                  "{momentum_steps:.0f}, NAG {nag_steps:.0f}",
        },
    },
    "adagrad": {
        "title": {"ko": "Adagrad: 학습률이 점점 사라진다", "en": "Adagrad: the learning rate fades away"},
        "explanation": {
            "ko": "Adagrad는 좌표마다 기울기 제곱을 계속 더한 G로 학습률을 나눈다. G는 줄어들 수 없으므로 유효 "
                  "학습률 η/(√G+ε)은 걸음마다 작아지기만 한다. 로젠브록의 가파른 벽에서 큰 기울기를 모아 버린 "
                  "Adagrad는 완만한 골짜기 바닥에서 거의 움직이지 못한다.",
            "en": "Adagrad divides the learning rate, per coordinate, by G, the running sum of squared gradients. G "
                  "can never shrink, so the effective rate η/(√G+ε) only falls. Having collected large gradients on "
                  "Rosenbrock's steep walls, Adagrad barely moves along the flat valley floor.",
        },
        "question": {
            "ko": "η를 키우면 Adagrad가 최저점에 도착할까? 유효 학습률 그래프의 모양은 어떻게 변할까?",
            "en": "Does a larger η get Adagrad to the minimum? How does the effective learning-rate chart change?",
        },
        "result": {
            "ko": "유효 학습률이 오른 걸음 {rises:.0f}번, 마지막/처음 비율 {decay:.3f}. 마지막 100걸음의 평균 길이는 "
                  "처음 100걸음의 {slowdown:.3f}배, {steps:.0f}걸음 뒤에도 최저점까지 {final_distance:.2f}",
            "en": "Steps where the effective rate rose: {rises:.0f}; last/first ratio {decay:.3f}. The last 100 steps "
                  "are {slowdown:.3f}× as long as the first 100; after {steps:.0f} steps it is still "
                  "{final_distance:.2f} from the minimum",
        },
    },
    "adadelta": {
        "title": {"ko": "Adadelta: 학습률 없이 움직인다", "en": "Adadelta moves without a learning rate"},
        "explanation": {
            "ko": "강의의 Adadelta에는 η가 없다. 걸음 크기는 지금까지 움직인 걸음 제곱의 지수평균 H와 기울기 제곱의 "
                  "지수평균 G의 비율 (√H+ε)/(√G+ε)로 정해진다. 처음에는 H가 0이라 ε이 첫 걸음의 크기를 정하고, "
                  "그다음부터는 걸음이 스스로 커진다.",
            "en": "The lecture's Adadelta has no η. The step size comes from the ratio (√H+ε)/(√G+ε) of the moving "
                  "average H of squared past steps to the moving average G of squared gradients. At first H is 0, so "
                  "ε sets the first step; after that the steps grow by themselves.",
        },
        "question": {
            "ko": "두 번째 실행은 ε = 1e-6 (기본값)이다. 왜 거의 움직이지 않을까? ε은 사실상 무슨 역할을 하는가?",
            "en": "The second run uses ε = 1e-6 (the default). Why does it hardly move? What role does ε really play?",
        },
        "result": {
            "ko": "학습률 하이퍼파라미터: {has_lr:.0f}개. ε = {eps:.0e}인 실행은 거리 {travelled:.2f}를 움직여 "
                  "최저점까지 {final_distance:.1e}, 손실 {loss_drop:.4%} 감소. ε = {tiny_eps:.0e}인 실행은 "
                  "{tiny_travelled:.4f}만 움직임",
            "en": "Learning-rate hyperparameters: {has_lr:.0f}. The run with ε = {eps:.0e} travels {travelled:.2f}, "
                  "ends {final_distance:.1e} from the minimum and cuts the loss by {loss_drop:.4%}. The run with "
                  "ε = {tiny_eps:.0e} moves only {tiny_travelled:.4f}",
        },
    },
    "rmsprop": {
        "title": {"ko": "RMSProp: 지수평균으로 학습률을 살려 둔다", "en": "RMSProp keeps the learning rate alive"},
        "explanation": {
            "ko": "RMSProp는 기울기 제곱을 모두 더하지 않고 지수평균 G를 쓴다. 오래된 큰 기울기는 잊히므로, "
                  "기울기가 작아진 골짜기 바닥에서는 유효 학습률이 다시 커진다. 그래서 Adagrad가 멈춘 곳을 "
                  "지나 최저점 쪽으로 계속 간다.",
            "en": "RMSProp keeps an exponential moving average G of squared gradients instead of their sum. Old large "
                  "gradients are forgotten, so on the valley floor, where gradients are small, the effective rate "
                  "grows again, and RMSProp keeps going past the point where Adagrad stalls.",
        },
        "question": {
            "ko": "γ를 0.9에서 0.999로 올리면 RMSProp는 Adagrad와 더 닮아질까? 이유는?",
            "en": "Raise γ from 0.9 to 0.999: does RMSProp become more like Adagrad? Why?",
        },
        "result": {
            "ko": "마지막 100걸음에서 RMSProp의 유효 학습률은 처음의 {late_floor:.1f}배 이상. {passed_step:.0f}번째 "
                  "걸음에 Adagrad의 최종 위치보다 최저점에 가까워졌고, {steps:.0f}걸음 뒤 거리는 RMSProp "
                  "{rmsprop_distance:.2f}, Adagrad {adagrad_distance:.2f}",
            "en": "Over the last 100 steps RMSProp's effective rate stays at least {late_floor:.1f}× its first value. "
                  "At step {passed_step:.0f} it is already closer to the minimum than where Adagrad ends; after {steps:.0f} steps "
                  "the distances are RMSProp {rmsprop_distance:.2f}, Adagrad {adagrad_distance:.2f}",
        },
    },
    "adam": {
        "title": {"ko": "Adam: 모멘텀 + RMSProp, 그리고 편향 보정", "en": "Adam: momentum + RMSProp, and bias correction"},
        "explanation": {
            "ko": "Adam의 m은 모멘텀처럼 기울기를 누적한 1차 모멘트이고, v는 RMSProp처럼 걸음을 좌표마다 나누는 "
                  "2차 모멘트다. m과 v는 0에서 시작하므로 처음 몇 걸음은 0쪽으로 치우쳐 있다. 보정이 없으면 첫 "
                  "걸음의 크기는 보정한 경우의 (1−β1)/√(1−β2)배가 되며, 이 장면(β2 = 0.9)에서는 훨씬 작다.",
            "en": "Adam's m is a first moment that accumulates gradients like momentum; v is a second moment that "
                  "divides the step per coordinate like RMSProp. Both start at 0, so the first steps are biased toward "
                  "0. Without correction the first step is (1−β1)/√(1−β2) times the corrected one, much smaller in "
                  "this scene (β2 = 0.9).",
        },
        "question": {
            "ko": "β2를 기본값 0.999로 바꾸면 보정 없는 첫 걸음은 보정한 걸음보다 커질까 작아질까? 계산해 보고 확인하자.",
            "en": "Set β2 to its default 0.999: is the uncorrected first step larger or smaller than the corrected "
                  "one? Work it out, then check.",
        },
        "result": {
            "ko": "m과 (1−β1)·모멘텀 누적의 차이 {momentum_gap:.1e}, β1 = 0이고 보정 없는 Adam과 RMSProp의 차이 "
                  "{rmsprop_gap:.1e}. 보정 없는 첫 걸음은 {first_ratio:.3f}배 (예측 {predicted_ratio:.3f}), 처음 "
                  "{early:.0f}걸음 합은 {early_ratio:.2f}배. 기본값 β2 = 0.999라면 첫 걸음은 {default_ratio:.2f}배",
            "en": "Gap between m and (1−β1)·momentum's accumulation {momentum_gap:.1e}; between Adam with β1 = 0 and "
                  "no correction and RMSProp {rmsprop_gap:.1e}. The uncorrected first step is {first_ratio:.3f}× "
                  "(predicted {predicted_ratio:.3f}); the first {early:.0f} steps together {early_ratio:.2f}×. With "
                  "the default β2 = 0.999 the first step would be {default_ratio:.2f}×",
        },
    },
}

_UI: dict[str, dict[str, str]] = {
    "run.no_bias_correction": {"ko": "(편향 보정 없음)", "en": "(no bias correction)"},
    "run.full_batch": {"ko": "전체 배치", "en": "full batch"},
    "tab.internals": {"ko": "실행 내부", "en": "Internals"},
    "tab.lessons": {"ko": "수업 모드", "en": "Lessons"},
    "lessons.header": {"ko": "수업 모드: 2.3.7을 순서대로", "en": "Lesson mode: section 2.3.7 in order"},
    "lessons.pick": {"ko": "장면", "en": "Scene"},
    "lessons.claim": {"ko": "주장 {claim}", "en": "Claim {claim}"},
    "lessons.extra": {"ko": "보충", "en": "Extra"},
    "lessons.section": {"ko": "강의 {section}", "en": "Lecture {section}"},
    "lessons.load": {"ko": "이 장면 불러오기", "en": "Load this scene"},
    "lessons.question": {"ko": "생각해 보기", "en": "Question for you"},
    "lessons.measured": {"ko": "엔진으로 잰 값", "en": "Measured by the engine"},
    "lessons.holds": {"ko": "주장이 성립함", "en": "The claim holds"},
    "lessons.fails": {"ko": "이 설정에서는 주장이 성립하지 않음", "en": "The claim does not hold with these settings"},
    "lessons.changed": {
        "ko": "지금 화면의 장면은 수업 장면과 다르다. 잰 값은 수업 장면의 것이다.",
        "en": "The page's scene differs from the lesson's; the figures are the lesson scene's.",
    },
    "internals.header": {"ko": "실행 내부 들여다보기", "en": "Inside a run"},
    "internals.run": {"ko": "실행", "en": "Run"},
    "internals.none": {"ko": "실행이 없다. 실행을 하나 추가하자.", "en": "There is no run; add one."},
    "internals.at_step": {
        "ko": "{step}번째 걸음 (w_{step} → w_{next})", "en": "Step {step} (w_{step} → w_{next})",
    },
    "internals.gradient": {"ko": "−기울기 −g", "en": "−gradient −g"},
    "internals.moment": {"ko": "−{symbol} (누적 방향)", "en": "−{symbol} (accumulated direction)"},
    "internals.scaled": {"ko": "조정된 기울기 걸음 −η_eff·g", "en": "scaled gradient step −η_eff·g"},
    "internals.actual": {"ko": "실제 걸음", "en": "actual step"},
    "internals.grad_norm": {"ko": "‖g‖", "en": "‖g‖"},
    "internals.lr_eff": {"ko": "유효 학습률 η_eff", "en": "effective learning rate η_eff"},
    "internals.accumulators": {"ko": "누적값", "en": "accumulators"},
    "internals.bias": {"ko": "편향 보정 인자", "en": "bias-correction factors"},
    "internals.step_axis": {"ko": "걸음", "en": "step"},
    "internals.current": {"ko": "현재 걸음", "en": "current step"},
    "internals.table": {"ko": "현재 걸음의 값", "en": "Values at the current step"},
    "internals.arrow_scale": {
        "ko": "걸음 화살표는 실제 크기, 방향 화살표(−g, −a, −m)는 길이를 맞춰 그렸다.",
        "en": "Step arrows are to scale; direction arrows (−g, −a, −m) are drawn at a fixed length.",
    },
    "internals.diverged": {"ko": "이 실행은 {step}번째 걸음에서 발산했다.", "en": "This run diverged at step {step}."},
    "noise.ellipse": {"ko": "다음 걸음의 잡음 (2σ)", "en": "next-step noise (2σ)"},
    "noise.needs_batch": {
        "ko": "잡음 타원은 확률적 실행(SGD, 미니배치)에서만 의미가 있다.",
        "en": "The noise ellipse is meaningful for stochastic runs (SGD, mini-batch) only.",
    },
    "seeds.band": {"ko": "{count}개 시드의 흩어짐", "en": "spread over {count} seeds"},
    "seeds.mean": {"ko": "평균 경로", "en": "mean path"},
    "field.norm": {"ko": "‖∇f‖", "en": "‖∇f‖"},
    "curvature.limit": {
        "ko": "λ_max = {lambda_max:.3g}, 안정한 GD 학습률의 한계 2/λ_max = {lr_max:.3g}",
        "en": "λ_max = {lambda_max:.3g}; largest stable GD learning rate 2/λ_max = {lr_max:.3g}",
    },
    "curvature.local": {
        "ko": "이차함수가 아니므로 최저점 근처에서만 맞는 값이다.",
        "en": "Not a quadratic: this holds near the minimum only.",
    },
    "curvature.none": {"ko": "양의 곡률이 없어 한계가 없다.", "en": "No positive curvature, so no limit."},
}

STRINGS: dict[str, dict[str, str]] = {
    **{f"lesson.{lesson}.{part}": text for lesson, parts in _LESSONS.items() for part, text in parts.items()},
    **_UI,
}
