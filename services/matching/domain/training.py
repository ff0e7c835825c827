"""Training plans: who takes which course so that the most priority-weighted
demand that staffing leaves open becomes staffable. Plain Python over the
staffing domain's data; CP-SAT decides.

The plan starts from a staffing result (the baseline): its assignments stay,
and the plan targets the places it leaves unfilled and the skill-coverage
rules it leaves short. Fits after training come from the caller (`fits_after`,
computed with the skills service's fit rule; when given it is the whole truth
and a pair it does not name gains nothing) or else from the role requirements
in `roles` with the own-skill credit of that rule. Gains of courses in
different skills add up; where they overlap (two skills crediting one
requirement) that overstates the fit, which `check_plan` would show.

Model: a course per person and skill at most (no chains of courses within a
plan), runs ending by the deadline and before the outcome they serve starts,
the training budget, places per run, each person's training days; a trained
person fills an open place only within their free capacity on overlapping
outcomes, one role per outcome, the outcome's remaining budget and its
maximum sector share. Objective: priority-weighted places made fillable and
coverage rules met, each worth more than any saving; then the cost; then
spreading (a penalty per course beyond a person's first and per enrolment in
the busiest sector).
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from enum import StrEnum
from math import ceil, floor
from time import perf_counter

import numpy as np
from ortools.sat.python import cp_model

from services.matching.domain.eligibility import (
    SECTORS,
    CandidateTable,
    FloatArray,
    build_table,
    combine,
    dates_overlap,
    fte_units,
    money_units,
    pair_cost,
    slot_filters,
)
from services.matching.domain.model import (
    Candidate,
    LocalityRule,
    Outcome,
    Pin,
    Sector,
    SkillCoverage,
    Slot,
    SolveStatus,
    StaffingRequest,
    StaffingResult,
)
from services.matching.domain.staffing import solve
from services.matching.domain.staffing_model import (
    capacity_groups,
    coverage_rule,
    sector_share_limit,
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
class CourseOutcome:
    """The level a person holds after a course, and the courses that lead there."""

    skill_id: str
    level: int
    course_ids: tuple[str, ...]


def override_rounds(
    candidates: Iterable[Candidate], courses: Iterable[Course]
) -> list[dict[str, CourseOutcome]]:
    """What each person may hold after one course, packed in rounds of one level
    per person: each round is one candidate matrix with overrides, so the fits
    after every course cost as many matrices as the most courses open to one
    person, not one per course."""
    by_target: dict[tuple[str, int], list[Course]] = defaultdict(list)
    for course in courses:
        by_target[(course.skill_id, course.to_level)].append(course)
    rounds: list[dict[str, CourseOutcome]] = []
    for candidate in candidates:
        taken = 0
        for (skill_id, level), group in sorted(by_target.items()):
            held = candidate.levels.get(skill_id, 0)
            course_ids = tuple(c.id for c in group if c.from_level <= held < c.to_level)
            if not course_ids:
                continue
            if taken == len(rounds):
                rounds.append({})
            rounds[taken][candidate.person_id] = CourseOutcome(skill_id, level, course_ids)
            taken += 1
    return rounds


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


@dataclass(frozen=True)
class SlotCheck:
    outcome_id: str
    role_id: str
    # Places filled in the baseline plus places the plan claims.
    claimed: int
    filled: int


@dataclass(frozen=True)
class PlanCheck:
    """The staffing model re-run with the plan's levels and fits.

    `result` is the free re-run, as a what-if proposal would run it. When it
    fills fewer places than claimed (a time-limited search on a large
    portfolio can stop short), the baseline team and the claimed people are
    pinned and the model run again: `pinned_feasible` says whether the claim
    holds under every hard staffing rule.
    """

    slots: tuple[SlotCheck, ...]
    claimed_places: int
    filled_places: int
    result: StaffingResult
    # Coverage rules the plan claims met that the re-run still leaves short: (outcome, skill).
    coverage_short: tuple[tuple[str, str], ...] = ()
    # None: not needed, the free re-run holds.
    pinned_feasible: bool | None = None

    @property
    def holds(self) -> bool:
        return all(s.filled >= s.claimed for s in self.slots) and not self.coverage_short

    @property
    def feasible(self) -> bool:
        return self.holds or bool(self.pinned_feasible)


class InvalidTrainingRequest(ValueError):
    """The catalogue or the request contradicts itself."""


# Fits in millionths; the rounding slack below is the staffing filter's 1e-9 tolerance.
FIT_SCALE = 1_000_000
FIT_SLACK = 1e-9 * FIT_SCALE
MONEY_SCALE = 100
DAYS_SCALE = 10
# The model's own time share when the planner also has to solve the baseline.
MIN_MODEL_SECONDS = 1.0
NUM_WORKERS = 2


@dataclass(frozen=True)
class _Option:
    """One way a person can take a course: the course and the run."""

    course: int
    start: date
    end: date


@dataclass
class _Place:
    """An open slot: the places the baseline leaves unfilled."""

    outcome: int
    slot: int
    open: int
    # Person index -> the options that lead to the slot's minimum fit, with each one's gain.
    candidates: dict[int, list[tuple[_Option, float]]] = field(default_factory=dict)
    # Why nobody can be trained into it (empty when someone can).
    reason: str = ""


@dataclass
class _Coverage:
    """A coverage rule the baseline leaves short."""

    outcome: int
    rule: int
    short: int
    # Baseline team members below the level: person index -> options reaching it.
    team: dict[int, list[_Option]] = field(default_factory=dict)


@dataclass
class _Prepared:
    request: TrainingRequest
    baseline: StaffingResult
    table: CandidateTable
    places: list[_Place]
    coverage: list[_Coverage]
    # person index -> [(outcome index, fte units)] in the baseline.
    load: dict[int, list[tuple[int, int]]]
    # outcome index -> baseline team (person indices).
    teams: dict[int, list[int]]
    # outcome index -> baseline cost.
    spent: dict[int, float]
    # Places where people already fit but are not used: not a skills gap.
    not_skills: list[UnmetDemand]
    gains: _Gains
    runs: list[list[tuple[date, date]]]
    affordable: list[int]


class _Gains:
    """Fit gained per role by one course, per the caller's fits or the role requirements."""

    def __init__(self, request: TrainingRequest) -> None:
        self.from_caller = request.fits_after is not None
        self.explicit = {(f.person_id, f.course_id): f.fits for f in request.fits_after or ()}
        self.shares: dict[str, dict[str, tuple[int, float]]] = {}
        for role in request.roles:
            total = sum(r.weight for r in role.requirements)
            if total <= 0:
                continue
            self.shares[role.role_id] = {
                r.skill_id: (r.min_level, r.weight / total)
                for r in role.requirements
                if r.min_level > 0
            }

    def gain(self, candidate: Candidate, course: Course, role_id: str) -> float:
        if self.from_caller:
            fits = self.explicit.get((candidate.person_id, course.id), {})
            after = fits.get(role_id)
            if after is None:
                return 0.0
            return max(0.0, after - candidate.fits.get(role_id, 0.0))
        requirement = self.shares.get(role_id, {}).get(course.skill_id)
        if requirement is None:
            return 0.0
        min_level, share = requirement
        level = candidate.levels.get(course.skill_id, 0)
        return max(
            0.0, share * (min(1.0, course.to_level / min_level) - min(1.0, level / min_level))
        )

    def may_help(self, course: Course, role_id: str) -> bool:
        """False when the course cannot change the role's fit for anyone."""
        if self.from_caller:
            return True
        return course.skill_id in self.shares.get(role_id, {})


