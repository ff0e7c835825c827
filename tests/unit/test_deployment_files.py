"""The images and the compose file are what Docker users run: check their promises
without an engine (and with `docker compose config` where the CLI is present)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import dockerfile as dockerfile_parser
import pytest
import yaml

from tests.unit.service_env import read_by

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
SERVICES = ("skills", "matching", "gateway")
# Where each process listens inside its container, as its Dockerfile sets it.
LISTEN_VARIABLE = {
    "skills": "SKILLS_GRPC_ADDRESS",
    "matching": "MATCHING_GRPC_ADDRESS",
    "gateway": "GATEWAY_PORT",
}
SECRET_NAME = re.compile(r"PASSWORD|SECRET|TOKEN|_KEY$|^NEO4J_AUTH$")
REQUIRED_REFERENCE = re.compile(r"\$\{(\w+):\?[^}]+\}")


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())
    return loaded


def dockerfile(service: str) -> Path:
    return ROOT / "deploy" / "docker" / f"{service}.Dockerfile"


def instructions(path: Path) -> list[dockerfile_parser.Command]:
    """Parsed by BuildKit's own parser, so a file Docker would refuse fails here."""
    return list(dockerfile_parser.parse_file(str(path)))


def stages(path: Path) -> list[list[dockerfile_parser.Command]]:
    found: list[list[dockerfile_parser.Command]] = []
    for command in instructions(path):
        if command.cmd == "FROM":
            found.append([])
        assert found, f"{path.name} has an instruction before its first FROM"
        found[-1].append(command)
    return found


def runtime(service: str) -> list[dockerfile_parser.Command]:
    return stages(dockerfile(service))[-1]


def image_env(service: str) -> dict[str, str]:
    env: dict[str, str] = {}
    for command in runtime(service):
        if command.cmd == "ENV":
            pairs = command.value
            env.update(zip(pairs[::2], pairs[1::2], strict=True))
    return env


def listening_port(service: str) -> int:
    env = image_env(service)
    value = compose()["services"][service]["environment"].get(
        LISTEN_VARIABLE[service], env[LISTEN_VARIABLE[service]]
    )
    return int(str(value).rsplit(":", 1)[-1])


# The images


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_has_a_multi_stage_dockerfile_that_runs_it(service: str) -> None:
    built = stages(dockerfile(service))
    assert len(built) >= 2, "the runtime stage must not carry the build tools"
    final = built[-1]
    assert re.search(r"-slim\b", final[0].value[0]), "small: a slim base for the runtime"
    copies = [command for command in final if command.cmd == "COPY"]
    assert copies and all(c.flags == ("--from=build",) for c in copies), "only the build's output"
    (cmd,) = [command for command in final if command.cmd == "CMD"]
    assert cmd.json and cmd.value == ("python", "-m", f"services.{service}")


@pytest.mark.parametrize("service", SERVICES)
def test_each_image_runs_as_a_non_root_user(service: str) -> None:
    users = [command.value[0] for command in runtime(service) if command.cmd == "USER"]
    assert users, "the runtime stage must name a user"
    uid = users[-1].split(":")[0]
    assert uid.isdigit() and int(uid) >= 1000, "a numeric non-root uid, checkable by runAsNonRoot"


@pytest.mark.parametrize("service", SERVICES)
def test_each_image_checks_its_own_health_on_the_port_it_listens_on(service: str) -> None:
    final = runtime(service)
    (check,) = [command for command in final if command.cmd == "HEALTHCHECK"]
    assert check.value[0] == "CMD" and check.json
    assert check.value[1:4] == ("python", "-m", "services.common.healthcheck")
    kind, target = check.value[4:]
    assert kind == ("http" if service == "gateway" else "grpc")
    port = image_env(service)[LISTEN_VARIABLE[service]].rsplit(":", 1)[-1]
    assert f"127.0.0.1:{port}" in target
    exposed = {p for command in final if command.cmd == "EXPOSE" for p in command.value}
    assert port in exposed


def test_the_images_share_their_build_so_building_all_three_reuses_one_cache() -> None:
    def shared_part(service: str) -> list[tuple[str, tuple[str, ...], tuple[str, ...]]]:
        steps = [(c.cmd, c.value, c.flags) for c in instructions(dockerfile(service))]
        last_user = max(i for i, step in enumerate(steps) if step[0] == "USER")
        return steps[: last_user + 1]

    assert shared_part("skills") == shared_part("matching") == shared_part("gateway")


@pytest.mark.parametrize("service", SERVICES)
def test_everything_the_build_copies_is_in_the_context(service: str) -> None:
    ignored = (ROOT / ".dockerignore").read_text().split()
    for command in stages(dockerfile(service))[0]:
        if command.cmd == "COPY":
            for source in command.value[:-1]:
                assert (ROOT / source).exists(), source
                assert not any(Path(source).is_relative_to(i) for i in ignored), source


def test_the_build_context_leaves_out_local_state() -> None:
    ignored = set((ROOT / ".dockerignore").read_text().split())
    assert {".venv", "gen", ".git", ".neo4j-data"} <= ignored


