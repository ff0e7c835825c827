"""The API's words against the protos' enumerations, both ways."""

from __future__ import annotations

from typing import TypeVar

from lps.common.v1 import common_pb2
from lps.matching.v1 import matching_pb2
from lps.skills.v1 import skills_pb2
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

SECTOR_TO_PROTO: dict[Sector, int] = {
    Sector.PUBLIC: common_pb2.SECTOR_PUBLIC,
    Sector.PRIVATE: common_pb2.SECTOR_PRIVATE,
    Sector.THIRD_SECTOR: common_pb2.SECTOR_THIRD_SECTOR,
    Sector.COMMUNITY: common_pb2.SECTOR_COMMUNITY,
}
SOURCE_TO_PROTO: dict[LevelSource, int] = {
    LevelSource.SELF: skills_pb2.LEVEL_SOURCE_SELF,
    LevelSource.MANAGER: skills_pb2.LEVEL_SOURCE_MANAGER,
    LevelSource.TRAINING: skills_pb2.LEVEL_SOURCE_TRAINING,
    LevelSource.ASSESSMENT: skills_pb2.LEVEL_SOURCE_ASSESSMENT,
    LevelSource.CERTIFICATE: skills_pb2.LEVEL_SOURCE_CERTIFICATE,
}
REQUIREMENT_STATUS_TO_PROTO: dict[RequirementStatus, int] = {
    RequirementStatus.MET: skills_pb2.REQUIREMENT_STATUS_MET,
    RequirementStatus.PARTIAL: skills_pb2.REQUIREMENT_STATUS_PARTIAL,
    RequirementStatus.MISSING: skills_pb2.REQUIREMENT_STATUS_MISSING,
}
LOCALITY_RULE_TO_PROTO: dict[LocalityRule, int] = {
    LocalityRule.ANY: matching_pb2.LOCALITY_RULE_ANY,
    LocalityRule.PREFER_LOCAL: matching_pb2.LOCALITY_RULE_PREFER_LOCAL,
    LocalityRule.LOCAL_ONLY: matching_pb2.LOCALITY_RULE_LOCAL_ONLY,
}
MODE_TO_PROTO: dict[StaffingMode, int] = {
    StaffingMode.SOFT: matching_pb2.STAFFING_MODE_SOFT,
    StaffingMode.STRICT: matching_pb2.STAFFING_MODE_STRICT,
}
PROPOSAL_STATUS_TO_PROTO: dict[ProposalStatus, int] = {
    ProposalStatus.OPTIMAL: matching_pb2.PROPOSAL_STATUS_OPTIMAL,
    ProposalStatus.FEASIBLE: matching_pb2.PROPOSAL_STATUS_FEASIBLE,
    ProposalStatus.INFEASIBLE: matching_pb2.PROPOSAL_STATUS_INFEASIBLE,
    ProposalStatus.TIMED_OUT: matching_pb2.PROPOSAL_STATUS_TIMED_OUT,
}

TRAINING_PLAN_STATUS_TO_PROTO: dict[TrainingPlanStatus, int] = {
    TrainingPlanStatus.OPTIMAL: matching_pb2.PROPOSAL_STATUS_OPTIMAL,
    TrainingPlanStatus.FEASIBLE: matching_pb2.PROPOSAL_STATUS_FEASIBLE,
    TrainingPlanStatus.INFEASIBLE: matching_pb2.PROPOSAL_STATUS_INFEASIBLE,
    TrainingPlanStatus.TIMED_OUT: matching_pb2.PROPOSAL_STATUS_TIMED_OUT,
    TrainingPlanStatus.UNCONFIRMED: matching_pb2.PROPOSAL_STATUS_UNCONFIRMED,
}
ASSIGNMENT_STATE_TO_PROTO: dict[AssignmentState, int] = {
    AssignmentState.PROPOSED: matching_pb2.ASSIGNMENT_STATE_PROPOSED,
    AssignmentState.COMMITTED: matching_pb2.ASSIGNMENT_STATE_COMMITTED,
    AssignmentState.RELEASED: matching_pb2.ASSIGNMENT_STATE_RELEASED,
}

APPROACH_TO_PROTO: dict[Approach, int] = {
    Approach.PREVENTATIVE: matching_pb2.APPROACH_PREVENTATIVE,
    Approach.RESPONSIVE: matching_pb2.APPROACH_RESPONSIVE,
}
OUTCOME_STATE_TO_PROTO: dict[OutcomeState, int] = {
    OutcomeState.OPEN: matching_pb2.OUTCOME_STATE_OPEN,
    OutcomeState.CLOSED: matching_pb2.OUTCOME_STATE_CLOSED,
}
ASSESSMENT_TO_PROTO: dict[Assessment, int] = {
    Assessment.MET: matching_pb2.ASSESSMENT_MET,
    Assessment.PARTLY_MET: matching_pb2.ASSESSMENT_PARTLY_MET,
    Assessment.NOT_MET: matching_pb2.ASSESSMENT_NOT_MET,
}
DIRECTION_TO_PROTO: dict[Direction, int] = {
    Direction.HIGHER_IS_BETTER: matching_pb2.DIRECTION_HIGHER_IS_BETTER,
    Direction.LOWER_IS_BETTER: matching_pb2.DIRECTION_LOWER_IS_BETTER,
}
LEARNING_GROUPING_TO_PROTO: dict[LearningGrouping, int] = {
    LearningGrouping.LOCALITY: matching_pb2.LEARNING_GROUPING_LOCALITY,
    LearningGrouping.APPROACH: matching_pb2.LEARNING_GROUPING_APPROACH,
    LearningGrouping.PRIORITY: matching_pb2.LEARNING_GROUPING_PRIORITY,
}


def from_proto(table: dict[E, int], value: int) -> E | None:
    """The API word for a proto value; None for UNSPECIFIED or a value this gateway predates."""
    for word, number in table.items():
        if number == value:
            return word
    return None