def _validate(request: TrainingRequest) -> None:
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


def _runs(course: Course, request: TrainingRequest) -> list[tuple[date, date]]:
    """Runs that start from today and end by the deadline."""
    if not course.runs:
        end = request.today + timedelta(days=ceil(course.duration_days))
        runs = [(request.today, end)]
    else:
        runs = [(r.start, r.end) for r in course.runs]
    return sorted((s, e) for s, e in runs if s >= request.today and e <= request.deadline)


def _available_days(request: TrainingRequest, person_id: str) -> float:
    return request.available_days.get(person_id, request.default_available_days)


def _pareto(options: list[tuple[_Option, float, float]]) -> list[tuple[_Option, float, float]]:
    """(option, gain, cost) not beaten by a cheaper option with at least the same gain
    (`_person_options` then offers every run of a kept course)."""
    kept: list[tuple[_Option, float, float]] = []
    best_gain = -1.0
    for entry in sorted(options, key=lambda e: (e[2], -e[1], e[0].end)):
        if entry[1] > best_gain + 1e-12:
            kept.append(entry)
            best_gain = entry[1]
    return kept


def _runs_overlap(a: _Option, b: _Option) -> bool:
    return a.start <= b.end and b.start <= a.end


def _clashes(option: _Option, taken: Iterable[_Option]) -> bool:
    """Whether the option's run overlaps a run the person already takes: nobody
    attends two courses on the same days."""
    return any(_runs_overlap(option, other) for other in taken)


def _cheapest_reach(
    by_skill: dict[str, list[tuple[_Option, float, float, float]]],
    deficit: float,
    days: float,
    taken: Iterable[_Option] = (),
) -> tuple[float, list[_Option]] | None:
    """The cheapest set of options (at most one per skill, no two on overlapping
    dates, none overlapping `taken`) whose gains add up to `deficit` within
    `days` of training; entries are (option, gain, cost, days)."""
    busy = list(taken)
    skills = sorted(by_skill, key=lambda s: -max(e[1] for e in by_skill[s]))
    best_gain_after = [0.0] * (len(skills) + 1)
    for index in range(len(skills) - 1, -1, -1):
        best_gain_after[index] = best_gain_after[index + 1] + max(
            e[1] for e in by_skill[skills[index]]
        )
    best: tuple[float, list[_Option]] | None = None

    def search(index: int, need: float, cost: float, used: float, chosen: list[_Option]) -> None:
        nonlocal best
        if best is not None and cost >= best[0]:
            return
        if need <= 1e-9:
            best = (cost, list(chosen))
            return
        if index == len(skills) or best_gain_after[index] < need - 1e-9:
            return
        for option, gain, price, length in by_skill[skills[index]]:
            if used + length <= days + 1e-9 and not _clashes(option, [*busy, *chosen]):
                chosen.append(option)
                search(index + 1, need - gain, cost + price, used + length, chosen)
                chosen.pop()
        search(index + 1, need, cost, used, chosen)

    search(0, deficit, 0.0, 0.0, [])
    return best


def _level_table(values: dict[int, float], top: int) -> FloatArray:
    return np.array([values.get(level, 0.0) for level in range(top + 1)], dtype=np.float64)


def _gain_bounds(
    request: TrainingRequest,
    table: CandidateTable,
    gains: _Gains,
    usable: list[int],
    role_id: str,
) -> FloatArray:
    """Per person, the most the usable courses can add to the role's fit (one course per skill)."""
    size = len(table.candidates)
    courses = request.courses
    if gains.from_caller:
        bound = np.zeros(size, dtype=np.float64)
        best: dict[tuple[int, str], float] = {}
        usable_ids = {courses[c].id: courses[c] for c in usable}
        for (person_id, course_id), fits in gains.explicit.items():
            course = usable_ids.get(course_id)
            person = table.index.get(person_id)
            if course is None or person is None or role_id not in fits:
                continue
            gain = gains.gain(table.candidates[person], course, role_id)
            key = (person, course.skill_id)
            best[key] = max(best.get(key, 0.0), gain)
        for (person, _), gain in best.items():
            bound[person] += gain
        return bound
    bound = np.zeros(size, dtype=np.float64)
    for skill_id, (min_level, share) in gains.shares.get(role_id, {}).items():
        on_skill = [courses[c] for c in usable if courses[c].skill_id == skill_id]
        if not on_skill:
            continue
        top = max(max(c.to_level for c in on_skill), min_level)
        reach: dict[int, float] = {}
        for course in on_skill:
            credit = min(1.0, course.to_level / min_level)
            for level in range(course.from_level, course.to_level):
                reach[level] = max(reach.get(level, 0.0), credit)
        levels = np.clip(table.level_column(skill_id), 0, top)
        now = np.minimum(1.0, levels / min_level)
        after = _level_table(reach, top)[levels]
        bound += share * np.maximum(0.0, after - now)
    return bound


