"""The API's words against the protos' enumerations, both ways: one table per
vocabulary, derived from the proto (services.common.proto_enums)."""

from __future__ import annotations

from typing import Any, TypeVar

from lps.common.v1 import common_pb2
from lps.matching.v1 import matching_pb2
from lps.skills.v1 import skills_pb2
from services.common.proto_enums import ProtoEnum
from services.gateway.domain.courses_csv import CourseKind
from services.gateway.domain.vocabulary import (
    Approach,
    Assessment,
    AssignmentState,
    Direction,
    LearningGrouping,
    LevelSource,
    LocalityRule,
    OutcomeState,
    ProposalStatus,
    RequirementStatus,
    Sector,
    StaffingMode,
    TrainingPlanStatus,
)

E = TypeVar("E")

SECTOR_TO_PROTO = ProtoEnum(common_pb2.Sector, Sector).table()
SOURCE_TO_PROTO = ProtoEnum(skills_pb2.LevelSource, LevelSource).table()
REQUIREMENT_STATUS_TO_PROTO = ProtoEnum(skills_pb2.RequirementStatus, RequirementStatus).table()
COURSE_KIND_TO_PROTO = ProtoEnum(skills_pb2.DevelopmentKind, CourseKind).table()
LOCALITY_RULE_TO_PROTO = ProtoEnum(matching_pb2.LocalityRule, LocalityRule).table()
MODE_TO_PROTO = ProtoEnum(matching_pb2.StaffingMode, StaffingMode).table()
PROPOSAL_STATUS_TO_PROTO = ProtoEnum(matching_pb2.ProposalStatus, ProposalStatus).table()
TRAINING_PLAN_STATUS_TO_PROTO = ProtoEnum(matching_pb2.ProposalStatus, TrainingPlanStatus).table()
ASSIGNMENT_STATE_TO_PROTO = ProtoEnum(matching_pb2.AssignmentState, AssignmentState).table()
APPROACH_TO_PROTO = ProtoEnum(matching_pb2.Approach, Approach).table()
OUTCOME_STATE_TO_PROTO = ProtoEnum(matching_pb2.OutcomeState, OutcomeState).table()
ASSESSMENT_TO_PROTO = ProtoEnum(matching_pb2.Assessment, Assessment).table()
DIRECTION_TO_PROTO = ProtoEnum(matching_pb2.Direction, Direction).table()
LEARNING_GROUPING_TO_PROTO = ProtoEnum(matching_pb2.LearningGrouping, LearningGrouping).table()

# Each API vocabulary's table, by its word type.
VOCABULARIES: dict[type, dict[Any, int]] = {
    Sector: SECTOR_TO_PROTO,
    LevelSource: SOURCE_TO_PROTO,
    RequirementStatus: REQUIREMENT_STATUS_TO_PROTO,
    CourseKind: COURSE_KIND_TO_PROTO,
    LocalityRule: LOCALITY_RULE_TO_PROTO,
    StaffingMode: MODE_TO_PROTO,
    ProposalStatus: PROPOSAL_STATUS_TO_PROTO,
    TrainingPlanStatus: TRAINING_PLAN_STATUS_TO_PROTO,
    AssignmentState: ASSIGNMENT_STATE_TO_PROTO,
    Approach: APPROACH_TO_PROTO,
    OutcomeState: OUTCOME_STATE_TO_PROTO,
    Assessment: ASSESSMENT_TO_PROTO,
    Direction: DIRECTION_TO_PROTO,
    LearningGrouping: LEARNING_GROUPING_TO_PROTO,
}


def from_proto(table: dict[E, int], value: int) -> E | None:
    """The API word for a proto value; None for UNSPECIFIED or a value this gateway predates."""
    for word, number in table.items():
        if number == value:
            return word
    return None
