"""Records stored under an id the id rule refuses: listed and erased by an admin.

Such a record was stored before the rule (services.common.identifiers); no
ordinary route reaches it, since its id cannot be one path segment. These
routes take the id in the body, exactly as stored.
"""

from __future__ import annotations

from fastapi import APIRouter, status

from services.gateway.entrypoints.http.deps import Matching, RepairIds, Skills
from services.gateway.entrypoints.http.schemas.admin import Erasure, UnreachableId
from services.gateway.entrypoints.http.schemas.common import Page
from services.gateway.service.unreachable import unreachable_records

router = APIRouter(prefix="/v1/admin", tags=["admin"])


@router.get(
    "/unreachable-ids",
    summary="Records stored under an id the id rule refuses, with the reason",
)
async def list_unreachable_ids(
    _: RepairIds, skills: Skills, matching: Matching
) -> Page[UnreachableId]:
    found = await unreachable_records(skills, matching)
    return Page(items=[UnreachableId(kind=u.kind, id=u.id, reason=u.reason) for u in found])


@router.post(
    "/erasures",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Erase a person (record, levels, history, assignments), a course or an outcome "
    "by its id as stored",
)
async def erase_by_exact_id(
    body: Erasure, key: RepairIds, skills: Skills, matching: Matching
) -> None:
    if body.kind == "course":
        await skills.delete_course(body.id, exact_id=True)
        return
    if body.kind == "outcome":
        # Matching takes any stored id on delete: deleting cannot create a bad one.
        await matching.delete_outcome(body.id)
        return
    # Matching first: if it fails the person still exists and the erase can be
    # retried; skills answers 404 when no person is stored under the id.
    await matching.forget_person(body.id, actor=key.id)
    await skills.erase_person(body.id, actor=key.id, exact_id=True)