def _person_options(
    request: TrainingRequest,
    candidate: Candidate,
    courses: list[int],
    runs: list[list[tuple[date, date]]],
    before: date,
    gain_of: Callable[[Course], float],
) -> dict[str, list[tuple[_Option, float, float, float]]]:
    """Per skill, the (option, gain, cost, days) a person can take ending before `before`."""
    days = _available_days(request, candidate.person_id)
    by_skill: dict[str, list[tuple[_Option, float, float]]] = {}
    for index in courses:
        course = request.courses[index]
        level = candidate.levels.get(course.skill_id, 0)
        if not course.from_level <= level < course.to_level or course.duration_days > days:
            continue
        gain = gain_of(course)
        if gain <= 1e-9:
            continue
        for start, end in runs[index]:
            if end < before:
                option = _Option(index, start, end)
                by_skill.setdefault(course.skill_id, []).append((option, gain, course.cost))
    # The courses worth taking, each with every run it has before `before`: a
    # later run may be the one that does not clash with the person's other course.
    kept: dict[str, list[tuple[_Option, float, float, float]]] = {}
    for skill, entries in by_skill.items():
        worth = {o.course for o, _, _ in _pareto(entries)}
        kept[skill] = [
            (o, g, c, request.courses[o.course].duration_days)
            for o, g, c in entries
            if o.course in worth
        ]
    return kept


def _all_runs(
    by_skill: dict[str, list[tuple[_Option, float, float, float]]],
) -> list[tuple[_Option, float]]:
    """Every run of the courses kept for a person (`_person_options` keeps them all)."""
    return [(option, gain) for entries in by_skill.values() for option, gain, _, _ in entries]


def _prepare(request: TrainingRequest) -> _Prepared:
    _validate(request)
    staffing = request.staffing
    baseline = request.baseline if request.baseline is not None else solve(staffing)
    table = build_table(staffing)
    size = len(table.candidates)
    outcome_index = {o.id: i for i, o in enumerate(staffing.outcomes)}
    filled: Counter[tuple[str, str]] = Counter()
    load: dict[int, list[tuple[int, int]]] = defaultdict(list)
    teams: dict[int, list[int]] = defaultdict(list)
    spent: dict[int, float] = defaultdict(float)
    for a in baseline.assignments:
        if a.outcome_id not in outcome_index or a.person_id not in table.index:
            continue
        o_index, person = outcome_index[a.outcome_id], table.index[a.person_id]
        filled[(a.outcome_id, a.role_id)] += 1
        load[person].append((o_index, fte_units(a.fte)))
        teams[o_index].append(person)
        spent[o_index] += a.cost
    gains = _Gains(request)
    runs = [_runs(course, request) for course in request.courses]
    affordable = [
        index
        for index, course in enumerate(request.courses)
        if runs[index] and course.cost <= request.budget + 1e-9
    ]
    places: list[_Place] = []
    not_skills: list[UnmetDemand] = []
    keep = max(1, request.max_candidates_per_place)
    community = table.sector == SECTORS.index(Sector.COMMUNITY)
    day_rates = np.array([c.day_rate for c in table.candidates], dtype=np.float64)
    for o_index, outcome in enumerate(staffing.outcomes):
        in_team = np.zeros(size, dtype=bool)
        in_team[teams.get(o_index, [])] = True
        overlapping_load = np.zeros(size, dtype=np.int64)
        for person, entries in load.items():
            overlapping_load[person] = sum(
                units for o, units in entries if dates_overlap(staffing.outcomes[o], outcome)
            )
        remaining = outcome.budget - spent.get(o_index, 0.0)
        for s_index, slot in enumerate(outcome.slots):
            open_places = slot.count - filled[(outcome.id, slot.role_id)]
            if open_places <= 0:
                continue
            filters = slot_filters(table, outcome, slot)
            mask = combine(filters, size, skip=frozenset({"fit", "capacity"}))
            mask &= ~in_team
            mask &= table.free_fte_units - overlapping_load >= fte_units(slot.fte)
            costs = np.where(community, 0.0, day_rates * outcome.days * slot.fte)
            mask &= costs <= remaining + 1e-6
            fits = table.fit_column(slot.role_id)
            fitting = int(np.count_nonzero(mask & (fits >= slot.min_fit - 1e-9)))
            place = _Place(o_index, s_index, open_places)
            if fitting >= open_places:
                not_skills.append(
                    UnmetDemand(
                        "place",
                        outcome.id,
                        slot.role_id,
                        open_places,
                        True,
                        f"{fitting} people who fit are free; the team rules keep it open, "
                        "not a skill gap",
                        skill_gap=False,
                    )
                )
                continue
            usable = [
                c
                for c in affordable
                if gains.may_help(request.courses[c], slot.role_id)
                and any(end < outcome.start for _, end in runs[c])
            ]
            bound = _gain_bounds(request, table, gains, usable, slot.role_id)
            deficit = slot.min_fit - fits
            near = np.nonzero(mask & (fits >= 0.0) & (deficit > 1e-9) & (bound >= deficit - 1e-9))[
                0
            ]
            order = near[np.argsort(deficit[near], kind="stable")]
            ranked: list[tuple[float, float, str, int]] = []
            for person in order[: keep * 8].tolist():
                candidate = table.candidates[person]

                def gain_of(
                    course: Course, who: Candidate = candidate, role_id: str = slot.role_id
                ) -> float:
                    return gains.gain(who, course, role_id)

                by_skill = _person_options(request, candidate, usable, runs, outcome.start, gain_of)
                reach = _cheapest_reach(
                    by_skill, float(deficit[person]), _available_days(request, candidate.person_id)
                )
                if reach is None:
                    continue
                ranked.append((reach[0], float(deficit[person]), candidate.person_id, person))
                place.candidates[person] = _all_runs(by_skill)
            ranked.sort()
            kept = {person for *_, person in ranked[:keep]}
            place.candidates = {p: o for p, o in place.candidates.items() if p in kept}
            if not place.candidates:
                place.reason = (
                    "no one free for it can reach the minimum fit with courses that "
                    "fit the budget, the deadline and their time"
                )
            places.append(place)
    coverage = _prepare_coverage(request, table, teams, runs, affordable)
    return _Prepared(
        request=request,
        baseline=baseline,
        table=table,
        places=places,
        coverage=coverage,
        load=dict(load),
        teams=dict(teams),
        spent=dict(spent),
        not_skills=not_skills,
        gains=gains,
        runs=runs,
        affordable=affordable,
    )


