"""People RPCs through a real server on the real graph."""

from __future__ import annotations

from collections.abc import AsyncIterator

import grpc
import pytest
from neo4j import AsyncDriver

from lps.common.v1 import common_pb2
from lps.skills.v1 import skills_pb2, skills_pb2_grpc
from tests.integration.skills.support import TIMEOUT_S, add_person, count, person, set_level

pytestmark = pytest.mark.neo4j


async def test_upsert_then_get_round_trips_every_field(
    skills: skills_pb2_grpc.SkillsServiceStub, driver: AsyncDriver
) -> None:
    sent = person(
        "p1",
        sector=common_pb2.SECTOR_COMMUNITY,
        day_rate=0.0,
        capacity_fte=0.2,
        clearances=[common_pb2.Clearance(kind="dbs", expires="2030-01-01")],
        available_from="2025-01-01",
        available_until="2025-12-31",
    )
    await skills.UpsertPerson(skills_pb2.UpsertPersonRequest(person=sent), timeout=TIMEOUT_S)
    got = await skills.GetPerson(skills_pb2.GetPersonRequest(id="p1"), timeout=TIMEOUT_S)
    assert got == sent
    assert (
        await count(
            driver,
            "MATCH (:Person {id: 'p1'})-[:WORKS_FOR]->(o:Organisation {id: 'council'}) "
            "RETURN count(o)",
        )
        == 1
    )


async def test_changing_organisation_moves_the_edge_and_keeps_the_old_organisation(
    skills: skills_pb2_grpc.SkillsServiceStub, driver: AsyncDriver
) -> None:
    await add_person(skills, "p1", organisation="council")
    await add_person(skills, "p1", organisation="charity")
    assert await count(
        driver, "MATCH (:Person {id: 'p1'})-[:WORKS_FOR]->(o) RETURN collect(o.id) = ['charity']"
    )
    assert await count(driver, "MATCH (o:Organisation {id: 'council'}) RETURN count(o)") == 1


async def test_get_missing_person_is_not_found(skills: skills_pb2_grpc.SkillsServiceStub) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as error:
        await skills.GetPerson(skills_pb2.GetPersonRequest(id="nobody"), timeout=TIMEOUT_S)
    assert error.value.code() == grpc.StatusCode.NOT_FOUND


async def test_list_filters_and_pages(skills: skills_pb2_grpc.SkillsServiceStub) -> None:
    for index in range(5):
        await add_person(
            skills,
            f"p{index}",
            locality="Ladywood" if index % 2 == 0 else "Aston",
            sector=common_pb2.SECTOR_PUBLIC if index < 3 else common_pb2.SECTOR_PRIVATE,
        )
    await set_level(skills, "p0", "empathy", 3)
    await set_level(skills, "p2", "empathy", 1)
    await set_level(skills, "p4", "empathy", 4, source=skills_pb2.LEVEL_SOURCE_SELF)
    await set_level(skills, "p4", "empathy", 2, source=skills_pb2.LEVEL_SOURCE_CERTIFICATE)

    async def ids(people_filter: common_pb2.PeopleFilter) -> list[str]:
        seen: list[str] = []
        token = ""
        while True:
            page = await skills.ListPeople(
                skills_pb2.ListPeopleRequest(filter=people_filter, page_size=2, page_token=token),
                timeout=TIMEOUT_S,
            )
            assert len(page.people) <= 2
            seen.extend(p.id for p in page.people)
            token = page.next_page_token
            if not token:
                return seen

    assert await ids(common_pb2.PeopleFilter()) == ["p0", "p1", "p2", "p3", "p4"]
    assert await ids(common_pb2.PeopleFilter(locality="Ladywood")) == ["p0", "p2", "p4"]
    assert await ids(common_pb2.PeopleFilter(sector=common_pb2.SECTOR_PRIVATE)) == ["p3", "p4"]
    assert await ids(common_pb2.PeopleFilter(organisation="council")) == [f"p{i}" for i in range(5)]
    # p4's certificate (2) outranks the self-declared 4.
    assert await ids(common_pb2.PeopleFilter(skill_id="empathy", min_level=2)) == ["p0", "p4"]
    assert await ids(common_pb2.PeopleFilter(skill_id="empathy", min_level=3)) == ["p0"]


