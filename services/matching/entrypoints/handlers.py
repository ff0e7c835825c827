"""One handler per concern of MatchingService: each parses its requests, calls
its use cases and maps the answer. Domain errors raised below become statuses
in the shared interceptor."""

from __future__ import annotations

from lps.matching.v1 import matching_pb2
from services.matching.entrypoints.outcome_mapping import outcome_from_proto, outcome_to_proto
from services.matching.entrypoints.planning_mapping import (
    completion_command_from_proto,
    gaps_report_to_proto,
    plan_command_from_proto,
    plan_to_proto,
)
from services.matching.entrypoints.staffing_mapping import (
    assignment_record_to_proto,
    proposal_to_proto,
    propose_command_from_proto,
)
from services.matching.service.erasure import PersonErasure
from services.matching.service.gaps import GapService
from services.matching.service.outcomes import OutcomeService
from services.matching.service.staffing import ProposalView, StaffingService
from services.matching.service.training import TrainingService


class OutcomeHandler:
    def __init__(self, outcomes: OutcomeService) -> None:
        self.outcomes = outcomes

    async def create(self, request: matching_pb2.CreateOutcomeRequest) -> matching_pb2.Outcome:
        created = await self.outcomes.create(outcome_from_proto(request.outcome))
        return outcome_to_proto(created)

    async def update(self, request: matching_pb2.UpdateOutcomeRequest) -> matching_pb2.Outcome:
        updated = await self.outcomes.update(outcome_from_proto(request.outcome))
        return outcome_to_proto(updated)

    async def get(self, request: matching_pb2.GetOutcomeRequest) -> matching_pb2.Outcome:
        return outcome_to_proto(await self.outcomes.get(request.id))

    async def list(
        self, request: matching_pb2.ListOutcomesRequest
    ) -> matching_pb2.ListOutcomesResponse:
        outcomes, next_token = await self.outcomes.list(
            request.locality, request.page_size, request.page_token
        )
        return matching_pb2.ListOutcomesResponse(
            outcomes=[outcome_to_proto(outcome) for outcome in outcomes],
            next_page_token=next_token,
        )

    async def delete(
        self, request: matching_pb2.DeleteOutcomeRequest
    ) -> matching_pb2.DeleteOutcomeResponse:
        await self.outcomes.delete(request.id)
        return matching_pb2.DeleteOutcomeResponse()


class StaffingHandler:
    def __init__(self, staffing: StaffingService) -> None:
        self.staffing = staffing

    async def propose(self, request: matching_pb2.ProposeStaffingRequest) -> matching_pb2.Proposal:
        return proposal_to_proto(await self.staffing.propose(propose_command_from_proto(request)))

    async def get(self, request: matching_pb2.GetProposalRequest) -> matching_pb2.Proposal:
        return proposal_to_proto(ProposalView(await self.staffing.get_proposal(request.id)))

    async def commit(self, request: matching_pb2.CommitProposalRequest) -> matching_pb2.Proposal:
        committed = await self.staffing.commit(request.id, request.actor)
        return proposal_to_proto(ProposalView(committed))

    async def assignments(
        self, request: matching_pb2.ListAssignmentsRequest
    ) -> matching_pb2.ListAssignmentsResponse:
        records = await self.staffing.assignments(request.outcome_id, request.person_id)
        return matching_pb2.ListAssignmentsResponse(
            assignments=[assignment_record_to_proto(record) for record in records]
        )

    async def release(
        self, request: matching_pb2.ReleaseAssignmentRequest
    ) -> matching_pb2.ReleaseAssignmentResponse:
        await self.staffing.release(request.outcome_id, request.person_id, request.actor)
        return matching_pb2.ReleaseAssignmentResponse()


class GapHandler:
    def __init__(self, gaps: GapService) -> None:
        self.gaps = gaps

    async def report(self, request: matching_pb2.ReportGapsRequest) -> matching_pb2.GapsReport:
        report = await self.gaps.report(
            request.locality,
            request.role_id,
            list(request.outcome_ids),
            request.closest_limit,
            solve=request.solve,
        )
        return gaps_report_to_proto(report)


class TrainingHandler:
    def __init__(self, training: TrainingService) -> None:
        self.training = training

    async def plan(self, request: matching_pb2.PlanTrainingRequest) -> matching_pb2.TrainingPlan:
        return plan_to_proto(await self.training.plan(plan_command_from_proto(request)))

    async def get(self, request: matching_pb2.GetTrainingPlanRequest) -> matching_pb2.TrainingPlan:
        return plan_to_proto(await self.training.get(request.id))

    async def list(
        self, request: matching_pb2.ListTrainingPlansRequest
    ) -> matching_pb2.ListTrainingPlansResponse:
        plans, token = await self.training.list(request.page_size, request.page_token)
        return matching_pb2.ListTrainingPlansResponse(
            plans=[plan_to_proto(plan) for plan in plans], next_page_token=token
        )

    async def record_completion(
        self, request: matching_pb2.RecordTrainingCompletionRequest
    ) -> matching_pb2.TrainingPlan:
        command = completion_command_from_proto(request)
        return plan_to_proto(await self.training.record_completion(command))


class ErasureHandler:
    def __init__(self, erasure: PersonErasure) -> None:
        self.erasure = erasure

    async def forget(
        self, request: matching_pb2.ForgetPersonRequest
    ) -> matching_pb2.ForgetPersonResponse:
        await self.erasure.forget(request.person_id)
        return matching_pb2.ForgetPersonResponse()
