"""The training planners on cases a person can check by hand (see training_builders)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from itertools import pairwise

import pytest

from services.matching.domain.model import (
    Sector,
    Slot,
    SolveStatus,
    TeamRules,
)
from services.matching.domain.training import (
    CourseRun,
    InvalidTrainingRequest,
    RoleProfile,
    RoleRequirement,
    greedy_training,
    plan_training,
)
from tests.unit.matching.builders import outcome, person
from tests.unit.matching.training_builders import (
    ARCHITECT,
    JAN,
    NAVIGATOR,
    NOVEMBER,
    check_plan,
    course,
    courses_of,
    fillable,
    navigator_at,
    training,
)


def test_the_course_that_unlocks_two_slots_wins_over_the_one_that_unlocks_one() -> None:
    # Ann after welfare-4 can navigate both o1 and o2 (half time each); Bob after
    # design-4 fills only o3's architect slot. The budget pays for one course.
    req = training(
        [
            outcome("o1", (NAVIGATOR,), start=JAN[0], end=JAN[1]),
            outcome("o2", (NAVIGATOR,), start=JAN[0], end=JAN[1]),
            outcome("o3", (ARCHITECT,), start=JAN[0], end=JAN[1]),
        ],
        [
            navigator_at("ann", 3),
            person("bob", {"architect": 0.75}, levels={"design": 3}),
        ],
        [course("welfare-4", "welfare"), course("design-4", "design", cost=90.0)],
        budget=100.0,
    )
    plan = plan_training(req)
    assert plan.status is SolveStatus.OPTIMAL
    assert courses_of(plan) == {"ann": ["welfare-4"]}
    assert fillable(plan) == {("o1", "navigator", "ann"), ("o2", "navigator", "ann")}
    assert plan.total_cost == 100.0
    assert [(u.outcome_id, u.unreachable) for u in plan.unmet] == [("o3", False)]
    check = check_plan(req, plan)
    assert check.holds
    assert check.claimed_places == check.filled_places == 2


def test_budget_binds() -> None:
    # Full-time places at the same time: one trained person fills one of them.
    people = [navigator_at(p, 3) for p in ("ann", "bob", "cat")]
    outcomes = [
        outcome(f"o{i}", (Slot("navigator", 1, 1.0, min_fit=1.0),), priority=priority)
        for i, priority in enumerate((5, 3, 1), start=1)
    ]
    req = training(outcomes, people, [course("welfare-4", "welfare")], budget=250.0)
    plan = plan_training(req)
    assert plan.total_cost == 200.0
    # The two highest priorities get the two courses the budget pays for.
    assert {f.outcome_id for f in plan.fillable} == {"o1", "o2"}
    assert len({f.person_id for f in plan.fillable}) == 2
    assert [(u.outcome_id, u.count, u.unreachable) for u in plan.unmet] == [("o3", 1, False)]
    assert plan.open_demand == 9
    assert plan.staffable_demand == 8
    assert plan.staffable_bound == 8
    assert check_plan(req, plan).holds


def test_course_capacity_binds() -> None:
    people = [navigator_at(p, 3) for p in ("ann", "bob")]
    full_time = Slot("navigator", 1, 1.0, min_fit=1.0)
    outcomes = [outcome("o1", (full_time,)), outcome("o2", (full_time,))]
    one_place = course("welfare-4", "welfare", capacity=1)
    plan = plan_training(training(outcomes, people, [one_place]))
    assert sum(len(p.enrolments) for p in plan.people) == 1
    assert len(plan.fillable) == 1
    assert [u.unreachable for u in plan.unmet] == [False]

    two_runs = course(
        "welfare-4",
        "welfare",
        capacity=1,
        runs=(NOVEMBER, CourseRun(date(2025, 12, 1), date(2025, 12, 5))),
    )
    plan = plan_training(training(outcomes, people, [two_runs]))
    assert len(plan.fillable) == 2
    runs = sorted(e.run_start for p in plan.people for e in p.enrolments)
    assert runs == [date(2025, 11, 3), date(2025, 12, 1)]


def test_a_tie_goes_to_spreading_across_people_and_sectors() -> None:
    # Ann alone could fill both slots with two courses; the same two courses
    # taken by two people, from two sectors, cost the same and fill the same.
    req = training(
        [outcome("o1", (NAVIGATOR,)), outcome("o2", (ARCHITECT,))],
        [
            person(
                "ann",
                {"navigator": 0.75, "architect": 0.75},
                levels={"welfare": 3, "design": 3},
            ),
            navigator_at("bob", 3),
            person(
                "cat",
                {"architect": 0.75},
                levels={"design": 3},
                sector=Sector.PRIVATE,
            ),
        ],
        [course("welfare-4", "welfare"), course("design-4", "design")],
    )
    plan = plan_training(req)
    assert len(plan.fillable) == 2
    assert plan.total_cost == 200.0
    assert all(len(p.enrolments) == 1 for p in plan.people)
    sectors = {p.person_id: p for p in req.staffing.candidates}
    trained = [sectors[p.person_id].sector for p in plan.people]
    assert len(set(trained)) == 2
    assert check_plan(req, plan).holds


def test_demand_no_affordable_training_can_reach_is_reported() -> None:
    req = training(
        [
            # Nobody holds design at 3 and the design course starts from 3.
            outcome("o1", (ARCHITECT,)),
            # The only welfare run ends after o2 starts.
            outcome("o2", (NAVIGATOR,), start=date(2025, 11, 5), end=date(2025, 12, 20)),
            # Only Bob is free for it, and his course costs more than the whole budget.
            outcome("o3", (Slot("navigator", 1, 1.0, min_fit=0.5),)),
        ],
        [
            person(
                "ann",
                {"navigator": 0.75, "architect": 0.25},
                levels={"welfare": 3, "design": 1},
                capacity_fte=0.5,
            ),
            navigator_at("bob", 1),
        ],
        [
            course("design-4", "design"),
            course("welfare-4", "welfare"),
            course("welfare-2", "welfare", from_level=1, to_level=2, cost=5_000.0),
        ],
        budget=1_000.0,
    )
    plan = plan_training(req)
    assert plan.people == ()
    assert plan.fillable == ()
    unmet = {u.outcome_id: u for u in plan.unmet}
    assert set(unmet) == {"o1", "o2", "o3"}
    assert all(u.unreachable for u in unmet.values())
    assert plan.staffable_demand == 0


def test_cp_sat_beats_the_greedy_baseline_when_the_biggest_gap_is_a_trap() -> None:
    # Greedy spends the budget on the largest gap (o1, two places, priority 2)
    # but can train only one person for it; CP-SAT spends it on o2 and o3.
    req = training(
        [
            outcome("o1", (Slot("navigator", 2, 0.5, min_fit=1.0),), priority=2),
            outcome("o2", (Slot("architect", 1, 1.0, min_fit=1.0),), priority=3),
            outcome("o3", (Slot("architect", 1, 1.0, min_fit=1.0),), priority=3),
        ],
        [
            navigator_at("ann", 3),
            person("bob", {"architect": 0.75}, levels={"design": 3}),
            person("cat", {"architect": 0.75}, levels={"design": 3}),
        ],
        [course("welfare-4", "welfare", cost=50.0), course("design-4", "design", cost=100.0)],
        budget=200.0,
    )
    greedy = greedy_training(req)
    plan = plan_training(req)
    assert greedy.staffable_demand == 5
    assert plan.staffable_demand == 6
    assert check_plan(req, plan).holds


def test_a_course_that_lowers_no_level_is_rejected() -> None:
    with pytest.raises(InvalidTrainingRequest):
        plan_training(training([], [], [course("odd", "welfare", from_level=3, to_level=3)]))


def test_without_open_demand_the_plan_is_empty() -> None:
    req = training(
        [outcome("o1", (Slot("navigator", 1, 0.5, min_fit=0.5),))],
        [navigator_at("ann", 3)],
        [course("welfare-4", "welfare")],
    )
    plan = plan_training(req)
    assert plan.status is SolveStatus.OPTIMAL
    assert (plan.people, plan.fillable, plan.unmet) == ((), (), ())
    assert plan.open_demand == plan.staffable_demand == 0


def test_a_place_open_for_want_of_a_rule_not_a_skill_is_told_apart() -> None:
    # Both fit, but no team of public-sector people alone meets a 50 % share cap.
    req = training(
        [
            outcome(
                "o1",
                (Slot("navigator", 2, 0.5, min_fit=0.5),),
                rules=TeamRules(max_sector_share=0.5),
            )
        ],
        [navigator_at("ann", 4), navigator_at("bob", 4)],
        [course("welfare-4", "welfare")],
    )
    plan = plan_training(req)
    assert plan.people == ()
    assert [(u.count, u.skill_gap) for u in plan.unmet] == [(2, False)]


def test_both_planners_respect_the_maximum_sector_share() -> None:
    # Two places under a 50 % cap: two public-sector people cannot both join.
    req = training(
        [
            outcome(
                "o1",
                (Slot("navigator", 2, 0.5, min_fit=1.0),),
                rules=TeamRules(max_sector_share=0.5),
            )
        ],
        [
            navigator_at("ann", 3),
            navigator_at("bob", 3),
            person("cat", {"navigator": 0.75}, levels={"welfare": 3}, sector=Sector.PRIVATE),
        ],
        [course("welfare-4", "welfare")],
    )
    sectors = {c.person_id: c.sector for c in req.staffing.candidates}
    for plan in (greedy_training(req), plan_training(req)):
        assert len(plan.fillable) == 2
        assert {sectors[f.person_id] for f in plan.fillable} == {Sector.PUBLIC, Sector.PRIVATE}
        assert check_plan(req, plan).holds


def test_nobody_is_booked_on_two_runs_on_the_same_days() -> None:
    # Ann and Bob reach the architect slot only with both halves of the role (design
    # and budgeting, each worth half). Both courses run the same November week;
    # design runs again in December: nobody takes two courses in November.
    roles = (
        RoleProfile("architect", (RoleRequirement("design", 4), RoleRequirement("budget", 4))),
    )
    december = CourseRun(date(2025, 12, 1), date(2025, 12, 5))
    req = replace(
        training(
            [outcome("o1", (ARCHITECT,), start=JAN[0], end=JAN[1])],
            [
                person("ann", {"architect": 0.75}, levels={"design": 3, "budget": 3}),
                person("bob", {"architect": 0.75}, levels={"design": 3, "budget": 3}),
            ],
            [
                course("design", "design", runs=(NOVEMBER, december)),
                course("budget", "budget"),
            ],
        ),
        roles=roles,
    )
    for plan in (plan_training(req), greedy_training(req)):
        for person_plan in plan.people:
            runs = sorted((e.run_start, e.run_end) for e in person_plan.enrolments)
            assert all(a[1] < b[0] for a, b in pairwise(runs)), person_plan
        # One course alone is not enough, however many runs it has.
        (place,) = plan.fillable
        assert sorted(courses_of(plan)[place.person_id]) == ["budget", "design"]
