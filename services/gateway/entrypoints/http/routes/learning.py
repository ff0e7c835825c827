"""Shared learning: results against an outcome's measures, closing it with an
assessment, the team kept as history, and the learning report (with its CSV)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status
from fastapi.responses import StreamingResponse

from services.gateway.domain.vocabulary import LearningGrouping
from services.gateway.entrypoints.http.deps import (
    Learning,
    ReadGaps,
    ReadOutcomes,
    Skills,
    WriteOutcomes,
)
from services.gateway.entrypoints.http.routes.lookup import CSV_RESPONSE, csv_download
from services.gateway.entrypoints.http.schemas.common import Page, PathId
from services.gateway.entrypoints.http.schemas.learning import (
    Closing,
    LearningReport,
    Result,
    ResultRecord,
    TeamMember,
    learning_request,
)
from services.gateway.entrypoints.http.schemas.outcomes import Outcome
from services.gateway.service.learning import learning_csv

router = APIRouter(tags=["learning"])

OutcomeId = PathId
PersonId = PathId
GroupBy = Annotated[
    LearningGrouping,
    Query(description="What the groups are: locality, approach or priority; default locality"),
]
MinGroupSize = Annotated[
    int | None,
    Query(
        ge=1,
        le=1000,
        description="Groups with fewer closed outcomes show counts but no figures, 1 to 1,000; "
        "absent: the service's default",
    ),
]


@router.post(
    "/v1/outcomes/{outcome_id}/results",
    status_code=status.HTTP_201_CREATED,
    summary="Record a result of one of the outcome's measures at a date",
)
async def record_result(
    outcome_id: OutcomeId, body: ResultRecord, _: WriteOutcomes, learning: Learning
) -> Result:
    return Result.of(await learning.record_result(body.to_proto(outcome_id)))


@router.get(
    "/v1/outcomes/{outcome_id}/results",
    summary="The results recorded for an outcome, by measure and date",
)
async def list_results(
    outcome_id: OutcomeId,
    _: ReadOutcomes,
    learning: Learning,
    measure_id: Annotated[
        str, Query(max_length=256, description="Only this measure; absent: every measure")
    ] = "",
) -> Page[Result]:
    results = await learning.list_results(outcome_id, measure_id)
    return Page(items=[Result.of(r) for r in results], next_page_token=None)


@router.post(
    "/v1/outcomes/{outcome_id}/close",
    summary="Close an outcome with its final assessment; its committed team is kept as history",
)
async def close_outcome(
    outcome_id: OutcomeId, body: Closing, _: WriteOutcomes, learning: Learning
) -> Outcome:
    return Outcome.of(await learning.close_outcome(body.to_proto(outcome_id)))


@router.get(
    "/v1/outcomes/{outcome_id}/team-history",
    summary="Who served a closed outcome, in which role, sector and FTE, from when to when",
)
async def team_history(
    outcome_id: OutcomeId, _: ReadOutcomes, learning: Learning
) -> Page[TeamMember]:
    members = await learning.team_history(outcome_id=outcome_id)
    return Page(items=[TeamMember.of(m) for m in members], next_page_token=None)


@router.get(
    "/v1/people/{person_id}/team-history",
    summary="The closed outcomes a person served on: role, sector, FTE, from when to when",
)
async def person_team_history(
    person_id: PersonId, _: ReadOutcomes, skills: Skills, learning: Learning
) -> Page[TeamMember]:
    await skills.get_person(person_id)
    members = await learning.team_history(person_id=person_id)
    return Page(items=[TeamMember.of(m) for m in members], next_page_token=None)


@router.get(
    "/v1/learning",
    summary="How team composition went with results over closed outcomes, by group "
    "(associations with counts, never causes)",
)
async def learning_report(
    _: ReadGaps,
    learning: Learning,
    group_by: GroupBy = LearningGrouping.LOCALITY,
    min_group_size: MinGroupSize = None,
) -> LearningReport:
    return LearningReport.of(
        await learning.learning_report(learning_request(group_by, min_group_size))
    )


@router.get(
    "/v1/exports/learning.csv",
    tags=["exports"],
    summary="The learning report as CSV: a row per figure with its count, withheld ones empty",
    response_class=StreamingResponse,
    responses=CSV_RESPONSE,
)
async def export_learning(
    _: ReadGaps,
    learning: Learning,
    group_by: GroupBy = LearningGrouping.LOCALITY,
    min_group_size: MinGroupSize = None,
) -> StreamingResponse:
    report = await learning.learning_report(learning_request(group_by, min_group_size))
    return csv_download(learning_csv(report), "learning.csv")
