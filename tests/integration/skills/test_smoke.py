from __future__ import annotations

import pytest

from lps.common.v1 import common_pb2
from lps.skills.v1 import skills_pb2, skills_pb2_grpc

pytestmark = pytest.mark.neo4j


async def test_seeded_roles_rank_and_fit(skills: skills_pb2_grpc.SkillsServiceStub) -> None:
    roles = await skills.ListRoles(skills_pb2.ListRolesRequest(), timeout=10)
    assert [r.id for r in roles.roles] == ["architect", "navigator", "storyteller", "weaver"]
    await skills.UpsertPerson(
        skills_pb2.UpsertPersonRequest(
            person=skills_pb2.Person(
                id="p1", name="Ann", sector=common_pb2.SECTOR_PUBLIC, capacity_fte=0.5
            )
        ),
        timeout=10,
    )
    await skills.SetLevel(
        skills_pb2.SetLevelRequest(person_id="p1", skill_id="empathy", level=3), timeout=10
    )
    ranked = await skills.RankCandidates(
        skills_pb2.RankCandidatesRequest(role_id="navigator"), timeout=10
    )
    assert [c.person.id for c in ranked.candidates] == ["p1"]
    assert ranked.candidates[0].fit.fit == pytest.approx(2 / 9)