async def test_erasure_leaves_no_trace_of_the_person(
    skills: skills_pb2_grpc.SkillsServiceStub, driver: AsyncDriver
) -> None:
    await add_person(skills, "erase-me", name="Zebedee Quill")
    await add_person(skills, "keeper")
    await set_level(skills, "erase-me", "empathy", 3)
    await set_level(skills, "erase-me", "empathy", 4)
    await set_level(skills, "keeper", "empathy", 2)
    await skills.ErasePerson(skills_pb2.ErasePersonRequest(id="erase-me"), timeout=TIMEOUT_S)

    # Every property value as text, list items one by one (toString refuses lists).
    texts = """
        UNWIND keys(x) AS k
        WITH x, CASE WHEN valueType(x[k]) STARTS WITH 'LIST' THEN [v IN x[k] | toString(v)]
                     ELSE [toString(x[k])] END AS texts
        WHERE any(t IN texts WHERE t CONTAINS 'erase-me' OR t CONTAINS 'Zebedee')
        RETURN count(DISTINCT x)
    """
    assert await count(driver, "MATCH (x) " + texts) == 0
    assert await count(driver, "MATCH ()-[x]->() " + texts) == 0
    # The probe does see such traces: the keeper's own are found (on their
    # node; the index's change feed names them too until it is pruned).
    assert await count(driver, "MATCH (x:Person) " + texts.replace("erase-me", "keeper")) == 1
    # Only the keeper's history is left; the organisation and skills stay.
    assert await count(driver, "MATCH (c:LevelChange) RETURN count(c)") == 1
    assert await count(driver, "MATCH (o:Organisation {id: 'council'}) RETURN count(o)") == 1
    assert await count(driver, "MATCH (s:Skill {id: 'empathy'}) RETURN count(s)") == 1
    with pytest.raises(grpc.aio.AioRpcError) as error:
        await skills.ErasePerson(skills_pb2.ErasePersonRequest(id="erase-me"), timeout=TIMEOUT_S)
    assert error.value.code() == grpc.StatusCode.NOT_FOUND


async def _rows(*rows: skills_pb2.PersonImportRow) -> AsyncIterator[skills_pb2.PersonImportRow]:
    for row in rows:
        yield row


async def test_import_keeps_good_rows_and_reports_bad_ones(
    skills: skills_pb2_grpc.SkillsServiceStub, driver: AsyncDriver
) -> None:
    good = skills_pb2.PersonImportRow(
        person=person("i1"),
        levels=[
            skills_pb2.PersonLevelInput(skill_id="empathy", level=3),
            skills_pb2.PersonLevelInput(
                skill_id="case-work", level=2, source=skills_pb2.LEVEL_SOURCE_MANAGER
            ),
        ],
        actor="import",
    )
    bad_level = skills_pb2.PersonImportRow(
        person=person("i2"), levels=[skills_pb2.PersonLevelInput(skill_id="empathy", level=7)]
    )
    unknown_skill = skills_pb2.PersonImportRow(
        person=person("i3"),
        levels=[
            skills_pb2.PersonLevelInput(skill_id="empathy", level=2),
            skills_pb2.PersonLevelInput(skill_id="juggling", level=2),
        ],
    )
    bad_sector = skills_pb2.PersonImportRow(person=person("i4", sector=99))
    summary = await skills.ImportPeople(
        _rows(good, bad_level, unknown_skill, bad_sector), timeout=TIMEOUT_S
    )
    assert (summary.accepted, summary.rejected, summary.levels_written) == (1, 3, 2)
    assert [(e.row, e.id, e.field) for e in summary.errors] == [
        (2, "i2", "levels[0].level"),
        (3, "i3", "levels[1].skill_id"),
        (4, "i4", "person.sector"),
    ]
    assert await count(driver, "MATCH (p:Person) RETURN count(p)") == 1
    got = await skills.GetPerson(skills_pb2.GetPersonRequest(id="i1"), timeout=TIMEOUT_S)
    assert {(s.skill_id, s.level, s.source) for s in got.skills} == {
        ("empathy", 3, skills_pb2.LEVEL_SOURCE_SELF),
        ("case-work", 2, skills_pb2.LEVEL_SOURCE_MANAGER),
    }
    history = await skills.GetLevelHistory(
        skills_pb2.GetLevelHistoryRequest(person_id="i1"), timeout=TIMEOUT_S
    )
    assert {(c.skill_id, c.from_level, c.to_level, c.actor) for c in history.changes} == {
        ("empathy", 0, 3, "import"),
        ("case-work", 0, 2, "import"),
    }
