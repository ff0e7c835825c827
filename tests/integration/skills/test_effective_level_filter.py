"""The people filter by skill level counts the same effective level as fit does."""

from __future__ import annotations

import pytest

from lps.common.v1 import common_pb2
from lps.skills.v1 import skills_pb2, skills_pb2_grpc
from tests.integration.skills.support import TIMEOUT_S, add_person, set_level

pytestmark = [pytest.mark.neo4j, pytest.mark.integration]

TRAINING = skills_pb2.LEVEL_SOURCE_TRAINING
ASSESSMENT = skills_pb2.LEVEL_SOURCE_ASSESSMENT
SELF = skills_pb2.LEVEL_SOURCE_SELF


async def test_a_completed_course_counts_in_the_filter_and_a_self_claim_does_not(
    skills: skills_pb2_grpc.SkillsServiceStub,
) -> None:
    await skills.UpsertSkill(
        skills_pb2.UpsertSkillRequest(skill=skills_pb2.Skill(id="empathy", label="Empathy")),
        timeout=TIMEOUT_S,
    )
    for person_id in ("trained", "boasting", "assessed-later"):
        await add_person(skills, person_id)
    # Assessed at 2, then a course to 3: progress counts.
    await set_level(skills, "trained", "empathy", 2, ASSESSMENT, assessed_at="2025-01-01")
    await set_level(skills, "trained", "empathy", 3, TRAINING, assessed_at="2025-06-01")
    # Assessed at 1, then claims 4 themself: the assessment stands.
    await set_level(skills, "boasting", "empathy", 1, ASSESSMENT, assessed_at="2025-01-01")
    await set_level(skills, "boasting", "empathy", 4, SELF, assessed_at="2025-06-01")
    # A course to 3, then a later assessment at 2: the assessment speaks last.
    await set_level(skills, "assessed-later", "empathy", 3, TRAINING, assessed_at="2025-01-01")
    await set_level(skills, "assessed-later", "empathy", 2, ASSESSMENT, assessed_at="2025-06-01")

    async def ids_at(level: int) -> list[str]:
        page = await skills.ListPeople(
            skills_pb2.ListPeopleRequest(
                filter=common_pb2.PeopleFilter(skill_id="empathy", min_level=level)
            ),
            timeout=TIMEOUT_S,
        )
        return [p.id for p in page.people]

    assert await ids_at(3) == ["trained"]
    assert await ids_at(2) == ["assessed-later", "trained"]
    assert await ids_at(1) == ["assessed-later", "boasting", "trained"]
    # The person's own record agrees with the filter.
    trained = await skills.GetPerson(skills_pb2.GetPersonRequest(id="trained"), timeout=TIMEOUT_S)
    assert [(s.level, s.source) for s in trained.skills] == [(3, TRAINING)]
