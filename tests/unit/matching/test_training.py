"""The training planner on cases a person can check by hand.

Fits follow the role requirements: navigator needs welfare at 4, architect
needs design at 4, so a person at level 3 has fit 0.75 and a slot asking for
1.0 opens only after a course to level 4.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from itertools import pairwise
from typing import Any

import pytest

from services.matching.domain.model import (
    Candidate,
    Outcome,
    Sector,
    SkillCoverage,
    Slot,
    SolveStatus,
    TeamRules,
)
from services.matching.domain.staffing import solve
from services.matching.domain.staffing_model import coverage_rule
from services.matching.domain.training import (
    Course,
    CourseKind,
    CourseOutcome,
    CourseRun,
    FillablePlace,
    FitAfter,
    InvalidTrainingRequest,
    PlanCheckRecord,
    RoleProfile,
    RoleRequirement,
    TrainingPlan,
    TrainingRequest,
    greedy_training,
    override_rounds,
    plan_training,
    slot_checks,
    trained_request,
)
from tests.unit.matching.builders import outcome, person, request

TODAY = date(2025, 10, 1)
DEADLINE = date(2025, 12, 31)
NOVEMBER = CourseRun(date(2025, 11, 3), date(2025, 11, 7))
ROLES = (
    RoleProfile("navigator", (RoleRequirement("welfare", 4),)),
    RoleProfile("architect", (RoleRequirement("design", 4),)),
)
NAVIGATOR = Slot("navigator", 1, 0.5, min_fit=1.0)
ARCHITECT = Slot("architect", 1, 0.5, min_fit=1.0)
JAN = (date(2026, 1, 5), date(2026, 2, 27))
MAR = (date(2026, 3, 2), date(2026, 4, 30))


def course(
    course_id: str,
    skill_id: str,
    *,
    cost: float = 100.0,
    capacity: int = 0,
    runs: tuple[CourseRun, ...] = (NOVEMBER,),
    from_level: int = 3,
    to_level: int = 4,
) -> Course:
    return Course(
        id=course_id,
        title=course_id.title(),
        kind=CourseKind.COURSE,
        skill_id=skill_id,
        from_level=from_level,
        to_level=to_level,
        cost=cost,
        duration_days=5.0,
        capacity_per_run=capacity,
        runs=runs,
    )


def navigator_at(person_id: str, level: int) -> Candidate:
    return person(person_id, {"navigator": level / 4}, levels={"welfare": level})


def training(
    outcomes: list[Outcome],
    people: list[Candidate],
    courses: list[Course],
    *,
    budget: float = 10_000.0,
    **extra: Any,
) -> TrainingRequest:
    return TrainingRequest(
        staffing=request(outcomes, people, time_limit_s=5.0),
        courses=tuple(courses),
        budget=budget,
        deadline=DEADLINE,
        today=TODAY,
        roles=ROLES,
        time_limit_s=10.0,
        **extra,
    )


def fillable(plan: TrainingPlan) -> set[tuple[str, str, str]]:
    return {(f.outcome_id, f.role_id, f.person_id) for f in plan.fillable}


def check_plan(req: TrainingRequest, plan: TrainingPlan) -> PlanCheckRecord:
    """The training service's plan check, with the planner's fits standing in for
    the ones skills would recompute."""
    baseline = plan.baseline or solve(req.staffing)
    after = solve(trained_request(req, plan))
    return PlanCheckRecord(after.status, slot_checks(baseline, after, plan))


def courses_of(plan: TrainingPlan) -> dict[str, list[str]]:
    return {p.person_id: [e.course_id for e in p.enrolments] for p in plan.people}


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


def test_coverage_is_met_by_training_a_team_member() -> None:
    coverage = (SkillCoverage("safeguarding", 3, 1),)
    req = training(
        [outcome("o1", (Slot("navigator", 1, 0.5),), skill_coverage=coverage)],
        [person("ann", {"navigator": 0.8}, levels={"safeguarding": 2})],
        [course("safeguarding-3", "safeguarding", from_level=1, to_level=3)],
    )
    plan = plan_training(req)
    assert [(c.outcome_id, c.skill_id, c.person_ids) for c in plan.coverage_met] == [
        ("o1", "safeguarding", ("ann",))
    ]
    assert plan.people[0].levels_after == {"safeguarding": 3}
    assert check_plan(req, plan).holds
    baseline_short = {c.rule for c in solve(req.staffing).conflicts}
    assert "outcome:o1:coverage:safeguarding" in baseline_short
    rerun_short = {c.rule for c in solve(trained_request(req, plan)).conflicts}
    assert coverage_rule("o1", "safeguarding") not in rerun_short


def test_fits_from_the_caller_take_precedence_over_role_requirements() -> None:
    # The caller knows (say, through a neighbouring skill) that the course lifts
    # Ann's navigator fit all the way; the requirement rule alone would not.
    req = training(
        [outcome("o1", (NAVIGATOR,))],
        [navigator_at("ann", 2)],
        [course("welfare-3", "welfare", from_level=2, to_level=3)],
        fits_after=(FitAfter("ann", "welfare-3", {"navigator": 1.0}),),
    )
    plan = plan_training(req)
    assert fillable(plan) == {("o1", "navigator", "ann")}
    trained = trained_request(req, plan)
    assert trained.candidates[0].fits["navigator"] == 1.0
    assert trained.candidates[0].levels == {"welfare": 3}


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


def test_a_claim_the_staffing_model_cannot_honour_is_caught() -> None:
    req = training(
        [outcome("o1", (NAVIGATOR,)), outcome("o2", (ARCHITECT,))],
        [navigator_at("ann", 3), person("bob", {"architect": 0.5}, levels={"design": 2})],
        [course("welfare-4", "welfare")],
    )
    plan = plan_training(req)
    assert fillable(plan) == {("o1", "navigator", "ann")}
    # Bob has no course to level 4 in design; claiming him for o2 is false.
    bogus = FillablePlace("o2", "architect", "bob", 0.5, 1.0)
    check = check_plan(req, replace(plan, fillable=(*plan.fillable, bogus)))
    assert not check.holds
    assert [(s.outcome_id, s.claimed, s.filled) for s in check.slots] == [
        ("o1", 1, 1),
        ("o2", 1, 0),
    ]


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


def test_fits_after_each_course_are_asked_in_rounds_of_one_level_per_person() -> None:
    # Ann may take either welfare course (both lead to 4) and the design one; Bob
    # (welfare 1, below both) and Cat (welfare 4 already) only the design one.
    courses = [
        course("welfare-a", "welfare"),
        course("welfare-b", "welfare", cost=50.0),
        course("design", "design", from_level=0),
    ]
    people = [
        navigator_at("ann", 3),
        person("bob", {}, levels={"welfare": 1}),
        navigator_at("cat", 4),
    ]
    rounds = override_rounds(people, courses)
    assert rounds == [
        {
            "ann": CourseOutcome("design", 4, ("design",)),
            "bob": CourseOutcome("design", 4, ("design",)),
            "cat": CourseOutcome("design", 4, ("design",)),
        },
        {"ann": CourseOutcome("welfare", 4, ("welfare-a", "welfare-b"))},
    ]


def test_fits_from_the_caller_that_name_nobody_gain_nothing() -> None:
    # Skills found no one who may take the course: the requirement estimate must not
    # step in and claim Ann reaches the slot (as it does when no fits are given).
    req = training(
        [outcome("o1", (NAVIGATOR,))],
        [navigator_at("ann", 3)],
        [course("welfare-4", "welfare")],
        fits_after=(),
    )
    assert fillable(plan_training(req)) == set()
    estimated = plan_training(replace(req, fits_after=None))
    assert fillable(estimated) == {("o1", "navigator", "ann")}
