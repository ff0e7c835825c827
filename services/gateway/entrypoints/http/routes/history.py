"""A person's level history, and relations between skills."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from services.gateway.entrypoints.http.deps import ReadDirectory, Skills, WriteCatalogue
from services.gateway.entrypoints.http.schemas.common import Page
from services.gateway.entrypoints.http.schemas.ways_in import LevelHistoryEntry, SkillRelation

router = APIRouter(tags=["people", "skills"])

PersonId = Annotated[str, Path(min_length=1, max_length=256)]


@router.get(
    "/v1/people/{person_id}/history",
    summary="Every change of a person's levels, oldest first (one skill with ?skill=)",
)
async def level_history(
    person_id: PersonId,
    _: ReadDirectory,
    skills: Skills,
    skill: Annotated[str, Query(max_length=512, description="Only this skill")] = "",
) -> Page[LevelHistoryEntry]:
    changes = await skills.level_history(person_id, skill)
    return Page(items=[LevelHistoryEntry.of(c) for c in changes], next_page_token=None)


@router.put(
    "/v1/skill-relations",
    summary="Relate two skills (similarity 0..1; 0 removes the relation)",
)
async def relate_skills(body: SkillRelation, _: WriteCatalogue, skills: Skills) -> SkillRelation:
    await skills.relate_skills(body.skill_id, body.related_skill_id, body.similarity)
    return body
