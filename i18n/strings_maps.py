"""Texts of basin-of-attraction maps, hyperparameter sweeps and custom formulas, in Korean and English."""


def _text(ko: str, en: str) -> dict[str, str]:
    return {"ko": ko, "en": en}


FORMULA = {
    "formula.empty": _text(
        "x와 y로 된 식을 입력하세요. 예: x**2 + 3*sin(y)",
        "Type a formula in x and y, e.g. x**2 + 3*sin(y).",
    ),
    "formula.too_long": _text(
        "식이 {length}글자입니다. 최대 {limit}글자까지 쓸 수 있습니다 ({position}번째 글자 '{token}'부터 초과).",
        "The formula is {length} characters long; at most {limit} are allowed (the excess starts at position {position}: '{token}').",
    ),
    "formula.nul": _text(
        "{position}번째 글자에 NUL 문자가 있습니다. 지워 주세요.",
        "There is a NUL character at position {position}; remove it.",
    ),
    "formula.non_ascii": _text(
        "{position}번째 글자 '{token}' ({name})는 쓸 수 없습니다. 영문 반각 문자와 숫자, + - * / ** ( )만 쓰세요.",
        "Character '{token}' ({name}) at position {position} is not allowed: use plain ASCII letters, digits and + - * / ** ( ).",
    ),
    "formula.control": _text(
        "{position}번째 글자에 제어 문자({token})가 있습니다. 식은 한 줄로 쓰세요.",
        "Control character {token} at position {position} is not allowed; write the formula on one line.",
    ),
    "formula.character": _text(
        "{position}번째 글자 '{token}'는 식에 쓸 수 없습니다.",
        "Character '{token}' at position {position} cannot be used in a formula.",
    ),
    "formula.parens_deep": _text(
        "{position}번째 글자 '{token}'에서 괄호가 {limit}겹보다 깊어집니다.",
        "Parentheses nest more than {limit} deep at position {position} ('{token}').",
    ),
    "formula.unmatched": _text(
        "{position}번째 글자 '{token}'에 짝이 되는 여는 괄호가 없습니다.",
        "The '{token}' at position {position} has no matching opening parenthesis.",
    ),
    "formula.syntax": _text(
        "{position}번째 글자 '{token}' 근처를 읽을 수 없습니다 ({detail}).",
        "Cannot read the formula at position {position}, near '{token}' ({detail}).",
    ),
    "formula.unexpected_end": _text(
        "식이 '{token}' 뒤에서 끝나 버렸습니다 ({position}번째 글자). 빠진 부분이 있습니다.",
        "The formula ends too early after '{token}' (position {position}): something is missing.",
    ),
    "formula.forbidden": _text(
        "{position}번째 글자의 '{token}'는 쓸 수 없습니다: {what}.",
        "'{token}' at position {position} is not allowed: {what}.",
    ),
    "formula.operator": _text(
        "{position}번째 글자의 연산자 '{token}'는 쓸 수 없습니다. + - * / ** 만 쓰세요.",
        "Operator '{token}' at position {position} is not allowed; use + - * / **.",
    ),
    "formula.caret": _text(
        "{position}번째 글자의 '^'는 거듭제곱이 아닙니다. x²은 x**2로 쓰세요.",
        "The '^' at position {position} is not a power here: write x² as x**2.",
    ),
    "formula.unknown_name": _text(
        "{position}번째 글자의 '{token}'는 모르는 이름입니다. x, y, pi, e와 함수 {functions}만 쓸 수 있습니다.",
        "Unknown name '{token}' at position {position}: use x, y, pi, e and the functions {functions}.",
    ),
    "formula.function_as_name": _text(
        "{position}번째 글자의 '{token}'는 함수입니다. {token}(...)처럼 괄호와 함께 쓰세요.",
        "'{token}' at position {position} is a function: write {token}(...).",
    ),
    "formula.unknown_function": _text(
        "{position}번째 글자의 '{token}'는 쓸 수 있는 함수가 아닙니다. 쓸 수 있는 함수: {functions}.",
        "'{token}' at position {position} is not an allowed function; allowed: {functions}.",
    ),
    "formula.not_callable": _text(
        "{position}번째 글자의 '{token}'는 함수가 아니므로 괄호를 붙여 부를 수 없습니다.",
        "'{token}' at position {position} is not a function and cannot be called.",
    ),
    "formula.arity": _text(
        "{position}번째 글자의 {token}()에는 인수가 {expected}개 필요한데 {got}개가 있습니다.",
        "{token}() at position {position} takes {expected} argument(s), got {got}.",
    ),
    "formula.not_number": _text(
        "{position}번째 글자의 '{token}'는 숫자가 아닙니다.",
        "'{token}' at position {position} is not a number.",
    ),
    "formula.complex": _text(
        "{position}번째 글자의 '{token}'는 복소수입니다. 실수만 쓸 수 있습니다.",
        "'{token}' at position {position} is a complex number; only real numbers are allowed.",
    ),
    "formula.too_large": _text(
        "{position}번째 글자의 수 '{token}'가 너무 큽니다. 상수의 크기는 {limit:g} 이하여야 합니다.",
        "The number '{token}' at position {position} is too large: constants must be at most {limit:g} in size.",
    ),
    "formula.constant_too_large": _text(
        "{position}번째 글자의 '{token}'의 값이 {value}로, 허용 범위 ±{limit:g}를 넘습니다.",
        "'{token}' at position {position} evaluates to {value}, beyond the limit of ±{limit:g}.",
    ),
    "formula.too_many_nodes": _text(
        "식이 너무 깁니다: 항과 연산이 {limit}개를 넘습니다 ({position}번째 글자 '{token}').",
        "The formula is too large: more than {limit} terms and operations (at position {position}, '{token}').",
    ),
    "formula.too_deep": _text(
        "식이 {limit}단계보다 깊게 중첩되어 있습니다 ({position}번째 글자 '{token}').",
        "The formula nests more than {limit} levels deep (at position {position}, '{token}').",
    ),
    "formula.undefined": _text(
        "이 식은 그림 범위의 {share:.2g}%에서만 정의됩니다(나머지는 NaN 또는 ∞). 적어도 {limit:g}%에서 값이 있어야 그림을 "
        "그리고 실행할 수 있습니다. 식이나 그림 범위를 바꿔 보세요.",
        "f is defined on only {share:.2g}% of the plot (NaN or ∞ elsewhere); it needs values on at least {limit:g}% "
        "to be drawn and run. Change the formula or the plot bounds.",
    ),
    "formula.bounds": _text(
        "그림 범위가 잘못되었습니다 ({token}). 최솟값 < 최댓값인 유한한 수로, 각각 ±{limit:g} 이내여야 합니다.",
        "Invalid plot bounds ({token}): they must be finite numbers with min < max, each within ±{limit:g}.",
    ),
    "formula.what.attribute": _text("속성 접근(.)은 쓸 수 없습니다", "attribute access (.) is not allowed"),
    "formula.what.subscript": _text("인덱싱([ ])은 쓸 수 없습니다", "indexing ([ ]) is not allowed"),
    "formula.what.lambda": _text("lambda는 쓸 수 없습니다", "lambda is not allowed"),
    "formula.what.comprehension": _text("컴프리헨션(for)은 쓸 수 없습니다", "comprehensions (for) are not allowed"),
    "formula.what.walrus": _text("대입 연산자 :=는 쓸 수 없습니다", "the walrus operator := is not allowed"),
    "formula.what.fstring": _text("f-문자열은 쓸 수 없습니다", "f-strings are not allowed"),
    "formula.what.text": _text("문자열은 쓸 수 없습니다", "text in quotes is not allowed"),
    "formula.what.starred": _text("별표 인수(*)는 쓸 수 없습니다", "starred arguments (*) are not allowed"),
    "formula.what.keyword_argument": _text(
        "이름 붙인 인수(name=...)는 쓸 수 없습니다", "keyword arguments (name=...) are not allowed"
    ),
    "formula.what.comparison": _text("비교(<, ==)는 쓸 수 없습니다", "comparisons (<, ==) are not allowed"),
    "formula.what.boolean": _text("and/or는 쓸 수 없습니다", "and/or are not allowed"),
    "formula.what.conditional": _text("if ... else는 쓸 수 없습니다", "if ... else is not allowed"),
    "formula.what.container": _text("목록, 튜플, 집합, 사전은 쓸 수 없습니다", "lists, tuples, sets and dicts are not allowed"),
    "formula.what.keyword": _text("이 키워드는 쓸 수 없습니다", "this keyword is not allowed"),
    "formula.what.expression": _text("이런 식은 쓸 수 없습니다", "this kind of expression is not allowed"),
}

