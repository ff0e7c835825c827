"""Training plans: who takes which course so that the most priority-weighted
demand that staffing leaves open becomes staffable. Plain Python over the
staffing domain's data; CP-SAT decides.

The plan starts from a staffing result (the baseline): its assignments stay,
and the plan targets the places it leaves unfilled and the skill-coverage
rules it leaves short. Fits after training come from the caller (`fits_after`,
computed with the skills service's fit rule) or, failing that, from the role
requirements in `roles` with the own-skill credit of that rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from services.matching.domain.model import (
    SolveStatus,
    StaffingRequest,
    StaffingResult,
)


class CourseKind(StrEnum):
    COURSE = "course"
    MENTORING = "mentoring"
    SHADOWING = "shadowing"
    SECONDMENT = "secondment"


@dataclass(frozen=True)
class CourseRun:
    """One dated run of a course; the person is away for the course's duration_days within it."""

    start: date
    end: date


@dataclass(frozen=True)
class Course:
    id: str
    title: str
    kind: CourseKind
    skill_id: str
    # A person takes the course holding at least from_level and below to_level.
    from_level: int
    to_level: int
    # Per person.
    cost: float
    # Working days the person gives to it.
    duration_days: float
    # Places per run; 0: no limit.
    capacity_per_run: int
    # No runs: available on demand, ending duration_days calendar days after the plan's `today`.
    runs: tuple[CourseRun, ...] = ()


@dataclass(frozen=True)
class FitAfter:
    """A person's fit per role after completing one course (and nothing else),
    computed by the caller with the skills service's fit rule."""

    person_id: str
    course_id: str
    # role id -> fit in [0, 1]
    fits: dict[str, float]


@dataclass(frozen=True)
class RoleRequirement:
    skill_id: str
    min_level: int
    weight: float = 1.0


@dataclass(frozen=True)
class RoleProfile:
    """A role's requirements, for callers that do not supply `fits_after`."""

    role_id: str
    requirements: tuple[RoleRequirement, ...]


@dataclass(frozen=True)
class TrainingWeights:
    # Per priority point of one place made fillable (or one coverage rule met).
    demand: float = 1_000_000.0
    # Per unit of money spent.
    cost: float = 1.0
    # Per course beyond a person's first, and per enrolment in the busiest sector.
    concentration: float = 50.0


@dataclass(frozen=True)
class TrainingRequest:
    # Outcomes and candidates as the staffing domain holds them (fits per role,
    # levels per skill); committed work, exclusions and weights are honoured.
    staffing: StaffingRequest
    courses: tuple[Course, ...]
    budget: float
    # Every course must end on or before this day (and before the outcome it serves starts).
    deadline: date
    # The day the plan is made: undated courses start here.
    today: date
    # person id -> working days available for training; people not named get default_days.
    available_days: dict[str, float] = field(default_factory=dict)
    default_available_days: float = 10.0
    fits_after: tuple[FitAfter, ...] = ()
    roles: tuple[RoleProfile, ...] = ()
    weights: TrainingWeights = TrainingWeights()
    time_limit_s: float = 30.0
    # The staffing result to start from; None: the planner solves the staffing request itself.
    baseline: StaffingResult | None = None
    # Candidates kept per open place before the model is built.
    max_candidates_per_place: int = 25


@dataclass(frozen=True)
class Enrolment:
    person_id: str
    course_id: str
    skill_id: str
    from_level: int
    to_level: int
    run_start: date
    run_end: date
    cost: float


@dataclass(frozen=True)
class PersonPlan:
    person_id: str
    enrolments: tuple[Enrolment, ...]
    cost: float
    # skill id -> level after the plan
    levels_after: dict[str, int]
    # role id -> fit after the plan (only roles the plan relies on)
    fits_after: dict[str, float]


@dataclass(frozen=True)
class FillablePlace:
    """A place the baseline leaves unfilled that the plan makes fillable, and by whom."""

    outcome_id: str
    role_id: str
    person_id: str
    fit_before: float
    fit_after: float


@dataclass(frozen=True)
class CoverageMet:
    outcome_id: str
    skill_id: str
    min_level: int
    # The trained people whose new level meets the rule.
    person_ids: tuple[str, ...]


@dataclass(frozen=True)
class UnmetDemand:
    """Open demand the plan leaves open: `kind` is "place" or "coverage"."""

    kind: str
    outcome_id: str
    # The role for a place, the skill for a coverage rule.
    subject_id: str
    count: int
    # True: no training within budget, time and deadline can reach it at all;
    # False: reachable alone, but the budget or course places went elsewhere.
    unreachable: bool
    reason: str


@dataclass(frozen=True)
class TrainingPlan:
    status: SolveStatus
    people: tuple[PersonPlan, ...]
    total_cost: float
    fillable: tuple[FillablePlace, ...]
    coverage_met: tuple[CoverageMet, ...]
    unmet: tuple[UnmetDemand, ...]
    # Open demand before the plan, as priority-weighted units (places + coverage rules),
    # and the part of it the plan makes staffable.
    open_demand: float
    staffable_demand: float
    solve_seconds: float
    objective: float = 0.0


@dataclass(frozen=True)
class SlotCheck:
    outcome_id: str
    role_id: str
    # Places filled in the baseline plus places the plan claims.
    claimed: int
    filled: int


@dataclass(frozen=True)
class PlanCheck:
    """The staffing model re-run with the plan's levels and fits."""

    slots: tuple[SlotCheck, ...]
    claimed_places: int
    filled_places: int
    result: StaffingResult

    @property
    def holds(self) -> bool:
        return all(s.filled >= s.claimed for s in self.slots)


def plan_training(request: TrainingRequest) -> TrainingPlan:
    """Choose enrolments that make the most priority-weighted open demand staffable."""
    raise NotImplementedError


def trained_request(request: TrainingRequest, plan: TrainingPlan) -> StaffingRequest:
    """The staffing request with the plan's levels and fits written into the candidates."""
    raise NotImplementedError


def check_plan(request: TrainingRequest, plan: TrainingPlan) -> PlanCheck:
    """Re-solve staffing with the plan as a what-if; report claimed against really filled."""
    raise NotImplementedError