# The compose file


def test_compose_runs_the_official_neo4j_5_image_and_the_three_services() -> None:
    services = compose()["services"]
    assert re.fullmatch(r"neo4j:5(\.\d+)*", services["neo4j"]["image"])
    assert set(SERVICES) <= set(services)
    for name in SERVICES:
        build = services[name]["build"]
        assert (ROOT / build["context"] / build["dockerfile"]) == dockerfile(name)


def test_every_service_waits_for_healthy_dependencies_that_have_a_healthcheck() -> None:
    services = compose()["services"]
    for name in SERVICES:
        depends_on = services[name]["depends_on"]
        assert "neo4j" in depends_on, name
        for dependency, condition in depends_on.items():
            assert condition == {"condition": "service_healthy"}, (name, dependency)
            has_check = "healthcheck" in services[dependency] or (
                dependency in SERVICES
                and any(c.cmd == "HEALTHCHECK" for c in instructions(dockerfile(dependency)))
            )
            assert has_check, f"{name} waits for {dependency}, which never reports health"


def test_the_neo4j_healthcheck_logs_in_with_the_password_the_container_has() -> None:
    neo4j = compose()["services"]["neo4j"]
    probe = " ".join(neo4j["healthcheck"]["test"])
    # `$$` is compose's escape: the container's shell expands the variable.
    variables = set(re.findall(r"\$\$\{?(\w+)", probe))
    assert variables, "the probe must authenticate"
    assert variables <= set(neo4j["environment"]), "it can only read the container's own env"


def test_no_secret_has_a_default_value() -> None:
    checked = 0
    for name, service in compose()["services"].items():
        for variable, value in (service.get("environment") or {}).items():
            if SECRET_NAME.search(variable):
                checked += 1
                assert REQUIRED_REFERENCE.search(str(value)), f"{name}: {variable} is not required"
                assert ":-" not in str(value) and "-}" not in str(value), f"{name}: {variable}"
    assert checked >= 4, "the secrets were not found where they should be"
    text = COMPOSE.read_text()
    for secret in ("NEO4J_PASSWORD", "LPS_ADMIN_KEY"):
        uses = re.findall(r"(?<!\$)\$\{" + secret + r"([^}]*)\}", text)
        assert uses and all(use.startswith(":?") for use in uses), f"{secret} must be required"


@pytest.mark.parametrize("service", SERVICES)
def test_services_run_hardened(service: str) -> None:
    settings = compose()["services"][service]
    assert settings["read_only"] is True
    assert settings["cap_drop"] == ["ALL"]
    assert "no-new-privileges:true" in settings["security_opt"]
    assert str(settings.get("user", "10001")).split(":")[0] not in {"0", "root"}
    assert any(str(mount).startswith("/tmp") for mount in settings["tmpfs"])


@pytest.mark.parametrize("service", SERVICES)
def test_every_variable_set_is_one_the_process_reads(service: str) -> None:
    environment = compose()["services"][service]["environment"]
    unread = set(environment) - read_by(service)
    assert not unread, f"{service} ignores {sorted(unread)}"


def test_addresses_point_at_the_port_each_service_listens_on() -> None:
    services = compose()["services"]
    wired = 0
    for name in SERVICES:
        for variable, value in services[name]["environment"].items():
            match = re.fullmatch(r"(\w+):(\d+)", str(value))
            if match and match.group(1) in SERVICES:
                wired += 1
                assert int(match.group(2)) == listening_port(match.group(1)), variable
    assert wired == 3, "matching -> skills, gateway -> skills and matching"


def _compose_command() -> list[str] | None:
    """`docker compose` (the plugin) or a standalone Compose v2 `docker-compose`."""
    candidates = [["docker", "compose"], ["docker-compose"]]
    for command in candidates:
        if shutil.which(command[0]) is None:
            continue
        probe = subprocess.run(
            [*command, "version", "--short"], capture_output=True, text=True, check=False
        )
        if probe.returncode == 0 and probe.stdout.strip().lstrip("v").startswith("2"):
            return command
    return None


COMPOSE_CLI = _compose_command()
needs_compose = pytest.mark.skipif(COMPOSE_CLI is None, reason="no Docker Compose v2 CLI")


def _compose_config(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    assert COMPOSE_CLI is not None
    return subprocess.run(
        [*COMPOSE_CLI, "-f", str(COMPOSE), "config", "--quiet"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


@needs_compose
def test_docker_compose_parses_the_file() -> None:
    env = {**os.environ, "NEO4J_PASSWORD": "test-password", "LPS_ADMIN_KEY": "test-admin-key"}
    result = _compose_config(env)
    assert result.returncode == 0, result.stderr


@needs_compose
def test_docker_compose_refuses_to_start_without_the_secrets() -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"NEO4J_PASSWORD", "LPS_ADMIN_KEY"}}
    result = _compose_config(env)
    assert result.returncode != 0
    assert "NEO4J_PASSWORD" in result.stderr or "LPS_ADMIN_KEY" in result.stderr
