"""The plan check: staffing re-run with the plan's levels as a what-if, each slot
the plan claims counted against the places the re-run fills.

The training service runs the what-if with fits recomputed by skills;
`trained_request` is the same what-if with the planner's own estimate of the
fits, for callers without a skills service."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace

from services.matching.domain.model import SolveStatus, StaffingRequest, StaffingResult
from services.matching.domain.training.gains import Gains
from services.matching.domain.training.plan import TrainingPlan
from services.matching.domain.training.request import TrainingRequest


@dataclass(frozen=True)
class SlotCheck:
    outcome_id: str
    role_id: str
    # Places filled in the baseline plus places the plan claims.
    claimed: int
    filled: int


@dataclass(frozen=True)
class PlanCheckRecord:
    """Staffing re-run with the plan's levels, fits recomputed by skills."""

    status: SolveStatus
    slots: tuple[SlotCheck, ...]

    @property
    def claimed_places(self) -> int:
        return sum(s.claimed for s in self.slots)

    @property
    def filled_places(self) -> int:
        return sum(s.filled for s in self.slots)

    @property
    def holds(self) -> bool:
        return all(s.filled >= s.claimed for s in self.slots)


def slot_checks(
    baseline: StaffingResult, after: StaffingResult, plan: TrainingPlan
) -> tuple[SlotCheck, ...]:
    """Per slot the plan claims: places filled before plus places claimed, against
    places the re-run fills."""
    before = Counter((a.outcome_id, a.role_id) for a in baseline.assignments)
    filled = Counter((a.outcome_id, a.role_id) for a in after.assignments)
    claims = Counter((f.outcome_id, f.role_id) for f in plan.fillable)
    return tuple(
        SlotCheck(key[0], key[1], before[key] + count, filled[key])
        for key, count in sorted(claims.items())
    )


def plan_check(
    baseline: StaffingResult, after: StaffingResult, plan: TrainingPlan
) -> PlanCheckRecord:
    """The check of a plan from the staffing result it started from and the re-run
    with its levels."""
    return PlanCheckRecord(status=after.status, slots=slot_checks(baseline, after, plan))


def trained_request(request: TrainingRequest, plan: TrainingPlan) -> StaffingRequest:
    """The staffing request with the plan's levels and the planner's fits written
    into the candidates."""
    gains = Gains(request)
    courses = {c.id: c for c in request.courses}
    by_person = {p.person_id: p for p in plan.people}
    candidates = []
    for candidate in request.staffing.candidates:
        person = by_person.get(candidate.person_id)
        if person is None:
            candidates.append(candidate)
            continue
        taken = [courses[e.course_id] for e in person.enrolments]
        candidates.append(
            replace(
                candidate,
                levels={**candidate.levels, **person.levels_after},
                fits=gains.fits_after(candidate, taken),
            )
        )
    return replace(request.staffing, candidates=tuple(candidates))
