"""A planner's selection turned into the plan: enrolments per person, the places
and coverage rules made staffable, and the demand left open with its reason."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date
from time import perf_counter

from services.matching.domain.model import SolveStatus
from services.matching.domain.training.options import Option
from services.matching.domain.training.plan import (
    CoverageMet,
    Enrolment,
    FillablePlace,
    PersonPlan,
    TrainingPlan,
    UnmetDemand,
)
from services.matching.domain.training.preparation import Prepared
from services.matching.domain.training.selection import Selection


def assemble(
    prep: Prepared,
    selection: Selection,
    status: SolveStatus,
    started: float,
    objective: float,
) -> TrainingPlan:
    fillable, filled_per_place, roles_of = _fillable(prep, selection)
    people = tuple(
        _person_plan(prep, person, skills.values(), roles_of.get(person, set()))
        for person, skills in sorted(
            selection.enrolments.items(), key=lambda item: prep.candidate(item[0]).person_id
        )
    )
    coverage_met = tuple(_coverage_met(prep, index, trained) for index, trained in selection.met)
    unmet, open_places, staffable_places = _places_left(prep, filled_per_place)
    met = {index for index, _ in selection.met}
    unmet_rules, open_rules, staffable_rules = _coverage_left(prep, met)
    return TrainingPlan(
        status=status,
        people=people,
        total_cost=sum(p.cost for p in people),
        fillable=tuple(fillable),
        coverage_met=coverage_met,
        unmet=(*unmet, *unmet_rules),
        open_demand=open_places + open_rules,
        staffable_demand=staffable_places + staffable_rules,
        solve_seconds=perf_counter() - started,
        objective=objective,
        baseline=prep.baseline.result,
    )


def _fit_after(
    prep: Prepared, person: int, role_id: str, options: Iterable[Option], before: date | None
) -> float:
    candidate = prep.candidate(person)
    gained = sum(
        prep.gains.gain(candidate, prep.course(o), role_id)
        for o in options
        if before is None or o.end < before
    )
    return min(1.0, candidate.fits.get(role_id, 0.0) + gained)


def _fillable(
    prep: Prepared, selection: Selection
) -> tuple[list[FillablePlace], Counter[int], dict[int, set[str]]]:
    """The places filled, how many per place, and the roles each person fills."""
    fillable = []
    filled_per_place: Counter[int] = Counter()
    roles_of: dict[int, set[str]] = defaultdict(set)
    for index, person in selection.fills:
        place = prep.places[index]
        slot = prep.slot(place)
        outcome = prep.outcome(place.outcome)
        candidate = prep.candidate(person)
        options = selection.enrolments.get(person, {}).values()
        fillable.append(
            FillablePlace(
                outcome_id=outcome.id,
                role_id=slot.role_id,
                person_id=candidate.person_id,
                fit_before=candidate.fits.get(slot.role_id, 0.0),
                fit_after=_fit_after(prep, person, slot.role_id, options, outcome.start),
            )
        )
        filled_per_place[index] += 1
        roles_of[person].add(slot.role_id)
    return fillable, filled_per_place, roles_of


def _person_plan(
    prep: Prepared, person: int, options: Iterable[Option], roles: set[str]
) -> PersonPlan:
    candidate = prep.candidate(person)
    options = list(options)
    enrolments = []
    levels = {}
    for option in sorted(options, key=lambda o: (o.end, o.course)):
        course = prep.course(option)
        held = candidate.levels.get(course.skill_id, 0)
        enrolments.append(
            Enrolment(
                person_id=candidate.person_id,
                course_id=course.id,
                skill_id=course.skill_id,
                from_level=held,
                to_level=course.to_level,
                run_start=option.start,
                run_end=option.end,
                cost=course.cost,
            )
        )
        levels[course.skill_id] = max(held, course.to_level)
    return PersonPlan(
        person_id=candidate.person_id,
        enrolments=tuple(enrolments),
        cost=sum(e.cost for e in enrolments),
        levels_after=levels,
        fits_after={role: _fit_after(prep, person, role, options, None) for role in sorted(roles)},
    )


def _coverage_met(prep: Prepared, index: int, trained: tuple[int, ...]) -> CoverageMet:
    gap = prep.coverage[index]
    outcome = prep.outcome(gap.outcome)
    rule = outcome.skill_coverage[gap.rule]
    return CoverageMet(
        outcome_id=outcome.id,
        skill_id=rule.skill_id,
        min_level=rule.min_level,
        person_ids=tuple(sorted(prep.candidate(p).person_id for p in trained)),
    )


def _places_left(
    prep: Prepared, filled_per_place: Counter[int]
) -> tuple[list[UnmetDemand], float, float]:
    """The places left open, the open demand of places, and the part made staffable."""
    unmet = list(prep.not_skills)
    open_demand = 0.0
    staffable = 0.0
    for entry in prep.not_skills:
        open_demand += entry.count * prep.priority_of(entry.outcome_id)
    for index, place in enumerate(prep.places):
        outcome = prep.outcome(place.outcome)
        slot = prep.slot(place)
        open_demand += place.open * outcome.priority
        staffable += filled_per_place[index] * outcome.priority
        left = place.open - filled_per_place[index]
        unreachable = min(left, max(0, place.open - len(place.candidates)))
        if unreachable > 0:
            reason = place.reason or (
                "too few people can be trained into it within the budget, the deadline "
                "and their time"
            )
            unmet.append(UnmetDemand("place", outcome.id, slot.role_id, unreachable, True, reason))
        if left - unreachable > 0:
            unmet.append(
                UnmetDemand(
                    "place",
                    outcome.id,
                    slot.role_id,
                    left - unreachable,
                    False,
                    "reachable, but the budget, course places or people's time went "
                    "to demand of higher priority",
                )
            )
    return unmet, open_demand, staffable


def _coverage_left(prep: Prepared, met: set[int]) -> tuple[list[UnmetDemand], float, float]:
    """The coverage rules left short, their open demand, and the part made staffable."""
    unmet = []
    open_demand = 0.0
    staffable = 0.0
    reachable_rules = _reachable_coverage(prep)
    for index, gap in enumerate(prep.coverage):
        outcome = prep.outcome(gap.outcome)
        rule = outcome.skill_coverage[gap.rule]
        open_demand += outcome.priority
        if index in met:
            staffable += outcome.priority
            continue
        reachable = index in reachable_rules
        unmet.append(
            UnmetDemand(
                "coverage",
                outcome.id,
                rule.skill_id,
                gap.short,
                not reachable,
                "reachable, but the budget or course places went to demand of higher priority"
                if reachable
                else f"too few team members or candidates can reach level {rule.min_level} in time",
            )
        )
    return unmet, open_demand, staffable


def _reachable_coverage(prep: Prepared) -> set[int]:
    """Coverage rules with enough trainable team members or candidates to meet them."""
    reachable = set()
    for index, gap in enumerate(prep.coverage):
        joining = {
            p for place in prep.places if place.outcome == gap.outcome for p in place.candidates
        }
        if len(gap.team) + len(joining) >= gap.short:
            reachable.add(index)
    return reachable
