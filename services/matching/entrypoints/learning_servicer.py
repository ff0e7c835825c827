"""The gRPC face of shared learning: parse, call the use case, answer."""

from __future__ import annotations

import grpc

from lps.matching.v1 import matching_pb2, matching_pb2_grpc
from services.common.errors import InvalidArgument
from services.matching.adapters.vocabulary import ASSESSMENTS, GROUPINGS, SECTORS
from services.matching.domain.learning import (
    ClosingDraft,
    MeasureResult,
    ResultDraft,
    TeamMember,
)
from services.matching.domain.learning_report import Grouping, LearningReport
from services.matching.entrypoints.outcome_mapping import outcome_to_proto
from services.matching.service.learning import LearningService


def result_to_proto(result: MeasureResult) -> matching_pb2.MeasureResult:
    return matching_pb2.MeasureResult(
        outcome_id=result.outcome_id,
        measure_id=result.measure_id,
        value=result.value,
        date=result.on.isoformat(),
        source=result.source,
        note=result.note,
        recorded_at=result.recorded_at.isoformat() if result.recorded_at else "",
    )


def member_to_proto(member: TeamMember) -> matching_pb2.TeamHistoryMember:
    return matching_pb2.TeamHistoryMember(
        outcome_id=member.outcome_id,
        person_id=member.person_id,
        role_id=member.role_id,
        sector=SECTORS.to_proto(member.sector),
        fte=member.fte,
        start=member.start.isoformat(),
        end=member.end.isoformat(),
        fit=member.fit,
    )


def report_to_proto(report: LearningReport) -> matching_pb2.LearningReport:
    return matching_pb2.LearningReport(
        group_by=GROUPINGS.to_proto(report.group_by),
        min_group_size=report.min_group_size,
        groups=[
            matching_pb2.LearningGroup(
                key=group.key,
                outcomes=group.outcomes,
                reported=group.reported,
                figures=[
                    matching_pb2.LearningFigure(name=f.name, value=f.value, count=f.count)
                    for f in group.figures
                ],
                contributions=[
                    matching_pb2.SectorAmount(
                        sector=SECTORS.to_proto(c.sector),
                        amount=c.amount,
                    )
                    for c in group.contributions
                ],
            )
            for group in report.groups
        ],
        notes=list(report.notes),
    )


class LearningServicer(matching_pb2_grpc.LearningServiceServicer):
    def __init__(self, learning: LearningService) -> None:
        self.learning = learning

    async def RecordResult(  # noqa: N802
        self, request: matching_pb2.RecordResultRequest, context: grpc.aio.ServicerContext
    ) -> matching_pb2.RecordResultResponse:
        given = request.result
        draft = ResultDraft(
            outcome_id=given.outcome_id,
            measure_id=given.measure_id,
            value=given.value,
            on=given.date,
            source=given.source,
            note=given.note,
        )
        stored = await self.learning.record_result(draft)
        return matching_pb2.RecordResultResponse(result=result_to_proto(stored))

    async def ListResults(  # noqa: N802
        self, request: matching_pb2.ListResultsRequest, context: grpc.aio.ServicerContext
    ) -> matching_pb2.ListResultsResponse:
        results = await self.learning.results(request.outcome_id, request.measure_id)
        return matching_pb2.ListResultsResponse(results=[result_to_proto(r) for r in results])

    async def CloseOutcome(  # noqa: N802
        self, request: matching_pb2.CloseOutcomeRequest, context: grpc.aio.ServicerContext
    ) -> matching_pb2.Outcome:
        draft = ClosingDraft(
            outcome_id=request.outcome_id,
            assessment=ASSESSMENTS.of_proto(request.assessment),
            note=request.note,
            closed_on=request.closed_on,
        )
        return outcome_to_proto(await self.learning.close(draft))

    async def GetTeamHistory(  # noqa: N802
        self, request: matching_pb2.GetTeamHistoryRequest, context: grpc.aio.ServicerContext
    ) -> matching_pb2.GetTeamHistoryResponse:
        members = await self.learning.team_history(request.outcome_id, request.person_id)
        return matching_pb2.GetTeamHistoryResponse(members=[member_to_proto(m) for m in members])

    async def GetLearningReport(  # noqa: N802
        self, request: matching_pb2.GetLearningReportRequest, context: grpc.aio.ServicerContext
    ) -> matching_pb2.LearningReport:
        # Unspecified: by locality, the grouping planners ask for first.
        group_by = GROUPINGS.of_proto_or(request.group_by, Grouping.LOCALITY)
        if request.group_by and GROUPINGS.of_proto(request.group_by) is None:
            raise InvalidArgument.of("group_by", "must be locality, approach or priority")
        return report_to_proto(await self.learning.report(group_by, request.min_group_size))
