"""Gap reports and training plans between the wire and the domain."""

from __future__ import annotations

from lps.matching.v1 import matching_pb2
from lps.skills.v1 import skills_pb2
from services.matching.adapters.vocabulary import SOLVE_STATUSES
from services.matching.domain import gaps
from services.matching.domain.training_plans import PlanCheckRecord, PlanRecord
from services.matching.service.training_commands import CompletionCommand, PlanCommand


def close_person_to_proto(person: gaps.ClosePerson) -> matching_pb2.ClosePerson:
    return matching_pb2.ClosePerson(
        person_id=person.person_id,
        name=person.name,
        role_id=person.role_id,
        fit=person.fit,
        steps=[
            skills_pb2.GapStep(
                skill_id=step.skill_id,
                from_level=step.from_level,
                to_level=step.to_level,
                fit_gain=step.fit_gain,
                fit_after=step.fit_after,
                essential=step.essential,
            )
            for step in person.steps
        ],
    )


def gaps_report_to_proto(report: gaps.GapsReport) -> matching_pb2.GapsReport:
    return matching_pb2.GapsReport(
        roles=[
            matching_pb2.RoleDemand(
                role_id=r.role_id,
                demanded=r.demanded,
                supply=r.supply,
                unfilled=r.unfilled,
                committed=r.committed,
            )
            for r in report.roles
        ],
        skills=[
            matching_pb2.SkillDemand(
                skill_id=s.skill_id,
                min_level=s.min_level,
                demanded_people=s.demanded_people,
                supply=s.supply,
                shortfall=s.shortfall,
            )
            for s in report.skills
        ],
        blocked_slots=[
            matching_pb2.BlockedSlot(
                outcome_id=b.outcome_id,
                role_id=b.role_id,
                count=b.count,
                reason=b.reason,
                blocking_skill_ids=list(b.blocking_skill_ids),
            )
            for b in report.blocked_slots
        ],
        closest=[close_person_to_proto(person) for person in report.closest],
        slots=[
            matching_pb2.SlotGap(
                outcome_id=g.outcome_id,
                role_id=g.role_id,
                places=g.places,
                committed=g.committed,
                open=g.open,
                supply=g.supply,
                unfilled=g.unfilled,
            )
            for g in report.slots
        ],
        solved=report.solved,
    )


def plan_command_from_proto(request: matching_pb2.PlanTrainingRequest) -> PlanCommand:
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


def completion_command_from_proto(
    request: matching_pb2.RecordTrainingCompletionRequest,
) -> CompletionCommand:
    return CompletionCommand(
        plan_id=request.plan_id,
        person_id=request.person_id,
        course_id=request.course_id,
        completed_on=request.completed_on,
        note=request.note,
        actor=request.actor,
    )


def people_to_proto(record: PlanRecord) -> list[matching_pb2.PersonTrainingPlan]:
    return [
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
    ]


def check_to_proto(check: PlanCheckRecord) -> matching_pb2.TrainingPlanCheck:
    return matching_pb2.TrainingPlanCheck(
        holds=check.holds,
        claimed_places=check.claimed_places,
        filled_places=check.filled_places,
        slots=[
            matching_pb2.PlanSlotCheck(
                outcome_id=s.outcome_id, role_id=s.role_id, claimed=s.claimed, filled=s.filled
            )
            for s in check.slots
        ],
        status=SOLVE_STATUSES.to_proto(check.status),
    )


def fillable_to_proto(record: PlanRecord) -> list[matching_pb2.FillablePlace]:
    return [
        matching_pb2.FillablePlace(
            outcome_id=f.outcome_id,
            role_id=f.role_id,
            person_id=f.person_id,
            fit_before=f.fit_before,
            fit_after=f.fit_after,
        )
        for f in record.fillable
    ]


def coverage_met_to_proto(record: PlanRecord) -> list[matching_pb2.CoverageMet]:
    return [
        matching_pb2.CoverageMet(
            outcome_id=c.outcome_id,
            skill_id=c.skill_id,
            min_level=c.min_level,
            person_ids=list(c.person_ids),
        )
        for c in record.coverage_met
    ]


def unmet_to_proto(record: PlanRecord) -> list[matching_pb2.UnmetDemand]:
    return [
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
    ]


def plan_to_proto(record: PlanRecord) -> matching_pb2.TrainingPlan:
    enrolments = record.enrolments
    status = (
        SOLVE_STATUSES.to_proto(record.status)
        if record.confirmed
        else matching_pb2.PROPOSAL_STATUS_UNCONFIRMED
    )
    return matching_pb2.TrainingPlan(
        id=record.id,
        status=status,
        headline=record.headline,
        outcome_ids=list(record.outcome_ids),
        budget=record.budget,
        deadline=record.deadline.isoformat(),
        total_cost=record.total_cost,
        people=people_to_proto(record),
        open_demand=record.open_demand,
        staffable_demand=record.staffable_demand,
        solve_seconds=record.solve_seconds,
        objective=record.objective,
        check=check_to_proto(record.check),
        created_at=record.created_at.isoformat(),
        created_by=record.created_by,
        level_changes=[
            matching_pb2.LevelChangeWhatIf(person_id=person_id, skill_id=skill_id, level=level)
            for person_id, skill_id, level in record.level_changes()
        ],
        enrolment_count=len(enrolments),
        completed_count=sum(1 for e in enrolments if e.completed_on is not None),
        fillable=fillable_to_proto(record),
        coverage_met=coverage_met_to_proto(record),
        unmet=unmet_to_proto(record),
    )
