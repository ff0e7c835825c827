"""What the planners work on: the places and coverage rules the baseline leaves
open, and for each the few people who can be trained into it in time and
within budget, with the course runs that get them there."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace

import numpy as np

from services.matching.domain.candidate_table import (
    MONEY_SCALE,
    BoolArray,
    CandidateTable,
    FloatArray,
    IntArray,
    build_table,
    fte_units,
    money_units,
    pair_cost,
)
from services.matching.domain.eligibility import combine, slot_filters
from services.matching.domain.model import Candidate, Outcome, Slot, StaffingResult
from services.matching.domain.rules import capacity, coverage, min_fit
from services.matching.domain.rules.community import COMMUNITY
from services.matching.domain.staffing import solve
from services.matching.domain.training.catalogue import Course
from services.matching.domain.training.gains import Gains, gain_bounds
from services.matching.domain.training.options import (
    Option,
    Runs,
    all_runs,
    cheapest_reach,
    coverage_options,
    person_options,
)
from services.matching.domain.training.plan import UnmetDemand
from services.matching.domain.training.request import TrainingRequest, validate

# Candidates looked at per open place before the cheapest `keep` are chosen.
LOOKED_AT_PER_KEPT = 8


@dataclass
class Place:
    """An open slot: the places the baseline leaves unfilled."""

    outcome: int
    slot: int
    open: int
    # Person index -> the options that lead to the slot's minimum fit, with each one's gain.
    candidates: dict[int, list[tuple[Option, float]]] = field(default_factory=dict)
    # Why nobody can be trained into it (empty when someone can).
    reason: str = ""


@dataclass
class CoverageGap:
    """A coverage rule the baseline leaves short."""

    outcome: int
    rule: int
    short: int
    # Baseline team members below the level: person index -> options reaching it.
    team: dict[int, list[Option]] = field(default_factory=dict)


@dataclass
class Baseline:
    """The baseline staffing result in candidate-table indices."""

    result: StaffingResult
    # person index -> [(outcome index, fte units)].
    load: dict[int, list[tuple[int, int]]]
    # outcome index -> team (person indices).
    teams: dict[int, list[int]]
    # outcome index -> each member's cost in money units.
    costs: dict[int, list[int]]
    # (outcome id, role id) -> places filled.
    filled: Counter[tuple[str, str]]


@dataclass
class Prepared:
    request: TrainingRequest
    baseline: Baseline
    table: CandidateTable
    places: list[Place]
    coverage: list[CoverageGap]
    # Places where people already fit but are not used: not a skills gap.
    not_skills: list[UnmetDemand]
    gains: Gains
    runs: Runs
    affordable: list[int]

    def outcome(self, index: int) -> Outcome:
        return self.request.staffing.outcomes[index]

    def slot(self, place: Place) -> Slot:
        return self.outcome(place.outcome).slots[place.slot]

    def course(self, option: Option) -> Course:
        return self.request.courses[option.course]

    def candidate(self, person: int) -> Candidate:
        return self.table.candidates[person]

    def pair_cost(self, person: int, place: Place) -> float:
        return pair_cost(self.candidate(person), self.outcome(place.outcome), self.slot(place))

    def priority_of(self, outcome_id: str) -> int:
        for outcome in self.request.staffing.outcomes:
            if outcome.id == outcome_id:
                return outcome.priority
        return 0

    def coverage_options(self, person: int, gap: CoverageGap) -> list[Option]:
        """The runs that lift the person to the gap's coverage level in time."""
        outcome = self.outcome(gap.outcome)
        return coverage_options(
            self.request,
            self.candidate(person),
            outcome.skill_coverage[gap.rule],
            self.runs,
            self.affordable,
            outcome.start,
        )


def _baseline(request: TrainingRequest, table: CandidateTable) -> Baseline:
    staffing = request.staffing
    result = request.baseline if request.baseline is not None else solve(staffing)
    outcome_index = {o.id: i for i, o in enumerate(staffing.outcomes)}
    baseline = Baseline(result, defaultdict(list), defaultdict(list), defaultdict(list), Counter())
    for a in result.assignments:
        if a.outcome_id not in outcome_index or a.person_id not in table.index:
            continue
        o_index, person = outcome_index[a.outcome_id], table.index[a.person_id]
        baseline.filled[(a.outcome_id, a.role_id)] += 1
        baseline.load[person].append((o_index, fte_units(a.fte)))
        baseline.teams[o_index].append(person)
        baseline.costs[o_index].append(money_units(a.cost))
    baseline.load = dict(baseline.load)
    baseline.teams = dict(baseline.teams)
    baseline.costs = dict(baseline.costs)
    return baseline


def prepare(request: TrainingRequest) -> Prepared:
    validate(request)
    table = build_table(request.staffing)
    runs = [request.runs_of(course) for course in request.courses]
    prep = Prepared(
        request=request,
        baseline=_baseline(request, table),
        table=table,
        places=[],
        coverage=[],
        not_skills=[],
        gains=Gains(request),
        runs=runs,
        affordable=[
            index
            for index, course in enumerate(request.courses)
            if runs[index] and course.cost <= request.budget + 1e-9
        ],
    )
    _PlaceFinder(prep).find()
    prep.coverage = _coverage_gaps(prep)
    return prep


