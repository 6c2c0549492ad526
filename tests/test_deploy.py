"""The deploy files, checked offline: HAProxy's own config check, the Dockerfile against the tree, the compose
file's references, and the Kubernetes manifests against the Kubernetes schemas (kubernetes-validate)."""

from __future__ import annotations

import ast
import fnmatch
import subprocess
from pathlib import Path

import kubernetes_validate
import pytest
import yaml
from dockerfile_parse import DockerfileParser

from lablab.serve import balancer

REPO = Path(__file__).resolve().parent.parent
DEPLOY = REPO / "deploy"
MANIFESTS = sorted((DEPLOY / "kubernetes").glob("*.yaml"))
HEALTH = balancer.HEALTH_PATH


# --- HAProxy ---------------------------------------------------------------------------------------------

def haproxy_check(config: str, tmp_path: Path) -> subprocess.CompletedProcess:
    path = tmp_path / "haproxy.cfg"
    path.write_text(config, encoding="utf-8")
    return subprocess.run(["haproxy", "-c", "-f", str(path)], capture_output=True, text=True, timeout=60)


def test_the_balancer_of_lablab_serve_passes_haproxys_config_check(tmp_path):
    replicas = [balancer.Replica(f"app{i}", "127.0.0.1", 20000 + i) for i in (1, 2, 3)]
    config = balancer.local_config("0.0.0.0", 8501, replicas, stats_socket=tmp_path / "haproxy.sock")
    checked = haproxy_check(config, tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    for replica in replicas:
        assert f"server {replica.name} {replica.address} check cookie {replica.name}" in config


def test_the_compose_balancer_is_the_generated_one_and_passes_haproxys_config_check(tmp_path):
    committed = (DEPLOY / "haproxy.cfg").read_text(encoding="utf-8")
    assert committed == balancer.compose_config(), "regenerate: python -m lablab.serve.balancer > deploy/haproxy.cfg"
    checked = haproxy_check(committed, tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_haproxys_config_check_refuses_a_broken_configuration(tmp_path):
    broken = balancer.compose_config().replace("balance leastconn", "balance fewest")
    assert haproxy_check(broken, tmp_path).returncode != 0


# --- the Dockerfile and its build context ------------------------------------------------------------------

def dockerfile() -> list[dict]:
    parser = DockerfileParser(fileobj=(REPO / "Dockerfile").open("rb"))
    return parser.structure


def ignore_patterns() -> list[str]:
    lines = (REPO / ".dockerignore").read_text(encoding="utf-8").splitlines()
    patterns = [line.strip().strip("/") for line in lines if line.strip() and not line.startswith("#")]
    assert not any(p.startswith("!") for p in patterns), "exceptions are not modelled here"
    return patterns


def ignored(relative: str, patterns: list[str]) -> bool:
    """Whether Docker leaves ``relative`` out of the build context (it or a folder above it matches a pattern)."""
    parts = relative.split("/")
    prefixes = ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]
    for pattern in patterns:
        if pattern.startswith("**/"):
            if any(fnmatch.fnmatchcase(part, pattern[3:]) for part in parts):
                return True
        elif any(fnmatch.fnmatchcase(prefix, pattern) for prefix in prefixes):
            return True
    return False


def build_context() -> set[str]:
    tracked = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True).stdout
    patterns = ignore_patterns()
    return {path for path in tracked.splitlines() if not ignored(path, patterns)}


def module_files(name: str) -> list[Path]:
    """The repository's files that importing ``name`` runs (its packages' __init__.py and the module)."""
    parts, files = name.split("."), []
    for i in range(1, len(parts) + 1):
        base = REPO.joinpath(*parts[:i])
        if (base / "__init__.py").is_file():
            files.append(base / "__init__.py")
        elif base.with_suffix(".py").is_file():
            files.append(base.with_suffix(".py"))
    return files


