"""Roles, their requirements, and the candidates who fit them best."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from lps.skills.v1 import skills_pb2
from services.gateway.domain.vocabulary import Sector
from services.gateway.entrypoints.http.deps import ReadDirectory, Skills, WriteCatalogue
from services.gateway.entrypoints.http.schemas.catalogue import Role, RoleReplace
from services.gateway.entrypoints.http.schemas.common import Page, PathId, same_id
from services.gateway.entrypoints.http.schemas.people import Candidate, people_filter

router = APIRouter(prefix="/v1/roles", tags=["roles"])

RoleId = PathId


@router.get("", summary="Every role")
async def list_roles(_: ReadDirectory, skills: Skills) -> Page[Role]:
    return Page(items=[Role.of(r) for r in await skills.list_roles()])


@router.get("/{role_id}", summary="One role with its requirements")
async def get_role(role_id: RoleId, _: ReadDirectory, skills: Skills) -> Role:
    return Role.of(await skills.get_role(role_id))


@router.put("/{role_id}", summary="Create or replace a role")
async def replace_role(
    role_id: RoleId, body: RoleReplace, _: WriteCatalogue, skills: Skills
) -> Role:
    same_id(role_id, body.id)
    return Role.of(await skills.upsert_role(body.to_proto(role_id)))


@router.get("/{role_id}/candidates", summary="The people who fit the role best")
async def rank_candidates(
    role_id: RoleId,
    _: ReadDirectory,
    skills: Skills,
    sector: Sector | None = None,
    organisation: Annotated[str | None, Query(max_length=500)] = None,
    locality: Annotated[str | None, Query(max_length=500)] = None,
    skill: Annotated[str | None, Query(max_length=512)] = None,
    min_level: Annotated[int | None, Query(ge=1, le=4)] = None,
    available_from: Annotated[
        date | None, Query(description="Available over the whole period from this day")
    ] = None,
    available_until: Annotated[
        date | None, Query(description="Available over the whole period until this day")
    ] = None,
    clearance: Annotated[
        str | None,
        Query(min_length=1, max_length=200, description="Holds a clearance of this kind"),
    ] = None,
    clearance_valid_until: Annotated[
        date | None,
        Query(description="The clearance is still valid on this day (default: today)"),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 20,
) -> Page[Candidate]:
    candidates = await skills.rank_candidates(
        skills_pb2.RankCandidatesRequest(
            role_id=role_id,
            filter=people_filter(
                sector,
                organisation,
                locality,
                skill,
                min_level,
                available_from=available_from,
                available_until=available_until,
                clearance=clearance,
                clearance_valid_until=clearance_valid_until,
            ),
            limit=limit,
        )
    )
    return Page(items=[Candidate.of(c) for c in candidates])
