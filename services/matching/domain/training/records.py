"""A stored training plan: what the optimiser chose, what the staffing re-run
confirmed, and which enrolments have been completed since. Plain data."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import date, datetime

from services.matching.domain.model import SolveStatus
from services.matching.domain.training.check import PlanCheckRecord
from services.matching.domain.training.plan import (
    CoverageMet,
    Enrolment,
    FillablePlace,
    PersonPlan,
    TrainingPlan,
    UnmetDemand,
)


@dataclass(frozen=True)
class PlannedEnrolment(Enrolment):
    course_title: str = ""
    completed_on: date | None = None


@dataclass(frozen=True)
class PlannedPerson(PersonPlan):
    enrolments: tuple[PlannedEnrolment, ...]
    name: str = ""


@dataclass(frozen=True)
class PlanRecord:
    id: str
    created_at: datetime
    created_by: str
    outcome_ids: tuple[str, ...]
    budget: float
    deadline: date
    status: SolveStatus
    total_cost: float
    people: tuple[PlannedPerson, ...]
    fillable: tuple[FillablePlace, ...]
    coverage_met: tuple[CoverageMet, ...]
    unmet: tuple[UnmetDemand, ...]
    open_demand: float
    staffable_demand: float
    solve_seconds: float
    objective: float
    check: PlanCheckRecord

    @property
    def confirmed(self) -> bool:
        """Whether the staffing re-run fills every place the plan claims."""
        return self.check.holds

    @property
    def headline(self) -> str:
        """What the plan achieves, in words, and whether staffing confirms it."""
        if self.open_demand <= 0:
            return "Nothing to plan for: staffing leaves no demand of these outcomes open."
        enrolments = len(self.enrolments)
        if enrolments == 0:
            return (
                f"No training within the budget and the deadline makes any of the "
                f"{self.open_demand:g} priority-weighted open demand staffable."
            )
        claim = (
            f"{enrolments} {_plural(enrolments, 'enrolment')} for {len(self.people)} "
            f"{_plural(len(self.people), 'person', 'people')} would make "
            f"{self.staffable_demand:g} of {self.open_demand:g} priority-weighted open "
            "demand staffable"
        )
        check = self.check
        if check.holds:
            return f"{claim}; the staffing re-run with their new levels confirms it."
        short = ", ".join(
            f"{s.role_id} in {s.outcome_id} ({s.filled} of {s.claimed})"
            for s in check.slots
            if s.filled < s.claimed
        )
        return (
            f"NOT CONFIRMED: {claim}, but the staffing re-run with the plan's levels fills "
            f"only {check.filled_places} of the {check.claimed_places} places it claims "
            f"(short: {short})."
        )

    @property
    def enrolments(self) -> tuple[PlannedEnrolment, ...]:
        return tuple(e for p in self.people for e in p.enrolments)

    def enrolment(self, person_id: str, course_id: str) -> PlannedEnrolment | None:
        for enrolment in self.enrolments:
            if enrolment.person_id == person_id and enrolment.course_id == course_id:
                return enrolment
        return None

    def with_completion(self, person_id: str, course_id: str, on: date) -> PlanRecord:
        people = tuple(
            replace(
                person,
                enrolments=tuple(
                    replace(e, completed_on=on)
                    if e.person_id == person_id and e.course_id == course_id
                    else e
                    for e in person.enrolments
                ),
            )
            for person in self.people
        )
        return replace(self, people=people)

    def level_changes(self) -> list[tuple[str, str, int]]:
        """(person, skill, level) after the plan: the what-if that tests it."""
        return [
            (person.person_id, skill_id, level)
            for person in self.people
            for skill_id, level in sorted(person.levels_after.items())
        ]


def _plural(count: int, one: str, many: str = "") -> str:
    return one if count == 1 else (many or f"{one}s")


def record_of_plan(
    plan: TrainingPlan,
    *,
    plan_id: str,
    created_at: datetime,
    created_by: str,
    outcome_ids: tuple[str, ...],
    budget: float,
    deadline: date,
    names: dict[str, str],
    titles: dict[str, str],
    check: PlanCheckRecord,
) -> PlanRecord:
    return PlanRecord(
        id=plan_id,
        created_at=created_at,
        created_by=created_by,
        outcome_ids=outcome_ids,
        budget=budget,
        deadline=deadline,
        status=plan.status,
        total_cost=plan.total_cost,
        people=tuple(
            PlannedPerson(
                person_id=person.person_id,
                name=names.get(person.person_id, ""),
                cost=person.cost,
                enrolments=tuple(
                    PlannedEnrolment(**asdict(e), course_title=titles.get(e.course_id, ""))
                    for e in person.enrolments
                ),
                levels_after=dict(person.levels_after),
                fits_after=dict(person.fits_after),
            )
            for person in plan.people
        ),
        fillable=plan.fillable,
        coverage_met=plan.coverage_met,
        unmet=plan.unmet,
        open_demand=plan.open_demand,
        staffable_demand=plan.staffable_demand,
        solve_seconds=plan.solve_seconds,
        objective=plan.objective,
        check=check,
    )
