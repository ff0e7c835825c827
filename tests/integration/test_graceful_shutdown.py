"""SIGTERM to a real `python -m services.skills` process: health goes
NOT_SERVING at once, calls still arrive during the drain, the call in flight
(a client stream still sending) finishes with everything it sent, and then
the process exits cleanly."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import grpc
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


async def test_sigterm_drains_then_finishes_the_call_in_flight_then_exits(
    skills_process: tuple[subprocess.Popen[bytes], str, Path],
) -> None:
    process, address, log = skills_process
    await wait_until_serving(address, timeout_s=90)
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