def _coverage_options(
    request: TrainingRequest,
    candidate: Candidate,
    rule: SkillCoverage,
    runs: list[list[tuple[date, date]]],
    affordable: list[int],
    before: date,
) -> list[_Option]:
    level = candidate.levels.get(rule.skill_id, 0)
    days = _available_days(request, candidate.person_id)
    options: list[_Option] = []
    for index in affordable:
        course = request.courses[index]
        if (
            course.skill_id != rule.skill_id
            or course.to_level < rule.min_level
            or not course.from_level <= level < course.to_level
            or course.duration_days > days
        ):
            continue
        options.extend(_Option(index, start, end) for start, end in runs[index] if end < before)
    return options


def _prepare_coverage(
    request: TrainingRequest,
    table: CandidateTable,
    teams: dict[int, list[int]],
    runs: list[list[tuple[date, date]]],
    affordable: list[int],
) -> list[_Coverage]:
    rules: list[_Coverage] = []
    for o_index, outcome in enumerate(request.staffing.outcomes):
        team = teams.get(o_index, [])
        for r_index, rule in enumerate(outcome.skill_coverage):
            levels = table.level_column(rule.skill_id)
            holders = sum(1 for p in team if levels[p] >= rule.min_level)
            short = rule.min_people - holders
            if short <= 0:
                continue
            entry = _Coverage(o_index, r_index, short)
            for person in team:
                if levels[person] >= rule.min_level:
                    continue
                options = _coverage_options(
                    request, table.candidates[person], rule, runs, affordable, outcome.start
                )
                if options:
                    entry.team[person] = options
            rules.append(entry)
    return rules


@dataclass
class _Selection:
    # person index -> skill id -> the option taken
    enrolments: dict[int, dict[str, _Option]] = field(default_factory=dict)
    # (place index, person index)
    fills: list[tuple[int, int]] = field(default_factory=list)
    # (coverage index, people whose training meets it)
    met: list[tuple[int, tuple[int, ...]]] = field(default_factory=list)


def _outcome(prep: _Prepared, index: int) -> Outcome:
    return prep.request.staffing.outcomes[index]


def _slot(prep: _Prepared, place: _Place) -> Slot:
    return _outcome(prep, place.outcome).slots[place.slot]


def _pair_cost(prep: _Prepared, person: int, place: _Place) -> float:
    return pair_cost(
        prep.table.candidates[person], _outcome(prep, place.outcome), _slot(prep, place)
    )


class _Greedy:
    """The baseline: the largest priority-weighted gap first, met by the cheapest training."""

    def __init__(self, prep: _Prepared) -> None:
        self.prep = prep
        self.sel = _Selection()
        self.budget = prep.request.budget
        self.run_used: Counter[_Option] = Counter()
        self.days_used: dict[int, float] = defaultdict(float)
        self.load: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for person, entries in prep.load.items():
            self.load[person].extend(entries)
        self.members: dict[int, list[int]] = defaultdict(list)
        for o_index, team in prep.teams.items():
            self.members[o_index].extend(team)
        self.extra_cost: dict[int, float] = defaultdict(float)
        self.trained_for: dict[int, list[int]] = defaultdict(list)
        self.open_places: Counter[int] = Counter()
        for place in prep.places:
            self.open_places[place.outcome] += place.open

    def run(self) -> _Selection:
        heap: list[tuple[float, int, int]] = []
        open_count = {i: p.open for i, p in enumerate(self.prep.places) if p.candidates}
        short = {i: c.short for i, c in enumerate(self.prep.coverage)}
        for index in open_count:
            priority = _outcome(self.prep, self.prep.places[index].outcome).priority
            heapq.heappush(heap, (-open_count[index] * priority, 0, index))
        for index, rule in enumerate(self.prep.coverage):
            priority = _outcome(self.prep, rule.outcome).priority
            heapq.heappush(heap, (-rule.short * priority, 1, index))
        while heap:
            _, kind, index = heapq.heappop(heap)
            if kind == 0:
                if not self.fill(index):
                    continue
                open_count[index] -= 1
                remaining = open_count[index]
                place = self.prep.places[index]
                priority = _outcome(self.prep, place.outcome).priority
            else:
                remaining = self.cover(index, short[index])
                short[index] = remaining
                if remaining < 0:
                    continue
                priority = _outcome(self.prep, self.prep.coverage[index].outcome).priority
            if remaining > 0:
                heapq.heappush(heap, (-remaining * priority, kind, index))
        self._settle()
        return self.sel

    def _free(self, person: int, place: _Place) -> bool:
        outcomes = self.prep.request.staffing.outcomes
        target = outcomes[place.outcome]
        used = sum(u for o, u in self.load[person] if dates_overlap(outcomes[o], target))
        return used + fte_units(_slot(self.prep, place).fte) <= int(
            self.prep.table.free_fte_units[person]
        )

    def _share_allows(self, person: int, o_index: int) -> bool:
        """Adding the person leaves their sector within the outcome's maximum share of
        the largest team it can still reach (checked on the final team in `_settle`)."""
        share = _outcome(self.prep, o_index).rules.max_sector_share
        if share is None or share >= 1:
            return True
        sectors = self.prep.table.sector
        team = self.members[o_index]
        same = sum(1 for p in team if sectors[p] == sectors[person]) + 1
        largest = len(self.prep.teams.get(o_index, [])) + self.open_places[o_index]
        return same * 100 <= sector_share_limit(share) * largest

    def _settle(self) -> None:
        """Drop the new members of teams that end above a sector's maximum share."""
        sectors = self.prep.table.sector
        broken = set()
        for o_index, team in self.members.items():
            share = _outcome(self.prep, o_index).rules.max_sector_share
            if share is None or share >= 1 or not team:
                continue
            counts = Counter(int(sectors[p]) for p in team)
            if max(counts.values()) * 100 > sector_share_limit(share) * len(team):
                broken.add(o_index)
        if broken:
            places = self.prep.places
            self.sel.fills = [f for f in self.sel.fills if places[f[0]].outcome not in broken]
            coverage = self.prep.coverage
            self.sel.met = [m for m in self.sel.met if coverage[m[0]].outcome not in broken]

    def _usable(self, option: _Option) -> bool:
        course = self.prep.request.courses[option.course]
        full = 0 < course.capacity_per_run <= self.run_used[option]
        return not full and course.cost <= self.budget + 1e-9

    def _take(self, person: int, options: list[_Option]) -> None:
        for option in options:
            course = self.prep.request.courses[option.course]
            self.sel.enrolments.setdefault(person, {})[course.skill_id] = option
            self.run_used[option] += 1
            self.days_used[person] += course.duration_days
            self.budget -= course.cost

    def fill(self, index: int) -> bool:
        place = self.prep.places[index]
        slot = _slot(self.prep, place)
        outcome = _outcome(self.prep, place.outcome)
        best: tuple[float, str, int, list[_Option]] | None = None
        for person, options in place.candidates.items():
            if (
                person in self.members[place.outcome]
                or not self._free(person, place)
                or not self._share_allows(person, place.outcome)
            ):
                continue
            cost = _pair_cost(self.prep, person, place)
            if (
                cost
                > outcome.budget
                - self.prep.spent.get(place.outcome, 0.0)
                - self.extra_cost[place.outcome]
                + 1e-6
            ):
                continue
            candidate = self.prep.table.candidates[person]
            taken = self.sel.enrolments.get(person, {})
            have = sum(g for o, g in options if taken.get(self._skill(o)) == o)
            need = slot.min_fit - candidate.fits.get(slot.role_id, 0.0) - have
            by_skill: dict[str, list[tuple[_Option, float, float, float]]] = {}
            for option, gain in options:
                skill = self._skill(option)
                if skill in taken or not self._usable(option):
                    continue
                course = self.prep.request.courses[option.course]
                by_skill.setdefault(skill, []).append(
                    (option, gain, course.cost, course.duration_days)
                )
            days = _available_days(self.prep.request, candidate.person_id)
            reach = _cheapest_reach(by_skill, need, days - self.days_used[person], taken.values())
            if reach is None or reach[0] > self.budget + 1e-9:
                continue
            key = (reach[0], candidate.person_id, person, reach[1])
            if best is None or key[:2] < best[:2]:
                best = key
        if best is None:
            return False
        _, _, person, chosen = best
        self._take(person, chosen)
        self.sel.fills.append((index, person))
        self.members[place.outcome].append(person)
        self.load[person].append((place.outcome, fte_units(slot.fte)))
        self.extra_cost[place.outcome] += _pair_cost(self.prep, person, place)
        return True

    def _skill(self, option: _Option) -> str:
        return self.prep.request.courses[option.course].skill_id

    def cover(self, index: int, short: int) -> int:
        """Train one more member; the count still short after, or -1 when nobody can be."""
        rule_entry = self.prep.coverage[index]
        outcome = _outcome(self.prep, rule_entry.outcome)
        rule = outcome.skill_coverage[rule_entry.rule]
        levels = self.prep.table.level_column(rule.skill_id)
        team = set(self.prep.teams.get(rule_entry.outcome, []))
        joined = [p for p in self.members[rule_entry.outcome] if p not in team]
        holders = sum(1 for p in joined if levels[p] >= rule.min_level)
        trained = self.trained_for[index]
        if rule_entry.short - holders - len(trained) <= 0:
            self.sel.met.append((index, tuple(trained)))
            return 0
        options_by_person = dict(rule_entry.team)
        for person in joined:
            if levels[person] < rule.min_level:
                options_by_person[person] = _coverage_options(
                    self.prep.request,
                    self.prep.table.candidates[person],
                    rule,
                    self.prep.runs,
                    self.prep.affordable,
                    outcome.start,
                )
        best: tuple[float, str, int, _Option] | None = None
        for person, options in options_by_person.items():
            if person in trained:
                continue
            candidate = self.prep.table.candidates[person]
            taken = self.sel.enrolments.get(person, {})
            if rule.skill_id in taken:
                continue
            days = _available_days(self.prep.request, candidate.person_id)
            for option in options:
                course = self.prep.request.courses[option.course]
                if (
                    not self._usable(option)
                    or self.days_used[person] + course.duration_days > days
                    or _clashes(option, taken.values())
                ):
                    continue
                key = (course.cost, candidate.person_id, person, option)
                if best is None or key[:2] < best[:2]:
                    best = key
        if best is None:
            return -1
        _, _, person, option = best
        self._take(person, [option])
        trained.append(person)
        left = rule_entry.short - holders - len(trained)
        if left <= 0:
            self.sel.met.append((index, tuple(trained)))
        return left


