"""Small builders and graph probes shared by the skills integration tests."""

from __future__ import annotations

from typing import Any

from neo4j import AsyncDriver

from lps.common.v1 import common_pb2
from lps.skills.v1 import skills_pb2, skills_pb2_grpc

TIMEOUT_S = 20


def person(person_id: str = "p1", **fields: Any) -> skills_pb2.Person:
    values: dict[str, Any] = {
        "id": person_id,
        "name": f"Person {person_id}",
        "sector": common_pb2.SECTOR_PUBLIC,
        "organisation": "council",
        "locality": "Ladywood",
        "capacity_fte": 0.8,
        "day_rate": 350.0,
    }
    values.update(fields)
    return skills_pb2.Person(**values)


async def add_person(
    skills: skills_pb2_grpc.SkillsServiceStub, person_id: str = "p1", **fields: Any
) -> skills_pb2.Person:
    reply: skills_pb2.Person = await skills.UpsertPerson(
        skills_pb2.UpsertPersonRequest(person=person(person_id, **fields), actor="hr"),
        timeout=TIMEOUT_S,
    )
    return reply


async def set_level(
    skills: skills_pb2_grpc.SkillsServiceStub,
    person_id: str,
    skill_id: str,
    level: int,
    source: skills_pb2.LevelSource = skills_pb2.LEVEL_SOURCE_ASSESSMENT,
    **fields: Any,
) -> skills_pb2.PersonSkill:
    reply: skills_pb2.PersonSkill = await skills.SetLevel(
        skills_pb2.SetLevelRequest(
            person_id=person_id, skill_id=skill_id, level=level, source=source, **fields
        ),
        timeout=TIMEOUT_S,
    )
    return reply


async def count(driver: AsyncDriver, query: str, **params: Any) -> int:
    records, _, _ = await driver.execute_query(query, params)
    return int(records[0][0])


async def graph_size(driver: AsyncDriver) -> tuple[int, int]:
    nodes = await count(driver, "MATCH (n) RETURN count(n)")
    relationships = await count(driver, "MATCH ()-[r]->() RETURN count(r)")
    return nodes, relationships
