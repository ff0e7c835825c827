"""What a training plan is asked: the staffing picture, the catalogue, the budget
and the dates, and the checks that the request does not contradict itself."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from math import ceil

from services.matching.domain.model import StaffingRequest, StaffingResult
from services.matching.domain.training.catalogue import Course, RoleProfile
from services.matching.domain.training.fits import FitAfter


@dataclass(frozen=True)
class TrainingWeights:
    # Per priority point of one place made fillable (or one coverage rule met); raised
    # when needed so that it always outweighs every saving and spreading term.
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
    # None: estimate from `roles`; given (even empty), the whole truth about gains.
    fits_after: tuple[FitAfter, ...] | None = None
    roles: tuple[RoleProfile, ...] = ()
    weights: TrainingWeights = TrainingWeights()
    # The whole call: pruning and the CP-SAT search (the baseline solve, when the
    # planner has to run it, adds the staffing request's own limit).
    time_limit_s: float = 30.0
    # The staffing result to start from; None: the planner solves the staffing request itself.
    baseline: StaffingResult | None = None
    # Candidates kept per open place before the model is built.
    max_candidates_per_place: int = 25

    def days_for(self, person_id: str) -> float:
        """The working days the person has for training."""
        return self.available_days.get(person_id, self.default_available_days)

    def runs_of(self, course: Course) -> list[tuple[date, date]]:
        """The course's runs that start from today and end by the deadline."""
        if not course.runs:
            end = self.today + timedelta(days=ceil(course.duration_days))
            runs = [(self.today, end)]
        else:
            runs = [(r.start, r.end) for r in course.runs]
        return sorted((s, e) for s, e in runs if s >= self.today and e <= self.deadline)


class InvalidTrainingRequest(ValueError):
    """The catalogue or the request contradicts itself."""


def validate(request: TrainingRequest) -> None:
    seen: set[str] = set()
    for course in request.courses:
        if course.id in seen:
            raise InvalidTrainingRequest(f"course {course.id} appears twice")
        seen.add(course.id)
        if course.to_level <= course.from_level:
            raise InvalidTrainingRequest(f"course {course.id} does not raise a level")
        if course.cost < 0 or course.duration_days < 0 or course.capacity_per_run < 0:
            raise InvalidTrainingRequest(f"course {course.id} has a negative cost, length or size")
        for run in course.runs:
            if run.end < run.start:
                raise InvalidTrainingRequest(
                    f"course {course.id} has a run ending before it starts"
                )
    if request.budget < 0:
        raise InvalidTrainingRequest("the budget is negative")
