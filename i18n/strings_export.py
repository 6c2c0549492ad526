"""Texts of the Export panel and the export CLI, in Korean and English."""

STRINGS: dict[str, dict[str, str]] = {
    "export.tab": {"ko": "내보내기", "en": "Export"},
    "export.intro": {
        "ko": "강의 노트용 그림과 데이터를 내려받습니다. 같은 장면은 아래 URL로 언제든 다시 만들 수 있습니다.",
        "en": "Download figures and data for lecture notes. The URL below regenerates the same scene at any time.",
    },
    "export.format": {"ko": "파일", "en": "File"},
    "export.format.png": {"ko": "PNG 그림", "en": "PNG image"},
    "export.format.svg": {"ko": "SVG 그림 (벡터)", "en": "SVG image (vector)"},
    "export.format.gif": {"ko": "GIF 애니메이션", "en": "Animated GIF"},
    "export.format.html": {"ko": "대화형 HTML (오프라인)", "en": "Interactive HTML (offline)"},
    "export.format.zip": {"ko": "노트 묶음: Markdown, 그림, 데이터 (ZIP)", "en": "Notes: Markdown, figures, data (ZIP)"},
    "export.making": {"ko": "파일을 만드는 중…", "en": "Making the file…"},
    "export.view": {"ko": "그림", "en": "Figure"},
    "export.view.contour": {"ko": "등고선", "en": "Contour"},
    "export.view.surface": {"ko": "3D 곡면", "en": "3D surface"},
    "export.view.loss": {"ko": "손실 그래프", "en": "Loss chart"},
    "export.view.combined": {"ko": "등고선 + 3D 나란히", "en": "Contour + 3D side by side"},
    "export.theme": {"ko": "스타일", "en": "Style"},
    "export.theme.print": {"ko": "인쇄용 (흰 배경, 큰 글씨, 선 모양 구분)", "en": "Print (white, large type, dashed runs)"},
    "export.theme.screen": {"ko": "화면용", "en": "Screen"},
    "export.scale": {"ko": "PNG 배율", "en": "PNG scale"},
    "export.gif_frames": {"ko": "GIF 프레임 수", "en": "GIF frames"},
    "export.csv": {"ko": "궤적 CSV", "en": "Trajectories CSV"},
    "export.json": {"ko": "궤적 JSON", "en": "Trajectories JSON"},
    "export.url": {"ko": "이 장면의 URL 쿼리", "en": "This scene's URL query"},
    "export.no_browser": {
        "ko": "이미지 내보내기에 필요한 Chromium이 없습니다. 설치: `apt-get install chromium`. "
              "그림 오른쪽 위 도구 모음의 카메라 버튼으로는 지금도 PNG를 받을 수 있습니다.",
        "en": "Image export needs Chromium, which is not installed. Install it with `apt-get install chromium`. "
              "The camera button in each figure's toolbar still downloads a PNG.",
    },
    "export.failed": {"ko": "내보내기 실패: {reason}", "en": "Export failed: {reason}"},
    # notes.md in the bundle
    "notes.title": {"ko": "{title} — 최적화 경로", "en": "{title} — optimizer paths"},
    "notes.obsidian": {"ko": "Obsidian 삽입", "en": "Obsidian embed"},
    "notes.markdown": {"ko": "일반 Markdown", "en": "Plain Markdown"},
    "notes.caption.contour": {"ko": "등고선 위의 경로", "en": "Paths on the contour plot"},
    "notes.caption.surface": {"ko": "3D 곡면 위의 경로", "en": "Paths on the 3D surface"},
    "notes.caption.loss": {"ko": "단계별 손실", "en": "Loss per step"},
    "notes.caption.combined": {"ko": "등고선과 3D 곡면", "en": "Contour and 3D surface"},
    "notes.caption.animation": {"ko": "단계별로 움직이는 경로", "en": "The paths step by step"},
    "notes.runs": {"ko": "실행한 최적화 방법과 업데이트 규칙", "en": "Runs and their update rules"},
    "notes.settings": {"ko": "설정", "en": "Settings"},
    "notes.files": {"ko": "데이터 파일", "en": "Data files"},
    "notes.regenerate": {"ko": "다시 만들기", "en": "Regenerate"},
    "notes.regenerate_text": {
        "ko": "앱 주소 뒤에 아래 쿼리를 붙이거나, 명령줄에서 실행합니다:",
        "en": "Append this query to the app's address, or run from the command line:",
    },
    "notes.hidden": {"ko": "숨김", "en": "hidden"},
}
