"""The plan check: staffing re-run with the plan's levels, claims against places filled."""

from __future__ import annotations

from dataclasses import replace

from services.matching.domain.model import (
    Assignment,
    Sector,
    SkillCoverage,
    Slot,
    SolveStatus,
    StaffingResult,
)
from services.matching.domain.rules import coverage as coverage_rule
from services.matching.domain.staffing import solve
from services.matching.domain.training import (
    FillablePlace,
    SlotCheck,
    TrainingPlan,
    plan_training,
    slot_checks,
    trained_request,
)
from tests.unit.matching.builders import outcome, person
from tests.unit.matching.training_builders import (
    ARCHITECT,
    NAVIGATOR,
    check_plan,
    course,
    fillable,
    navigator_at,
    training,
)


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
    assert coverage_rule.rule_name("o1", "safeguarding") not in rerun_short


def line(outcome_id: str, person_id: str, role_id: str = "navigator") -> Assignment:
    return Assignment(outcome_id, person_id, role_id, 0.5, 0.9, 100.0, Sector.PUBLIC)


def result(*lines: Assignment) -> StaffingResult:
    return StaffingResult(SolveStatus.OPTIMAL, 1.0, 1.0, 0.0, 0.1, lines)


def test_slot_checks_count_claims_on_top_of_the_baseline() -> None:
    baseline = result(line("o1", "ann"))
    after = result(line("o1", "ann"), line("o1", "bob"), line("o2", "cat", "weaver"))
    plan = TrainingPlan(
        status=SolveStatus.OPTIMAL,
        people=(),
        total_cost=0.0,
        fillable=(
            FillablePlace("o1", "navigator", "bob", 0.4, 0.9),
            FillablePlace("o1", "navigator", "dan", 0.4, 0.9),
            FillablePlace("o2", "weaver", "cat", 0.4, 0.9),
        ),
        coverage_met=(),
        unmet=(),
        open_demand=3.0,
        staffable_demand=3.0,
        solve_seconds=0.1,
    )
    checks = slot_checks(baseline, after, plan)
    # o1 claimed ann + two trained, only one of them filled: the claim does not hold.
    assert checks == (SlotCheck("o1", "navigator", 3, 2), SlotCheck("o2", "weaver", 1, 1))
