"""The scoring index on the real Neo4j and real gRPC: built before SERVING,
written through, fresh across two skills processes on one graph, following
the clock past midnight, and forgetting erased people everywhere."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import date, timedelta

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from neo4j import AsyncDriver

from lps.common.v1 import common_pb2
from lps.skills.v1 import skills_pb2, skills_pb2_grpc
from services.common.grpc_server import insecure_channel
from services.common.settings import Neo4jSettings
from services.skills.bootstrap import build_application
from services.skills.config import SkillsSettings
from services.skills.entrypoints.server import SERVICE_NAME, create_server
from tests.integration.skills.conftest import wait_until_serving
from tests.integration.skills.support import TIMEOUT_S, add_person, person, set_level

pytestmark = pytest.mark.neo4j

Stub = skills_pb2_grpc.SkillsServiceStub
# Generous: the machine is shared; the bound the README states is the poll interval.
EVENTUALLY_S = 60.0


@asynccontextmanager
async def skills_process(
    graph: Neo4jSettings,
    driver: AsyncDriver,
    today: Callable[[], date] = date.today,
    wait: bool = True,
) -> AsyncIterator[tuple[Stub, grpc.aio.Channel]]:
    settings = SkillsSettings(neo4j=graph, graph_check_interval_s=0.2, index_poll_interval_s=0.2)
    server, port = await create_server(settings, driver, "127.0.0.1:0", today=today)
    channel = insecure_channel(f"127.0.0.1:{port}")
    try:
        if wait:
            await wait_until_serving(channel)
        yield skills_pb2_grpc.SkillsServiceStub(channel), channel  # type: ignore[no-untyped-call]
    finally:
        await channel.close()
        await server.stop(0)


async def ranked(skills: Stub, role_id: str = "navigator", locality: str = "") -> list[str]:
    reply = await skills.RankCandidates(
        skills_pb2.RankCandidatesRequest(
            role_id=role_id, limit=50, filter=common_pb2.PeopleFilter(locality=locality)
        ),
        timeout=TIMEOUT_S,
    )
    return [c.person.id for c in reply.candidates]


async def eventually(check: Callable[[], Awaitable[bool]]) -> None:
    deadline = asyncio.get_running_loop().time() + EVENTUALLY_S
    while not await check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("the other replica never saw the write")
        await asyncio.sleep(0.1)


async def test_a_fresh_process_builds_the_index_from_the_graph_before_serving(
    graph: Neo4jSettings, driver: AsyncDriver
) -> None:
    async with skills_process(graph, driver) as (first, _):
        for number in range(30):
            await add_person(first, f"p{number:02d}", locality="Aston" if number % 2 else "Leigh")
            await set_level(first, f"p{number:02d}", "empathy", 1 + number % 4)
        expected = await ranked(first)
        expected_local = await ranked(first, locality="Aston")
    async with skills_process(graph, driver, wait=False) as (second, channel):
        health = health_pb2_grpc.HealthStub(channel)
        reply = await health.Check(
            health_pb2.HealthCheckRequest(service=SERVICE_NAME), timeout=TIMEOUT_S
        )
        assert reply.status == health_pb2.HealthCheckResponse.NOT_SERVING
        with pytest.raises(grpc.aio.AioRpcError) as error:
            await ranked(second)
        assert error.value.code() == grpc.StatusCode.UNAVAILABLE
        await wait_until_serving(channel)
        # The first answer once SERVING already holds everyone.
        assert await ranked(second) == expected
        assert await ranked(second, locality="Aston") == expected_local
    assert len(expected) == 30


async def test_writes_are_ranked_by_the_replica_that_took_them_at_once(
    skills: Stub,
) -> None:
    await add_person(skills, "ann")
    await add_person(skills, "bob")
    await set_level(skills, "ann", "empathy", 1)
    await set_level(skills, "bob", "empathy", 4)
    assert (await ranked(skills))[:2] == ["bob", "ann"]
    await skills.RemoveLevel(
        skills_pb2.RemoveLevelRequest(person_id="bob", skill_id="empathy"), timeout=TIMEOUT_S
    )
    assert (await ranked(skills))[:2] == ["ann", "bob"]
    await add_person(skills, "bob", locality="Aston")
    assert await ranked(skills, locality="Aston") == ["bob"]
    fit = await skills.GetFit(
        skills_pb2.GetFitRequest(person_id="ann", role_id="navigator", include_gaps=True),
        timeout=TIMEOUT_S,
    )
    gaps = await skills.GetGaps(
        skills_pb2.GetGapsRequest(person_id="ann", role_id="navigator"), timeout=TIMEOUT_S
    )
    assert list(fit.steps) == list(gaps.steps) and fit.steps


async def test_a_write_through_one_replica_is_ranked_by_the_other(
    graph: Neo4jSettings, driver: AsyncDriver
) -> None:
    async with (
        skills_process(graph, driver) as (one, _),
        skills_process(graph, driver) as (other, _),
    ):
        await add_person(one, "ann")
        await set_level(one, "ann", "empathy", 4)

        async def other_ranks_ann() -> bool:
            return (await ranked(other))[:1] == ["ann"]

        await eventually(other_ranks_ann)
        role = skills_pb2.Role(
            id="listener",
            name="Listener",
            requirements=[skills_pb2.Requirement(skill_id="empathy", min_level=4, weight=1)],
        )
        await one.UpsertRole(skills_pb2.UpsertRoleRequest(role=role), timeout=TIMEOUT_S)

        async def other_knows_the_role() -> bool:
            try:
                return await ranked(other, "listener") == ["ann"]
            except grpc.aio.AioRpcError as error:
                if error.code() != grpc.StatusCode.NOT_FOUND:
                    raise
                return False

        await eventually(other_knows_the_role)
        await one.ErasePerson(skills_pb2.ErasePersonRequest(id="ann"), timeout=TIMEOUT_S)
        assert "ann" not in await ranked(one)

        async def other_forgot_ann() -> bool:
            try:
                await other.GetFit(
                    skills_pb2.GetFitRequest(person_id="ann", role_id="navigator"),
                    timeout=TIMEOUT_S,
                )
            except grpc.aio.AioRpcError as error:
                if error.code() != grpc.StatusCode.NOT_FOUND:
                    raise
                return True
            return False

        await eventually(other_forgot_ann)
        assert "ann" not in await ranked(other)


async def levels_read_by(skills: Stub, person_id: str) -> dict[str, int] | None:
    """The person's levels as GetPerson answers them; None when not found."""
    try:
        reply = await skills.GetPerson(skills_pb2.GetPersonRequest(id=person_id), timeout=TIMEOUT_S)
    except grpc.aio.AioRpcError as error:
        if error.code() != grpc.StatusCode.NOT_FOUND:
            raise
        return None
    return {s.skill_id: s.level for s in reply.skills}


