"""The shape of the code: its packages (pyproject.toml), the layers and what each may import, the tabs of the page."""

from __future__ import annotations

import ast
import importlib.metadata
import inspect
import subprocess
import tomllib
from pathlib import Path

from i18n import STRINGS
from ui import tabs

REPO = Path(__file__).resolve().parent.parent
NOT_THE_APP = {"tests", "benchmarks", "scripts"}

# Data flows one way: a package imports only packages of a lower rank (README, "Layout").
RANKS = {"lablab": 0, "landscapes": 0, "optimizers": 1, "i18n": 2, "scene": 3, "analysis": 4, "figures": 5,
         "export": 6, "ui": 7}
# Streamlit only in the page's edge; Plotly only from the figures up.
FORBIDDEN = {"streamlit": {"landscapes", "optimizers", "i18n", "scene", "analysis", "figures", "export", "lablab"},
             "plotly": {"landscapes", "optimizers", "i18n", "scene", "analysis", "lablab"}}


def project_packages() -> set[str]:
    """Every folder of the app with an ``__init__.py`` in the repository, dotted (``ui.tabs``)."""
    tracked = subprocess.run(["git", "ls-files", "*__init__.py"], cwd=REPO, capture_output=True, text=True,
                             check=True).stdout.split()
    return {".".join(Path(path).parent.parts) for path in tracked if Path(path).parts[0] not in NOT_THE_APP}


def imports_of(package: str) -> set[str]:
    """The top-level names the modules of ``package`` import (at module level or inside functions)."""
    found = set()
    for path in (REPO / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return found - {package}


def layer_violations(imports: dict[str, set[str]]) -> list[str]:
    upward = [f"{package} imports {other}" for package, names in imports.items() for other in sorted(names)
              if other in RANKS and RANKS[other] >= RANKS[package]]
    forbidden = [f"{package} imports {library}" for library, packages in FORBIDDEN.items()
                 for package in sorted(packages) if library in imports.get(package, set())]
    return upward + forbidden


def test_pyproject_names_every_package_and_reads_the_requirements_file():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert set(project["tool"]["setuptools"]["packages"]) == project_packages()
    assert project["project"]["dynamic"] == ["dependencies"]
    assert project["tool"]["setuptools"]["dynamic"]["dependencies"]["file"] == ["requirements.txt"]
    assert "browser" in " ".join(project["tool"]["pytest"]["ini_options"]["markers"])
    assert not (REPO / "pytest.ini").exists()  # one place for pytest's settings


def test_no_top_level_name_of_the_app_is_also_an_installed_package():
    """``maps``, ``runtime`` or ``export`` beside app.py could shadow, or be shadowed by, an installed package."""
    ours = {name.split(".")[0] for name in project_packages()}
    installed = {name for name, distributions in importlib.metadata.packages_distributions().items()
                 if set(distributions) != {"loss-landscape-lab"}}
    assert ours and not ours & installed
    assert not [path.name for path in REPO.glob("*.py") if path.name != "app.py"]  # no loose modules beside app.py


def test_each_layer_imports_only_the_layers_below_it():
    imports = {package: imports_of(package) for package in RANKS}
    assert set(RANKS) == {name.split(".")[0] for name in project_packages()}
    assert layer_violations(imports) == []


def test_the_layer_check_sees_an_upward_or_forbidden_import():
    assert layer_violations({"scene": {"analysis"}, "analysis": {"numpy"}}) == ["scene imports analysis"]
    assert layer_violations({"figures": {"streamlit", "plotly"}}) == ["figures imports streamlit"]
    assert layer_violations({"i18n": {"scene"}}) == ["i18n imports scene"]


def test_every_tab_module_is_a_tab_of_the_page_with_a_label_and_a_panel():
    call = next(node for node in ast.walk(ast.parse((REPO / "app.py").read_text(encoding="utf-8")))
                if isinstance(node, ast.Call) and ast.unparse(node.func) == "tabs.load")
    listed = [argument.value for argument in call.args]
    modules = sorted(path.stem for path in (REPO / "ui" / "tabs").glob("*.py") if path.stem != "__init__")
    assert sorted(listed) == modules and len(set(listed)) == len(listed)
    for tab in tabs.load(*listed):
        assert set(STRINGS[tab.LABEL]) == {"ko", "en"}, tab.__name__
        assert list(inspect.signature(tab.panel).parameters) == ["scene", "landscape", "trajectories"], tab.__name__
