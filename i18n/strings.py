"""Every text of the page, in Korean and English. Keys are grouped by the part of the page."""

STRINGS: dict[str, dict[str, str]] = {
    "app.title": {"ko": "손실 지형 실험실", "en": "Loss Landscape Lab"},
    "app.subtitle": {
        "ko": "최적화 방법이 손실 지형 위에서 어떻게 움직이는지 보기 (2.3.7 학습 최적화 방법)",
        "en": "See how optimizers move on loss surfaces (2.3.7 learning optimization)",
    },
}
