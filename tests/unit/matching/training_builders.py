"""Hand-checkable training requests.

Fits follow the role requirements: navigator needs welfare at 4, architect
needs design at 4, so a person at level 3 has fit 0.75 and a slot asking for
1.0 opens only after a course to level 4.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from services.matching.domain.model import Candidate, Outcome, Slot
from services.matching.domain.staffing import solve
from services.matching.domain.training import (
    Course,
    CourseKind,
    CourseRun,
    PlanCheckRecord,
    RoleProfile,
    RoleRequirement,
    TrainingPlan,
    TrainingRequest,
    plan_check,
    trained_request,
)
from tests.unit.matching.builders import person, request

TODAY = date(2025, 10, 1)
DEADLINE = date(2025, 12, 31)
NOVEMBER = CourseRun(date(2025, 11, 3), date(2025, 11, 7))
ROLES = (
    RoleProfile("navigator", (RoleRequirement("welfare", 4),)),
    RoleProfile("architect", (RoleRequirement("design", 4),)),
)
NAVIGATOR = Slot("navigator", 1, 0.5, min_fit=1.0)
ARCHITECT = Slot("architect", 1, 0.5, min_fit=1.0)
JAN = (date(2026, 1, 5), date(2026, 2, 27))
MAR = (date(2026, 3, 2), date(2026, 4, 30))


def course(
    course_id: str,
    skill_id: str,
    *,
    cost: float = 100.0,
    capacity: int = 0,
    runs: tuple[CourseRun, ...] = (NOVEMBER,),
    from_level: int = 3,
    to_level: int = 4,
) -> Course:
    return Course(
        id=course_id,
        title=course_id.title(),
        kind=CourseKind.COURSE,
        skill_id=skill_id,
        from_level=from_level,
        to_level=to_level,
        cost=cost,
        duration_days=5.0,
        capacity_per_run=capacity,
        runs=runs,
    )


def navigator_at(person_id: str, level: int) -> Candidate:
    return person(person_id, {"navigator": level / 4}, levels={"welfare": level})


def training(
    outcomes: list[Outcome],
    people: list[Candidate],
    courses: list[Course],
    *,
    budget: float = 10_000.0,
    **extra: Any,
) -> TrainingRequest:
    return TrainingRequest(
        staffing=request(outcomes, people, time_limit_s=5.0),
        courses=tuple(courses),
        budget=budget,
        deadline=DEADLINE,
        today=TODAY,
        roles=ROLES,
        time_limit_s=10.0,
        **extra,
    )


def fillable(plan: TrainingPlan) -> set[tuple[str, str, str]]:
    return {(f.outcome_id, f.role_id, f.person_id) for f in plan.fillable}


def check_plan(req: TrainingRequest, plan: TrainingPlan) -> PlanCheckRecord:
    """The training service's plan check, with the planner's fits standing in for
    the ones skills would recompute."""
    baseline = plan.baseline or solve(req.staffing)
    after = solve(trained_request(req, plan))
    return plan_check(baseline, after, plan)


def courses_of(plan: TrainingPlan) -> dict[str, list[str]]:
    return {p.person_id: [e.course_id for e in p.enrolments] for p in plan.people}
