"""The services outlive Neo4j: they start before it, serve once it answers,
report NOT_SERVING while it is gone and recover by themselves when it comes
back on the same port and store, without a restart of their own.

This test runs its own embedded Neo4j (not the session's), since it stops it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from deploy.local_neo4j import LocalNeo4j, free_port
from lps.common.v1 import common_pb2
from lps.matching.v1 import matching_pb2, matching_pb2_grpc
from lps.skills.v1 import skills_pb2, skills_pb2_grpc
from services.common.graph import open_driver
from services.common.settings import Neo4jSettings
from services.matching.adapters.skills_client import SkillsClient
from services.matching.config import MatchingSettings
from services.matching.entrypoints.server import create_server as create_matching_server
from services.skills.config import SkillsSettings
from services.skills.entrypoints.server import create_server as create_skills_server

pytestmark = [pytest.mark.neo4j, pytest.mark.integration, pytest.mark.reliability]

STATUS_NAMES = health_pb2.HealthCheckResponse.ServingStatus
SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING


@dataclass
class Services:
    skills: skills_pb2_grpc.SkillsServiceStub
    matching: matching_pb2_grpc.MatchingServiceStub
    skills_health: health_pb2_grpc.HealthStub
    matching_health: health_pb2_grpc.HealthStub


async def status_of(health: health_pb2_grpc.HealthStub) -> int:
    answer = await health.Check(health_pb2.HealthCheckRequest(), timeout=2)
    return int(answer.status)


async def wait_for(health: health_pb2_grpc.HealthStub, wanted: int, timeout_s: float) -> float:
    """Seconds until the service reports `wanted`; fails the test past `timeout_s`."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    while (status := await status_of(health)) != wanted:
        if loop.time() - started > timeout_s:
            pytest.fail(f"still {STATUS_NAMES.Name(status)} after {timeout_s}s")
        await asyncio.sleep(0.1)
    return loop.time() - started


@pytest.fixture
async def services_before_neo4j(
    tmp_path: Path,
) -> AsyncIterator[tuple[LocalNeo4j, Services]]:
    """Skills and matching started against a Neo4j that is not running yet."""
    runtime = LocalNeo4j(home=tmp_path / "neo4j", port=free_port(), pagecache_mb=64, heap_mb=512)
    neo4j = Neo4jSettings(uri=runtime.uri, password="", connection_timeout_s=2.0)
    skills_driver = open_driver(neo4j)
    matching_driver = open_driver(neo4j)
    skills_server, skills_port = await create_skills_server(
        SkillsSettings(neo4j=neo4j, graph_check_interval_s=0.2), skills_driver, "127.0.0.1:0"
    )
    skills_address = f"127.0.0.1:{skills_port}"
    client = SkillsClient.connect(skills_address, timeout_s=10, matrix_timeout_s=30)
    matching_server, matching_port = await create_matching_server(
        MatchingSettings(neo4j=neo4j), matching_driver, client, "127.0.0.1:0"
    )
    try:
        async with (
            grpc.aio.insecure_channel(skills_address) as skills_channel,
            grpc.aio.insecure_channel(f"127.0.0.1:{matching_port}") as matching_channel,
        ):
            yield (
                runtime,
                Services(
                    skills=skills_pb2_grpc.SkillsServiceStub(skills_channel),  # type: ignore[no-untyped-call]
                    matching=matching_pb2_grpc.MatchingServiceStub(matching_channel),  # type: ignore[no-untyped-call]
                    skills_health=health_pb2_grpc.HealthStub(skills_channel),
                    matching_health=health_pb2_grpc.HealthStub(matching_channel),
                ),
            )
    finally:
        await matching_server.stop(0)
        await skills_server.stop(0)
        await client.close()
        await matching_driver.close()
        await skills_driver.close()
        await asyncio.to_thread(runtime.stop)


async def write_person(services: Services, person_id: str, timeout_s: float = 10.0) -> None:
    await services.skills.UpsertPerson(
        skills_pb2.UpsertPersonRequest(
            person=skills_pb2.Person(
                id=person_id,
                name=person_id.title(),
                sector=common_pb2.SECTOR_PUBLIC,
                locality="ashbridge",
                capacity_fte=1.0,
            )
        ),
        timeout=timeout_s,
    )


async def write_outcome(services: Services, outcome_id: str, timeout_s: float = 10.0) -> None:
    await services.matching.CreateOutcome(
        matching_pb2.CreateOutcomeRequest(
            outcome=matching_pb2.Outcome(
                id=outcome_id,
                title="Warm homes",
                locality="ashbridge",
                priority=3,
                budget=10_000.0,
                start="2030-01-01",
                end="2030-06-30",
                days=10.0,
                slots=[matching_pb2.Slot(role_id="navigator", count=1, fte=0.5)],
            )
        ),
        timeout=timeout_s,
    )


async def test_services_follow_neo4j_down_and_up_without_restarting(
    services_before_neo4j: tuple[LocalNeo4j, Services],
) -> None:
    runtime, services = services_before_neo4j

    # Up before the graph: alive, answering health, not serving.
    await asyncio.sleep(1.0)
    assert await status_of(services.skills_health) == NOT_SERVING
    assert await status_of(services.matching_health) == NOT_SERVING

    await asyncio.to_thread(runtime.start)
    await wait_for(services.skills_health, SERVING, timeout_s=60)
    await wait_for(services.matching_health, SERVING, timeout_s=60)
    await write_person(services, "before-outage")
    await write_outcome(services, "o-before")

    await asyncio.to_thread(runtime.stop)
    await wait_for(services.skills_health, NOT_SERVING, timeout_s=15)
    await wait_for(services.matching_health, NOT_SERVING, timeout_s=15)
    # A write while the graph is gone is refused as retryable, never as an unknown error.
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await write_person(services, "during-outage")
    assert refused.value.code() == grpc.StatusCode.UNAVAILABLE
    with pytest.raises(grpc.aio.AioRpcError) as refused_outcome:
        await write_outcome(services, "o-during")
    assert refused_outcome.value.code() == grpc.StatusCode.UNAVAILABLE

    await asyncio.to_thread(runtime.start)
    await wait_for(services.skills_health, SERVING, timeout_s=60)
    await wait_for(services.matching_health, SERVING, timeout_s=60)
    # A freshly started Neo4j on two shared cores takes seconds over its first writes.
    await write_person(services, "after-outage", timeout_s=60)
    await write_outcome(services, "o-after", timeout_s=60)

    kept = await services.skills.GetPerson(
        skills_pb2.GetPersonRequest(id="before-outage"), timeout=10
    )
    assert kept.name == "Before-Outage"
    again = await services.skills.GetPerson(
        skills_pb2.GetPersonRequest(id="after-outage"), timeout=10
    )
    assert again.id == "after-outage"
    outcome = await services.matching.GetOutcome(
        matching_pb2.GetOutcomeRequest(id="o-after"), timeout=10
    )
    assert outcome.id == "o-after"
    with pytest.raises(grpc.aio.AioRpcError) as missing:
        await services.skills.GetPerson(skills_pb2.GetPersonRequest(id="during-outage"), timeout=10)
    assert missing.value.code() == grpc.StatusCode.NOT_FOUND
