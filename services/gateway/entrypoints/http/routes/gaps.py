"""Gap reports for training planners."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from lps.matching.v1 import matching_pb2
from services.gateway.entrypoints.http.deps import Matching, ReadGaps
from services.gateway.entrypoints.http.schemas.outcomes import Gaps

router = APIRouter(prefix="/v1/gaps", tags=["gaps"])

ClosestLimit = Annotated[int, Query(ge=1, le=100)]
Solve = Annotated[
    bool,
    Query(
        description="Also run staffing once (bounded) to learn which open places stay empty; "
        "without it they are counted from supply"
    ),
]


@router.get("", summary="Demand of the open outcomes against supply, per role and skill")
async def report_gaps(
    _: ReadGaps,
    matching: Matching,
    locality: Annotated[str | None, Query(max_length=500)] = None,
    role: Annotated[str | None, Query(max_length=256)] = None,
    closest_limit: ClosestLimit = 5,
    solve: Solve = False,
) -> Gaps:
    return Gaps.of(
        await matching.report_gaps(
            matching_pb2.ReportGapsRequest(
                locality=locality or "",
                role_id=role or "",
                closest_limit=closest_limit,
                solve=solve,
            )
        )
    )


@router.get("/outcomes/{outcome_id}", summary="The gaps of one outcome's team")
async def report_outcome_gaps(
    outcome_id: Annotated[str, Path(min_length=1, max_length=256)],
    _: ReadGaps,
    matching: Matching,
    closest_limit: ClosestLimit = 5,
    solve: Solve = False,
) -> Gaps:
    return Gaps.of(
        await matching.report_gaps(
            matching_pb2.ReportGapsRequest(
                outcome_ids=[outcome_id], closest_limit=closest_limit, solve=solve
            )
        )
    )
