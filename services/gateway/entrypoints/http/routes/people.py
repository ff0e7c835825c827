"""People, their levels and their fit to a role."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from lps.skills.v1 import skills_pb2
from services.common.errors import AlreadyExists
from services.gateway.adapters.enums import SOURCE_TO_PROTO
from services.gateway.domain.vocabulary import LevelSource, Sector
from services.gateway.entrypoints.http.deps import (
    Matching,
    ReadDirectory,
    Skills,
    WritePeople,
)
from services.gateway.entrypoints.http.routes.lookup import exists, location
from services.gateway.entrypoints.http.schemas.common import (
    Identifier,
    Page,
    PageSize,
    PathId,
    same_id,
)
from services.gateway.entrypoints.http.schemas.people import (
    Fit,
    LevelBody,
    Person,
    PersonCreate,
    PersonReplace,
    PersonSkill,
    people_filter,
)

router = APIRouter(prefix="/v1/people", tags=["people"])

PersonId = PathId
SkillId = PathId


@router.get("", summary="People, filtered and paged")
async def list_people(
    _: ReadDirectory,
    skills: Skills,
    sector: Sector | None = None,
    organisation: Annotated[str | None, Query(max_length=500)] = None,
    locality: Annotated[str | None, Query(max_length=500)] = None,
    skill: Annotated[str | None, Query(max_length=512)] = None,
    min_level: Annotated[int | None, Query(ge=1, le=4)] = None,
    page_size: PageSize = 50,
    page_token: Annotated[str, Query(max_length=1000)] = "",
) -> Page[Person]:
    response = await skills.list_people(
        skills_pb2.ListPeopleRequest(
            filter=people_filter(sector, organisation, locality, skill, min_level),
            page_size=page_size,
            page_token=page_token,
        )
    )
    return Page(
        items=[Person.of(p) for p in response.people],
        next_page_token=response.next_page_token or None,
    )


@router.post("", status_code=status.HTTP_201_CREATED, summary="Add a person")
async def create_person(
    body: PersonCreate, key: WritePeople, skills: Skills, response: Response
) -> Person:
    if await exists(skills.get_person(body.id)):
        raise AlreadyExists(f"person {body.id!r} exists; PUT /v1/people/{body.id} replaces it")
    created = await skills.upsert_person(body.to_proto(body.id), actor=key.id)
    response.headers["Location"] = location("/v1/people", created.id)
    return Person.of(created)


@router.get("/{person_id}", summary="One person with their levels")
async def get_person(person_id: PersonId, _: ReadDirectory, skills: Skills) -> Person:
    return Person.of(await skills.get_person(person_id))


@router.put("/{person_id}", summary="Create or replace a person")
async def replace_person(
    person_id: PersonId, body: PersonReplace, key: WritePeople, skills: Skills
) -> Person:
    same_id(person_id, body.id)
    return Person.of(await skills.upsert_person(body.to_proto(person_id), actor=key.id))


@router.delete(
    "/{person_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Erase a person: their record, levels, history and assignments",
)
async def erase_person(
    person_id: PersonId, key: WritePeople, skills: Skills, matching: Matching
) -> None:
    await skills.get_person(person_id)
    # Matching first: if it fails the person still exists and the erase can be retried.
    await matching.forget_person(person_id, actor=key.id)
    await skills.erase_person(person_id, actor=key.id)


@router.put("/{person_id}/skills/{skill_id:path}", summary="Set a person's level in a skill")
async def set_level(
    person_id: PersonId, skill_id: SkillId, body: LevelBody, key: WritePeople, skills: Skills
) -> PersonSkill:
    return PersonSkill.of(await skills.set_level(body.to_proto(person_id, skill_id, key.id)))


@router.delete(
    "/{person_id}/skills/{skill_id:path}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Remove a person's level (one source's, or every source's)",
)
async def remove_level(
    person_id: PersonId,
    skill_id: SkillId,
    key: WritePeople,
    skills: Skills,
    source: LevelSource | None = None,
) -> None:
    await skills.remove_level(
        skills_pb2.RemoveLevelRequest(
            person_id=person_id,
            skill_id=skill_id,
            source=SOURCE_TO_PROTO[source] if source else skills_pb2.LEVEL_SOURCE_UNSPECIFIED,  # type: ignore[arg-type]
            actor=key.id,
        )
    )


@router.get("/{person_id}/fit", summary="Fit to a role, explained, with what to learn")
async def get_fit(
    person_id: PersonId,
    role: Annotated[Identifier, Query(description="The role's id")],
    _: ReadDirectory,
    skills: Skills,
) -> Fit:
    return Fit.of(await skills.get_fit(person_id, role, include_gaps=True))