async def listed_by(skills: Stub) -> list[str]:
    reply = await skills.ListPeople(skills_pb2.ListPeopleRequest(page_size=50), timeout=TIMEOUT_S)
    return [p.id for p in reply.people]


async def test_person_records_read_by_the_other_replica_follow_writes_and_erasure(
    graph: Neo4jSettings, driver: AsyncDriver
) -> None:
    async with (
        skills_process(graph, driver) as (one, _),
        skills_process(graph, driver) as (other, _),
    ):
        await add_person(one, "ann")
        await add_person(one, "bob")
        await set_level(one, "ann", "empathy", 2)

        async def other_has_caught_up() -> bool:
            return await listed_by(other) == ["ann", "bob"] and await levels_read_by(
                other, "ann"
            ) == {"empathy": 2}

        await eventually(other_has_caught_up)
        # Read again on the other replica, whose records are now cached there.
        assert await levels_read_by(other, "ann") == {"empathy": 2}

        await set_level(one, "ann", "empathy", 4)
        assert await levels_read_by(one, "ann") == {"empathy": 4}

        async def other_reads_the_new_level() -> bool:
            return await levels_read_by(other, "ann") == {"empathy": 4}

        await eventually(other_reads_the_new_level)
        await add_person(one, "bob", name="Robert")

        async def other_lists_the_new_name() -> bool:
            reply = await other.ListPeople(
                skills_pb2.ListPeopleRequest(page_size=50), timeout=TIMEOUT_S
            )
            return [p.name for p in reply.people] == ["Person ann", "Robert"]

        await eventually(other_lists_the_new_name)
        await one.ErasePerson(skills_pb2.ErasePersonRequest(id="ann"), timeout=TIMEOUT_S)
        assert await levels_read_by(one, "ann") is None
        assert await listed_by(one) == ["bob"]

        async def other_forgot_ann() -> bool:
            return await levels_read_by(other, "ann") is None

        await eventually(other_forgot_ann)
        assert await listed_by(other) == ["bob"]