MAPS = {
    "maps.diverged": _text("발산", "diverged"),
    "maps.not_converged": _text("수렴하지 않음", "not converged"),
    "maps.loss_gap": _text("log₁₀(f − f*)", "log₁₀(f − f*)"),
    "maps.steps_to_converge": _text("수렴까지 단계", "steps to converge"),
    "maps.diverged_at": _text("발산한 단계", "step of divergence"),
    "maps.diverged_at_step": _text("{step}단계에서 발산", "diverged at step {step}"),
    "maps.hover_steps": _text("{steps}단계 만에 수렴", "converged in {steps} steps"),
    "maps.hover_loss": _text("마지막 손실 {loss}", "final loss {loss}"),
    "maps.current_setting": _text("지금 설정", "current setting"),
    "maps.basin_title": _text("끌림 영역", "Basins of attraction"),
    "maps.basin_subtitle": _text("{run}, {steps}단계", "{run}, {steps} steps"),
    "maps.sweep_title": _text("하이퍼파라미터 탐색", "Hyperparameter sweep"),
    "maps.sweep_subtitle": _text("{run} · {metric}", "{run} · {metric}"),
    "maps.metric.loss": _text("마지막 손실", "final loss"),
    "maps.metric.steps": _text("수렴까지 단계", "steps to converge"),
    "maps.metric.divergence": _text("발산", "divergence"),
    "maps.metric.minimum": _text("도착한 최저점", "minimum reached"),
    "maps.coloring.minimum": _text("도착한 최저점", "minimum reached"),
    "maps.coloring.steps": _text("수렴까지 단계", "steps to converge"),
    "maps.coloring.loss": _text("마지막 손실", "final loss"),
    "maps.axis.lr": _text("학습률 η", "learning rate η"),
    "maps.axis.beta": _text("모멘텀 β", "momentum β"),
    "maps.axis.gamma": _text("감쇠율 γ", "decay γ"),
    "maps.axis.beta1": _text("β₁", "β₁"),
    "maps.axis.beta2": _text("β₂", "β₂"),
    "maps.axis.eps": _text("ε", "ε"),
    "maps.axis.steps": _text("단계 수", "steps"),
}

