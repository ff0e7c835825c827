"""Eligibility filters: each filter's column over the table agrees with its
predicate for one candidate, and a pin it refuses is told in its words."""

from __future__ import annotations

from datetime import date

import pytest

from services.matching.domain.candidate_table import build_table
from services.matching.domain.eligibility import (
    JUDGEMENT_FILTERS,
    SLOT_FILTERS,
    build_pool,
    describe_slot_requirements,
    slot_filters,
)
from services.matching.domain.explanation import impossible_pin_conflicts
from services.matching.domain.model import (
    Clearance,
    LocalityRule,
    Pin,
    Slot,
    TeamRules,
)
from services.matching.domain.rules import (
    availability,
    clearance,
    conflict_of_interest,
    excluded,
    locality,
    min_fit,
)
from services.matching.domain.rules.slot_filter import SlotFilter
from tests.unit.matching.builders import END, outcome, person, request

SLOT = Slot("navigator", 1, 0.5, min_fit=0.6, clearance="dbs")
PEOPLE = [
    person("fits", {"navigator": 0.6}, clearances=(Clearance("dbs", None),)),
    person("below", {"navigator": 0.59}, clearances=(Clearance("dbs", END),)),
    person("no-fit", {}, locality="ward-2"),
    person("lapsed", {"navigator": 0.9}, clearances=(Clearance("dbs", date(2026, 3, 30)),)),
    person("away", {"navigator": 0.9}, available_from=date(2026, 1, 2)),
    person("leaves", {"navigator": 0.9}, available_until=date(2026, 3, 30)),
    person("provider", {"navigator": 0.9}, organisation="provider", locality="ward-2"),
]
TARGET = outcome(
    "o1",
    (SLOT,),
    commissioned_organisation="provider",
    rules=TeamRules(locality=LocalityRule.LOCAL_ONLY, exclude_commissioned_organisation=True),
)
WITH_PREDICATE = [f for f in SLOT_FILTERS if f.holds is not None]


@pytest.mark.parametrize("rule", WITH_PREDICATE, ids=[f.name for f in WITH_PREDICATE])
def test_the_column_and_the_predicate_agree_for_every_candidate(rule: SlotFilter) -> None:
    table = build_table(request([TARGET], PEOPLE))
    assert rule.holds is not None

    column = rule.mask(table, TARGET, SLOT).tolist()

    assert column == [rule.holds(p, TARGET, SLOT) for p in PEOPLE]
    assert False in column and True in column


def test_each_filter_applies_only_where_the_outcome_asks_for_it() -> None:
    table = build_table(request([TARGET], PEOPLE))
    plain = outcome("o2", (Slot("navigator", 1, 0.5),))

    assert set(slot_filters(table, TARGET, SLOT)) == {f.name for f in SLOT_FILTERS}
    assert set(slot_filters(table, plain, plain.slots[0])) == {
        excluded.NAME,
        min_fit.NAME,
        availability.NAME,
        "capacity",
    }
    assert {min_fit.NAME, locality.NAME} == JUDGEMENT_FILTERS
    assert describe_slot_requirements(TARGET, SLOT) == (
        f"fit >= 0.60 and clearance dbs valid to {END.isoformat()} and living in ward-1"
    )


def test_a_fit_at_the_minimum_passes_and_a_missing_fit_never_does() -> None:
    floor = Slot("navigator", 1, 0.5, min_fit=0.0)

    assert min_fit.holds(PEOPLE[0], TARGET, SLOT)
    assert not min_fit.holds(PEOPLE[1], TARGET, SLOT)
    assert not min_fit.holds(PEOPLE[2], TARGET, floor)


@pytest.mark.parametrize(
    ("person_id", "words"),
    [
        ("lapsed", clearance.refusal),
        ("away", availability.refusal),
        ("provider", conflict_of_interest.refusal),
    ],
)
def test_a_pin_a_fact_refuses_is_told_in_the_filters_words(person_id: str, words: object) -> None:
    staffing = request([TARGET], PEOPLE, pins=(Pin(person_id, "o1", "navigator"),))
    pool = build_pool(staffing)
    row = pool.table.index[person_id]
    assert callable(words)

    (conflict,) = impossible_pin_conflicts(staffing, pool)

    assert words(pool.table, row, TARGET, SLOT) in conflict.detail
    assert conflict.rule == f"pin:{person_id}:o1:navigator"


def test_an_excluded_person_is_refused_a_pin() -> None:
    staffing = request(
        [TARGET], PEOPLE, pins=(Pin("fits", "o1", "navigator"),), exclusions=frozenset({"fits"})
    )

    (conflict,) = impossible_pin_conflicts(staffing, build_pool(staffing))

    assert conflict.detail.endswith(": is excluded from this proposal")