class _Model:
    """The CP-SAT model over the pruned places, people and course runs."""

    def __init__(self, prep: _Prepared) -> None:
        self.prep = prep
        self.model = cp_model.CpModel()
        self.enrol: dict[tuple[int, _Option], cp_model.IntVar] = {}
        self.fill: dict[tuple[int, int], cp_model.IntVar] = {}
        self.met: dict[int, cp_model.IntVar] = {}
        self.trained: dict[int, list[tuple[int, cp_model.IntVar]]] = {}
        # The objective's value of one priority point of demand (set by add_objective).
        self.unit = 1.0

    def enrolment(self, person: int, option: _Option) -> cp_model.IntVar:
        key = (person, option)
        if key not in self.enrol:
            self.enrol[key] = self.model.new_bool_var(
                f"enrol[{person},{option.course},{option.start}]"
            )
        return self.enrol[key]

    def build(self) -> None:
        prep = self.prep
        for index, place in enumerate(prep.places):
            slot = _slot(prep, place)
            for person, options in place.candidates.items():
                candidate = prep.table.candidates[person]
                chosen = self.model.new_bool_var(f"fill[{index},{person}]")
                self.fill[(index, person)] = chosen
                need = ceil(
                    (slot.min_fit - candidate.fits.get(slot.role_id, 0.0)) * FIT_SCALE - FIT_SLACK
                )
                # Gains capped at the need: the same integer solutions as "gains >= need if
                # chosen", with a far tighter linear relaxation than an enforced constraint.
                terms = [
                    (min(need, floor(g * FIT_SCALE + FIT_SLACK)), self.enrolment(person, o))
                    for o, g in options
                ]
                self.model.add(
                    cp_model.LinearExpr.weighted_sum([v for _, v in terms], [g for g, _ in terms])
                    >= need * chosen
                )
            if place.candidates:
                self.model.add(sum(self.fill[(index, p)] for p in place.candidates) <= place.open)
        for index, rule in enumerate(prep.coverage):
            self.add_coverage(index, rule)
        self.add_people()
        self.add_courses()
        self.add_outcomes()
        self.add_objective()

    def add_coverage(self, index: int, entry: _Coverage) -> None:
        prep = self.prep
        outcome = _outcome(prep, entry.outcome)
        rule = outcome.skill_coverage[entry.rule]
        levels = prep.table.level_column(rule.skill_id)
        counted: list[cp_model.IntVar] = []
        trained: list[tuple[int, cp_model.IntVar]] = []
        for person, options in entry.team.items():
            learns = self.model.new_bool_var(f"cover[{index},{person}]")
            self.model.add(learns <= sum(self.enrolment(person, o) for o in options))
            trained.append((person, learns))
        joining: dict[int, list[cp_model.IntVar]] = defaultdict(list)
        for p_index, place in enumerate(prep.places):
            if place.outcome == entry.outcome:
                for person in place.candidates:
                    joining[person].append(self.fill[(p_index, person)])
        for person, fills in joining.items():
            if levels[person] >= rule.min_level:
                counted.extend(fills)
                continue
            options = _coverage_options(
                prep.request,
                prep.table.candidates[person],
                rule,
                prep.runs,
                prep.affordable,
                outcome.start,
            )
            if not options:
                continue
            learns = self.model.new_bool_var(f"cover[{index},{person}]")
            self.model.add(learns <= sum(fills))
            self.model.add(learns <= sum(self.enrolment(person, o) for o in options))
            trained.append((person, learns))
        counted.extend(v for _, v in trained)
        if len(counted) < entry.short:
            return
        met = self.model.new_bool_var(f"met[{index}]")
        self.model.add(sum(counted) >= entry.short * met)
        self.met[index] = met
        self.trained[index] = trained

    def add_people(self) -> None:
        prep = self.prep
        request = prep.request
        by_person: dict[int, list[tuple[_Option, cp_model.IntVar]]] = defaultdict(list)
        for (person, option), var in self.enrol.items():
            by_person[person].append((option, var))
        for person, entries in by_person.items():
            per_skill: dict[str, list[cp_model.IntVar]] = defaultdict(list)
            for option, var in entries:
                per_skill[request.courses[option.course].skill_id].append(var)
            for variables in per_skill.values():
                if len(variables) > 1:
                    self.model.add_at_most_one(variables)
            # Nobody attends two runs on the same days: runs that overlap share a day
            # on which one of them starts, so one clique per start day covers every pair.
            for day in sorted({o.start for o, _ in entries}):
                running = [v for o, v in entries if o.start <= day <= o.end]
                if len(running) > 1:
                    self.model.add_at_most_one(running)
            days = _available_days(request, prep.table.candidates[person].person_id)
            self.model.add(
                sum(
                    round(request.courses[o.course].duration_days * DAYS_SCALE) * v
                    for o, v in entries
                )
                <= round(days * DAYS_SCALE)
            )
        fills_by_person: dict[int, list[tuple[int, cp_model.IntVar]]] = defaultdict(list)
        for (index, person), var in self.fill.items():
            fills_by_person[person].append((index, var))
        outcomes = request.staffing.outcomes
        for person, fills in fills_by_person.items():
            per_outcome: dict[int, list[cp_model.IntVar]] = defaultdict(list)
            for index, var in fills:
                per_outcome[prep.places[index].outcome].append(var)
            for variables in per_outcome.values():
                if len(variables) > 1:
                    self.model.add_at_most_one(variables)
            baseline = prep.load.get(person, [])
            involved = sorted({o for o, _ in baseline} | set(per_outcome))
            free = int(prep.table.free_fte_units[person])
            for group in capacity_groups([outcomes[o] for o in involved]):
                members = {involved[i] for i in group}
                used = sum(u for o, u in baseline if o in members)
                terms = [
                    (fte_units(_slot(prep, prep.places[i]).fte), v)
                    for i, v in fills
                    if prep.places[i].outcome in members
                ]
                if terms and used + sum(u for u, _ in terms) > free:
                    self.model.add(sum(u * v for u, v in terms) <= free - used)

    def add_courses(self) -> None:
        request = self.prep.request
        per_run: dict[_Option, list[cp_model.IntVar]] = defaultdict(list)
        for (_, option), var in self.enrol.items():
            per_run[option].append(var)
        for option, variables in per_run.items():
            capacity = request.courses[option.course].capacity_per_run
            if 0 < capacity < len(variables):
                self.model.add(sum(variables) <= capacity)
        self.model.add(
            sum(money_units(request.courses[o.course].cost) * v for (_, o), v in self.enrol.items())
            <= money_units(request.budget)
        )

    def add_outcomes(self) -> None:
        prep = self.prep
        by_outcome: dict[int, list[tuple[int, cp_model.IntVar, float]]] = defaultdict(list)
        for (index, person), var in self.fill.items():
            place = prep.places[index]
            by_outcome[place.outcome].append((person, var, _pair_cost(prep, person, place)))
        for o_index, fills in by_outcome.items():
            outcome = _outcome(prep, o_index)
            remaining = money_units(outcome.budget - prep.spent.get(o_index, 0.0))
            costs = [(money_units(c), v) for _, v, c in fills if c > 0]
            if costs and sum(c for c, _ in costs) > remaining:
                self.model.add(sum(c * v for c, v in costs) <= max(0, remaining))
            share = outcome.rules.max_sector_share
            if share is None or share >= 1:
                continue
            limit = sector_share_limit(share)
            team = prep.teams.get(o_index, [])
            size = len(team) + sum(v for _, v, _ in fills)
            for code in range(len(SECTORS)):
                held = sum(1 for p in team if prep.table.sector[p] == code)
                joining = [v for p, v, _ in fills if prep.table.sector[p] == code]
                if joining:
                    self.model.add((held + sum(joining)) * 100 <= limit * size)

    def add_objective(self) -> None:
        prep = self.prep
        request = prep.request
        weights = request.weights
        concentration = round(weights.concentration)
        # Demand outranks any saving or spreading: one more unit is worth more than all of them.
        unit = max(
            weights.demand,
            weights.cost * request.budget + concentration * 2 * (len(self.enrol) + 1) + 1,
        )
        self.unit = unit
        terms: list[tuple[cp_model.IntVar, int]] = []
        for (index, _), var in self.fill.items():
            priority = _outcome(prep, prep.places[index].outcome).priority
            terms.append((var, round(unit * priority)))
        for index, var in self.met.items():
            priority = _outcome(prep, prep.coverage[index].outcome).priority
            terms.append((var, round(unit * priority)))
        for (_, option), var in self.enrol.items():
            terms.append((var, -round(weights.cost * request.courses[option.course].cost)))
        expr = cp_model.LinearExpr.weighted_sum([v for v, _ in terms], [c for _, c in terms])
        if concentration > 0 and self.enrol:
            by_person: dict[int, list[cp_model.IntVar]] = defaultdict(list)
            by_sector: dict[int, list[cp_model.IntVar]] = defaultdict(list)
            for (person, _), var in self.enrol.items():
                by_person[person].append(var)
                by_sector[int(prep.table.sector[person])].append(var)
            extras = []
            for person, variables in by_person.items():
                if len(variables) > 1:
                    extra = self.model.new_int_var(0, len(variables), f"extra[{person}]")
                    self.model.add(extra >= sum(variables) - 1)
                    extras.append(extra)
            busiest = self.model.new_int_var(0, len(self.enrol), "busiest_sector")
            for variables in by_sector.values():
                self.model.add(busiest >= sum(variables))
            expr = expr - concentration * (sum(extras) + busiest)
        self.model.maximize(expr)

    def hint(self, selection: _Selection) -> None:
        taken = {
            (person, option)
            for person, skills in selection.enrolments.items()
            for option in skills.values()
        }
        for key, var in self.enrol.items():
            self.model.add_hint(var, key in taken)
        filled = set(selection.fills)
        for place_key, var in self.fill.items():
            self.model.add_hint(var, place_key in filled)

    def read(self, solver: cp_model.CpSolver) -> _Selection:
        selection = _Selection()
        courses = self.prep.request.courses
        for (person, option), var in self.enrol.items():
            if solver.boolean_value(var):
                skill = courses[option.course].skill_id
                selection.enrolments.setdefault(person, {})[skill] = option
        selection.fills = sorted(key for key, var in self.fill.items() if solver.boolean_value(var))
        for index, var in self.met.items():
            if solver.boolean_value(var):
                people = tuple(p for p, v in self.trained[index] if solver.boolean_value(v))
                selection.met.append((index, people))
        return selection