def imported_names(path: Path) -> list[str]:
    package = ".".join(path.relative_to(REPO).with_suffix("").parts[:-1])
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1] if package else []
                base = ".".join([*anchor, *([base] if base else [])])
            names += [base, *(f"{base}.{alias.name}" for alias in node.names)]
        elif isinstance(node, ast.Call) and ast.unparse(node.func) == "tabs.load":  # app.TABS: tabs loaded by name
            names += [f"ui.tabs.{argument.value}" for argument in node.args]
    return [name for name in names if name]


def local_modules(entry: Path) -> set[str]:
    """Every repository file that running ``entry`` imports, directly or not (relative paths)."""
    seen, todo = set(), [entry]
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        for name in imported_names(path):
            todo += module_files(name)
    return {path.relative_to(REPO).as_posix() for path in seen}


def test_the_image_holds_every_module_the_page_imports_and_its_streamlit_settings():
    context = build_context()
    needed = local_modules(REPO / "app.py")
    assert {"app.py", "lablab/runtime.py", "scene/link.py", "analysis/compute.py", "ui/tabs/export.py"} <= needed  # the walk sees the page's modules
    assert needed - context == set()
    assert {".streamlit/config.toml", "requirements.txt"} <= context
    assert not any(path.startswith(("tests/", "benchmarks/", ".git/")) for path in context)


def test_the_context_check_notices_a_module_left_out():
    patterns = [*ignore_patterns(), "lablab/runtime.py"]
    assert ignored("lablab/runtime.py", patterns) and ignored("tests/test_app.py", patterns)
    assert ignored("ui/__pycache__/views.cpython-311.pyc", patterns)
    assert not ignored("ui/views.py", patterns)


def test_the_dockerfile_names_only_files_that_exist_and_installs_the_apps_requirements_only():
    instructions = dockerfile()
    context = build_context()
    copies = [i for i in instructions if i["instruction"] in ("COPY", "ADD")]
    assert copies
    for copy in copies:
        *sources, _ = [word for word in copy["value"].split() if not word.startswith("--")]
        for source in sources:
            source = source.removeprefix("./")
            assert source in ("", ".") or source in context, f"{copy['content'].strip()}: {source} is not in the context"
    runs = " ".join(i["value"] for i in instructions if i["instruction"] == "RUN")
    assert "pip install --no-cache-dir -r requirements.txt" in runs
    assert "requirements-dev" not in (REPO / "Dockerfile").read_text(encoding="utf-8")
    command = next(i for i in reversed(instructions) if i["instruction"] == "CMD")["value"]
    assert '"app.py"' in command and "app.py" in context


def test_the_image_carries_the_apps_korean_font_with_its_license_and_installs_no_font_package():
    from export.fonts import FONT_FILE

    shipped = FONT_FILE.relative_to(REPO)
    assert {shipped.as_posix(), (shipped.parent / "OFL.txt").as_posix()} <= build_context()
    runs = " ".join(i["value"] for i in dockerfile() if i["instruction"] == "RUN")
    assert "apt-get install" in runs and "fonts-" not in runs


def test_the_image_runs_as_a_non_root_user_and_checks_streamlits_health():
    instructions = dockerfile()
    users = [i["value"].strip() for i in instructions if i["instruction"] == "USER"]
    assert users and users[-1] not in ("root", "0")
    order = [i["instruction"] for i in instructions]
    assert order.index("USER") < order.index("CMD")
    healthcheck = next(i["value"] for i in instructions if i["instruction"] == "HEALTHCHECK")
    assert f"http://127.0.0.1:8501{HEALTH}" in healthcheck
    assert "EXPOSE" in order and next(i["value"] for i in instructions if i["instruction"] == "EXPOSE") == "8501"


def test_the_image_puts_plotly_js_into_the_static_folder_while_it_may_still_write_there():
    """The non-root app cannot write into /app: the page's plotly.js (ui/assets.py) is copied at build time."""
    instructions = dockerfile()
    order = [(i["instruction"], i["value"]) for i in instructions]
    copy_code = max(n for n, (kind, value) in enumerate(order) if kind == "COPY")
    assets = next(n for n, (kind, value) in enumerate(order) if kind == "RUN" and "python -m ui.assets" in value)
    user = next(n for n, (kind, _) in enumerate(order) if kind == "USER")
    assert copy_code < assets < user


