"""Fairness: spread work across the portfolio (soft, off by default).

With `request.fairness_max_share` set and `weights.fairness` > 0, a person
placed above that share of their capacity (committed work plus the
proposal's FTE on their busiest day, as the capacity rule counts it: the
outcomes running at some outcome's start) while another candidate eligible
for one of the slots they fill stays idle (placed nowhere in the proposal)
costs weights.fairness per tenth of an FTE above the share, in the
objective's units (weights.fit is one unit of fit at priority 1): at 100,
a person 0.3 FTE above the share costs 0.3 of fit.

CP-SAT form: per person who could exceed the share, `excess` (at least each
day's load beyond the share, in FTE hundredths: linear, so the LP bound
sees the penalty); per person with a decision, `idle` (at least one minus
their decisions); per slot, `some idle` (at least each eligible candidate's
`idle`, or 1 outright when an eligible candidate has no decision at all);
per person, `unfair` at least the excess wherever they fill a slot with
someone idle (big-M on that decision and that slot's `some idle`), and
-penalty x unfair in the objective. Each auxiliary variable is a function
of the decisions, so a hint derives them (`hint_values`).

What it cost: `notes` compares the proposal with the same request solved
without the rule and words the difference in total fit, and names the
people still above the share.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from math import floor

from ortools.sat.python import cp_model

from services.matching.domain.eligibility import CandidatePool, build_pool
from services.matching.domain.model import (
    Assignment,
    Outcome,
    StaffingRequest,
    StaffingResult,
)
from services.matching.domain.objective import OBJECTIVE_SCALE as SCALE
from services.matching.domain.rules.context import ModelContext

NAME = "fairness"
FTE_SCALE = 100
# Share of the time limit given to the comparison solve without the rule.
COMPARISON_TIME_SHARE = 0.5
FIT_TOLERANCE = 1e-6

PairKey = tuple[str, str, str]


def is_active(request: StaffingRequest) -> bool:
    return request.fairness_max_share is not None and request.weights.fairness > 0


# FTE hundredths in a tenth of an FTE: the penalty's unit.
UNITS_PER_TENTH = 10


def penalty(request: StaffingRequest) -> int:
    """Objective units per FTE hundredth above the share."""
    return round(request.weights.fairness * SCALE / UNITS_PER_TENTH)


def share_units(request: StaffingRequest, capacity_fte: float) -> int:
    """FTE units a person may carry in all before the rule counts them."""
    share = request.fairness_max_share or 0.0
    return floor(share * round(capacity_fte * FTE_SCALE) + 1e-9)


def alive_at_start(outcomes: Sequence[Outcome], anchor: Outcome) -> list[int]:
    """Indexes of the outcomes running on the anchor's first day."""
    return [i for i, o in enumerate(outcomes) if o.start <= anchor.start <= o.end]


def peak_load(outcomes: Sequence[Outcome], placed: Iterable[tuple[int, int]]) -> int:
    """The busiest day's FTE units of a person placed at (outcome index, units)."""
    entries = list(placed)
    busiest = 0
    for o_index, _ in entries:
        alive = set(alive_at_start(outcomes, outcomes[o_index]))
        busiest = max(busiest, sum(units for other, units in entries if other in alive))
    return busiest


@dataclass(frozen=True)
class Unfair:
    person_id: str
    load_share: float
    # FTE hundredths above the share.
    excess_units: int
    outcome_id: str
    role_id: str
    idle_person_id: str


def violations(
    request: StaffingRequest,
    eligible: Mapping[tuple[str, str], Sequence[str]],
    committed_units: Mapping[str, int],
    chosen: Sequence[PairKey],
) -> list[Unfair]:
    """The plain rule over a proposal: one entry per person above the share while someone
    eligible for a slot they fill stays idle. `eligible`: (outcome, role) -> person ids."""
    outcomes = request.outcomes
    index = {o.id: i for i, o in enumerate(outcomes)}
    slots = {(o.id, s.role_id): s for o in outcomes for s in o.slots}
    capacity = {c.person_id: c.capacity_fte for c in request.candidates}
    placed: dict[str, list[tuple[int, int]]] = {}
    for person_id, outcome_id, role_id in chosen:
        units = round(slots[(outcome_id, role_id)].fte * FTE_SCALE)
        placed.setdefault(person_id, []).append((index[outcome_id], units))
    busy = set(placed)
    found: list[Unfair] = []
    for person_id in sorted(placed):
        load = committed_units.get(person_id, 0) + peak_load(outcomes, placed[person_id])
        excess = load - share_units(request, capacity[person_id])
        if excess <= 0:
            continue
        for p, outcome_id, role_id in sorted(chosen):
            if p != person_id:
                continue
            idle = next((q for q in eligible.get((outcome_id, role_id), ()) if q not in busy), None)
            if idle is not None:
                share = load / max(1, round(capacity[person_id] * FTE_SCALE))
                found.append(Unfair(person_id, share, excess, outcome_id, role_id, idle))
                break
    return found


# A person's load terms on one day (FTE hundredths, decision) and what they may carry.
DayLoad = tuple[list[tuple[int, cp_model.IntVar]], int]


