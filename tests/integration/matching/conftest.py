"""The matching service on the real Neo4j, talking gRPC to a real skills
service; both in-process on ephemeral ports, fresh for every test."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable
from typing import Any

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from lps.common.v1 import common_pb2
from lps.matching.v1 import matching_pb2, matching_pb2_grpc
from lps.skills.v1 import skills_pb2, skills_pb2_grpc
from services.common.graph import open_driver
from services.common.settings import Neo4jSettings
from services.matching.adapters.skills_client import SkillsClient
from services.matching.config import MatchingSettings
from services.matching.entrypoints.server import create_server
from services.skills.config import SkillsSettings
from services.skills.entrypoints.server import create_server as create_skills_server

SERVING = health_pb2.HealthCheckResponse.SERVING


async def wait_until_serving(channel: grpc.aio.Channel, timeout_s: float = 30.0) -> None:
    health = health_pb2_grpc.HealthStub(channel)
    deadline = asyncio.get_running_loop().time() + timeout_s
    while True:
        try:
            answer = await health.Check(health_pb2.HealthCheckRequest(), timeout=2)
            if answer.status == SERVING:
                return
        except grpc.aio.AioRpcError:
            pass
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError("service never reported SERVING")
        await asyncio.sleep(0.1)


async def rpc_error(call: Awaitable[Any]) -> grpc.aio.AioRpcError:
    """The error a call fails with; the test fails if it succeeds."""
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call
    return caught.value


@pytest.fixture
async def skills_address(graph: Neo4jSettings) -> AsyncIterator[str]:
    driver = open_driver(graph)
    server, port = await create_skills_server(SkillsSettings(neo4j=graph), driver, "127.0.0.1:0")
    address = f"127.0.0.1:{port}"
    async with grpc.aio.insecure_channel(address) as channel:
        await wait_until_serving(channel)
    try:
        yield address
    finally:
        await server.stop(0)
        await driver.close()


@pytest.fixture
async def skills(skills_address: str) -> AsyncIterator[skills_pb2_grpc.SkillsServiceStub]:
    async with grpc.aio.insecure_channel(skills_address) as channel:
        yield skills_pb2_grpc.SkillsServiceStub(channel)  # type: ignore[no-untyped-call]


@pytest.fixture
async def matching(
    graph: Neo4jSettings, skills_address: str
) -> AsyncIterator[matching_pb2_grpc.MatchingServiceStub]:
    driver = open_driver(graph)
    client = SkillsClient.connect(skills_address, timeout_s=10, matrix_timeout_s=30)
    settings = MatchingSettings(neo4j=graph, default_time_limit_s=5, max_time_limit_s=10)
    server, port = await create_server(settings, driver, client, "127.0.0.1:0")
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
            await wait_until_serving(channel)
            yield matching_pb2_grpc.MatchingServiceStub(channel)  # type: ignore[no-untyped-call]
    finally:
        await server.stop(0)
        await client.close()
        await driver.close()


PEOPLE: dict[str, tuple[common_pb2.Sector, str, float, dict[str, int]]] = {
    # id: (sector, locality, capacity, levels)
    "ann": (common_pb2.SECTOR_PUBLIC, "ashbridge", 1.0, {"casework": 2, "listening": 1}),
    "bob": (common_pb2.SECTOR_COMMUNITY, "ashbridge", 1.0, {"casework": 1, "listening": 2}),
    "cat": (common_pb2.SECTOR_THIRD_SECTOR, "brookfield", 1.0, {"casework": 2, "listening": 3}),
    "dan": (common_pb2.SECTOR_PRIVATE, "ashbridge", 1.0, {"listening": 2}),
}


@pytest.fixture
async def people(skills: skills_pb2_grpc.SkillsServiceStub) -> dict[str, dict[str, int]]:
    """Two skills, a one-skill role whose fit is level/2 ("caseworker"), and four people."""
    for skill_id in ("casework", "listening"):
        await skills.UpsertSkill(
            skills_pb2.UpsertSkillRequest(skill=skills_pb2.Skill(id=skill_id, label=skill_id))
        )
    await skills.UpsertRole(
        skills_pb2.UpsertRoleRequest(
            role=skills_pb2.Role(
                id="caseworker",
                name="Caseworker",
                requirements=[
                    skills_pb2.Requirement(
                        skill_id="casework", min_level=2, weight=1.0, essential=True
                    )
                ],
            )
        )
    )
    for person_id, (sector, locality, capacity, levels) in PEOPLE.items():
        await skills.UpsertPerson(
            skills_pb2.UpsertPersonRequest(
                person=skills_pb2.Person(
                    id=person_id,
                    name=person_id.title(),
                    sector=sector,
                    organisation=f"{person_id}-org",
                    locality=locality,
                    capacity_fte=capacity,
                    day_rate=0.0 if sector == common_pb2.SECTOR_COMMUNITY else 300.0,
                )
            )
        )
        for skill_id, level in levels.items():
            await skills.SetLevel(
                skills_pb2.SetLevelRequest(
                    person_id=person_id,
                    skill_id=skill_id,
                    level=level,
                    source=skills_pb2.LEVEL_SOURCE_ASSESSMENT,
                    evidence="test",
                )
            )
    return {person_id: levels for person_id, (_, _, _, levels) in PEOPLE.items()}


def outcome(outcome_id: str = "warm-homes", **changes: Any) -> matching_pb2.Outcome:
    message = matching_pb2.Outcome(
        id=outcome_id,
        title="Warm homes",
        locality="ashbridge",
        priority=3,
        budget=100_000.0,
        start="2030-01-01",
        end="2030-06-30",
        days=20.0,
        slots=[matching_pb2.Slot(role_id="caseworker", count=1, fte=1.0, min_fit=0.0)],
    )
    for name, value in changes.items():
        if isinstance(value, list):
            del getattr(message, name)[:]
            getattr(message, name).extend(value)
        elif hasattr(value, "CopyFrom"):
            getattr(message, name).CopyFrom(value)
        else:
            setattr(message, name, value)
    return message
