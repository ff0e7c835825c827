"""MatchingService on the wire: each RPC handed to the handler of its concern.
Composed from handlers, so a new concern is a new handler, not a subclass."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

import grpc

from lps.matching.v1 import matching_pb2, matching_pb2_grpc
from services.matching.entrypoints.handlers import (
    ErasureHandler,
    GapHandler,
    OutcomeHandler,
    StaffingHandler,
    TrainingHandler,
)

Context: TypeAlias = grpc.aio.ServicerContext


@dataclass(frozen=True)
class MatchingHandlers:
    outcomes: OutcomeHandler
    staffing: StaffingHandler
    gaps: GapHandler
    training: TrainingHandler
    erasure: ErasureHandler


class MatchingServicer(matching_pb2_grpc.MatchingServiceServicer):
    def __init__(self, handlers: MatchingHandlers) -> None:
        self.outcomes = handlers.outcomes
        self.staffing = handlers.staffing
        self.gaps = handlers.gaps
        self.training = handlers.training
        self.erasure = handlers.erasure

    async def CreateOutcome(  # noqa: N802
        self, request: matching_pb2.CreateOutcomeRequest, context: Context
    ) -> matching_pb2.Outcome:
        return await self.outcomes.create(request)

    async def UpdateOutcome(  # noqa: N802
        self, request: matching_pb2.UpdateOutcomeRequest, context: Context
    ) -> matching_pb2.Outcome:
        return await self.outcomes.update(request)

    async def GetOutcome(  # noqa: N802
        self, request: matching_pb2.GetOutcomeRequest, context: Context
    ) -> matching_pb2.Outcome:
        return await self.outcomes.get(request)

    async def ListOutcomes(  # noqa: N802
        self, request: matching_pb2.ListOutcomesRequest, context: Context
    ) -> matching_pb2.ListOutcomesResponse:
        return await self.outcomes.list(request)

    async def DeleteOutcome(  # noqa: N802
        self, request: matching_pb2.DeleteOutcomeRequest, context: Context
    ) -> matching_pb2.DeleteOutcomeResponse:
        return await self.outcomes.delete(request)

    async def ProposeStaffing(  # noqa: N802
        self, request: matching_pb2.ProposeStaffingRequest, context: Context
    ) -> matching_pb2.Proposal:
        return await self.staffing.propose(request)

    async def GetProposal(  # noqa: N802
        self, request: matching_pb2.GetProposalRequest, context: Context
    ) -> matching_pb2.Proposal:
        return await self.staffing.get(request)

    async def CommitProposal(  # noqa: N802
        self, request: matching_pb2.CommitProposalRequest, context: Context
    ) -> matching_pb2.Proposal:
        return await self.staffing.commit(request)

    async def ListAssignments(  # noqa: N802
        self, request: matching_pb2.ListAssignmentsRequest, context: Context
    ) -> matching_pb2.ListAssignmentsResponse:
        return await self.staffing.assignments(request)

    async def ReleaseAssignment(  # noqa: N802
        self, request: matching_pb2.ReleaseAssignmentRequest, context: Context
    ) -> matching_pb2.ReleaseAssignmentResponse:
        return await self.staffing.release(request)

    async def ForgetPerson(  # noqa: N802
        self, request: matching_pb2.ForgetPersonRequest, context: Context
    ) -> matching_pb2.ForgetPersonResponse:
        return await self.erasure.forget(request)

    async def ReportGaps(  # noqa: N802
        self, request: matching_pb2.ReportGapsRequest, context: Context
    ) -> matching_pb2.GapsReport:
        return await self.gaps.report(request)

    async def PlanTraining(  # noqa: N802
        self, request: matching_pb2.PlanTrainingRequest, context: Context
    ) -> matching_pb2.TrainingPlan:
        return await self.training.plan(request)

    async def GetTrainingPlan(  # noqa: N802
        self, request: matching_pb2.GetTrainingPlanRequest, context: Context
    ) -> matching_pb2.TrainingPlan:
        return await self.training.get(request)

    async def ListTrainingPlans(  # noqa: N802
        self, request: matching_pb2.ListTrainingPlansRequest, context: Context
    ) -> matching_pb2.ListTrainingPlansResponse:
        return await self.training.list(request)

    async def RecordTrainingCompletion(  # noqa: N802
        self, request: matching_pb2.RecordTrainingCompletionRequest, context: Context
    ) -> matching_pb2.TrainingPlan:
        return await self.training.record_completion(request)
