"""Assignments: who is staffed where (by outcome or by person), and releasing one."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, status

from services.gateway.entrypoints.http.deps import Matching, ReadOutcomes, Skills, Staff
from services.gateway.entrypoints.http.schemas.common import Page
from services.gateway.entrypoints.http.schemas.outcomes import Assignment

router = APIRouter(tags=["assignments"])

OutcomeId = Annotated[str, Path(min_length=1, max_length=256)]
PersonId = Annotated[str, Path(min_length=1, max_length=256)]


@router.get(
    "/v1/outcomes/{outcome_id}/assignments",
    summary="The assignments of an outcome: proposed, committed and released",
)
async def outcome_assignments(
    outcome_id: OutcomeId, _: ReadOutcomes, matching: Matching
) -> Page[Assignment]:
    await matching.get_outcome(outcome_id)
    lines = await matching.list_assignments(outcome_id=outcome_id)
    return Page(items=[Assignment.of(line) for line in lines], next_page_token=None)


@router.get(
    "/v1/people/{person_id}/assignments",
    summary="The assignments of a person across outcomes",
)
async def person_assignments(
    person_id: PersonId, _: ReadOutcomes, skills: Skills, matching: Matching
) -> Page[Assignment]:
    await skills.get_person(person_id)
    lines = await matching.list_assignments(person_id=person_id)
    return Page(items=[Assignment.of(line) for line in lines], next_page_token=None)


@router.delete(
    "/v1/outcomes/{outcome_id}/assignments/{person_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Release a person's committed assignment: their capacity is free again",
)
async def release_assignment(
    outcome_id: OutcomeId, person_id: PersonId, key: Staff, matching: Matching
) -> None:
    await matching.release_assignment(outcome_id, person_id, actor=key.id)