def _fit_after(
    prep: _Prepared, person: int, role_id: str, options: Iterable[_Option], before: date | None
) -> float:
    candidate = prep.table.candidates[person]
    gained = sum(
        prep.gains.gain(candidate, prep.request.courses[o.course], role_id)
        for o in options
        if before is None or o.end < before
    )
    return min(1.0, candidate.fits.get(role_id, 0.0) + gained)


def _assemble(
    prep: _Prepared,
    selection: _Selection,
    status: SolveStatus,
    started: float,
    objective: float,
) -> TrainingPlan:
    request = prep.request
    table = prep.table
    fillable = []
    filled_per_place: Counter[int] = Counter()
    roles_of: dict[int, set[str]] = defaultdict(set)
    for index, person in selection.fills:
        place = prep.places[index]
        slot = _slot(prep, place)
        outcome = _outcome(prep, place.outcome)
        candidate = table.candidates[person]
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
    people = []
    for person, skills in sorted(
        selection.enrolments.items(), key=lambda item: table.candidates[item[0]].person_id
    ):
        candidate = table.candidates[person]
        enrolments = []
        levels = {}
        for option in sorted(skills.values(), key=lambda o: (o.end, o.course)):
            course = request.courses[option.course]
            enrolments.append(
                Enrolment(
                    person_id=candidate.person_id,
                    course_id=course.id,
                    skill_id=course.skill_id,
                    from_level=candidate.levels.get(course.skill_id, 0),
                    to_level=course.to_level,
                    run_start=option.start,
                    run_end=option.end,
                    cost=course.cost,
                )
            )
            levels[course.skill_id] = max(candidate.levels.get(course.skill_id, 0), course.to_level)
        people.append(
            PersonPlan(
                person_id=candidate.person_id,
                enrolments=tuple(enrolments),
                cost=sum(e.cost for e in enrolments),
                levels_after=levels,
                fits_after={
                    role: _fit_after(prep, person, role, skills.values(), None)
                    for role in sorted(roles_of.get(person, set()))
                },
            )
        )
    coverage_met = []
    met_indices = set()
    for index, trained in selection.met:
        entry = prep.coverage[index]
        outcome = _outcome(prep, entry.outcome)
        rule = outcome.skill_coverage[entry.rule]
        met_indices.add(index)
        coverage_met.append(
            CoverageMet(
                outcome_id=outcome.id,
                skill_id=rule.skill_id,
                min_level=rule.min_level,
                person_ids=tuple(sorted(table.candidates[p].person_id for p in trained)),
            )
        )
    unmet = list(prep.not_skills)
    open_demand = 0.0
    staffable = 0.0
    for entry_unmet in prep.not_skills:
        open_demand += entry_unmet.count * _priority_of(prep, entry_unmet.outcome_id)
    for index, place in enumerate(prep.places):
        outcome = _outcome(prep, place.outcome)
        slot = _slot(prep, place)
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
    reachable_rules = _reachable_coverage(prep)
    for index, entry in enumerate(prep.coverage):
        outcome = _outcome(prep, entry.outcome)
        rule = outcome.skill_coverage[entry.rule]
        open_demand += outcome.priority
        if index in met_indices:
            staffable += outcome.priority
            continue
        reachable = index in reachable_rules
        unmet.append(
            UnmetDemand(
                "coverage",
                outcome.id,
                rule.skill_id,
                entry.short,
                not reachable,
                "reachable, but the budget or course places went to demand of higher priority"
                if reachable
                else f"too few team members or candidates can reach level {rule.min_level} in time",
            )
        )
    return TrainingPlan(
        status=status,
        people=tuple(people),
        total_cost=sum(p.cost for p in people),
        fillable=tuple(fillable),
        coverage_met=tuple(coverage_met),
        unmet=tuple(unmet),
        open_demand=open_demand,
        staffable_demand=staffable,
        solve_seconds=perf_counter() - started,
        objective=objective,
        baseline=prep.baseline,
    )