class _PlaceFinder:
    """Fills `places` and `not_skills` of a prepared request."""

    def __init__(self, prep: Prepared) -> None:
        self.prep = prep
        table = prep.table
        self.size = len(table.candidates)
        self.keep = max(1, prep.request.max_candidates_per_place)
        self.community = table.sector == COMMUNITY
        self.day_rates = np.array([c.day_rate for c in table.candidates], dtype=np.float64)

    def find(self) -> None:
        prep = self.prep
        for o_index, outcome in enumerate(prep.request.staffing.outcomes):
            free = self.free_for(o_index, outcome)
            for s_index, slot in enumerate(outcome.slots):
                open_places = slot.count - prep.baseline.filled[(outcome.id, slot.role_id)]
                if open_places > 0:
                    self.open_slot(Place(o_index, s_index, open_places), free)

    def free_for(self, o_index: int, outcome: Outcome) -> IntArray:
        """Free FTE units per person on the outcome's dates, -1 for its team members."""
        baseline = self.prep.baseline
        outcomes = self.prep.request.staffing.outcomes
        overlapping_load = np.zeros(self.size, dtype=np.int64)
        for person, loads in baseline.load.items():
            overlapping_load[person] = capacity.busy_units(outcomes, loads, outcome)
        free: IntArray = self.prep.table.free_fte_units - overlapping_load
        free[baseline.teams.get(o_index, [])] = -1
        return free

    def open_slot(self, place: Place, free: IntArray) -> None:
        prep = self.prep
        outcome, slot = prep.outcome(place.outcome), prep.slot(place)
        mask = combine(
            slot_filters(prep.table, outcome, slot), self.size, skip=frozenset({"fit", "capacity"})
        )
        mask &= free >= fte_units(slot.fte)
        costs = np.where(self.community, 0.0, self.day_rates * outcome.days * slot.fte)
        left = money_units(outcome.budget) - sum(prep.baseline.costs.get(place.outcome, []))
        mask &= costs <= left / MONEY_SCALE + 1e-6
        fits = prep.table.fit_column(slot.role_id)
        # Who fills the slot outright: training aims at the minimum fit itself, not at
        # a development placement's floor.
        outright = replace(slot, development_floor=None)
        fitting = int(np.count_nonzero(mask & min_fit.meets(fits, outright)))
        if fitting >= place.open:
            prep.not_skills.append(
                UnmetDemand(
                    "place",
                    outcome.id,
                    slot.role_id,
                    place.open,
                    True,
                    f"{fitting} people who fit are free; the team rules keep it open, "
                    "not a skill gap",
                    skill_gap=False,
                )
            )
            return
        self.rank(place, mask, fits)
        if not place.candidates:
            place.reason = (
                "no one free for it can reach the minimum fit with courses that "
                "fit the budget, the deadline and their time"
            )
        prep.places.append(place)

    def rank(self, place: Place, mask: BoolArray, fits: FloatArray) -> None:
        """Keep the people the cheapest training lifts to the slot's minimum fit."""
        prep = self.prep
        outcome, slot = prep.outcome(place.outcome), prep.slot(place)
        usable = [
            c
            for c in prep.affordable
            if prep.gains.may_help(prep.request.courses[c], slot.role_id)
            and any(end < outcome.start for _, end in prep.runs[c])
        ]
        bound = gain_bounds(prep.request.courses, prep.table, prep.gains, usable, slot.role_id)
        deficit = slot.min_fit - fits
        near = np.nonzero(mask & (fits >= 0.0) & (deficit > 1e-9) & (bound >= deficit - 1e-9))[0]
        order = near[np.argsort(deficit[near], kind="stable")]
        ranked: list[tuple[float, float, str, int]] = []
        for person in order[: self.keep * LOOKED_AT_PER_KEPT].tolist():
            candidate = prep.candidate(person)

            def gain_of(course: Course, who: Candidate = candidate) -> float:
                return prep.gains.gain(who, course, slot.role_id)

            by_skill = person_options(
                prep.request, candidate, usable, prep.runs, outcome.start, gain_of
            )
            reach = cheapest_reach(
                by_skill, float(deficit[person]), prep.request.days_for(candidate.person_id)
            )
            if reach is None:
                continue
            ranked.append((reach[0], float(deficit[person]), candidate.person_id, person))
            place.candidates[person] = all_runs(by_skill)
        ranked.sort()
        kept = {person for *_, person in ranked[: self.keep]}
        place.candidates = {p: o for p, o in place.candidates.items() if p in kept}


def _coverage_gaps(prep: Prepared) -> list[CoverageGap]:
    gaps: list[CoverageGap] = []
    for o_index, outcome in enumerate(prep.request.staffing.outcomes):
        team = prep.baseline.teams.get(o_index, [])
        for r_index, rule in enumerate(outcome.skill_coverage):
            holds_level = coverage.holders_mask(prep.table, rule)
            short = coverage.shortfall(rule, sum(1 for p in team if holds_level[p]))
            if short <= 0:
                continue
            gap = CoverageGap(o_index, r_index, short)
            for person in team:
                if holds_level[person]:
                    continue
                options = prep.coverage_options(person, gap)
                if options:
                    gap.team[person] = options
            gaps.append(gap)
    return gaps