# --- compose ------------------------------------------------------------------------------------------------

def test_the_compose_file_builds_this_image_and_puts_haproxy_in_front():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    app, front = compose["services"]["app"], compose["services"]["balancer"]
    assert (DEPLOY / app["build"]["context"] / app["build"]["dockerfile"]).resolve() == REPO / "Dockerfile"
    assert "STREAMLIT_SERVER_COOKIE_SECRET" in app["environment"]
    assert "replicas" in app["deploy"]
    assert front["image"].startswith("haproxy:")
    mounted = front["volumes"][0].split(":")[0]
    assert (DEPLOY / mounted).resolve() == DEPLOY / "haproxy.cfg"
    assert "server-template app " in (DEPLOY / "haproxy.cfg").read_text(encoding="utf-8")  # the service's name
    cache_mount = app["volumes"][0].split(":")[1]
    assert f"LOSS_LAB_JAX_CACHE={cache_mount}" in (REPO / "Dockerfile").read_text(encoding="utf-8")


# --- Kubernetes ---------------------------------------------------------------------------------------------

def resources() -> dict[str, dict]:
    found = {}
    for path in MANIFESTS:
        for document in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            found[document["kind"]] = document
    return found


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: p.name)
def test_each_manifest_is_valid_against_the_kubernetes_schemas(path):
    version = kubernetes_validate.latest_version()
    for document in yaml.safe_load_all(path.read_text(encoding="utf-8")):
        kubernetes_validate.validate(document, version, strict=True)


def test_the_validator_refuses_a_misspelt_field():
    deployment = resources()["Deployment"]
    deployment["spec"]["template"]["spec"]["containers"][0]["readinesProbe"] = {"httpGet": {"path": HEALTH}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, kubernetes_validate.latest_version(), strict=True)


def test_the_manifests_fit_together_and_probe_streamlits_health():
    found = resources()
    assert set(found) == {"Deployment", "Service", "Ingress"}
    deployment, service, ingress = found["Deployment"], found["Service"], found["Ingress"]
    pod = deployment["spec"]["template"]
    container = pod["spec"]["containers"][0]
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert container[probe]["httpGet"]["path"] == HEALTH, probe
    assert service["spec"]["selector"].items() <= pod["metadata"]["labels"].items()
    assert service["spec"]["ports"][0]["targetPort"] in {p["name"] for p in container["ports"]}
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend["name"] == service["metadata"]["name"]
    assert backend["port"]["name"] in {p["name"] for p in service["spec"]["ports"]}
    secret = next(e for e in container["env"] if e["name"] == "STREAMLIT_SERVER_COOKIE_SECRET")
    assert secret["valueFrom"]["secretKeyRef"]["name"]
    # The image's user, its cache folder
    security = pod["spec"]["securityContext"]
    dockerfile_text = (REPO / "Dockerfile").read_text(encoding="utf-8")
    assert security["runAsNonRoot"] and f"--uid {security['runAsUser']} " in dockerfile_text
    assert f"LOSS_LAB_JAX_CACHE={container['volumeMounts'][0]['mountPath']}" in dockerfile_text


def test_the_ingress_keeps_each_browser_on_its_pod_for_a_long_websocket():
    annotations = resources()["Ingress"]["metadata"]["annotations"]
    assert annotations["haproxy.org/cookie-persistence"] == balancer.AFFINITY_COOKIE
    assert annotations["nginx.ingress.kubernetes.io/affinity"] == "cookie"
    assert int(annotations["haproxy.org/timeout-tunnel"].removesuffix("s")) >= 3600
    assert int(annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"]) >= 3600
    assert annotations["haproxy.org/check-http"] == HEALTH
