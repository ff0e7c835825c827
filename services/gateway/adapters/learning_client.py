"""The matching service's LearningService as the gateway calls it: results,
closing, team history and the learning report, each with a deadline."""

from __future__ import annotations

import grpc

from lps.matching.v1 import matching_pb2, matching_pb2_grpc
from services.common.grpc_server import forwarding_request_ids
from services.gateway.adapters.channels import service_channel
from services.gateway.adapters.deadlines import Deadlines

SERVICE = "lps.matching.v1.LearningService"
# Reads only: a result recorded twice would be two results.
IDEMPOTENT_METHODS = ("ListResults", "GetTeamHistory", "GetLearningReport")


class LearningClient:
    def __init__(self, channel: grpc.aio.Channel, deadlines: Deadlines) -> None:
        self.channel = channel
        self.stub = matching_pb2_grpc.LearningServiceStub(forwarding_request_ids(channel))  # type: ignore[no-untyped-call]
        self.deadlines = deadlines

    @classmethod
    def connect(cls, target: str, deadlines: Deadlines) -> LearningClient:
        return cls(service_channel(target, SERVICE, IDEMPOTENT_METHODS), deadlines)

    async def close(self) -> None:
        await self.channel.close()

    async def record_result(self, result: matching_pb2.MeasureResult) -> matching_pb2.MeasureResult:
        response: matching_pb2.RecordResultResponse = await self.stub.RecordResult(
            matching_pb2.RecordResultRequest(result=result), timeout=self.deadlines.call_s
        )
        return response.result

    async def list_results(
        self, outcome_id: str, measure_id: str = ""
    ) -> list[matching_pb2.MeasureResult]:
        response: matching_pb2.ListResultsResponse = await self.stub.ListResults(
            matching_pb2.ListResultsRequest(outcome_id=outcome_id, measure_id=measure_id),
            timeout=self.deadlines.call_s,
        )
        return list(response.results)

    async def close_outcome(
        self, request: matching_pb2.CloseOutcomeRequest
    ) -> matching_pb2.Outcome:
        response: matching_pb2.Outcome = await self.stub.CloseOutcome(
            request, timeout=self.deadlines.call_s
        )
        return response

    async def team_history(
        self, outcome_id: str = "", person_id: str = ""
    ) -> list[matching_pb2.TeamHistoryMember]:
        response: matching_pb2.GetTeamHistoryResponse = await self.stub.GetTeamHistory(
            matching_pb2.GetTeamHistoryRequest(outcome_id=outcome_id, person_id=person_id),
            timeout=self.deadlines.call_s,
        )
        return list(response.members)

    async def learning_report(
        self, request: matching_pb2.GetLearningReportRequest
    ) -> matching_pb2.LearningReport:
        response: matching_pb2.LearningReport = await self.stub.GetLearningReport(
            request, timeout=self.deadlines.call_s
        )
        return response