@dataclass
class FairnessVariables:
    """The rule's variables, each with what it is derived from (for hints)."""

    # (excess, the person's days)
    excess: list[tuple[cp_model.IntVar, list[DayLoad]]] = field(default_factory=list)
    idle: list[tuple[cp_model.IntVar, list[cp_model.IntVar]]] = field(default_factory=list)
    some_idle: list[tuple[cp_model.IntVar, list[cp_model.IntVar]]] = field(default_factory=list)
    # (unfair, excess, [(decision, that slot's some idle, or None for surely)])
    unfair: list[
        tuple[
            cp_model.IntVar, cp_model.IntVar, list[tuple[cp_model.IntVar, cp_model.IntVar | None]]
        ]
    ] = field(default_factory=list)
    objective: list[tuple[cp_model.IntVar, int]] = field(default_factory=list)

    def most(self) -> int:
        return 0

    def hint_values(self, values: Mapping[int, int]) -> dict[int, int]:
        derived: dict[int, int] = {}
        for excess, days in self.excess:
            derived[excess.index] = max(
                0,
                *(sum(u * values[v.index] for u, v in terms) - limit for terms, limit in days),
            )
        for literal, decisions in self.idle:
            derived[literal.index] = int(not any(values[v.index] for v in decisions))
        for literal, idles in self.some_idle:
            derived[literal.index] = int(any(derived[v.index] for v in idles))
        for unfair, excess, entries in self.unfair:
            bites = any(
                values[decision.index] and (some is None or derived[some.index])
                for decision, some in entries
            )
            derived[unfair.index] = derived[excess.index] if bites else 0
        return derived


@dataclass(frozen=True)
class PersonDecisions:
    """What the model knows of one person: their decisions as (outcome index,
    FTE units, decision, slot key) and their committed FTE units."""

    person_id: str
    capacity_fte: float
    committed_units: int
    decisions: list[tuple[int, int, cp_model.IntVar, tuple[str, str]]]


def eligible_ids(request: StaffingRequest, pool: CandidatePool) -> dict[tuple[str, str], list[str]]:
    """(outcome, role) -> the person ids eligible for the slot, before pruning."""
    candidates = pool.table.candidates
    return {
        slot_pool.ref.key(request): [candidates[p].person_id for p in slot_pool.eligible.tolist()]
        for slot_pool in pool.slots
    }


def committed_ids(pool: CandidatePool) -> dict[str, int]:
    table = pool.table
    return {c.person_id: int(table.committed_fte_units[i]) for i, c in enumerate(table.candidates)}


def add_to_model(ctx: ModelContext) -> None:
    """The rule over the whole request (nothing when it is off)."""
    request = ctx.request
    if ctx.explain or not is_active(request):
        return
    table = ctx.pool.table
    decisions: dict[int, list[tuple[int, int, cp_model.IntVar, tuple[str, str]]]] = {}
    for key, pair in ctx.vars.pairs.items():
        slot = request.outcomes[pair.outcome_index].slots[pair.slot_index]
        decisions.setdefault(pair.person, []).append(
            (
                pair.outcome_index,
                round(slot.fte * FTE_SCALE),
                ctx.vars.assign[key],
                (key[1], key[2]),
            )
        )
    people = [
        PersonDecisions(
            person_id=table.candidates[person].person_id,
            capacity_fte=table.candidates[person].capacity_fte,
            committed_units=int(table.committed_fte_units[person]),
            decisions=entries,
        )
        for person, entries in sorted(decisions.items())
    ]
    variables = FairnessVariables()
    add_person_terms(ctx.model, request, people, eligible_ids(request, ctx.pool), variables)
    ctx.objective.extend(variables.objective)
    ctx.vars.derived.append(variables)


def objective(request: StaffingRequest, chosen: Sequence[PairKey]) -> int:
    """The rule's penalty for a proposal (objective units), as the model counts it."""
    if not is_active(request):
        return 0
    pool = build_pool(request)
    found = violations(request, eligible_ids(request, pool), committed_ids(pool), chosen)
    return -penalty(request) * sum(unfair.excess_units for unfair in found)


SomeIdle = dict[tuple[str, str], cp_model.IntVar | None]


def add_person_terms(
    model: cp_model.CpModel,
    request: StaffingRequest,
    people: Sequence[PersonDecisions],
    eligible: Mapping[tuple[str, str], Sequence[str]],
    variables: FairnessVariables,
) -> None:
    idle_of = _add_idle(model, people, variables)
    some_idle = _add_some_idle(model, eligible, idle_of, variables)
    for person in people:
        _add_unfair(model, request, person, some_idle, variables)


def _add_idle(
    model: cp_model.CpModel, people: Sequence[PersonDecisions], variables: FairnessVariables
) -> dict[str, cp_model.IntVar]:
    """Per person with a decision: at least one minus their decisions."""
    idle_of: dict[str, cp_model.IntVar] = {}
    for person in people:
        literal = model.new_bool_var(f"{NAME}:idle[{person.person_id}]")
        decisions = [var for _, _, var, _ in person.decisions]
        model.add(literal + cp_model.LinearExpr.sum(decisions) >= 1)
        idle_of[person.person_id] = literal
        variables.idle.append((literal, decisions))
    return idle_of


