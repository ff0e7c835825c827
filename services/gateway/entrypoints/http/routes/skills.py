"""The skills catalogue."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from lps.skills.v1 import skills_pb2
from services.common.errors import AlreadyExists
from services.gateway.entrypoints.http.deps import ReadDirectory, Skills, WriteCatalogue
from services.gateway.entrypoints.http.routes.lookup import exists, location
from services.gateway.entrypoints.http.schemas.catalogue import Skill, SkillCreate, SkillReplace
from services.gateway.entrypoints.http.schemas.common import Page, PageSize, PathId, same_id

router = APIRouter(prefix="/v1/skills", tags=["skills"])

# ESCO ids are URIs; the path converter lets them through unescaped.
SkillId = PathId


@router.get(
    "",
    summary="Search skills by words in label, alternative labels or description",
    description="Ranked by relevance: an exact label first, then label, alternative label and "
    "description hits; words in any order, plurals and other forms of a word match. "
    "Without q, every skill by id.",
)
async def search_skills(
    _: ReadDirectory,
    skills: Skills,
    q: Annotated[str, Query(max_length=200)] = "",
    page_size: PageSize = 50,
    page_token: Annotated[str, Query(max_length=1000)] = "",
) -> Page[Skill]:
    response = await skills.search_skills(
        skills_pb2.SearchSkillsRequest(query=q, page_size=page_size, page_token=page_token)
    )
    return Page(
        items=[Skill.of(s) for s in response.skills],
        next_page_token=response.next_page_token or None,
    )


@router.post("", status_code=status.HTTP_201_CREATED, summary="Add a skill")
async def create_skill(
    body: SkillCreate, _: WriteCatalogue, skills: Skills, response: Response
) -> Skill:
    if await exists(skills.get_skill(body.id)):
        raise AlreadyExists(f"skill {body.id!r} exists; PUT replaces it")
    created = await skills.upsert_skill(body.to_proto(body.id))
    response.headers["Location"] = location("/v1/skills", created.id)
    return Skill.of(created)


@router.get("/{skill_id:path}", summary="One skill with its broader, narrower and related skills")
async def get_skill(skill_id: SkillId, _: ReadDirectory, skills: Skills) -> Skill:
    return Skill.of(await skills.get_skill(skill_id))


@router.put("/{skill_id:path}", summary="Create or replace a skill")
async def replace_skill(
    skill_id: SkillId, body: SkillReplace, _: WriteCatalogue, skills: Skills
) -> Skill:
    same_id(skill_id, body.id)
    return Skill.of(await skills.upsert_skill(body.to_proto(skill_id)))
