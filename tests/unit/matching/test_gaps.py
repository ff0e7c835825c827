from __future__ import annotations

from datetime import date

from services.matching.domain.gaps import (
    GapStep,
    blocked_slots,
    blocking_skills,
    role_demand,
    roles_of,
    skill_demand,
)
from services.matching.domain.model import Candidate, Outcome, Sector, SkillCoverage, Slot, Unfilled


def outcome(
    outcome_id: str, slots: tuple[Slot, ...], coverage: tuple[SkillCoverage, ...] = ()
) -> Outcome:
    return Outcome(
        id=outcome_id,
        title=outcome_id,
        locality="ashbridge",
        priority=3,
        budget=0.0,
        start=date(2030, 1, 1),
        end=date(2030, 3, 1),
        days=10.0,
        slots=slots,
        skill_coverage=coverage,
    )


def person(
    person_id: str, fits: dict[str, float], levels: dict[str, int] | None = None
) -> Candidate:
    return Candidate(
        person_id=person_id,
        name=person_id,
        sector=Sector.PUBLIC,
        organisation="council",
        locality="ashbridge",
        capacity_fte=1.0,
        day_rate=300.0,
        fits=fits,
        levels=levels or {},
    )


def step(skill_id: str, essential: bool = False) -> GapStep:
    return GapStep(skill_id, 1, 3, 0.1, 0.8, essential)


def test_role_demand_sums_slot_counts_and_counts_people_at_the_lowest_minimum_fit():
    outcomes = [
        outcome("o1", (Slot("navigator", 2, 0.5, min_fit=0.6),)),
        outcome("o2", (Slot("navigator", 1, 0.5, min_fit=0.4), Slot("weaver", 3, 1.0, 0.7))),
    ]
    people = [
        person("a", {"navigator": 0.65, "weaver": 0.9}),
        person("b", {"navigator": 0.45, "weaver": 0.69}),
        person("c", {"navigator": 0.3}),
    ]
    unfilled = [Unfilled("o2", "weaver", 2, "too few"), Unfilled("o1", "navigator", 1, "fit")]

    rows = {row.role_id: row for row in role_demand(outcomes, people, unfilled)}

    assert (rows["navigator"].demanded, rows["navigator"].supply, rows["navigator"].unfilled) == (
        3,
        2,
        1,
    )
    assert (rows["weaver"].demanded, rows["weaver"].supply, rows["weaver"].unfilled) == (3, 1, 2)


def test_a_zero_fit_is_no_supply_even_when_the_slot_asks_for_no_minimum():
    rows = role_demand(
        [outcome("o1", (Slot("navigator", 1, 0.5, min_fit=0.0),))],
        [person("a", {"navigator": 0.0}), person("b", {"navigator": 0.1}), person("c", {})],
        [],
    )
    assert [(row.role_id, row.supply) for row in rows] == [("navigator", 1)]


def test_role_demand_keeps_to_the_role_asked_for():
    outcomes = [outcome("o1", (Slot("navigator", 1, 0.5), Slot("weaver", 1, 0.5)))]
    assert [row.role_id for row in role_demand(outcomes, [], [], role_id="weaver")] == ["weaver"]


def test_skill_demand_adds_up_members_per_skill_and_level_and_reports_the_shortfall():
    outcomes = [
        outcome("o1", (Slot("navigator", 1, 0.5),), (SkillCoverage("listening", 3, 2),)),
        outcome(
            "o2",
            (Slot("navigator", 1, 0.5),),
            (SkillCoverage("listening", 3, 1), SkillCoverage("listening", 2, 1)),
        ),
    ]
    people = [
        person("a", {}, {"listening": 4}),
        person("b", {}, {"listening": 2}),
        person("c", {}, {}),
    ]
    rows = skill_demand(outcomes, people)
    assert [(r.skill_id, r.min_level, r.demanded_people, r.supply, r.shortfall) for r in rows] == [
        ("listening", 2, 1, 2, 0),
        ("listening", 3, 3, 1, 2),
    ]


def test_blocking_skills_are_the_most_often_missing_essential_first_on_ties():
    steps = [
        [step("budgeting"), step("empathy", essential=True)],
        [step("budgeting"), step("casework")],
        [step("empathy", essential=True), step("casework"), step("budgeting")],
    ]
    assert blocking_skills(steps, limit=3) == ["budgeting", "empathy", "casework"]
    assert blocking_skills(steps, limit=1) == ["budgeting"]


def test_a_skill_listed_twice_for_one_person_counts_once():
    steps = [[step("casework"), step("casework")], [step("empathy")], [step("empathy")]]
    assert blocking_skills(steps) == ["empathy", "casework"]


def test_blocked_slots_carry_the_blocking_skills_of_their_role_and_skip_filled_ones():
    unfilled = [
        Unfilled("o1", "navigator", 2, "nobody reaches the minimum fit"),
        Unfilled("o1", "weaver", 0, ""),
    ]
    rows = blocked_slots(unfilled, {"navigator": ["casework", "empathy"]})
    assert len(rows) == 1
    assert rows[0].blocking_skill_ids == ("casework", "empathy")
    assert rows[0].count == 2


def test_roles_of_lists_each_role_once_and_honours_the_filter():
    outcomes = [
        outcome("o1", (Slot("navigator", 1, 0.5), Slot("weaver", 1, 0.5))),
        outcome("o2", (Slot("navigator", 1, 0.5),)),
    ]
    assert roles_of(outcomes) == ["navigator", "weaver"]
    assert roles_of(outcomes, "weaver") == ["weaver"]
    assert roles_of(outcomes, "architect") == []
