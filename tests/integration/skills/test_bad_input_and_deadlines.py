"""Hostile and careless input over gRPC, deadlines and health before the graph answers.

Every refusal is INVALID_ARGUMENT naming the fields at fault and leaves the
graph exactly as it was; text that looks like Cypher is data, stored verbatim.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from neo4j import AsyncDriver

from deploy.local_neo4j import free_port
from lps.common.v1 import common_pb2
from lps.skills.v1 import skills_pb2, skills_pb2_grpc
from services.common.graph import open_driver
from services.common.grpc_errors import field_violations_of
from services.common.grpc_server import insecure_channel
from services.common.settings import Neo4jSettings
from services.skills.config import SkillsSettings
from services.skills.entrypoints.server import SERVICE_NAME, create_server
from tests.integration.skills.support import TIMEOUT_S, add_person, count, graph_size, person

pytestmark = pytest.mark.neo4j

TEN_MB = "x" * (10 * 1024 * 1024)
CYPHER = "'}) MATCH (n) DETACH DELETE n //"
# The same, as an id the id rule accepts (no white space, no '/').
CYPHER_ID = "'})MATCH(n)DETACH_DELETE(n)--"

Stub = skills_pb2_grpc.SkillsServiceStub
Call = Callable[[Stub], Awaitable[Any]]


async def refused_fields(driver: AsyncDriver, call: Awaitable[Any]) -> set[str]:
    """The fields an INVALID_ARGUMENT names, checking that the graph did not change."""
    before = await graph_size(driver)
    with pytest.raises(grpc.aio.AioRpcError) as error:
        await call
    assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT, error.value.details()
    # The reason names the field; it never echoes the (possibly huge) value back.
    assert len(error.value.details() or "") < 2_000
    assert await graph_size(driver) == before
    return {v.field for v in field_violations_of(error.value)}


EMPTY_IDS: list[tuple[str, Call, set[str]]] = [
    ("GetPerson", lambda s: s.GetPerson(skills_pb2.GetPersonRequest(id="")), {"id"}),
    ("ErasePerson", lambda s: s.ErasePerson(skills_pb2.ErasePersonRequest(id="  ")), {"id"}),
    (
        "UpsertPerson",
        lambda s: s.UpsertPerson(skills_pb2.UpsertPersonRequest(person=person(""))),
        {"person.id"},
    ),
    (
        "SetLevel",
        lambda s: s.SetLevel(skills_pb2.SetLevelRequest(person_id="", skill_id="", level=2)),
        {"person_id", "skill_id"},
    ),
    (
        "RemoveLevel",
        lambda s: s.RemoveLevel(skills_pb2.RemoveLevelRequest(person_id="p1", skill_id="")),
        {"skill_id"},
    ),
    (
        "GetFit",
        lambda s: s.GetFit(skills_pb2.GetFitRequest(person_id="", role_id="")),
        {"person_id", "role_id"},
    ),
    (
        "GetGaps",
        lambda s: s.GetGaps(skills_pb2.GetGapsRequest(person_id="p1", role_id="")),
        {"role_id"},
    ),
    (
        "RankCandidates",
        lambda s: s.RankCandidates(skills_pb2.RankCandidatesRequest(role_id="")),
        {"role_id"},
    ),
    (
        "UpsertSkill",
        lambda s: s.UpsertSkill(
            skills_pb2.UpsertSkillRequest(skill=skills_pb2.Skill(id="", label="x", broader=[""]))
        ),
        {"skill.id", "skill.broader[0]"},
    ),
    (
        "RelateSkills",
        lambda s: s.RelateSkills(
            skills_pb2.RelateSkillsRequest(skill_id="", related_skill_id="empathy", similarity=1)
        ),
        {"skill_id"},
    ),
    (
        "UpsertRole",
        lambda s: s.UpsertRole(
            skills_pb2.UpsertRoleRequest(
                role=skills_pb2.Role(
                    id="",
                    name="r",
                    requirements=[skills_pb2.Requirement(skill_id="", min_level=2, weight=1)],
                )
            )
        ),
        {"role.id", "role.requirements[0].skill_id"},
    ),
]


@pytest.mark.parametrize(
    ("call", "fields"), [c[1:] for c in EMPTY_IDS], ids=[c[0] for c in EMPTY_IDS]
)
async def test_empty_ids_are_refused_by_field_name(
    skills: Stub, driver: AsyncDriver, call: Call, fields: set[str]
) -> None:
    await add_person(skills, "p1")
    assert await refused_fields(driver, call(skills)) == fields


async def test_level_seven_is_refused_and_leaves_no_level_or_history(
    skills: Stub, driver: AsyncDriver
) -> None:
    await add_person(skills, "p1")
    request = skills_pb2.SetLevelRequest(person_id="p1", skill_id="empathy", level=7)
    assert await refused_fields(driver, skills.SetLevel(request, timeout=TIMEOUT_S)) == {"level"}
    assert await count(driver, "MATCH (:Person)-[h:HAS_SKILL]->() RETURN count(h)") == 0
    assert await count(driver, "MATCH (c:LevelChange) RETURN count(c)") == 0


@pytest.mark.parametrize("sector", [99, common_pb2.SECTOR_UNSPECIFIED])
async def test_unknown_sector_is_refused(skills: Stub, driver: AsyncDriver, sector: int) -> None:
    request = skills_pb2.UpsertPersonRequest(person=person("p1", sector=sector))
    fields = await refused_fields(driver, skills.UpsertPerson(request, timeout=TIMEOUT_S))
    assert fields == {"person.sector"}
    assert await count(driver, "MATCH (p:Person) RETURN count(p)") == 0


async def test_one_refusal_names_every_field_at_fault(skills: Stub, driver: AsyncDriver) -> None:
    bad = person("p1", name="", sector=99, capacity_fte=1.5, day_rate=-1.0)
    request = skills_pb2.UpsertPersonRequest(person=bad)
    assert await refused_fields(driver, skills.UpsertPerson(request, timeout=TIMEOUT_S)) == {
        "person.name",
        "person.sector",
        "person.capacity_fte",
        "person.day_rate",
    }


TEN_MB_CALLS: list[tuple[str, Call, set[str]]] = [
    (
        "person name",
        lambda s: s.UpsertPerson(skills_pb2.UpsertPersonRequest(person=person("p2", name=TEN_MB))),
        {"person.name"},
    ),
    (
        "level evidence",
        lambda s: s.SetLevel(
            skills_pb2.SetLevelRequest(person_id="p1", skill_id="empathy", level=2, evidence=TEN_MB)
        ),
        {"evidence"},
    ),
    (
        "skill description",
        lambda s: s.UpsertSkill(
            skills_pb2.UpsertSkillRequest(
                skill=skills_pb2.Skill(id="big", label="Big", description=TEN_MB)
            )
        ),
        {"skill.description"},
    ),
    (
        "skill search",
        lambda s: s.SearchSkills(skills_pb2.SearchSkillsRequest(query=TEN_MB)),
        {"query"},
    ),
    (
        "filter locality",
        lambda s: s.ListPeople(
            skills_pb2.ListPeopleRequest(filter=common_pb2.PeopleFilter(locality=TEN_MB))
        ),
        {"filter.locality"},
    ),
]


@pytest.mark.parametrize(
    ("call", "fields"), [c[1:] for c in TEN_MB_CALLS], ids=[c[0] for c in TEN_MB_CALLS]
)
async def test_a_ten_megabyte_string_is_refused_before_the_graph(
    skills: Stub, driver: AsyncDriver, call: Call, fields: set[str]
) -> None:
    await add_person(skills, "p1")
    assert await refused_fields(driver, call(skills)) == fields


async def test_a_ten_megabyte_import_row_is_reported_and_the_rest_kept(
    skills: Stub, driver: AsyncDriver
) -> None:
    async def rows() -> AsyncIterator[skills_pb2.PersonImportRow]:
        yield skills_pb2.PersonImportRow(person=person("big", name=TEN_MB))
        yield skills_pb2.PersonImportRow(
            person=person("small"),
            levels=[skills_pb2.PersonLevelInput(skill_id="empathy", level=2)],
        )

    summary = await skills.ImportPeople(rows(), timeout=TIMEOUT_S)
    assert (summary.accepted, summary.rejected) == (1, 1)
    assert [(e.row, e.id, e.field) for e in summary.errors] == [(1, "big", "person.name")]
    assert await count(driver, "MATCH (p:Person) RETURN collect(p.id) = ['small']")


async def test_cypher_looking_text_is_stored_verbatim(skills: Stub, driver: AsyncDriver) -> None:
    await add_person(skills, "keeper")
    sent = person(
        CYPHER_ID,
        name="MATCH (n) DETACH DELETE n",
        organisation="org`}) RETURN 1 //",
        locality="$locality",
        clearances=[common_pb2.Clearance(kind="'; CALL db.clearQueryCaches() //")],
    )
    stored = await skills.UpsertPerson(
        skills_pb2.UpsertPersonRequest(person=sent, actor="{actor: $actor}"), timeout=TIMEOUT_S
    )
    assert stored == sent
    await skills.SetLevel(
        skills_pb2.SetLevelRequest(
            person_id=CYPHER_ID, skill_id="empathy", level=3, evidence='" RETURN p //'
        ),
        timeout=TIMEOUT_S,
    )
    got = await skills.GetPerson(skills_pb2.GetPersonRequest(id=CYPHER_ID), timeout=TIMEOUT_S)
    assert (got.name, got.organisation, got.locality) == (
        sent.name,
        sent.organisation,
        sent.locality,
    )
    assert [s.evidence for s in got.skills] == ['" RETURN p //']
    listed = await skills.ListPeople(
        skills_pb2.ListPeopleRequest(filter=common_pb2.PeopleFilter(locality="$locality")),
        timeout=TIMEOUT_S,
    )
    assert [p.id for p in listed.people] == [CYPHER_ID]
    await skills.UpsertSkill(
        skills_pb2.UpsertSkillRequest(skill=skills_pb2.Skill(id="s-cypher", label=CYPHER)),
        timeout=TIMEOUT_S,
    )
    found = await skills.SearchSkills(
        skills_pb2.SearchSkillsRequest(query="detach delete"), timeout=TIMEOUT_S
    )
    assert [(s.id, s.label) for s in found.skills] == [("s-cypher", CYPHER)]
    # Nothing was run: the other person, the seeded roles and skills are all there.
    assert await count(driver, "MATCH (p:Person) RETURN count(p)") == 2
    assert await count(driver, "MATCH (r:Role) RETURN count(r)") == 4
    await skills.ErasePerson(skills_pb2.ErasePersonRequest(id=CYPHER_ID), timeout=TIMEOUT_S)
    assert await count(driver, "MATCH (p:Person) RETURN collect(p.id) = ['keeper']")


async def test_a_write_past_its_deadline_is_abandoned_not_committed_late(
    skills: Stub, driver: AsyncDriver, graph: Neo4jSettings
) -> None:
    await add_person(skills, "locked", name="Before")
    # Another transaction holds the person's write lock, so the service's write waits.
    async with driver.session(database=graph.database) as session:
        blocker = await session.begin_transaction()
        await (await blocker.run("MATCH (p:Person {id: 'locked'}) SET p.held = true")).consume()
        with pytest.raises(grpc.aio.AioRpcError) as error:
            await skills.UpsertPerson(
                skills_pb2.UpsertPersonRequest(person=person("locked", name="Late")), timeout=1.0
            )
        assert error.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
        await blocker.rollback()
    # Were the abandoned write still waiting, it would now take the lock and commit.
    # Read from the graph: the service's cached record would not show a commit
    # that bypassed it.
    for _ in range(20):
        await asyncio.sleep(0.1)
        unchanged = "MATCH (p:Person {id: 'locked', name: 'Before'}) RETURN count(p)"
        assert await count(driver, unchanged) == 1


async def test_health_is_not_serving_until_the_graph_answers() -> None:
    nowhere = Neo4jSettings(uri=f"bolt://127.0.0.1:{free_port()}", connection_timeout_s=0.5)
    driver = open_driver(nowhere)
    server, port = await create_server(
        SkillsSettings(neo4j=nowhere, graph_check_interval_s=0.1), driver, "127.0.0.1:0"
    )
    channel = insecure_channel(f"127.0.0.1:{port}")
    try:
        health = health_pb2_grpc.HealthStub(channel)
        # Several checks of the graph go by, none of which may report SERVING.
        for _ in range(10):
            for name in ("", SERVICE_NAME):
                reply = await health.Check(
                    health_pb2.HealthCheckRequest(service=name), timeout=TIMEOUT_S
                )
                assert reply.status == health_pb2.HealthCheckResponse.NOT_SERVING
            await asyncio.sleep(0.1)
    finally:
        await channel.close()
        await server.stop(0)
        await driver.close()
