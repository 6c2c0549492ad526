"""Notices about a link's values (``scene.from_query``): each names the value and what was used instead."""


def _ko_en(ko: str, en: str) -> dict[str, str]:
    return {"ko": ko, "en": en}


STRINGS: dict[str, dict[str, str]] = {
    "link.not_text": _ko_en("'{setting}' 값이 글자가 아닙니다 ({kind}). 기본값을 씁니다.",
                            "'{setting}' is not text ({kind}); using the default"),
    "link.too_long": _ko_en("'{setting}' 값이 너무 깁니다 ({length}자, 최대 {limit}자). 기본값을 씁니다.",
                            "'{setting}' is too long ({length} characters, at most {limit}); using the default"),
    "link.not_number": _ko_en("'{setting}={text}'는 수가 아닙니다. {default}을(를) 씁니다.",
                              "'{setting}={text}' is not a number; using {default}"),
    "link.not_finite": _ko_en("'{setting}={text}'는 유한한 수가 아닙니다. {default}을(를) 씁니다.",
                              "'{setting}={text}' is not a finite number; using {default}"),
    "link.outside": _ko_en("'{setting}={text}'는 범위 [{low}, {high}] 밖입니다. {value}을(를) 씁니다.",
                           "'{setting}={text}' is outside [{low}, {high}]; using {value}"),
    "link.camera": _ko_en("'{setting}={text}': 3D 시점은 아홉 개의 수(눈, 중심, 위쪽)여야 합니다. 기본 시점을 씁니다.",
                          "'{setting}={text}': the 3D camera must be nine numbers (eye, centre, up); using the default view."),
    "link.not_whole": _ko_en("'{setting}={text}'는 정수가 아닙니다. {value}을(를) 씁니다.",
                             "'{setting}={text}' is not a whole number; using {value}"),
    "link.not_one_of": _ko_en("'{setting}={text}'는 다음 중 하나가 아닙니다: {options}. {default}을(를) 씁니다.",
                              "'{setting}={text}' is not one of {options}; using {default}"),
    "link.unknown_key": _ko_en("알 수 없는 설정 '{setting}'는 무시했습니다.", "unknown setting '{setting}' ignored"),
    "link.bounds": _ko_en("'fb={text}': 그림 범위는 증가하는 네 수(x최소,x최대,y최소,y최대)여야 합니다. {default}을(를) 씁니다.",
                          "'fb={text}': the plot bounds must be four increasing numbers (x_min,x_max,y_min,y_max); "
                          "using {default}"),
    "link.bounds_without_formula": _ko_en("식 'f' 없이 주어진 그림 범위 'fb'는 무시했습니다.",
                                          "plot bounds 'fb' without a formula 'f' ignored"),
    "link.no_formula": _ko_en("직접 입력 지형인데 식 'f'가 없습니다. 볼록 그릇을 씁니다.",
                              "custom landscape without a formula 'f'; using the convex bowl"),
    "link.formula_refused": _ko_en("식 'f'를 쓸 수 없습니다: {error} 볼록 그릇을 씁니다.",
                                   "formula 'f' refused: {error} Using the convex bowl."),
    "link.formula_dropped": _ko_en("식 'f'를 쓸 수 없어 버렸습니다: {error}",
                                   "formula 'f' refused and dropped: {error}"),
    "link.too_many_runs": _ko_en("실행이 {count}개 주어졌습니다. 처음 {limit}개만 씁니다.",
                                 "{count} runs given; keeping the first {limit}"),
    "link.unknown_optimizer": _ko_en("실행 {index}: 알 수 없는 최적화 방법 '{name}'. 이 실행은 뺐습니다.",
                                     "run {index}: unknown optimizer '{name}'; dropped"),
    "link.unknown_convention": _ko_en("실행 {index}: 알 수 없는 규약 '{name}'. lecture를 씁니다.",
                                      "run {index}: unknown convention '{name}'; using lecture"),
    "link.unknown_run_setting": _ko_en("실행 {index}: 알 수 없는 설정 '{name}'는 무시했습니다.",
                                       "run {index}: unknown setting '{name}' ignored"),
    "link.bad_color": _ko_en("실행 {index}: '{text}'는 색(RRGGBB)이 아닙니다. {color}을(를) 씁니다.",
                             "run {index}: '{text}' is not a colour (RRGGBB); using {color}"),
}
