"""What the planner answers: who takes which course, the places and coverage
rules that become staffable, and the demand left open with its reason."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from services.matching.domain.model import SolveStatus, StaffingResult


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
    # False: people who fit are free but staffing still leaves it open (team rules,
    # budget): training is not what it lacks.
    skill_gap: bool = True


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
    # The staffing result the plan starts from (its assignments stay).
    baseline: StaffingResult | None = None
    # What CP-SAT proved no plan can exceed (equal to staffable_demand when optimal;
    # None for the greedy baseline).
    staffable_bound: float | None = None
