"""Commissioned outcomes."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from lps.matching.v1 import matching_pb2
from services.gateway.entrypoints.http.deps import Matching, ReadOutcomes, WriteOutcomes
from services.gateway.entrypoints.http.routes.lookup import location
from services.gateway.entrypoints.http.schemas.common import Page, PageSize, PathId, same_id
from services.gateway.entrypoints.http.schemas.outcomes import (
    Outcome,
    OutcomeCreate,
    OutcomeReplace,
)

router = APIRouter(prefix="/v1/outcomes", tags=["outcomes"])

OutcomeId = PathId


@router.post("", status_code=status.HTTP_201_CREATED, summary="Commission an outcome")
async def create_outcome(
    body: OutcomeCreate, _: WriteOutcomes, matching: Matching, response: Response
) -> Outcome:
    outcome_id = body.id or f"outcome-{uuid.uuid4().hex[:12]}"
    created = await matching.create_outcome(body.to_proto(outcome_id))
    response.headers["Location"] = location("/v1/outcomes", created.id)
    return Outcome.of(created)


@router.get("", summary="Outcomes, optionally of one locality, paged")
async def list_outcomes(
    _: ReadOutcomes,
    matching: Matching,
    locality: Annotated[str | None, Query(max_length=500)] = None,
    page_size: PageSize = 50,
    page_token: Annotated[str, Query(max_length=1000)] = "",
) -> Page[Outcome]:
    response = await matching.list_outcomes(
        matching_pb2.ListOutcomesRequest(
            locality=locality or "", page_size=page_size, page_token=page_token
        )
    )
    return Page(
        items=[Outcome.of(o) for o in response.outcomes],
        next_page_token=response.next_page_token or None,
    )


@router.get("/{outcome_id}", summary="One outcome")
async def get_outcome(outcome_id: OutcomeId, _: ReadOutcomes, matching: Matching) -> Outcome:
    return Outcome.of(await matching.get_outcome(outcome_id))


@router.put("/{outcome_id}", summary="Replace an outcome")
async def replace_outcome(
    outcome_id: OutcomeId, body: OutcomeReplace, _: WriteOutcomes, matching: Matching
) -> Outcome:
    same_id(outcome_id, body.id)
    return Outcome.of(await matching.update_outcome(body.to_proto(outcome_id)))


@router.delete("/{outcome_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete an outcome")
async def delete_outcome(outcome_id: OutcomeId, _: WriteOutcomes, matching: Matching) -> None:
    await matching.delete_outcome(outcome_id)