def _priority_of(prep: _Prepared, outcome_id: str) -> int:
    for outcome in prep.request.staffing.outcomes:
        if outcome.id == outcome_id:
            return outcome.priority
    return 0


def _reachable_coverage(prep: _Prepared) -> set[int]:
    """Coverage rules with enough trainable team members or candidates to meet them."""
    reachable = set()
    for index, entry in enumerate(prep.coverage):
        joining = {
            p for place in prep.places if place.outcome == entry.outcome for p in place.candidates
        }
        if len(entry.team) + len(joining) >= entry.short:
            reachable.add(index)
    return reachable


def plan_training(request: TrainingRequest) -> TrainingPlan:
    """Choose enrolments that make the most priority-weighted open demand staffable.

    `solve_seconds` counts pruning and search, not the baseline staffing solve."""
    if request.baseline is None:
        request = replace(request, baseline=solve(request.staffing))
    started = perf_counter()
    prep = _prepare(request)
    seed = _Greedy(prep).run()
    builder = _Model(prep)
    builder.build()
    builder.hint(seed)
    solver = cp_model.CpSolver()
    remaining = request.time_limit_s - (perf_counter() - started)
    solver.parameters.max_time_in_seconds = max(MIN_MODEL_SECONDS, remaining)
    solver.parameters.num_workers = NUM_WORKERS
    code = solver.solve(builder.model)
    if code == cp_model.MODEL_INVALID:
        raise RuntimeError(f"training model invalid: {builder.model.validate()}")
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        selection = builder.read(solver)
        if code == cp_model.OPTIMAL:
            status = SolveStatus.OPTIMAL
        elif solver.wall_time >= 0.95 * solver.parameters.max_time_in_seconds:
            status = SolveStatus.TIMED_OUT
        else:
            status = SolveStatus.FEASIBLE
        plan = _assemble(prep, selection, status, started, solver.objective_value)
        fallback = _assemble(prep, seed, status, started, 0.0)
        # The hint seeds the search, yet a stopped search may not have completed it.
        if (fallback.staffable_demand, -fallback.total_cost) > (
            plan.staffable_demand,
            -plan.total_cost,
        ):
            plan = fallback
        # Savings and spreading are worth less than one unit, so the bound caps demand below
        # bound / unit + 1, and demand comes in whole priority points.
        bound = ceil(solver.best_objective_bound / builder.unit + 1 - 1e-9) - 1
        return replace(plan, staffable_bound=float(max(bound, plan.staffable_demand)))
    # No solution in time: the greedy plan stands (it is always feasible).
    return _assemble(prep, seed, SolveStatus.TIMED_OUT, started, 0.0)


