from __future__ import annotations

from datetime import date

from services.matching.domain.gaps import (
    GapStep,
    blocked_slots,
    blocking_skills,
    committed_places,
    counted_reason,
    counted_unfilled,
    coverage_key,
    open_slots,
    role_demand,
    roles_of,
    skill_demand,
    slot_gaps,
)
from services.matching.domain.model import (
    CommittedWork,
    Outcome,
    SkillCoverage,
    Slot,
    Unfilled,
)


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


def step(skill_id: str, essential: bool = False) -> GapStep:
    return GapStep(skill_id, 1, 3, 0.1, 0.8, essential)


def test_committed_places_are_taken_out_of_demand_and_full_slots_dropped():
    outcomes = [
        outcome("o1", (Slot("navigator", 2, 0.5), Slot("weaver", 1, 0.5))),
        outcome("o2", (Slot("navigator", 1, 0.5),)),
    ]
    committed = [
        CommittedWork("a", "o1", "navigator", 0.5),
        CommittedWork("b", "o1", "weaver", 0.5),
        CommittedWork("c", "o2", "weaver", 0.5),
    ]
    slots = open_slots(outcomes, committed)
    assert [(s.outcome.id, s.slot.role_id, s.committed, s.open) for s in slots] == [
        ("o1", "navigator", 1, 1),
        ("o2", "navigator", 0, 1),
    ]
    assert [s.key for s in open_slots(outcomes, committed, role_id="weaver")] == []
    assert committed_places(outcomes, committed) == {"navigator": 1, "weaver": 1}


def test_role_rows_add_open_places_and_take_supply_per_role():
    outcomes = [
        outcome("o1", (Slot("navigator", 2, 0.5), Slot("weaver", 3, 1.0))),
        outcome("o2", (Slot("navigator", 1, 0.5),)),
    ]
    slots = open_slots(outcomes, [CommittedWork("a", "o1", "weaver", 1.0)])
    gaps = slot_gaps(
        slots,
        supply={("o1", "navigator"): 4, ("o1", "weaver"): 1, ("o2", "navigator"): 3},
        unfilled={("o1", "weaver"): 1},
    )
    assert [
        (g.outcome_id, g.role_id, g.places, g.committed, g.open, g.supply, g.unfilled) for g in gaps
    ] == [
        ("o1", "navigator", 2, 0, 2, 4, 0),
        ("o1", "weaver", 3, 1, 2, 1, 1),
        ("o2", "navigator", 1, 0, 1, 3, 0),
    ]
    rows = role_demand(gaps, {"navigator": 5, "weaver": 1}, {"weaver": 1})
    assert [(r.role_id, r.demanded, r.supply, r.unfilled, r.committed) for r in rows] == [
        ("navigator", 3, 5, 0, 0),
        ("weaver", 2, 1, 1, 1),
    ]


def test_without_a_solve_places_beyond_supply_stay_empty_and_the_reason_names_the_tightest_filter():
    [slot] = open_slots([outcome("o1", (Slot("navigator", 3, 0.5, min_fit=0.8),))], [])
    assert counted_unfilled(slot, 1) == 2 and counted_unfilled(slot, 5) == 0
    reason = counted_reason(slot, 1, {"fit": 4, "local": 2, "available": 40})
    assert reason == "only 1 person could take one of the 3 open places; fewest pass 'local' (2)"
    assert counted_reason(slot, 0, {}) == "nobody could take one of the 3 open places"


def test_skill_demand_adds_up_members_per_skill_and_level_and_reports_the_shortfall():
    outcomes = [
        outcome("o1", (Slot("navigator", 1, 0.5),), (SkillCoverage("listening", 3, 2),)),
        outcome(
            "o2",
            (Slot("navigator", 1, 0.5),),
            (SkillCoverage("listening", 3, 1), SkillCoverage("listening", 2, 1)),
        ),
    ]
    supply = {coverage_key("listening", 2): 2, coverage_key("listening", 3): 1}
    rows = skill_demand(outcomes, supply)
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
