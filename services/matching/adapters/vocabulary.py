"""Matching's words against the protos' enumerations: one map per vocabulary,
used by the servicers and the skills client alike."""

from __future__ import annotations

from typing import Any

from lps.common.v1 import common_pb2
from lps.matching.v1 import matching_pb2
from lps.skills.v1 import skills_pb2
from services.common.proto_enums import ProtoEnum
from services.matching.domain.learning_report import Grouping
from services.matching.domain.model import (
    Approach,
    Assessment,
    Direction,
    LocalityRule,
    Mode,
    OutcomeState,
    Sector,
    SolveStatus,
)
from services.matching.domain.proposals import AssignmentState
from services.matching.domain.training import CourseKind

SECTORS = ProtoEnum(common_pb2.Sector, Sector)
LOCALITY_RULES = ProtoEnum(matching_pb2.LocalityRule, LocalityRule)
MODES = ProtoEnum(matching_pb2.StaffingMode, Mode)
SOLVE_STATUSES = ProtoEnum(matching_pb2.ProposalStatus, SolveStatus)
ASSIGNMENT_STATES = ProtoEnum(matching_pb2.AssignmentState, AssignmentState)
APPROACHES = ProtoEnum(matching_pb2.Approach, Approach)
OUTCOME_STATES = ProtoEnum(matching_pb2.OutcomeState, OutcomeState)
ASSESSMENTS = ProtoEnum(matching_pb2.Assessment, Assessment)
DIRECTIONS = ProtoEnum(matching_pb2.Direction, Direction)
COURSE_KINDS = ProtoEnum(skills_pb2.DevelopmentKind, CourseKind)
GROUPINGS = ProtoEnum(matching_pb2.LearningGrouping, Grouping)

# Each vocabulary by its word type, for mapping by field name (services.common.wire).
WORDS: dict[type, ProtoEnum[Any, Any]] = {
    Sector: SECTORS,
    LocalityRule: LOCALITY_RULES,
    Mode: MODES,
    SolveStatus: SOLVE_STATUSES,
    AssignmentState: ASSIGNMENT_STATES,
    Approach: APPROACHES,
    OutcomeState: OUTCOME_STATES,
    Assessment: ASSESSMENTS,
    Direction: DIRECTIONS,
    CourseKind: COURSE_KINDS,
    Grouping: GROUPINGS,
}
