"""SIGTERM to a real `python -m services.skills` process: health goes
NOT_SERVING at once, calls still arrive during the drain, the call in flight
(a client stream still sending) finishes with everything it sent, and then
the process exits cleanly. The gateway under uvicorn likewise finishes a
request still sending its body before it exits."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import secrets
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import grpc
import httpx
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from deploy.local_neo4j import free_port
from lps.skills.v1 import skills_pb2, skills_pb2_grpc
from services.common.settings import Neo4jSettings
from tests.support.services import wait_until_serving

pytestmark = [pytest.mark.neo4j, pytest.mark.integration, pytest.mark.reliability]

ROOT = Path(__file__).resolve().parents[2]
DRAIN_S = 2.0


@pytest.fixture
def skills_process(
    graph: Neo4jSettings, tmp_path: Path
) -> Iterator[tuple[subprocess.Popen[bytes], str, Path]]:
    address = f"127.0.0.1:{free_port()}"
    log = tmp_path / "skills.log"
    environment = {
        **os.environ,
        "NEO4J_URI": graph.uri,
        "NEO4J_USER": graph.user,
        "NEO4J_PASSWORD": graph.password,
        "SKILLS_GRPC_ADDRESS": address,
        "SKILLS_METRICS_PORT": "0",
        "SKILLS_SHUTDOWN_DRAIN_S": str(DRAIN_S),
        "SKILLS_SHUTDOWN_GRACE_S": "20",
        "SKILLS_GRAPH_CHECK_INTERVAL_S": "0.2",
    }
    with log.open("ab") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "services.skills"],
            cwd=ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    try:
        yield process, address, log
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def skill_row(index: int) -> skills_pb2.SkillImportRow:
    return skills_pb2.SkillImportRow(
        skill=skills_pb2.EscoSkillRow(
            concept_uri=f"http://data.europa.eu/esco/skill/shutdown-{index}",
            preferred_label=f"shutdown skill {index}",
        )
    )


async def scrape_metrics_of(log: Path) -> None:
    """The process says where its metrics are; they count its calls and graph work."""
    text = await asyncio.to_thread(log.read_text)
    lines = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    ports = [
        line["metrics_port"] for line in lines if line.get("message") == "skills service listening"
    ]
    assert len(ports) == 1 and ports[0] > 0, lines
    async with httpx.AsyncClient(timeout=10) as client:
        metrics = (await client.get(f"http://127.0.0.1:{ports[0]}/metrics")).text
    assert (
        'grpc_server_handled_total{grpc_code="OK",grpc_method="Check",'
        'grpc_service="grpc.health.v1.Health"}' in metrics
    )
    assert 'neo4j_query_seconds_count{mode="write",operation="seed"}' in metrics


async def test_sigterm_drains_then_finishes_the_call_in_flight_then_exits(
    skills_process: tuple[subprocess.Popen[bytes], str, Path],
) -> None:
    process, address, log = skills_process
    await wait_until_serving(address, timeout_s=90)
    await scrape_metrics_of(log)
    first_row_sent = asyncio.Event()
    terminated = asyncio.Event()

    async def rows() -> AsyncIterator[skills_pb2.SkillImportRow]:
        yield skill_row(1)
        first_row_sent.set()
        await terminated.wait()
        # Still sending well after SIGTERM, through the drain.
        await asyncio.sleep(DRAIN_S + 0.5)
        yield skill_row(2)

    async with grpc.aio.insecure_channel(address) as channel:
        skills = skills_pb2_grpc.SkillsServiceStub(channel)  # type: ignore[no-untyped-call]
        health = health_pb2_grpc.HealthStub(channel)
        in_flight = asyncio.ensure_future(skills.ImportSkills(rows(), timeout=60))
        await first_row_sent.wait()
        await asyncio.sleep(0.3)

        process.send_signal(signal.SIGTERM)
        terminated.set()
        answer = None
        for _ in range(20):
            answer = await health.Check(health_pb2.HealthCheckRequest(), timeout=2)
            if answer.status == health_pb2.HealthCheckResponse.NOT_SERVING:
                break
            await asyncio.sleep(0.05)
        assert answer is not None
        assert answer.status == health_pb2.HealthCheckResponse.NOT_SERVING
        # During the drain, new calls are still answered (load balancers are catching up).
        seeded = await skills.ListRoles(skills_pb2.ListRolesRequest(), timeout=5)
        assert len(seeded.roles) >= 4

        summary = await in_flight

    assert summary.accepted == 2
    assert summary.rejected == 0
    exit_code = await asyncio.to_thread(process.wait, 30)
    assert exit_code == 0, log.read_text()
    # Once stopped, the port is closed.
    async with grpc.aio.insecure_channel(address) as channel:
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await health_pb2_grpc.HealthStub(channel).Check(
                health_pb2.HealthCheckRequest(), timeout=2
            )
        assert refused.value.code() == grpc.StatusCode.UNAVAILABLE


@pytest.fixture
def gateway_process(
    graph: Neo4jSettings, tmp_path: Path
) -> Iterator[tuple[subprocess.Popen[bytes], str, str, Path]]:
    port = free_port()
    admin_key = secrets.token_hex(32)
    log = tmp_path / "gateway.log"
    environment = {
        **os.environ,
        "NEO4J_URI": graph.uri,
        "NEO4J_USER": graph.user,
        "NEO4J_PASSWORD": graph.password,
        "GATEWAY_HOST": "127.0.0.1",
        "GATEWAY_PORT": str(port),
        # Nothing listens there: the request's answer does not matter, its completion does.
        "GATEWAY_SKILLS_ADDRESS": f"127.0.0.1:{free_port()}",
        "GATEWAY_MATCHING_ADDRESS": f"127.0.0.1:{free_port()}",
        "GATEWAY_SHUTDOWN_GRACE_S": "20",
        "LPS_ADMIN_KEY": admin_key,
    }
    with log.open("ab") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "services.gateway"],
            cwd=ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    try:
        yield process, f"http://127.0.0.1:{port}", admin_key, log
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


async def test_sigterm_lets_the_gateway_finish_the_request_in_flight_then_exit(
    gateway_process: tuple[subprocess.Popen[bytes], str, str, Path],
) -> None:
    process, url, admin_key, log = gateway_process
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        for _ in range(600):
            with contextlib.suppress(httpx.TransportError):
                if (await client.get("/healthz")).status_code == 200:
                    break
            assert process.poll() is None, log.read_text()
            await asyncio.sleep(0.1)
        first_part_sent = asyncio.Event()
        terminated = asyncio.Event()

        async def slow_body() -> AsyncIterator[bytes]:
            yield b'{"id": "slow-1", "name": "Slow'
            first_part_sent.set()
            await terminated.wait()
            await asyncio.sleep(1.5)
            yield b' Sender", "sector": "public"}'

        in_flight = asyncio.ensure_future(
            client.post(
                "/v1/people",
                content=slow_body(),
                headers={
                    "Authorization": f"Bearer {admin_key}",
                    "Content-Type": "application/json",
                },
            )
        )
        await first_part_sent.wait()
        await asyncio.sleep(0.3)
        process.send_signal(signal.SIGTERM)
        terminated.set()
        response = await in_flight

    # Answered in full (skills is away, so 503), not cut off by the shutdown.
    assert response.status_code == 503, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["status"] == 503
    exit_code = await asyncio.to_thread(process.wait, 30)
    # uvicorn shuts down cleanly, then re-raises the signal it caught, as a
    # process stopped by SIGTERM should report.
    assert exit_code in (0, -signal.SIGTERM), log.read_text()
    assert "Application shutdown complete." in log.read_text()