async def test_a_reload_reads_each_person_whole_as_get_person_does(
    skills: Stub, graph: Neo4jSettings, driver: AsyncDriver
) -> None:
    await add_person(
        skills,
        "ann",
        clearances=[common_pb2.Clearance(kind="dbs", expires="2030-01-01")],
        available_from="2026-01-01",
    )
    await add_person(skills, "bob")
    await set_level(skills, "ann", "empathy", 3, evidence="panel", assessed_by="lead")
    await set_level(
        skills, "ann", "empathy", 2, source=skills_pb2.LEVEL_SOURCE_SELF, valid_until="2027-01-01"
    )
    await set_level(skills, "ann", "case-work", 1)
    app = build_application(driver, SkillsSettings(neo4j=graph))
    read = await app.scoring_reads.people_for_index(["ann", "bob", "nobody"], with_records=True)
    assert read.records is not None
    for whole in read.records:
        stored = await app.people.people.get_person(whole.id)
        assert replace(whole, skills=()) == replace(stored, skills=())
        assert sorted(whole.skills, key=repr) == sorted(stored.skills, key=repr)
    assert [(p.id, len(p.skills)) for p in read.records] == [("ann", 3), ("bob", 0)]
    assert (await app.scoring_reads.people_for_index(["ann"])).records is None


async def test_a_level_expiring_at_midnight_stops_counting_the_next_day(
    graph: Neo4jSettings, driver: AsyncDriver
) -> None:
    clock = [date(2026, 12, 1)]
    async with skills_process(graph, driver, today=lambda: clock[0]) as (skills, _):
        await add_person(skills, "ann")
        await add_person(skills, "bob")
        await set_level(skills, "bob", "empathy", 2, source=skills_pb2.LEVEL_SOURCE_SELF)
        await set_level(
            skills,
            "ann",
            "empathy",
            4,
            source=skills_pb2.LEVEL_SOURCE_CERTIFICATE,
            assessed_at="2026-11-01",
            valid_until="2026-12-01",
        )
        assert (await ranked(skills))[:2] == ["ann", "bob"]
        clock[0] = clock[0] + timedelta(days=1)
        assert (await ranked(skills))[:2] == ["bob", "ann"]
        fit = await skills.GetFit(
            skills_pb2.GetFitRequest(person_id="ann", role_id="navigator"), timeout=TIMEOUT_S
        )
        assert fit.fit == 0.0


async def test_slot_candidates_over_grpc(skills: Stub) -> None:
    await add_person(skills, "ann", locality="Aston")
    await add_person(skills, "bob", locality="Leigh")
    await add_person(skills, "cat", locality="Aston", organisation="rival")
    for person_id in ("ann", "bob", "cat"):
        await set_level(skills, person_id, "empathy", 4)
    chunks = [
        chunk
        async for chunk in skills.StreamSlotCandidates(
            skills_pb2.SlotCandidatesRequest(
                slots=[
                    skills_pb2.SlotQuery(
                        key="o1/navigator",
                        role_id="navigator",
                        min_fit=0.01,
                        fte=0.5,
                        locality="Aston",
                        local_only=True,
                        exclude_organisation="rival",
                        start="2027-01-01",
                        end="2027-02-01",
                        supply_group="role:navigator",
                    )
                ],
                skill_ids=["empathy"],
                skill_supply=[
                    skills_pb2.SkillSupplyQuery(key="empathy-3", skill_id="empathy", min_level=3)
                ],
            ),
            timeout=TIMEOUT_S,
        )
    ]
    rows = [row for chunk in chunks for row in chunk.rows]
    assert [(r.person_id, r.levels["empathy"]) for r in rows] == [("ann", 4)]
    (pool,) = chunks[-1].pools
    assert (pool.key, pool.eligible, pool.kept) == ("o1/navigator", 1, 1)
    assert pool.passing["local"] == 2 and pool.passing["no conflict of interest"] == 2
    assert {s.key: s.people for s in chunks[-1].skill_supply} == {"empathy-3": 3}
    assert {s.key: s.people for s in chunks[-1].group_supply} == {"role:navigator": 1}