def greedy_training(request: TrainingRequest) -> TrainingPlan:
    """The baseline: the largest priority-weighted gap first, met by the cheapest training."""
    started = perf_counter()
    prep = _prepare(request)
    return _assemble(prep, _Greedy(prep).run(), SolveStatus.FEASIBLE, started, 0.0)


def trained_request(request: TrainingRequest, plan: TrainingPlan) -> StaffingRequest:
    """The staffing request with the plan's levels and fits written into the candidates."""
    gains = _Gains(request)
    courses = {c.id: c for c in request.courses}
    by_person = {p.person_id: p for p in plan.people}
    candidates = []
    for candidate in request.staffing.candidates:
        person = by_person.get(candidate.person_id)
        if person is None:
            candidates.append(candidate)
            continue
        taken = [courses[e.course_id] for e in person.enrolments]
        roles = set(candidate.fits) | set(gains.shares)
        for course in taken:
            roles |= set(gains.explicit.get((candidate.person_id, course.id), {}))
        fits = {
            role: min(
                1.0,
                candidate.fits.get(role, 0.0) + sum(gains.gain(candidate, c, role) for c in taken),
            )
            for role in roles
        }
        candidates.append(
            replace(candidate, levels={**candidate.levels, **person.levels_after}, fits=fits)
        )
    return replace(request.staffing, candidates=tuple(candidates))


def check_plan(request: TrainingRequest, plan: TrainingPlan) -> PlanCheck:
    """Re-solve staffing with the plan as a what-if; report claimed against really filled."""
    baseline = plan.baseline or request.baseline or solve(request.staffing)
    result = solve(trained_request(request, plan))
    before = Counter((a.outcome_id, a.role_id) for a in baseline.assignments)
    after = Counter((a.outcome_id, a.role_id) for a in result.assignments)
    claims = Counter((f.outcome_id, f.role_id) for f in plan.fillable)
    slots = tuple(
        SlotCheck(
            outcome_id, role_id, before[(outcome_id, role_id)] + count, after[(outcome_id, role_id)]
        )
        for (outcome_id, role_id), count in sorted(claims.items())
    )
    short_rules = {c.rule for c in result.conflicts}
    coverage_short = tuple(
        (m.outcome_id, m.skill_id)
        for m in plan.coverage_met
        if coverage_rule(m.outcome_id, m.skill_id) in short_rules
    )
    check = PlanCheck(
        slots=slots,
        claimed_places=sum(s.claimed for s in slots),
        filled_places=sum(s.filled for s in slots),
        result=result,
        coverage_short=coverage_short,
    )
    if check.holds:
        return check
    pins = tuple(Pin(a.person_id, a.outcome_id, a.role_id) for a in baseline.assignments) + tuple(
        Pin(f.person_id, f.outcome_id, f.role_id) for f in plan.fillable
    )
    trained = trained_request(request, plan)
    pinned = solve(replace(trained, pins=pins))
    placed = {(a.person_id, a.outcome_id, a.role_id) for a in pinned.assignments}
    feasible = (
        pinned.status is not SolveStatus.INFEASIBLE
        and all((p.person_id, p.outcome_id, p.role_id) in placed for p in pins)
        and _judgements_hold(trained, plan.fillable)
        and not any(
            coverage_rule(m.outcome_id, m.skill_id) in {c.rule for c in pinned.conflicts}
            for m in plan.coverage_met
        )
    )
    return replace(check, pinned_feasible=feasible)


def _judgements_hold(staffing: StaffingRequest, fills: Iterable[FillablePlace]) -> bool:
    """A pin overrides the minimum fit and local-only rules; a claim must meet them itself."""
    people = {c.person_id: c for c in staffing.candidates}
    outcomes = {o.id: o for o in staffing.outcomes}
    for fill in fills:
        candidate = people.get(fill.person_id)
        outcome = outcomes.get(fill.outcome_id)
        if candidate is None or outcome is None:
            return False
        slot = next((s for s in outcome.slots if s.role_id == fill.role_id), None)
        if slot is None or candidate.fits.get(slot.role_id, -1.0) < slot.min_fit - 1e-9:
            return False
        local_only = outcome.rules.locality is LocalityRule.LOCAL_ONLY
        if local_only and candidate.locality != outcome.locality:
            return False
    return True