PANEL = {
    "maps.tab": _text("끌림 영역과 탐색", "Maps"),
    "maps.intro": _text(
        "출발점마다, 또는 하이퍼파라미터 설정마다 최적화기를 한꺼번에(vmap) 돌려 결과를 한 장의 지도로 봅니다.",
        "Run the optimizer from every start point, or for every hyperparameter setting, at once (vmap) and see the "
        "outcomes as one map.",
    ),
    "maps.no_runs": _text("지도를 그릴 실행이 없습니다. 사이드바에서 실행을 추가하세요.",
                          "There is no run to map; add one in the sidebar."),
    "maps.run": _text("지도로 볼 실행", "Run to map"),
    "maps.basin_header": _text("끌림 영역 지도", "Basin-of-attraction map"),
    "maps.sweep_header": _text("하이퍼파라미터 탐색", "Hyperparameter sweep"),
    "maps.resolution": _text("격자 (한 변의 출발점 수)", "grid (starts per side)"),
    "maps.coloring": _text("색칠 기준", "colour by"),
    "maps.steps": _text("단계 수", "steps"),
    "maps.steps.help": _text("출발점마다 이만큼 진행합니다. 큰 격자에서는 계산량 한도에 맞춰 줄어듭니다.",
                             "Each start runs this many steps; on fine grids they are cut to bound the work."),
    "maps.compute": _text("지도 계산", "Compute map"),
    "maps.sweep_run": _text("탐색 실행", "Run sweep"),
    "maps.progress": _text("{done} / {total}개 실행 완료", "{done} / {total} runs done"),
    "maps.basin_hint": _text(
        "'지도 계산'을 누르면 격자의 모든 출발점에서 선택한 실행을 돌립니다. 지도의 칸을 누르면 그 칸에서 출발합니다.",
        "Press Compute map to run the chosen run from every start of the grid. Click a cell to start there.",
    ),
    "maps.sweep_hint": _text(
        "'탐색 실행'을 누르면 지금 출발점에서 설정마다 한 번씩 돌립니다. 칸을 누르면 그 설정을 불러옵니다.",
        "Press Run sweep to run once per setting from the current start. Click a cell to load that setting.",
    ),
    "maps.stale": _text("지도를 계산한 뒤 설정이 바뀌었습니다. 다시 계산하세요.",
                        "The settings changed since this map was computed: compute it again."),
    "maps.steps_cut": _text("계산량 한도 때문에 {requested}단계 대신 {steps}단계만 진행했습니다.",
                            "To bound the work, runs took {steps} steps instead of {requested}."),
    "maps.basin_summary": _text(
        "출발점 {cells}개 × {steps}단계. 수렴: 최저점에서 {tolerance} 이내에 들어가 끝까지 머무름.",
        "{cells} starts × {steps} steps. Converged: within {tolerance} of a minimum and staying there.",
    ),
    "maps.sweep_summary": _text("설정 {runs}개: 수렴 {converged}, 발산 {diverged}.",
                                "{runs} settings: {converged} converged, {diverged} diverged."),
    "maps.axes": _text("탐색 축", "axes"),
    "maps.sweep_size": _text("축마다 값의 수", "values per axis"),
    "maps.metric": _text("보여 줄 값", "show"),
    "maps.no_axes": _text("이 실행에는 탐색할 하이퍼파라미터가 없습니다.", "This run has no hyperparameter to sweep."),
    "formula.label": _text("f(x, y) =", "f(x, y) ="),
    "formula.help": _text(
        "x, y, 숫자, + - * / **, 괄호, pi, e와 함수 {functions}를 쓸 수 있습니다. Enter로 적용합니다.",
        "Use x, y, numbers, + - * / **, parentheses, pi, e and the functions {functions}. Press Enter to apply.",
    ),
    "formula.masked": _text(
        "격자 {total}칸 중 {masked}칸에서 함수 값이 정의되지 않아(NaN, ∞) 비워 두었습니다. 그곳에 들어간 실행은 멈춥니다.",
        "f is undefined (NaN, ∞) on {masked} of {total} grid cells; they are left blank, and a run that enters "
        "them stops there.",
    ),
}

STRINGS: dict[str, dict[str, str]] = {**FORMULA, **MAPS, **PANEL}