def _add_some_idle(
    model: cp_model.CpModel,
    eligible: Mapping[tuple[str, str], Sequence[str]],
    idle_of: Mapping[str, cp_model.IntVar],
    variables: FairnessVariables,
) -> SomeIdle:
    """Per slot: at least each eligible candidate's idle; None where a candidate
    has no decision at all, so is surely idle."""
    some_idle: SomeIdle = {}
    for key, candidates in eligible.items():
        if any(q not in idle_of for q in candidates):
            some_idle[key] = None
            continue
        if not candidates:
            continue
        literal = model.new_bool_var(f"{NAME}:some_idle[{key[0]},{key[1]}]")
        idles = [idle_of[q] for q in candidates]
        for idle in idles:
            model.add(literal >= idle)
        some_idle[key] = literal
        variables.some_idle.append((literal, idles))
    return some_idle


def _days_over_share(
    request: StaffingRequest, person: PersonDecisions
) -> tuple[list[DayLoad], int]:
    """The days whose load could pass the person's share, and that share."""
    outcomes = request.outcomes
    limit = share_units(request, person.capacity_fte) - person.committed_units
    days: list[DayLoad] = []
    for anchor in sorted({o for o, _, _, _ in person.decisions}):
        alive = set(alive_at_start(outcomes, outcomes[anchor]))
        terms = [(u, v) for o, u, v, _ in person.decisions if o in alive]
        if sum(u for u, _ in terms) > limit:
            days.append((terms, limit))
    return days, limit


def _add_unfair(
    model: cp_model.CpModel,
    request: StaffingRequest,
    person: PersonDecisions,
    some_idle: SomeIdle,
    variables: FairnessVariables,
) -> None:
    """The person's excess over the share, and `unfair`: that excess wherever
    they fill a slot with someone idle."""
    days, limit = _days_over_share(request, person)
    if not days:
        return
    most = max(sum(u for u, _ in terms) for terms, _ in days) - limit
    excess = model.new_int_var(0, most, f"{NAME}:excess[{person.person_id}]")
    for terms, day_limit in days:
        load = cp_model.LinearExpr.weighted_sum([v for _, v in terms], [u for u, _ in terms])
        model.add(excess >= load - day_limit)
    variables.excess.append((excess, days))
    unfair = model.new_int_var(0, most, f"{NAME}:unfair[{person.person_id}]")
    entries: list[tuple[cp_model.IntVar, cp_model.IntVar | None]] = []
    for _, _, decision, key in person.decisions:
        if key not in some_idle:
            continue
        some = some_idle[key]
        entries.append((decision, some))
        if some is None:
            model.add(unfair >= excess - most * (1 - decision))
        else:
            model.add(unfair >= excess - most * (2 - decision - some))
    variables.unfair.append((unfair, excess, entries))
    variables.objective.append((unfair, -penalty(request)))


def without(request: StaffingRequest) -> StaffingRequest:
    """The same request without the rule, for the comparison (in a share of the time)."""
    return replace(
        request,
        fairness_max_share=None,
        time_limit_s=request.time_limit_s * COMPARISON_TIME_SHARE,
    )


def total_fit(assignments: Iterable[Assignment]) -> float:
    return sum(a.fit for a in assignments)


def notes(
    request: StaffingRequest,
    fair: Sequence[Assignment],
    free: Sequence[Assignment],
    remaining: Sequence[Unfair],
) -> tuple[str, ...]:
    """What the rule cost in fit against the same request solved without it (`free`),
    and who is still above the share (the weight did not outweigh the fit they bring)."""
    if not is_active(request):
        return ()
    share = request.fairness_max_share or 0.0
    rule = f"no one above {share:.0%} of their capacity while someone who fits stays idle"
    words: list[str] = []
    with_rule, without_rule = total_fit(fair), total_fit(free)
    if without_rule - with_rule > FIT_TOLERANCE:
        words.append(
            f"the fairness rule ({rule}) cost {without_rule - with_rule:.2f} in total fit: "
            f"{with_rule:.2f} against {without_rule:.2f} without it, over "
            f"{len(fair)} against {len(free)} places filled"
        )
    for unfair in remaining:
        words.append(
            f"{unfair.person_id} stays at {unfair.load_share:.0%} of capacity as "
            f"{unfair.role_id} in {unfair.outcome_id} while {unfair.idle_person_id}, "
            "who fits, stays idle"
        )
    return tuple(words)


def report(
    request: StaffingRequest,
    pool: CandidatePool,
    chosen: Sequence[PairKey],
    assignments: Sequence[Assignment],
    solve: Callable[[StaffingRequest], StaffingResult],
) -> tuple[str, ...]:
    """The notes of a proposal, solving the request once more without the rule (in
    COMPARISON_TIME_SHARE of its time); nothing when the rule is off."""
    if not is_active(request):
        return ()
    free = solve(without(request))
    remaining = violations(request, eligible_ids(request, pool), committed_ids(pool), chosen)
    return notes(request, assignments, free.assignments, remaining)
