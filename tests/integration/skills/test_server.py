"""What the server sets up around the RPCs: reflection and the graph's schema."""

from __future__ import annotations

from collections.abc import AsyncIterator

import grpc
import pytest
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc
from neo4j import AsyncDriver
from neo4j.exceptions import ConstraintError

from services.skills.bootstrap import build_application
from services.skills.entrypoints.server import SERVICE_NAME
from tests.integration.skills.support import TIMEOUT_S, count

pytestmark = pytest.mark.neo4j


async def test_reflection_lists_the_skills_and_health_services(channel: grpc.aio.Channel) -> None:
    stub = reflection_pb2_grpc.ServerReflectionStub(channel)

    async def ask() -> AsyncIterator[reflection_pb2.ServerReflectionRequest]:
        yield reflection_pb2.ServerReflectionRequest(list_services="")

    replies = [reply async for reply in stub.ServerReflectionInfo(ask(), timeout=TIMEOUT_S)]
    names = {s.name for s in replies[0].list_services_response.service}
    assert {SERVICE_NAME, "grpc.health.v1.Health"} <= names


async def schema(driver: AsyncDriver) -> set[str]:
    constraints, _, _ = await driver.execute_query("SHOW CONSTRAINTS YIELD name RETURN name")
    indexes, _, _ = await driver.execute_query("SHOW INDEXES YIELD name RETURN name")
    return {r["name"] for r in [*constraints, *indexes]}


async def test_schema_is_created_at_start_and_preparing_again_changes_nothing(
    channel: grpc.aio.Channel, driver: AsyncDriver
) -> None:
    expected = {
        "person_id",
        "skill_id",
        "role_id",
        "organisation_id",
        "person_locality",
        "person_sector",
        "person_organisation",
        "skill_label",
        "skill_text",
        "skill_label_key",
        "skill_uri",
        "esco_pending_key",
    }
    created = await schema(driver)
    assert expected <= created
    nodes = await count(driver, "MATCH (n) RETURN count(n)")
    await build_application(driver).prepare()
    assert await schema(driver) == created
    assert await count(driver, "MATCH (n) RETURN count(n)") == nodes
    # The uniqueness constraint is real: a second skill with a seeded id is refused by the graph.
    with pytest.raises(ConstraintError):
        await driver.execute_query("CREATE (:Skill {id: 'empathy'})")
