"""Strict requests that cannot be staffed name exactly the rules in conflict."""

from __future__ import annotations

from datetime import date

from services.matching.domain.model import (
    Clearance,
    LocalityRule,
    Mode,
    Pin,
    Sector,
    Slot,
    SolveStatus,
    TeamRules,
)
from services.matching.domain.staffing import solve
from tests.unit.matching.builders import outcome, person, request

NAVIGATOR = Slot("navigator", 2, 0.5)


def test_too_few_local_community_members_is_the_whole_story() -> None:
    rules = TeamRules(min_community_members=2, locality=LocalityRule.LOCAL_ONLY, min_sectors=1)
    people = [
        person("c1", {"navigator": 0.7}, sector=Sector.COMMUNITY, locality="ward-3"),
        person("c2", {"navigator": 0.9}, sector=Sector.COMMUNITY, locality="ward-5"),
        person("p1", {"navigator": 0.8}, locality="ward-3"),
        person("p2", {"navigator": 0.6}, locality="ward-3"),
    ]
    staffing = request(
        [outcome("o1", (NAVIGATOR,), title="Ward 3 befriending", locality="ward-3", rules=rules)],
        people,
        mode=Mode.STRICT,
    )
    result = solve(staffing)

    assert result.status is SolveStatus.INFEASIBLE
    assert result.assignments == ()
    assert [c.rule for c in result.conflicts] == ["outcome:o1:min_community_members"]
    assert result.conflicts[0].detail == (
        "outcome 'Ward 3 befriending' needs 2 community members, only 1 eligible community "
        "member lives in ward-3 and is available"
    )


def test_a_budget_too_small_for_the_slot_count_names_both() -> None:
    # Two navigators at 10 days x 0.5 FTE x 100 a day = 500 each; the budget pays for one.
    people = [person(f"p{i}", {"navigator": 0.8}) for i in range(3)]
    staffing = request(
        [outcome("o1", (NAVIGATOR,), title="Hub", budget=700)], people, mode=Mode.STRICT
    )
    result = solve(staffing)

    assert result.status is SolveStatus.INFEASIBLE
    assert {c.rule for c in result.conflicts} == {
        "outcome:o1:slot:navigator:count",
        "outcome:o1:budget",
    }
    budget = next(c for c in result.conflicts if c.rule == "outcome:o1:budget")
    assert "budget of 700" in budget.detail and "at least 1,000" in budget.detail


def test_two_pins_on_a_busy_person_are_shrunk_to_the_three_rules_involved() -> None:
    slot = Slot("navigator", 1, 0.6)
    people = [person("ann", {"navigator": 0.9}), person("bob", {"navigator": 0.8})]
    staffing = request(
        [outcome("o1", (slot,)), outcome("o2", (slot,)), outcome("o3", (slot,))],
        people,
        pins=(Pin("ann", "o1", "navigator"), Pin("ann", "o2", "navigator")),
        mode=Mode.STRICT,
    )
    result = solve(staffing)

    # Three overlapping slots and two people would also clash on capacity, but the
    # smallest conflict is Ann's two pins against her own capacity.
    assert result.status is SolveStatus.INFEASIBLE
    assert {c.rule for c in result.conflicts} == {
        "pin:ann:o1:navigator",
        "pin:ann:o2:navigator",
        "person:ann:capacity",
    }
    capacity = next(c for c in result.conflicts if c.rule == "person:ann:capacity")
    assert "has 1.00 FTE free" in capacity.detail


def test_a_pin_on_someone_without_the_clearance_is_refused_on_its_face() -> None:
    slot = Slot("navigator", 1, 0.5, clearance="dbs")
    people = [
        person("ann", {"navigator": 0.9}, clearances=(Clearance("dbs", date(2025, 12, 1)),)),
        person("bob", {"navigator": 0.8}, clearances=(Clearance("dbs", None),)),
    ]
    staffing = request(
        [outcome("o1", (slot,), title="Hub")],
        people,
        pins=(Pin("ann", "o1", "navigator"),),
        mode=Mode.STRICT,
    )
    result = solve(staffing)

    assert result.status is SolveStatus.INFEASIBLE
    assert [c.rule for c in result.conflicts] == ["pin:ann:o1:navigator"]
    assert "holds no dbs valid to 2026-03-31" in result.conflicts[0].detail


def test_a_feasible_strict_request_has_no_conflicts() -> None:
    people = [person(f"p{i}", {"navigator": 0.8}) for i in range(2)]
    result = solve(request([outcome("o1", (NAVIGATOR,))], people, mode=Mode.STRICT))

    assert result.status is SolveStatus.OPTIMAL
    assert result.conflicts == ()
    assert len(result.assignments) == 2