async def test_imported_people_are_ranked_when_the_import_answers(skills: Stub) -> None:
    async def rows() -> AsyncIterator[skills_pb2.PersonImportRow]:
        for number in range(450):
            yield skills_pb2.PersonImportRow(
                person=person(f"i{number:03d}", locality="Aston"),
                levels=[skills_pb2.PersonLevelInput(skill_id="empathy", level=1 + number % 4)],
                actor="hr",
            )

    summary = await skills.ImportPeople(rows(), timeout=TIMEOUT_S * 3)
    assert summary.accepted == 450
    top = await ranked(skills, locality="Aston")
    # Levels 3 and 4 meet the navigator's empathy in full; equal fits go by id.
    assert top == [f"i{n:03d}" for n in range(450) if n % 4 >= 2][:50]


ESCO = "http://data.europa.eu/esco/skill/"


def esco_rows(*rows: skills_pb2.SkillImportRow) -> AsyncIterator[skills_pb2.SkillImportRow]:
    async def stream() -> AsyncIterator[skills_pb2.SkillImportRow]:
        for row in rows:
            yield row

    return stream()


def esco_concept(uuid: str, label: str, alt: str = "") -> skills_pb2.SkillImportRow:
    return skills_pb2.SkillImportRow(
        skill=skills_pb2.EscoSkillRow(
            concept_uri=ESCO + uuid, preferred_label=label, alt_labels=alt
        )
    )


async def fit_of(skills: Stub, person_id: str, role_id: str) -> float:
    reply = await skills.GetFit(
        skills_pb2.GetFitRequest(person_id=person_id, role_id=role_id), timeout=TIMEOUT_S
    )
    return float(reply.fit)


async def test_an_esco_relation_is_credited_by_both_replicas_and_empty_alt_labels_keep_theirs(
    graph: Neo4jSettings, driver: AsyncDriver
) -> None:
    async with (
        skills_process(graph, driver) as (one, _),
        skills_process(graph, driver) as (other, _),
    ):
        await one.ImportSkills(
            esco_rows(
                esco_concept("asked-0001", "Asked skill", "asked\nwanted"),
                esco_concept("held-0001", "Held skill"),
            ),
            timeout=TIMEOUT_S,
        )
        role = skills_pb2.Role(
            id="esco-role",
            name="ESCO role",
            requirements=[skills_pb2.Requirement(skill_id="asked-0001", min_level=2, weight=1)],
        )
        await one.UpsertRole(skills_pb2.UpsertRoleRequest(role=role), timeout=TIMEOUT_S)
        await add_person(one, "ann")
        await set_level(one, "ann", "held-0001", 2)
        assert await fit_of(one, "ann", "esco-role") == 0.0

        async def other_knows_the_role() -> bool:
            try:
                return await fit_of(other, "ann", "esco-role") == 0.0
            except grpc.aio.AioRpcError as error:
                if error.code() != grpc.StatusCode.NOT_FOUND:
                    raise
                return False

        await eventually(other_knows_the_role)
        relation = skills_pb2.SkillImportRow(
            relation=skills_pb2.EscoRelationRow(
                original_skill_uri=ESCO + "asked-0001",
                related_skill_uri=ESCO + "held-0001",
                relation_type="essential",
            )
        )
        # The same concepts again, now without alternative labels, and the relation.
        summary = await one.ImportSkills(
            esco_rows(esco_concept("asked-0001", "Asked skill"), relation), timeout=TIMEOUT_S
        )
        assert summary.relations_written == 1
        # Written through: the replica that imported credits the relation at once.
        credited = await fit_of(one, "ann", "esco-role")
        assert credited > 0.0

        async def other_credits_it() -> bool:
            return await fit_of(other, "ann", "esco-role") == credited

        await eventually(other_credits_it)
        asked = await one.GetSkill(skills_pb2.GetSkillRequest(id="asked-0001"), timeout=TIMEOUT_S)
        assert list(asked.alt_labels) == ["asked", "wanted"]
        found = await one.SearchSkills(
            skills_pb2.SearchSkillsRequest(query="wanted", page_size=10), timeout=TIMEOUT_S
        )
        assert [s.id for s in found.skills] == ["asked-0001"]
