"""What the staffing re-run says of a training plan: per claimed slot, places
claimed against places filled; and the plan with the fits skills computes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import replace

from services.matching.domain.model import StaffingResult
from services.matching.domain.training import SlotCheck, TrainingPlan


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


def with_fits_after(plan: TrainingPlan, fits: Mapping[str, Mapping[str, float]]) -> TrainingPlan:
    """The plan with the fits skills computes for its people after all their courses,
    in place of the planner's sum of one-course gains (which overstates where two
    courses credit the same requirement)."""
    if not fits:
        return plan
    fillable = tuple(
        replace(place, fit_after=fits[place.person_id].get(place.role_id, place.fit_after))
        if place.person_id in fits
        else place
        for place in plan.fillable
    )
    people = tuple(
        replace(
            person,
            fits_after={
                role: fits.get(person.person_id, {}).get(role, fit)
                for role, fit in person.fits_after.items()
            },
        )
        for person in plan.people
    )
    return replace(plan, fillable=fillable, people=people)
