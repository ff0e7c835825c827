"""Capacity: a person gives at most their free FTE (capacity less committed
work) to the outcomes of a request that run at the same time. As a filter: a
slot takes only people with its FTE free at all."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from ortools.sat.python import cp_model

from services.matching.domain.candidate_table import (
    FTE_SCALE,
    BoolArray,
    CandidateTable,
    dates_overlap,
    fte_units,
)
from services.matching.domain.model import Outcome, Slot
from services.matching.domain.rules.context import ModelContext
from services.matching.domain.rules.facts import PoolFacts
from services.matching.domain.rules.slot_filter import SlotFilter

NAME = "capacity"
# (outcome index, FTE units) a person gives to an outcome.
Load = tuple[int, int]


def rule_name(person_id: str) -> str:
    return f"person:{person_id}:capacity"


def person_of(rule: str) -> str | None:
    prefix, suffix = "person:", ":capacity"
    if rule.startswith(prefix) and rule.endswith(suffix):
        return rule[len(prefix) : -len(suffix)]
    return None


def capacity_groups(outcomes: Sequence[Outcome]) -> list[frozenset[int]]:
    """Maximal sets of outcomes (by index) that are all running on some day.

    In an interval graph every maximal clique is the set of intervals alive at
    some interval's start, so checking each start date finds them all.
    """
    groups: set[frozenset[int]] = set()
    for outcome in outcomes:
        alive = frozenset(
            index
            for index, other in enumerate(outcomes)
            if other.start <= outcome.start <= other.end
        )
        groups.add(alive)
    return [group for group in groups if not any(group < other for other in groups)]


def within_capacity(outcomes: Sequence[Outcome], loads: Iterable[Load], free_units: int) -> bool:
    """The rule for one person: on no day do their loads exceed what is free."""
    by_outcome: dict[int, int] = defaultdict(int)
    for o_index, units in loads:
        by_outcome[o_index] += units
    involved = sorted(by_outcome)
    return all(
        sum(by_outcome[involved[i]] for i in group) <= free_units
        for group in capacity_groups([outcomes[o] for o in involved])
    )


def busy_units(outcomes: Sequence[Outcome], loads: Iterable[Load], outcome: Outcome) -> int:
    """FTE units a person already gives to outcomes overlapping `outcome` (a cautious
    reading of the rule: overlapping outcomes need not all overlap each other)."""
    return sum(units for other, units in loads if dates_overlap(outcomes[other], outcome))


def has_room(
    outcomes: Sequence[Outcome], loads: Iterable[Load], outcome: Outcome, units: int, free: int
) -> bool:
    return busy_units(outcomes, loads, outcome) + units <= free


def add_to_model(ctx: ModelContext) -> None:
    outcomes = ctx.request.outcomes
    by_person: dict[int, list[tuple[int, int, cp_model.IntVar]]] = defaultdict(list)
    for key, pair in ctx.vars.pairs.items():
        slot = outcomes[pair.outcome_index].slots[pair.slot_index]
        by_person[pair.person].append(
            (pair.outcome_index, fte_units(slot.fte), ctx.vars.assign[key])
        )
    groups_cache: dict[frozenset[int], list[frozenset[int]]] = {}
    table = ctx.pool.table
    for person, entries in by_person.items():
        involved = frozenset(o for o, _, _ in entries)
        # One role per outcome and the filter already keep a single outcome within capacity.
        if len(involved) < 2:
            continue
        if involved not in groups_cache:
            ordered = sorted(involved)
            local_groups = capacity_groups([outcomes[o] for o in ordered])
            groups_cache[involved] = [frozenset(ordered[i] for i in g) for g in local_groups]
        free = int(table.free_fte_units[person])
        name = rule_name(table.candidates[person].person_id)
        for group in groups_cache[involved]:
            if len(group) < 2:
                continue
            terms = [(units, var) for o, units, var in entries if o in group]
            if sum(units for units, _ in terms) <= free:
                continue
            ctx.enforce(
                ctx.model.add(
                    cp_model.LinearExpr.weighted_sum([v for _, v in terms], [u for u, _ in terms])
                    <= free
                ),
                name,
            )


def describe(facts: PoolFacts, person_id: str) -> str:
    table = facts.table
    person = table.index[person_id]
    candidate = table.candidates[person]
    wanted = []
    for slot_pool in facts.pool.slots:
        if person in slot_pool.kept:
            outcome = facts.request.outcomes[slot_pool.ref.outcome_index]
            slot = outcome.slots[slot_pool.ref.slot_index]
            wanted.append(f"{slot.fte:.2f} FTE as {slot.role_id} in '{outcome.title}'")
    free = int(table.free_fte_units[person]) / FTE_SCALE
    committed = int(table.committed_fte_units[person]) / FTE_SCALE
    return (
        f"{facts.person(person_id)} has {free:.2f} FTE free ({candidate.capacity_fte:.2f} "
        f"capacity, {committed:.2f} committed) but is wanted for "
        + " and ".join(dict.fromkeys(wanted))
        + " at the same time"
    )


def mask(table: CandidateTable, outcome: Outcome, slot: Slot) -> BoolArray:
    free: BoolArray = table.free_fte_units >= fte_units(slot.fte)
    return free


def refusal(table: CandidateTable, person: int, outcome: Outcome, slot: Slot) -> str:
    free = int(table.free_fte_units[person]) / FTE_SCALE
    return f"has {free:.2f} FTE free, the slot needs {slot.fte:.2f}"


UNFILLED_REASON = "capacity taken by other outcomes"

FILTER = SlotFilter(NAME, mask, refusal)
