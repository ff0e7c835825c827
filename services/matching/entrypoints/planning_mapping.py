"""Gap reports and training plans between the wire and the domain: fields by
name (services.common.wire), the rest given here."""

from __future__ import annotations

from lps.matching.v1 import matching_pb2
from services.common.wire import message_of
from services.matching.adapters.vocabulary import SOLVE_STATUSES, WORDS
from services.matching.domain import gaps
from services.matching.domain.training import PlanRecord
from services.matching.service.training_commands import CompletionCommand, PlanCommand


def gaps_report_to_proto(report: gaps.GapsReport) -> matching_pb2.GapsReport:
    return message_of(matching_pb2.GapsReport, report, WORDS)


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


def plan_to_proto(record: PlanRecord) -> matching_pb2.TrainingPlan:
    enrolments = record.enrolments
    status = (
        SOLVE_STATUSES.to_proto(record.status)
        if record.confirmed
        else matching_pb2.PROPOSAL_STATUS_UNCONFIRMED
    )
    return message_of(
        matching_pb2.TrainingPlan,
        record,
        WORDS,
        status=status,
        level_changes=[
            matching_pb2.LevelChangeWhatIf(person_id=person_id, skill_id=skill_id, level=level)
            for person_id, skill_id, level in record.level_changes()
        ],
        enrolment_count=len(enrolments),
        completed_count=sum(1 for e in enrolments if e.completed_on is not None),
    )
