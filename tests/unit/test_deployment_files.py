"""The compose file is what Docker users run: check its promises without an engine."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())
    return loaded


def test_compose_runs_the_official_neo4j_5_image_and_the_three_services() -> None:
    services = compose()["services"]
    assert re.fullmatch(r"neo4j:5(\.\d+)*", services["neo4j"]["image"])
    assert {"skills", "matching", "gateway"} <= set(services)


def test_every_service_waits_for_healthy_dependencies() -> None:
    services = compose()["services"]
    assert "healthcheck" in services["neo4j"]
    for name in ("skills", "matching", "gateway"):
        conditions = {dep["condition"] for dep in services[name]["depends_on"].values()}
        assert conditions == {"service_healthy"}, name


def test_no_secret_has_a_default_value() -> None:
    text = COMPOSE.read_text()
    for secret in ("NEO4J_PASSWORD", "LPS_ADMIN_KEY"):
        uses = re.findall(r"(?<!\$)\$\{" + secret + r"([^}]*)\}", text)
        assert uses, secret
        assert all(use.startswith(":?") for use in uses), f"{secret} must be required"


def _docker_compose_available() -> bool:
    if shutil.which("docker") is None:
        return False
    probe = subprocess.run(["docker", "compose", "version"], capture_output=True, check=False)
    return probe.returncode == 0


@pytest.mark.skipif(not _docker_compose_available(), reason="the docker compose CLI is absent")
def test_docker_compose_parses_the_file() -> None:
    env = {**os.environ, "NEO4J_PASSWORD": "test-password", "LPS_ADMIN_KEY": "test-admin-key"}
    result = subprocess.run(
        ["docker", "compose", "-f", str(COMPOSE), "config", "--quiet"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
