"""Texts of lesson mode, internals and the stochastic-gradient views, in Korean and English."""

_LESSONS: dict[str, dict[str, dict[str, str]]] = {
    "models": {
        "title": {"ko": "실제 손실은 그릇이 아니다: 작은 신경망", "en": "Real losses are not bowls: a small network"},
        "explanation": {
            "ko": "볼록한 그릇에서는 모든 최적화 방법이 같은 바닥에 도착한다. 매개변수 337개인 작은 신경망(두 반달 데이터)에서는 "
                  "같은 방법들이 같은 스텝 수 안에 모두 낮은 손실에 도달하지는 않고, 낮은 손실에 도달한 실행들도 서로 다른 "
                  "매개변수에서 끝난다: 바닥이 하나가 아니다. 그림은 337차원 손실의 2차원 단면(경로의 주성분 평면)일 뿐이다. "
                  "단면의 손실은 실행의 실제 손실과 다르고, 단면에 보이지 않는 방향이 있다.",
            "en": "On a convex bowl every optimizer ends at the same bottom. On a small network with 337 parameters (two "
                  "moons), the same optimizers do not all reach a low loss in the same number of steps, and the runs that "
                  "do end at different parameters: there is no single bottom. The pictures are only a 2-D slice (the "
                  "paths' principal plane) of a 337-dimensional loss. The slice's loss is not the runs' true loss, and "
                  "some directions are not in the slice at all.",
        },
        "question": {
            "ko": "단면을 '두 좌표'나 '필터 정규화 무작위 방향'으로 바꿔 보자. 같은 실행들의 경로와 지형은 어떻게 달라 보이는가? "
                  "손실 그래프는 왜 바뀌지 않는가?",
            "en": "Switch the slice to 'two coordinates' or to 'filter-normalised random directions'. How do the same "
                  "runs' paths and the landscape look now? Why does the loss chart not change?",
        },
        "condition": {
            "ko": "설계상 조건 없음: 학습률을 0.7–1.4배로 바꾸거나 초기 매개변수를 그 크기의 4%만큼 옮겨도 성립한다.",
            "en": "None by design: it holds with every η scaled by 0.7–1.4 and with the initial parameters moved by 4 % "
                  "of their norm.",
        },
        "result": {
            "ko": "GD의 최종 손실 {gd_final:.3g}, 가장 낮은 최종 손실 {best_final:.3g} ({ratio:.0f}배 낮다). 실행 {runs:.0f}개 중 "
                  "{low_runs:.0f}개가 손실 {target:g} 이하에 도달했고, 그 끝점들은 서로 ‖θ_init‖의 {apart:.2f}배 이상 떨어져 있다. "
                  "주성분 평면은 경로 분산의 {explained:.1f}%를 담고, 단면의 손실은 실제 손실과 최대 {misread:.3g} 다르다 "
                  "(처음 손실 {initial:.3g}). 최고 학습 정확도 {accuracy:.1f}%.",
            "en": "GD's final loss {gd_final:.3g}, the lowest final loss {best_final:.3g} ({ratio:.0f}× lower). {low_runs:.0f} "
                  "of {runs:.0f} runs reach a loss ≤ {target:g}, and their end points are at least {apart:.2f} ‖θ_init‖ "
                  "apart. The principal plane keeps {explained:.1f} % of the paths' variance, and the slice's loss is off "
                  "the true loss by up to {misread:.3g} (initial loss {initial:.3g}). Best training accuracy "
                  "{accuracy:.1f} %.",
        },
    },
    "minima": {
        "title": {"ko": "지역최저점: 출발점이 속한 분지가 도착점을 정한다",
                  "en": "Local minima: the basin that holds the start decides the end"},
        "explanation": {
            "ko": "이 지형에는 깊이가 다른 우물이 셋 있다. 경사하강법은 지금 서 있는 자리의 기울기만 보기 때문에, 출발점이 "
                  "속한 끌림 분지(basin of attraction)의 최저점에 도착하며, 그것이 가장 가까운 우물이라는 보장은 없다. "
                  "이 장면의 출발점에서 가장 가까운 최저점은 지역최저점이지만, GD는 전역최저점으로 굴러간다. 기울기가 0이 "
                  "되었다고 해서 전역최저점에 도착했다는 보장도 없다. 분지 지도는 모든 출발점을 GD가 도착하는 최저점의 색으로 칠한다.",
            "en": "This surface has three wells of different depths. Gradient descent only sees the slope where it "
                  "stands, so it ends in the minimum whose basin of attraction holds its start, which need not be the "
                  "nearest well: from this start the nearest minimum is a local one, yet GD rolls into the global one. "
                  "Nor does a zero gradient mean the global minimum was found. The basin map colours every start by the "
                  "minimum GD reaches from it.",
        },
        "question": {
            "ko": "분지 지도에서 두 색이 만나는 경계 근처로 출발점을 옮겨 보자. 경계를 넘으면 도착점은 어떻게 바뀌는가?",
            "en": "Move the start close to a border between two colours of the basin map. What happens to the end "
                  "point when the start crosses the border?",
        },
        "condition": {
            "ko": "설계상 조건 없음: 출발점, 수렴하는 학습률 어디서나 성립한다 (학습률이 바뀌면 분지 경계가 조금 움직인다).",
            "en": "None by design: it holds for any start and any η that converges (the basin borders move a little "
                  "with η).",
        },
        "result": {
            "ko": "출발점 {starts:.0f}곳에서 GD는 서로 다른 최저점 {distinct_minima:.0f}곳에 도착한다. 그중 {not_nearest:.0f}%는 "
                  "가장 가까운 최저점이 아닌 곳에, {in_local:.0f}%는 지역최저점에 도착한다. 이 장면의 출발점에서 GD가 "
                  "도착하는 최저점까지의 거리는 {end_distance:.2f}, 가장 가까운 최저점까지는 {nearest_distance:.2f}",
            "en": "From {starts:.0f} starts GD ends in {distinct_minima:.0f} different minima: from {not_nearest:.0f}% "
                  "of them in a minimum that is not the nearest one, from {in_local:.0f}% in a local one. From this "
                  "scene's start the minimum GD reaches is {end_distance:.2f} away, the nearest one {nearest_distance:.2f}",
        },
    },
    "saddle": {
        "title": {"ko": "말안장점: 기울기 0이 최저점은 아니다", "en": "Saddle point: a zero gradient is not a minimum"},
        "explanation": {
            "ko": "원점에서 기울기는 정확히 0이지만, x 방향으로는 오르막이고 y 방향으로는 내리막이다. x축 가까이에서 출발한 "
                  "GD는 원점 쪽으로 끌려가 머무는데, 얼마나 오래 머무는지는 축에 얼마나 가까이 출발했는지에 달려 있고, 정확히 "
                  "축 위에서 출발하면 영영 떠나지 못한다. 모멘텀은 내리막 방향으로 속도를 쌓아 더 빨리 떠난다. 미니배치의 "
                  "잡음은 GD를 축 밖으로 밀어내므로 축 위에서도 빠져나오지만, 언제 빠져나올지는 우연이라 그림은 시드 16개를 보여 준다.",
            "en": "At the origin the gradient is exactly zero, yet the surface rises along x and falls along y. GD "
                  "started near the x axis is pulled towards the origin and lingers there: how long depends on how close "
                  "to the axis it starts, and exactly on the axis it never leaves. Momentum builds up speed along the "
                  "falling direction and leaves sooner. Mini-batch noise kicks GD off the axis, so it escapes even from "
                  "there; when is a matter of chance, so the figure shows 16 seeds.",
        },
        "question": {
            "ko": "출발점의 y를 0.001에서 0.1로 바꾸면 GD는 몇 걸음 만에 빠져나올까? 그때는 왜 잡음이 별 도움이 되지 않을까?",
            "en": "Change the start's y from 0.001 to 0.1: how many steps does GD need now? Why does the noise hardly "
                  "help from there?",
        },
        "condition": {
            "ko": "설계상 조건 없음. 빠져나옴은 안정한 축(x축)에서 0.5, 즉 최저점까지의 절반만큼 멀어진 걸음으로 센다.",
            "en": "None by design. A run has escaped at the first step 0.5 from the stable axis (the x axis), halfway "
                  "to the minima.",
        },
        "result": {
            "ko": "말안장점의 기울기 크기 {grad_norm:.1e}, 가장 작은 곡률 {lowest_curvature:.2f} (< 0이라 최저점 아님). "
                  "축에서 {start_offset:.0e} 떨어진 출발점에서 축으로부터 0.5까지 가는 걸음: GD {gd_escape:.0f}, 모멘텀 "
                  "{momentum_escape:.0f}, 미니배치는 시드 {seeds:.0f}개의 중앙값 {noise_median:.0f} (범위 {noise_min:.0f}–"
                  "{noise_max:.0f}). 정확히 축 위에서 출발하면 GD는 축에서 {axis_gd_distance:.1e} 안에 머물고, 미니배치는 "
                  "시드 {seeds:.0f}개 중 {axis_escaped:.0f}개에서 빠져나온다 (중앙값 {axis_median:.0f}걸음, 범위 "
                  "{axis_min:.0f}–{axis_max:.0f})",
            "en": "Gradient norm at the saddle {grad_norm:.1e}, lowest curvature {lowest_curvature:.2f} (< 0: not a "
                  "minimum). From {start_offset:.0e} off the axis, steps to get 0.5 away from it: GD {gd_escape:.0f}, "
                  "momentum {momentum_escape:.0f}, mini-batch median {noise_median:.0f} over {seeds:.0f} seeds (range "
                  "{noise_min:.0f}–{noise_max:.0f}). Started exactly on the axis, GD stays within {axis_gd_distance:.1e} "
                  "of it; mini-batch escapes in {axis_escaped:.0f} of {seeds:.0f} seeds (median {axis_median:.0f} steps, "
                  "range {axis_min:.0f}–{axis_max:.0f})",
        },
    },
    "gd": {
        "title": {"ko": "경사하강법: 음의 기울기를 따라 내려간다", "en": "Gradient descent follows the negative gradient"},
        "explanation": {
            "ko": "경사하강법은 매 걸음 현재 자리의 기울기를 구하고, 그 반대 방향으로 η만큼 비례해 움직인다. 볼록한 이차함수 "
                  "그릇에서는 η < 2/λ_max인 한 (곡률 수업 참고) 걸음마다 최저점까지의 거리가 적어도 ρ = max|1 − ηλ| < 1배로 "
                  "줄어들므로, 이 규칙만으로 어디서 출발하든 하나뿐인 최저점에 도착한다. 안쪽 패널의 화살표에서 기울기와 실제 "
                  "걸음이 정확히 반대 방향인지 확인해 보자.",
            "en": "Each step, gradient descent computes the slope where it stands and moves against it, by η times "
                  "its size. On a convex quadratic bowl, as long as η < 2/λ_max (see the curvature lesson), every step "
                  "shrinks the distance to the single minimum by at least the factor ρ = max|1 − ηλ| < 1, so this rule "
                  "alone reaches the minimum from any start. Check in the internals panel that the gradient arrow and "
                  "the actual step point exactly opposite.",
        },
        "question": {
            "ko": "기울기가 큰 곳과 작은 곳에서 걸음의 길이는 어떻게 다른가? 최저점에 가까워질수록 걸음이 짧아지는 이유는?",
            "en": "How does the step length differ where the slope is steep and where it is gentle? Why do steps "
                  "shrink near the minimum?",
        },
        "condition": {
            "ko": "η < 2/λ_max (λ_max는 그릇의 가장 가파른 곡률, 곡률 수업). 반복 횟수와는 상관없다.",
            "en": "η < 2/λ_max, with λ_max the bowl's steepest curvature (the curvature lesson). The number of steps "
                  "does not matter.",
        },
        "result": {
            "ko": "걸음과 −∇f 사이 코사인의 최솟값 {min_cosine:.6f}, 손실이 오른 걸음 {rises:.0f}번. η = {lr:.3g} < "
                  "2/λ_max = {lr_max:.3g}이므로 걸음마다 최저점까지 거리가 많아야 ρ = {rho:.3f}배가 된다 (잰 값: "
                  "{worst_shrink:.3f}). 어디서 출발하든 {to_one_percent:.0f}걸음이면 처음 거리의 1% 안에 든다",
            "en": "Smallest cosine between a step and −∇f: {min_cosine:.6f}; steps where the loss rose: {rises:.0f}. "
                  "η = {lr:.3g} < 2/λ_max = {lr_max:.3g}, so each step multiplies the distance to the minimum by at "
                  "most ρ = {rho:.3f} (measured: {worst_shrink:.3f}); from any start it is within 1% of its first "
                  "distance after {to_one_percent:.0f} steps",
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
        "condition": {
            "ko": "설계상 학습률: 두 실행의 η는 2/λ_max 바로 아래와 바로 위에 놓여 있고, 그것이 이 수업의 요점이다. 그래서 "
                  "학습률은 흔들지 않고 출발점만 흔든다.",
            "en": "The learning rate, by design: the two runs' η sit just below and just above 2/λ_max, which is the "
                  "point of the lesson. So η is not perturbed; the start is.",
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
        "title": {"ko": "배치 GD, SGD, 미니배치: 걸음당 잡음, 걸음당 비용",
                  "en": "Batch GD, SGD and mini-batch: noise per step, cost per step"},
        "explanation": {
            "ko": "이 손실은 데이터 64개의 손실을 평균한 것이다. 배치 GD는 64개를 모두 써서 정확한 기울기를, SGD는 하나만 "
                  "써서 잡음이 큰 기울기를, 미니배치는 8개로 그 중간 정도의 기울기를 얻는다 (실행 내부 탭의 잡음 타원이 다음 "
                  "걸음이 떨어질 곳이다). 강의가 SGD를 권하는 이유는 비용이다: 배치 GD 한 걸음은 표본 기울기 64개, SGD 한 "
                  "걸음은 1개가 든다. 그래프는 셋을 같은 일의 양으로 비교한다: 데이터를 한 번 훑은 뒤 SGD와 미니배치는 훨씬 "
                  "낮은 곳에 있고 배치 GD는 겨우 한 걸음을 갔으며, 훨씬 많은 일을 해야 배치 GD가 SGD의 잡음 아래로 내려간다.",
            "en": "This loss is the mean of 64 per-sample losses. Batch GD uses all 64 for the exact gradient, SGD one "
                  "sample for a very noisy gradient, mini-batch 8 for something in between (the noise ellipse in the "
                  "Internals tab shows where the next step may land). The lecture's case for SGD is cost: a batch GD "
                  "step costs 64 per-sample gradients, an SGD step one. The chart compares the three for equal work: "
                  "after one pass over the data SGD and mini-batch are far lower while batch GD has taken a single step, "
                  "and only with much more work does batch GD get below SGD's noise.",
        },
        "question": {
            "ko": "배치 크기를 1에서 64까지 바꿔 보자. 같은 일의 양에서 가장 낮은 손실을 내는 배치 크기는 어디쯤일까?",
            "en": "Change the batch size from 1 to 64. Which batch size gets lowest for the same amount of work?",
        },
        "condition": {
            "ko": "설계상 조건 없음: 시드, 학습률, 출발점 어디서나. 같은 일의 양 비교는 데이터를 한 번 훑은 뒤에 한다.",
            "en": "None by design: any seed, η and start. The equal-work comparison is made after one pass over the data.",
        },
        "result": {
            "ko": "경로 길이: GD {gd_length:.2f}, 미니배치 {minibatch_length:.2f}, SGD {sgd_length:.2f}. 후반 걸음의 "
                  "분산: GD {gd_variance:.1e}, 미니배치 {minibatch_variance:.1e}, SGD {sgd_variance:.1e}. 데이터를 한 번 "
                  "훑은 뒤(표본 기울기 {samples:.0f}개) 최저 손실보다 높은 정도: GD {gd_one_pass:.2g}, 미니배치 "
                  "{minibatch_one_pass:.2g}, SGD {sgd_one_pass:.2g} (시드 {seeds:.0f}개의 중앙값)",
            "en": "Path length: GD {gd_length:.2f}, mini-batch {minibatch_length:.2f}, SGD {sgd_length:.2f}. Variance "
                  "of the late steps: GD {gd_variance:.1e}, mini-batch {minibatch_variance:.1e}, SGD {sgd_variance:.1e}. "
                  "After one pass over the data ({samples:.0f} per-sample gradients) the loss above its minimum: GD "
                  "{gd_one_pass:.2g}, mini-batch {minibatch_one_pass:.2g}, SGD {sgd_one_pass:.2g} (median of "
                  "{seeds:.0f} seeds)",
        },
    },
    "ravine": {
        "title": {"ko": "골짜기: 잘 맞춘 모멘텀이 잘 맞춘 GD보다 약 √κ배 빠르다",
                  "en": "Ravine: tuned momentum beats tuned GD, by about √κ"},
        "explanation": {
            "ko": "좁고 기울어진 골짜기(조건수 κ)에서는 기울기가 거의 골짜기를 가로지르는 방향을 가리키므로, GD는 가파른 벽에서 "
                  "튕겨 나가지 않을 만큼 η를 작게 두어야 하고 그래서 바닥을 따라서는 기어간다. 두 방법을 같은 η로 비교하는 것은 "
                  "공정하지 않다: 방법마다 가장 좋은 설정이 다르다. 그래서 하이퍼파라미터 탐색으로 GD의 가장 좋은 η와 모멘텀의 "
                  "가장 좋은 η, β를 찾았고, 두 실행은 그 설정으로 경주한다. 이론상 가장 좋은 GD는 걸음마다 오차를 "
                  "(κ−1)/(κ+1)배, 모멘텀은 (√κ−1)/(√κ+1)배로 줄이므로 모멘텀의 이점은 √κ처럼 커지고, 표는 κ = 10, 30, 100에서 "
                  "이를 잰다.",
            "en": "In a narrow, tilted ravine (condition number κ) the gradient points mostly across the valley, so GD "
                  "must keep η small enough not to bounce out of the steep walls, and crawls along the floor. Comparing "
                  "the two at the same η is unfair: each method needs its own best setting. So the hyperparameter sweep "
                  "found GD's best η and momentum's best η and β, and the two runs race at those. In theory the best GD "
                  "shrinks the error by (κ−1)/(κ+1) per step and momentum by (√κ−1)/(√κ+1), so momentum's lead grows "
                  "like √κ; the table measures it for κ = 10, 30 and 100.",
        },
        "question": {
            "ko": "두 실행의 η를 같게 맞춰 보자. 이제 어느 쪽이 더 많이 흔들리는가? 왜 그것은 공정한 경주가 아닌가?",
            "en": "Give both runs the same η: which one oscillates more now? Why is that not a fair race?",
        },
        "condition": {
            "ko": "설계상 조건 없음: 주변 장면마다 두 방법을 다시 맞추므로 장면의 η는 상관없다.",
            "en": "None by design: both methods are tuned again on every nearby scene, so the scene's own η does not "
                  "matter.",
        },
        "result": {
            "ko": "κ = {kappa:.0f}: 가장 좋은 GD(η = {gd_lr:.3g})는 {gd_steps:.0f}걸음, 가장 좋은 모멘텀(η = "
                  "{momentum_lr:.3g}, β = {momentum_beta:.3g})은 {momentum_steps:.0f}걸음 만에 최저점에 도착: "
                  "{ratio:.1f}배 적다 (√κ = {sqrt_kappa:.1f}). 이론: {gd_theory_steps:.0f}걸음과 "
                  "{momentum_theory_steps:.0f}걸음",
            "en": "κ = {kappa:.0f}: the best GD (η = {gd_lr:.3g}) reaches the minimum in {gd_steps:.0f} steps, the best "
                  "momentum (η = {momentum_lr:.3g}, β = {momentum_beta:.3g}) in {momentum_steps:.0f}: {ratio:.1f}× "
                  "fewer (√κ = {sqrt_kappa:.1f}). Theory: {gd_theory_steps:.0f} and {momentum_theory_steps:.0f} steps",
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
        "condition": {
            "ko": "두 실행이 같은 η와 β를 쓸 것 (주변 장면에서는 두 η가 함께 바뀐다).",
            "en": "Both runs share η and β (in the nearby scenes both η change together).",
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
        "title": {"ko": "Adagrad: 학습률은 줄어들기만 한다", "en": "Adagrad: the learning rate only falls"},
        "explanation": {
            "ko": "Adagrad는 좌표마다 학습률을 √Gₜ + ε로 나눈다. Gₜ는 기울기 제곱을 계속 더한 값이다. Gₜ는 줄어들 수 "
                  "없으므로 유효 학습률 η/(√Gₜ+ε)은 어디서 출발하든 오르지 않고, 기울기가 들어올 때마다 작아진다. 그 대가가 "
                  "얼마나 큰지는 경로에 달려 있다: 이 출발점에서는 로젠브록의 가파른 벽에서 큰 기울기를 모은 뒤 완만한 골짜기 "
                  "바닥에서 거의 움직이지 못한다. 다른 출발점에서는 기어가기 전에 훨씬 가까이 간다.",
            "en": "Adagrad divides the learning rate, per coordinate, by √Gₜ + ε, where Gₜ is the running sum of "
                  "squared gradients. Gₜ can never shrink, so the effective rate η/(√Gₜ+ε) never rises, from any start, "
                  "and it falls with every gradient that comes in. What that costs depends on the path: from this "
                  "start Adagrad collects large gradients on Rosenbrock's steep wall and then barely moves along the flat "
                  "valley floor. From other starts it gets much closer before it crawls.",
        },
        "question": {
            "ko": "η를 키우면 Adagrad가 최저점에 도착할까? 유효 학습률 그래프의 모양은 어떻게 변할까?",
            "en": "Does a larger η get Adagrad to the minimum? How does the effective learning-rate chart change?",
        },
        "condition": {
            "ko": "유효 학습률이 오르지 않는다는 것은 어떤 출발점, 어떤 η에서도 성립한다. 최저점에서 먼 곳에서 멈추는 것은 "
                  "이 출발점 (−1.5, 2.5)과 η = 0.5에서의 예일 뿐이다.",
            "en": "That the effective rate never rises holds from any start and for any η. The stall far from the "
                  "minimum is one example, from this start (−1.5, 2.5) with η = 0.5.",
        },
        "result": {
            "ko": "유효 학습률이 오른 걸음 {rises:.0f}번, η/(√Gₜ+ε)와의 차이 {formula_gap:.0e}, 마지막/처음 비율 "
                  "{decay:.3f}. 예: 출발점 ({start_x:.2f}, {start_y:.2f})에서 마지막 100걸음의 평균 길이는 처음 100걸음의 "
                  "{slowdown:.3f}배이고, {steps:.0f}걸음 뒤에도 최저점까지 {final_distance:.2f}",
            "en": "Steps where the effective rate rose: {rises:.0f}; it equals η/(√Gₜ+ε) to {formula_gap:.0e}; "
                  "last/first ratio {decay:.3f}. Example, from ({start_x:.2f}, {start_y:.2f}): the last 100 steps are "
                  "{slowdown:.3f}× as long as the first 100, and after {steps:.0f} steps it is still "
                  "{final_distance:.2f} from the minimum",
        },
    },
    "adadelta": {
        "title": {"ko": "Adadelta: 학습률이 없고, ε이 걸음을 정한다", "en": "Adadelta: no learning rate, ε sets the step"},
        "explanation": {
            "ko": "강의의 Adadelta에는 η가 없다: 걸음은 (√Hₜ₋₁+ε)/(√Gₜ+ε)·gₜ이고, G와 H는 기울기 제곱과 걸음 제곱의 "
                  "지수평균이다. 처음에는 H가 0이라 첫 걸음은 기울기와 상관없이 약 ε/√(1−γ)이고, 그 뒤로 걸음은 한 번에 약 "
                  "(1−γ)·ε씩만 커지므로 ε이 내내 학습률 노릇을 한다. PyTorch는 ε을 제곱근 안에 넣고(√(Hₜ₋₁+ε)/√(Gₜ+ε)) "
                  "η = 1을 곱하므로, 같은 ε = 1e-6에서 첫 걸음이 1/√ε = 1000배 길다. 세 실행은 두 형태를 나란히, 그리고 ε이 "
                  "더 큰 강의 형태를 보여 준다.",
            "en": "The lecture's Adadelta has no η: the step is (√Hₜ₋₁+ε)/(√Gₜ+ε)·gₜ, with G and H moving averages of "
                  "squared gradients and squared steps. At first H is 0, so the first step is about ε/√(1−γ) whatever "
                  "the gradient; after that the step grows by only about (1−γ)·ε per step, so ε acts as the learning "
                  "rate throughout. PyTorch puts ε inside the roots, √(Hₜ₋₁+ε)/√(Gₜ+ε), and multiplies by η = 1, so with "
                  "the same ε = 1e-6 its first step is 1/√ε = 1000× longer. The three runs show both forms side by side, "
                  "and the lecture's form with a larger ε.",
        },
        "question": {
            "ko": "첫 번째 실행의 ε을 1e-6에서 1e-3으로 올려 보자. 첫 걸음은 몇 배 길어지는가? Adadelta의 학습률이라 부를 "
                  "만한 슬라이더는 무엇인가?",
            "en": "Raise the first run's ε from 1e-6 to 1e-3: how much longer is the first step? Which slider would you "
                  "call Adadelta's learning rate?",
        },
        "condition": {
            "ko": "설계상 조건 없음: 출발점의 기울기가 아주 작지만 않다면, 첫 걸음은 어디서나 약 ε/√(1−γ) (PyTorch: "
                  "η√ε/√(1−γ))이다.",
            "en": "None by design: unless the gradient at the start is tiny, the first step is about ε/√(1−γ) "
                  "(PyTorch: η√ε/√(1−γ)) from any start.",
        },
        "result": {
            "ko": "강의 형태의 학습률 하이퍼파라미터: {has_lr:.0f}개. ε = {eps:.0e}, γ = {gamma:.2g}의 첫 걸음 {first:.2e} "
                  "(ε/√(1−γ) = {predicted:.2e}), {steps:.0f}걸음 동안 걸음은 그 {growth:.0f}배까지 커진다. ε = "
                  "{larger_eps:.0e}이면 첫 걸음 {larger_first:.2e}. 같은 ε, η = {torch_lr:.2g}인 PyTorch 형태: 첫 걸음 "
                  "{torch_first:.2e}, 움직인 거리 {torch_ratio:.0f}배 ({torch_travelled:.3f} 대 {travelled:.4f})",
            "en": "Learning-rate hyperparameters of the lecture's form: {has_lr:.0f}. First step with ε = {eps:.0e}, "
                  "γ = {gamma:.2g}: {first:.2e} (ε/√(1−γ) = {predicted:.2e}); within {steps:.0f} steps the step grows to "
                  "{growth:.0f}× that. With ε = {larger_eps:.0e} the first step is {larger_first:.2e}. PyTorch's form with "
                  "the same ε and η = {torch_lr:.2g}: first step {torch_first:.2e}, and it travels {torch_ratio:.0f}× as "
                  "far ({torch_travelled:.3f} against {travelled:.4f})",
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
        "condition": {
            "ko": "설계상 조건 없음: 주변의 출발점과 η 어디서나 기울기가 작아지면 RMSProp의 유효 학습률은 다시 커진다.",
            "en": "None by design: from nearby starts and with nearby η, RMSProp's rate climbs back once the gradients "
                  "shrink.",
        },
        "result": {
            "ko": "RMSProp의 유효 학습률은 그때까지의 가장 낮은 값의 {recovery:.1f}배까지 다시 커진다 (Adagrad: "
                  "{adagrad_recovery:.1f}배, 다시 오르지 않음). {passed_step:.0f}번째 걸음에 Adagrad의 최종 위치보다 "
                  "최저점에 가까워졌고, {steps:.0f}걸음 뒤 거리는 RMSProp {rmsprop_distance:.2f}, Adagrad "
                  "{adagrad_distance:.2f}",
            "en": "RMSProp's effective rate climbs back to {recovery:.1f}× its lowest value so far (Adagrad's: "
                  "{adagrad_recovery:.1f}×, it never rises). At step {passed_step:.0f} it is already closer to the "
                  "minimum than where Adagrad ends; after {steps:.0f} steps the distances are RMSProp "
                  "{rmsprop_distance:.2f}, Adagrad {adagrad_distance:.2f}",
        },
    },
    "adam": {
        "title": {"ko": "Adam: 모멘텀 + RMSProp, 그리고 편향 보정", "en": "Adam: momentum + RMSProp, and bias correction"},
        "explanation": {
            "ko": "Adam의 m은 모멘텀처럼 기울기를 누적한 1차 모멘트이고, v는 RMSProp처럼 걸음을 좌표마다 나누는 "
                  "2차 모멘트다. 두 추정값은 0에서 시작하므로 처음 몇 걸음 동안 mₜ와 vₜ는 0 쪽으로 치우쳐 있고, 보정 "
                  "√(1−β2ᵗ)/(1−β1ᵗ)이 이를 되돌린다. 보정이 없으면 첫 걸음은 보정한 걸음의 (1−β1)/√(1−β2)배다: 이 장면"
                  "(β2 = 0.9)에서는 0.32배로 작지만, 기본값(β2 = 0.999)에서는 3.16배로 오히려 크다.",
            "en": "Adam's m is a first moment that accumulates gradients like momentum; v is a second moment that "
                  "divides the step per coordinate like RMSProp. Both estimates start at 0, so for the first steps mₜ "
                  "and vₜ are biased toward 0; the correction √(1−β2ᵗ)/(1−β1ᵗ) undoes that. Without it the first step "
                  "is (1−β1)/√(1−β2) times the corrected one: 0.32× in this scene (β2 = 0.9), smaller, but 3.16× at the "
                  "defaults (β2 = 0.999), larger.",
        },
        "question": {
            "ko": "β1과 β2가 어떤 관계일 때 보정 없는 첫 걸음이 보정한 걸음과 정확히 같아질까?",
            "en": "For which β1 and β2 is the uncorrected first step exactly as long as the corrected one?",
        },
        "condition": {
            "ko": "설계상 조건 없음: 비율 (1−β1)/√(1−β2)는 어느 출발점, 어느 η에서나 성립한다 (ε이 기울기보다 충분히 작을 때).",
            "en": "None by design: the ratio (1−β1)/√(1−β2) holds from any start and for any η (with ε small against "
                  "the gradient).",
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
    "lessons.pick": {"ko": "수업 (강의 순서대로)", "en": "Lesson (in the lecture's order)"},
    "lessons.section": {"ko": "강의 {section}", "en": "Lecture {section}"},
    "lessons.load": {"ko": "이 장면 불러오기", "en": "Load this scene"},
    "lessons.question": {"ko": "생각해 보기", "en": "Question for you"},
    "lessons.measured": {"ko": "엔진으로 잰 값", "en": "Measured by the engine"},
    "lessons.holds": {"ko": "주장이 성립함", "en": "The claim holds"},
    "lessons.fails": {"ko": "이 설정에서는 주장이 성립하지 않음", "en": "The claim does not hold with these settings"},
    "lessons.condition": {"ko": "성립 조건", "en": "Condition"},
    "lessons.previous": {"ko": "← 이전", "en": "← Back"},
    "lessons.next": {"ko": "다음 →", "en": "Next →"},
    "lessons.answer": {"ko": "답 보기: 엔진으로 잰 값", "en": "Show the answer: measured by the engine"},
    "lessons.waiting": {
        "ko": "엔진이 이 수업의 주장을 재는 중이다 (서버가 시작할 때 모든 수업을 재기 시작했고, 지금까지 {total}개 중 "
              "{done}개를 마쳤다). 다 되면 저절로 나타난다.",
        "en": "The engine is measuring this lesson's claim (the server began measuring every lesson when it "
              "started; {done} of {total} parts are done). It appears here by itself when ready.",
    },
    "lessons.load_help": {
        "ko": "사이드바를 이 수업의 장면으로 바꾼다. 그러면 학습률, 출발점 등을 직접 바꿔 볼 수 있다.",
        "en": "Replaces the sidebar's scene with this lesson's, to change its learning rates, start and more.",
    },
    "lessons.failed": {"ko": "이 수업을 재지 못했다: {error}", "en": "This lesson could not be measured: {error}"},
    "lessons.robust_caption": {
        "ko": "주변 장면: 확률적 실행이 있으면 시드 {first_seed}–{last_seed}, 모든 학습률 × {factors}, 출발점을 그림 폭의 "
              "{shift:.0f}%만큼 {directions}방향으로 옮긴 장면 (성립 조건에 적힌 것은 흔들지 않는다).",
        "en": "Nearby scenes: seeds {first_seed}–{last_seed} where a run is stochastic, every learning rate × {factors}, "
              "and the start moved by {shift:.0f}% of the plot's width in {directions} directions (except what the "
              "condition names).",
    },
    "lessons.robust_failed": {"ko": "성립하지 않은 곳: {where}", "en": "Does not hold at: {where}"},
    "lessons.see_also": {"ko": "→ {title}", "en": "→ {title}"},
    "lessons.changed": {
        "ko": "그림은 수업의 장면이다. 사이드바의 장면은 이와 다르다 (바꿔 보려면 '이 장면 불러오기').",
        "en": "The figures show the lesson's scene; the sidebar holds another one ('Load this scene' to explore "
              "the lesson's).",
    },
    "robust.share": {"ko": "주변 장면 {total}개 중 {held}개에서 성립", "en": "holds in {held} of {total} nearby scenes"},
    "robust.seed": {"ko": "시드 {value:.0f}", "en": "seed {value:.0f}"},
    "robust.lr": {"ko": "η × {value:g}", "en": "η × {value:g}"},
    "robust.start": {"ko": "출발점 {value:.0f}° 방향", "en": "start moved towards {value:.0f}°"},
    "escape.title": {"ko": "말안장점의 안정한 축에서 지금까지 가장 멀리 간 거리",
                     "en": "Farthest distance from the saddle's stable axis so far"},
    "escape.distance": {"ko": "축에서의 거리 (지금까지 최대)", "en": "distance from the axis (largest so far)"},
    "escape.threshold": {"ko": "빠져나옴 (0.5)", "en": "escaped (0.5)"},
    "escape.band": {"ko": "미니배치, 시드 {seeds}개 (범위와 중앙값)", "en": "mini-batch, {seeds} seeds (range and median)"},
    "escape.band_axis": {"ko": "미니배치, 정확히 축 위에서 출발, 시드 {seeds}개",
                         "en": "mini-batch started exactly on the axis, {seeds} seeds"},
    "budget.title": {"ko": "같은 일의 양에서의 손실", "en": "Loss for the same amount of work"},
    "budget.work": {"ko": "계산한 표본 기울기 수 (GD 한 걸음 = {n}개)",
                    "en": "per-sample gradients evaluated (one GD step = {n})"},
    "budget.gap": {"ko": "f(w) − f*", "en": "f(w) − f*"},
    "budget.band": {"ko": "{name}, 시드 {seeds}개 (가운데 절반과 중앙값)",
                    "en": "{name}, {seeds} seeds (middle half and median)"},
    "budget.one_pass": {"ko": "데이터 한 번", "en": "one pass"},
    "race.title": {"ko": "잘 맞춘 두 실행의 경주: 최저점까지의 거리", "en": "The tuned race: distance to the minimum"},
    "race.distance": {"ko": "최저점까지 거리", "en": "distance to the minimum"},
    "race.theory": {"ko": "이론: 걸음마다 {rate:.3f}배", "en": "theory: ×{rate:.3f} per step"},
    "race.tolerance": {"ko": "도착 (그림 폭의 1%)", "en": "arrived (1% of the plot)"},
    "steps.title": {"ko": "걸음의 크기 |Δw|: ε이 정한다", "en": "Step size |Δw|: ε sets it"},
    "steps.length": {"ko": "|Δw|", "en": "|Δw|"},
    "ravine.kappa": {"ko": "κ", "en": "κ"},
    "ravine.gd_lr": {"ko": "GD 최적 η", "en": "GD best η"},
    "ravine.gd_steps": {"ko": "GD 걸음", "en": "GD steps"},
    "ravine.momentum_lr": {"ko": "모멘텀 최적 η", "en": "momentum best η"},
    "ravine.momentum_beta": {"ko": "모멘텀 최적 β", "en": "momentum best β"},
    "ravine.momentum_steps": {"ko": "모멘텀 걸음", "en": "momentum steps"},
    "ravine.ratio": {"ko": "잰 비율", "en": "measured ratio"},
    "ravine.sqrt_kappa": {"ko": "√κ", "en": "√κ"},
    "ravine.theory": {"ko": "이론 걸음", "en": "theory steps"},
    "ravine.caption": {
        "ko": "각 κ에서 GD는 η {lrs}개, 모멘텀은 η {lrs}개 × β {betas}개를 모두 돌려 가장 빨리 도착한 설정을 골랐다 (엔진으로 잼). "
              "이론: 오차가 걸음마다 (κ−1)/(κ+1)배, (√κ−1)/(√κ+1)배로 줄 때 그림 폭의 1% 안에 드는 걸음 수.",
        "en": "At each κ, GD ran {lrs} values of η and momentum {lrs} η × {betas} β, and the setting that arrived first was kept "
              "(measured by the engine). Theory: the steps to get within 1% of the plot's width when the error shrinks "
              "by (κ−1)/(κ+1) and (√κ−1)/(√κ+1) per step.",
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
    "internals.arrow_magnified": {
        "ko": "걸음 화살표(−η_eff·g, 실제 걸음)는 너무 짧아 {factor}로 늘여 그렸다 (범례에도 적혀 있다). 방향 화살표(−g, −a, "
              "−m)는 길이를 맞춰 그렸다.",
        "en": "Step arrows (−η_eff·g, the actual step) are too short to see and drawn magnified {factor} (as the "
              "legend says); direction arrows (−g, −a, −m) are drawn at a fixed length.",
    },
    "internals.value": {"ko": "값", "en": "value"},
    "internals.diverged": {"ko": "이 실행은 {step}번째 걸음에서 발산했다.", "en": "This run diverged at step {step}."},
    "noise.ellipse": {"ko": "다음 걸음이 떨어질 곳 (2σ)", "en": "where the next step lands (2σ)"},
    "noise.caption": {
        "ko": "점 구름: 가능한 미니배치 {batches}개 각각에 대해, 이 실행의 지금 상태(관성, 누적값)로 규칙을 적용한 "
              "다음 위치. 타원은 그 2σ 범위, ×는 평균이다. 평범한 (미니배치) GD에서만 w − η∇f를 중심으로 한 "
              "η²·Cov[ĝ] 타원이 된다.",
        "en": "The cloud: the next point for each of the {batches} possible mini-batches, the rule applied with the "
              "run's present state (momentum, accumulators). The ellipse is its 2σ outline, × its mean. Only for "
              "plain (mini-batch) GD is it the η²·Cov[ĝ] ellipse around w − η∇f.",
    },
    "noise.caption_sampled": {
        "ko": "점 구름: 무작위로 뽑은 미니배치 {batches}개 각각에 대해, 이 실행의 지금 상태(관성, 누적값)로 규칙을 "
              "적용한 다음 위치. 타원은 그 2σ 범위, ×는 평균이다. 평범한 (미니배치) GD에서만 w − η∇f를 중심으로 "
              "한 η²·Cov[ĝ] 타원이 된다.",
        "en": "The cloud: the next point for each of {batches} randomly drawn mini-batches, the rule applied with the "
              "run's present state (momentum, accumulators). The ellipse is its 2σ outline, × its mean. Only for "
              "plain (mini-batch) GD is it the η²·Cov[ĝ] ellipse around w − η∇f.",
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
