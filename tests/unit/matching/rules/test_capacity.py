"""Capacity across outcomes running at the same time: the model, the predicate
and the wording agree; as a filter, the column and the refusal agree."""

from __future__ import annotations

from datetime import date
from itertools import product

from services.matching.domain.candidate_table import build_table
from services.matching.domain.eligibility import build_pool
from services.matching.domain.model import CommittedWork, Conflict, Mode, Pin, SolveStatus
from services.matching.domain.rules import capacity
from services.matching.domain.rules.facts import PoolFacts
from services.matching.domain.staffing import solve
from tests.unit.matching.builders import outcome, person, request
from tests.unit.matching.rules.harness import model_allows, open_slot

FIT = {"navigator": 0.8}
# o1 and o2 share February, o2 and o3 share April; o1 and o3 never meet.
OUTCOMES = [
    outcome("o1", (open_slot(1, 0.4),), start=date(2026, 1, 1), end=date(2026, 2, 28)),
    outcome("o2", (open_slot(1, 0.4),), start=date(2026, 2, 1), end=date(2026, 4, 30)),
    outcome("o3", (open_slot(1, 0.4),), start=date(2026, 4, 1), end=date(2026, 5, 31)),
]


def test_the_model_accepts_exactly_the_loads_the_predicate_accepts() -> None:
    worker = person("a", FIT, capacity_fte=0.7)
    staffing = request(OUTCOMES, [worker])
    verdicts = set()

    for taken in product([False, True], repeat=len(OUTCOMES)):
        chosen = {("a", o.id, "navigator") for o, t in zip(OUTCOMES, taken, strict=True) if t}
        loads = [(i, 40) for i, t in enumerate(taken) if t]
        allowed = model_allows(staffing, chosen, capacity.rule_name("a"))
        assert allowed == capacity.within_capacity(OUTCOMES, loads, 70), taken
        verdicts.add(allowed)

    # o1 and o3 together fit; o2 with either does not.
    assert verdicts == {True, False}
    assert capacity.within_capacity(OUTCOMES, [(0, 40), (2, 40)], 70)


def test_the_cautious_reading_counts_every_overlapping_outcome() -> None:
    # o1 and o3 both overlap o2, though not each other: the greedy reading adds both.
    assert capacity.busy_units(OUTCOMES, [(0, 40), (2, 40)], OUTCOMES[1]) == 80
    assert not capacity.has_room(OUTCOMES, [(0, 40)], OUTCOMES[1], 40, 70)
    assert capacity.has_room(OUTCOMES, [(0, 40)], OUTCOMES[2], 40, 70)


def test_a_person_wanted_twice_at_once_is_told_in_the_rules_words() -> None:
    worker = person("a", FIT, capacity_fte=0.7)
    pins = (Pin("a", "o1", "navigator"), Pin("a", "o2", "navigator"))
    staffing = request(OUTCOMES[:2], [worker], pins=pins, mode=Mode.STRICT)

    result = solve(staffing)

    assert result.status is SolveStatus.INFEASIBLE
    wording = capacity.describe(PoolFacts(staffing, build_pool(staffing)), "a")
    assert Conflict(capacity.rule_name("a"), wording) in result.conflicts
    assert wording.startswith("A (a) has 0.70 FTE free (0.70 capacity, 0.00 committed)")
    assert capacity.person_of(capacity.rule_name("a")) == "a"


def test_the_filter_keeps_people_with_the_slots_fte_free_and_says_why_not() -> None:
    people = [person("a", FIT, capacity_fte=0.5), person("b", FIT, capacity_fte=0.5)]
    committed = (CommittedWork("b", "old", "navigator", 0.2),)
    staffing = request(OUTCOMES[:1], people, committed=committed)
    table = build_table(staffing)
    slot = open_slot(1, 0.4)

    assert capacity.mask(table, OUTCOMES[0], slot).tolist() == [True, False]
    assert capacity.refusal(table, 1, OUTCOMES[0], slot) == "has 0.30 FTE free, the slot needs 0.40"
