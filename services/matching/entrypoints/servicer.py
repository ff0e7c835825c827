"""The gRPC face of the matching service: parse, call a use case, answer.
Domain errors raised below become statuses in the shared interceptor."""

from __future__ import annotations

import grpc

from lps.matching.v1 import matching_pb2, matching_pb2_grpc
from services.matching.entrypoints.mapping import (
    assignment_record_to_proto,
    gaps_report_to_proto,
    outcome_draft_from,
    outcome_to_proto,
    proposal_to_proto,
    propose_command_from,
)
from services.matching.service.gaps import GapService
from services.matching.service.outcomes import OutcomeService
from services.matching.service.staffing import ProposalView, StaffingService


class MatchingServicer(matching_pb2_grpc.MatchingServiceServicer):
    def __init__(
        self, outcomes: OutcomeService, staffing: StaffingService, gaps: GapService
    ) -> None:
        self.outcomes = outcomes
        self.staffing = staffing
        self.gaps = gaps

    async def CreateOutcome(  # noqa: N802
        self, request: matching_pb2.CreateOutcomeRequest, context: grpc.aio.ServicerContext
    ) -> matching_pb2.Outcome:
        return outcome_to_proto(await self.outcomes.create(outcome_draft_from(request.outcome)))

    async def UpdateOutcome(  # noqa: N802
        self, request: matching_pb2.UpdateOutcomeRequest, context: grpc.aio.ServicerContext
    ) -> matching_pb2.Outcome:
        return outcome_to_proto(await self.outcomes.update(outcome_draft_from(request.outcome)))

    async def GetOutcome(  # noqa: N802
        self, request: matching_pb2.GetOutcomeRequest, context: grpc.aio.ServicerContext
    ) -> matching_pb2.Outcome:
        return outcome_to_proto(await self.outcomes.get(request.id))

    async def ListOutcomes(  # noqa: N802
        self, request: matching_pb2.ListOutcomesRequest, context: grpc.aio.ServicerContext
    ) -> matching_pb2.ListOutcomesResponse:
        outcomes, next_token = await self.outcomes.list(
            request.locality, request.page_size, request.page_token
        )
        return matching_pb2.ListOutcomesResponse(
            outcomes=[outcome_to_proto(outcome) for outcome in outcomes],
            next_page_token=next_token,
        )

    async def DeleteOutcome(  # noqa: N802
        self, request: matching_pb2.DeleteOutcomeRequest, context: grpc.aio.ServicerContext
    ) -> matching_pb2.DeleteOutcomeResponse:
        await self.outcomes.delete(request.id)
        return matching_pb2.DeleteOutcomeResponse()

    async def ProposeStaffing(  # noqa: N802
        self, request: matching_pb2.ProposeStaffingRequest, context: grpc.aio.ServicerContext
    ) -> matching_pb2.Proposal:
        return proposal_to_proto(await self.staffing.propose(propose_command_from(request)))

    async def GetProposal(  # noqa: N802
        self, request: matching_pb2.GetProposalRequest, context: grpc.aio.ServicerContext
    ) -> matching_pb2.Proposal:
        return proposal_to_proto(ProposalView(await self.staffing.get_proposal(request.id)))

    async def CommitProposal(  # noqa: N802
        self, request: matching_pb2.CommitProposalRequest, context: grpc.aio.ServicerContext
    ) -> matching_pb2.Proposal:
        return proposal_to_proto(
            ProposalView(await self.staffing.commit(request.id, request.actor))
        )

    async def ListAssignments(  # noqa: N802
        self, request: matching_pb2.ListAssignmentsRequest, context: grpc.aio.ServicerContext
    ) -> matching_pb2.ListAssignmentsResponse:
        records = await self.staffing.assignments(request.outcome_id, request.person_id)
        return matching_pb2.ListAssignmentsResponse(
            assignments=[assignment_record_to_proto(record) for record in records]
        )

    async def ReleaseAssignment(  # noqa: N802
        self, request: matching_pb2.ReleaseAssignmentRequest, context: grpc.aio.ServicerContext
    ) -> matching_pb2.ReleaseAssignmentResponse:
        await self.staffing.release(request.outcome_id, request.person_id, request.actor)
        return matching_pb2.ReleaseAssignmentResponse()

    async def ForgetPerson(  # noqa: N802
        self, request: matching_pb2.ForgetPersonRequest, context: grpc.aio.ServicerContext
    ) -> matching_pb2.ForgetPersonResponse:
        await self.staffing.forget_person(request.person_id)
        return matching_pb2.ForgetPersonResponse()

    async def ReportGaps(  # noqa: N802
        self, request: matching_pb2.ReportGapsRequest, context: grpc.aio.ServicerContext
    ) -> matching_pb2.GapsReport:
        report = await self.gaps.report(
            request.locality,
            request.role_id,
            list(request.outcome_ids),
            request.closest_limit,
            solve=request.solve,
        )
        return gaps_report_to_proto(report)
