"""The matching service as the gateway calls it: one method per RPC, each with a
deadline. Calls that solve wait for matching's own time budget (its time policy)
plus a margin for everything around the solves."""

from __future__ import annotations

import grpc

from lps.matching.v1 import matching_pb2, matching_pb2_grpc
from services.common.grpc_server import forwarding_request_ids
from services.gateway.adapters.channels import service_channel
from services.gateway.adapters.deadlines import Deadlines
from services.gateway.adapters.health import is_serving
from services.matching.domain.time_budget import (
    gaps_time_budget_s,
    proposal_time_budget_s,
    training_time_budget_s,
)

SERVICE = "lps.matching.v1.MatchingService"
IDEMPOTENT_METHODS = (
    "GetOutcome",
    "ListOutcomes",
    "GetProposal",
    "ListAssignments",
    "ReportGaps",
    "UpdateOutcome",
    "GetTrainingPlan",
    "ListTrainingPlans",
)


class MatchingClient:
    def __init__(self, channel: grpc.aio.Channel, deadlines: Deadlines) -> None:
        self.channel = channel
        self.stub = matching_pb2_grpc.MatchingServiceStub(forwarding_request_ids(channel))  # type: ignore[no-untyped-call]
        self.deadlines = deadlines

    @classmethod
    def connect(cls, target: str, deadlines: Deadlines) -> MatchingClient:
        return cls(service_channel(target, SERVICE, IDEMPOTENT_METHODS), deadlines)

    async def close(self) -> None:
        await self.channel.close()

    async def serving(self) -> bool:
        return await is_serving(self.channel, SERVICE, self.deadlines.health_s)

    async def create_outcome(self, outcome: matching_pb2.Outcome) -> matching_pb2.Outcome:
        request = matching_pb2.CreateOutcomeRequest(outcome=outcome)
        response: matching_pb2.Outcome = await self.stub.CreateOutcome(
            request, timeout=self.deadlines.call_s
        )
        return response

    async def update_outcome(self, outcome: matching_pb2.Outcome) -> matching_pb2.Outcome:
        request = matching_pb2.UpdateOutcomeRequest(outcome=outcome)
        response: matching_pb2.Outcome = await self.stub.UpdateOutcome(
            request, timeout=self.deadlines.call_s
        )
        return response

    async def get_outcome(self, outcome_id: str) -> matching_pb2.Outcome:
        request = matching_pb2.GetOutcomeRequest(id=outcome_id)
        response: matching_pb2.Outcome = await self.stub.GetOutcome(
            request, timeout=self.deadlines.call_s
        )
        return response

    async def list_outcomes(
        self, request: matching_pb2.ListOutcomesRequest
    ) -> matching_pb2.ListOutcomesResponse:
        response: matching_pb2.ListOutcomesResponse = await self.stub.ListOutcomes(
            request, timeout=self.deadlines.call_s
        )
        return response

    async def delete_outcome(self, outcome_id: str) -> None:
        request = matching_pb2.DeleteOutcomeRequest(id=outcome_id)
        await self.stub.DeleteOutcome(request, timeout=self.deadlines.call_s)

    async def propose_staffing(
        self, request: matching_pb2.ProposeStaffingRequest
    ) -> matching_pb2.Proposal:
        solving = proposal_time_budget_s(request.time_limit_s, request.HasField("what_if"))
        deadline = solving + self.deadlines.staffing_margin_s
        response: matching_pb2.Proposal = await self.stub.ProposeStaffing(request, timeout=deadline)
        return response

    async def get_proposal(self, proposal_id: str) -> matching_pb2.Proposal:
        request = matching_pb2.GetProposalRequest(id=proposal_id)
        response: matching_pb2.Proposal = await self.stub.GetProposal(
            request, timeout=self.deadlines.call_s
        )
        return response

    async def commit_proposal(self, proposal_id: str, actor: str) -> matching_pb2.Proposal:
        request = matching_pb2.CommitProposalRequest(id=proposal_id, actor=actor)
        response: matching_pb2.Proposal = await self.stub.CommitProposal(
            request, timeout=self.deadlines.call_s
        )
        return response

    async def list_assignments(
        self, outcome_id: str = "", person_id: str = ""
    ) -> list[matching_pb2.Assignment]:
        request = matching_pb2.ListAssignmentsRequest(outcome_id=outcome_id, person_id=person_id)
        response: matching_pb2.ListAssignmentsResponse = await self.stub.ListAssignments(
            request, timeout=self.deadlines.call_s
        )
        return list(response.assignments)

    async def release_assignment(self, outcome_id: str, person_id: str, actor: str) -> None:
        request = matching_pb2.ReleaseAssignmentRequest(
            outcome_id=outcome_id, person_id=person_id, actor=actor
        )
        await self.stub.ReleaseAssignment(request, timeout=self.deadlines.call_s)

    async def forget_person(self, person_id: str, actor: str) -> None:
        request = matching_pb2.ForgetPersonRequest(person_id=person_id, actor=actor)
        await self.stub.ForgetPerson(request, timeout=self.deadlines.call_s)

    async def report_gaps(self, request: matching_pb2.ReportGapsRequest) -> matching_pb2.GapsReport:
        solving = gaps_time_budget_s(request.solve)
        deadline = self.deadlines.call_s + solving + self.deadlines.staffing_margin_s
        response: matching_pb2.GapsReport = await self.stub.ReportGaps(request, timeout=deadline)
        return response

    async def plan_training(
        self, request: matching_pb2.PlanTrainingRequest
    ) -> matching_pb2.TrainingPlan:
        solving = training_time_budget_s(request.options.time_limit_s)
        deadline = solving + self.deadlines.staffing_margin_s
        response: matching_pb2.TrainingPlan = await self.stub.PlanTraining(
            request, timeout=deadline
        )
        return response

    async def get_training_plan(self, plan_id: str) -> matching_pb2.TrainingPlan:
        request = matching_pb2.GetTrainingPlanRequest(id=plan_id)
        response: matching_pb2.TrainingPlan = await self.stub.GetTrainingPlan(
            request, timeout=self.deadlines.call_s
        )
        return response

    async def list_training_plans(
        self, request: matching_pb2.ListTrainingPlansRequest
    ) -> matching_pb2.ListTrainingPlansResponse:
        response: matching_pb2.ListTrainingPlansResponse = await self.stub.ListTrainingPlans(
            request, timeout=self.deadlines.call_s
        )
        return response

    async def record_training_completion(
        self, request: matching_pb2.RecordTrainingCompletionRequest
    ) -> matching_pb2.TrainingPlan:
        response: matching_pb2.TrainingPlan = await self.stub.RecordTrainingCompletion(
            request, timeout=self.deadlines.call_s
        )
        return response
