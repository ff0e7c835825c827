"""The words of the public API, as plain enumerations."""

from __future__ import annotations

from enum import StrEnum


class Sector(StrEnum):
    PUBLIC = "public"
    PRIVATE = "private"
    THIRD_SECTOR = "third_sector"
    COMMUNITY = "community"


class LevelSource(StrEnum):
    SELF = "self"
    MANAGER = "manager"
    TRAINING = "training"
    ASSESSMENT = "assessment"
    CERTIFICATE = "certificate"


class RequirementStatus(StrEnum):
    MET = "met"
    PARTIAL = "partial"
    MISSING = "missing"


class LocalityRule(StrEnum):
    ANY = "any"
    PREFER_LOCAL = "prefer_local"
    LOCAL_ONLY = "local_only"


class StaffingMode(StrEnum):
    SOFT = "soft"
    STRICT = "strict"


class ProposalStatus(StrEnum):
    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    TIMED_OUT = "timed_out"


class TrainingPlanStatus(StrEnum):
    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    TIMED_OUT = "timed_out"
    # The staffing re-run with the plan's levels does not fill what the plan claims.
    UNCONFIRMED = "unconfirmed"


class AssignmentState(StrEnum):
    PROPOSED = "proposed"
    COMMITTED = "committed"
    RELEASED = "released"


MIN_LEVEL = 1
MAX_LEVEL = 4


class Approach(StrEnum):
    PREVENTATIVE = "preventative"
    RESPONSIVE = "responsive"


class OutcomeState(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class Assessment(StrEnum):
    MET = "met"
    PARTLY_MET = "partly_met"
    NOT_MET = "not_met"


class Direction(StrEnum):
    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"


class LearningGrouping(StrEnum):
    LOCALITY = "locality"
    APPROACH = "approach"
    PRIORITY = "priority"
