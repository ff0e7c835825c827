"""Slot counts and pins: the model, the predicate and the wording agree."""

from __future__ import annotations

from services.matching.domain.eligibility import build_pool
from services.matching.domain.model import Conflict, Mode, Pin, Slot, SolveStatus
from services.matching.domain.rules import pins, slot_count
from services.matching.domain.rules.facts import PoolFacts
from services.matching.domain.staffing import solve
from tests.unit.matching.builders import outcome, person, request
from tests.unit.matching.rules.harness import as_team, keys, model_allows, open_slot, subsets

FIT = {"navigator": 0.8}
PEOPLE = [person("a", FIT), person("b", FIT), person("c", {"navigator": 0.3})]


def test_strict_counts_accept_exactly_the_full_slots() -> None:
    slot = open_slot(2)
    target = outcome("o1", (slot,))
    staffing = request([target], [*PEOPLE[:2], person("d", FIT)])
    name = slot_count.rule_name("o1", "navigator")

    for members in subsets(staffing.candidates):
        if len(members) > slot.count:
            continue
        team = as_team(target, members)
        allowed = model_allows(staffing, keys(target, team), name)
        assert allowed == (slot_count.unfilled(slot, len(members)) == 0)


def test_too_few_eligible_is_told_in_the_rules_words() -> None:
    slot = Slot("navigator", 3, 0.5, min_fit=0.5)
    target = outcome("o1", (slot,))
    staffing = request([target], PEOPLE, mode=Mode.STRICT)

    result = solve(staffing)

    assert result.status is SolveStatus.INFEASIBLE
    wording = slot_count.describe(PoolFacts(staffing, build_pool(staffing)), 0, 0)
    name = slot_count.rule_name("o1", "navigator")
    assert result.conflicts == (Conflict(name, wording),)
    assert wording == (
        "outcome 'O1' needs 3 navigator(s) with fit >= 0.50; "
        "only 2 eligible candidates are available"
    )


def test_a_pin_is_forced_and_worded_with_the_persons_name() -> None:
    target = outcome("o1", (open_slot(1),))
    pin = Pin("c", "o1", "navigator")
    staffing = request([target], PEOPLE, pins=(pin,))

    assert not model_allows(staffing, {("a", "o1", "navigator")}, pins.name_of(pin))
    assert model_allows(staffing, {("c", "o1", "navigator")}, pins.name_of(pin))
    facts = PoolFacts(staffing, build_pool(staffing))
    assert pins.describe(facts, pin) == "pin: C (c) fills navigator in 'O1'"
