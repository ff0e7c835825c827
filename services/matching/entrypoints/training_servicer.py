"""The training-plan RPCs, served beside the rest of MatchingService."""

from __future__ import annotations

import grpc

from lps.matching.v1 import matching_pb2
from services.matching.domain.training import PlanRecord
from services.matching.entrypoints.mapping import PROTO_OF_STATUS
from services.matching.entrypoints.servicer import MatchingServicer
from services.matching.service.gaps import GapService
from services.matching.service.outcomes import OutcomeService
from services.matching.service.staffing import StaffingService
from services.matching.service.training import CompletionCommand, PlanCommand, TrainingService


def plan_command_from(request: matching_pb2.PlanTrainingRequest) -> PlanCommand:
    options = request.options
    return PlanCommand(
        outcome_ids=tuple(request.outcome_ids),
        budget=request.budget,
        deadline=request.deadline,
        time_limit_s=options.time_limit_s,
        default_available_days=options.default_available_days,
        available_days=dict(options.available_days),
        course_ids=tuple(dict.fromkeys(options.course_ids)),
        actor=request.actor,
    )


def plan_to_proto(record: PlanRecord) -> matching_pb2.TrainingPlan:
    check = record.check
    enrolments = record.enrolments
    return matching_pb2.TrainingPlan(
        id=record.id,
        status=PROTO_OF_STATUS[record.status]  # type: ignore[arg-type]
        if record.confirmed
        else matching_pb2.PROPOSAL_STATUS_UNCONFIRMED,
        headline=record.headline,
        outcome_ids=list(record.outcome_ids),
        budget=record.budget,
        deadline=record.deadline.isoformat(),
        total_cost=record.total_cost,
        people=[
            matching_pb2.PersonTrainingPlan(
                person_id=person.person_id,
                name=person.name,
                cost=person.cost,
                enrolments=[
                    matching_pb2.PlannedEnrolment(
                        person_id=e.person_id,
                        course_id=e.course_id,
                        course_title=e.course_title,
                        skill_id=e.skill_id,
                        from_level=e.from_level,
                        to_level=e.to_level,
                        run_start=e.run_start.isoformat(),
                        run_end=e.run_end.isoformat(),
                        cost=e.cost,
                        completed_on=e.completed_on.isoformat() if e.completed_on else "",
                    )
                    for e in person.enrolments
                ],
                levels_after=person.levels_after,
                fits_after=person.fits_after,
            )
            for person in record.people
        ],
        fillable=[
            matching_pb2.FillablePlace(
                outcome_id=f.outcome_id,
                role_id=f.role_id,
                person_id=f.person_id,
                fit_before=f.fit_before,
                fit_after=f.fit_after,
            )
            for f in record.fillable
        ],
        coverage_met=[
            matching_pb2.CoverageMet(
                outcome_id=c.outcome_id,
                skill_id=c.skill_id,
                min_level=c.min_level,
                person_ids=list(c.person_ids),
            )
            for c in record.coverage_met
        ],
        unmet=[
            matching_pb2.UnmetDemand(
                kind=u.kind,
                outcome_id=u.outcome_id,
                subject_id=u.subject_id,
                count=u.count,
                unreachable=u.unreachable,
                reason=u.reason,
                skill_gap=u.skill_gap,
            )
            for u in record.unmet
        ],
        open_demand=record.open_demand,
        staffable_demand=record.staffable_demand,
        solve_seconds=record.solve_seconds,
        objective=record.objective,
        check=matching_pb2.TrainingPlanCheck(
            holds=check.holds,
            claimed_places=check.claimed_places,
            filled_places=check.filled_places,
            slots=[
                matching_pb2.PlanSlotCheck(
                    outcome_id=s.outcome_id, role_id=s.role_id, claimed=s.claimed, filled=s.filled
                )
                for s in check.slots
            ],
            status=PROTO_OF_STATUS[check.status],  # type: ignore[arg-type]
        ),
        created_at=record.created_at.isoformat(),
        created_by=record.created_by,
        level_changes=[
            matching_pb2.LevelChangeWhatIf(person_id=person_id, skill_id=skill_id, level=level)
            for person_id, skill_id, level in record.level_changes()
        ],
        enrolment_count=len(enrolments),
        completed_count=sum(1 for e in enrolments if e.completed_on is not None),
    )


class PlanningServicer(MatchingServicer):
    def __init__(
        self,
        outcomes: OutcomeService,
        staffing: StaffingService,
        gaps: GapService,
        training: TrainingService,
    ) -> None:
        super().__init__(outcomes, staffing, gaps)
        self.training = training

    async def PlanTraining(  # noqa: N802
        self, request: matching_pb2.PlanTrainingRequest, context: grpc.aio.ServicerContext
    ) -> matching_pb2.TrainingPlan:
        return plan_to_proto(await self.training.plan(plan_command_from(request)))

    async def GetTrainingPlan(  # noqa: N802
        self, request: matching_pb2.GetTrainingPlanRequest, context: grpc.aio.ServicerContext
    ) -> matching_pb2.TrainingPlan:
        return plan_to_proto(await self.training.get(request.id))

    async def ListTrainingPlans(  # noqa: N802
        self, request: matching_pb2.ListTrainingPlansRequest, context: grpc.aio.ServicerContext
    ) -> matching_pb2.ListTrainingPlansResponse:
        plans, token = await self.training.list(request.page_size, request.page_token)
        return matching_pb2.ListTrainingPlansResponse(
            plans=[plan_to_proto(plan) for plan in plans], next_page_token=token
        )

    async def RecordTrainingCompletion(  # noqa: N802
        self,
        request: matching_pb2.RecordTrainingCompletionRequest,
        context: grpc.aio.ServicerContext,
    ) -> matching_pb2.TrainingPlan:
        command = CompletionCommand(
            plan_id=request.plan_id,
            person_id=request.person_id,
            course_id=request.course_id,
            completed_on=request.completed_on,
            note=request.note,
            actor=request.actor,
        )
        return plan_to_proto(await self.training.record_completion(command))

    async def ForgetPerson(  # noqa: N802
        self, request: matching_pb2.ForgetPersonRequest, context: grpc.aio.ServicerContext
    ) -> matching_pb2.ForgetPersonResponse:
        response = await super().ForgetPerson(request, context)
        await self.training.forget_person(request.person_id)
        return response
