"""The CP-SAT staffing model on small cases a person can check by hand."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from ortools.sat.python import cp_model

from services.matching.domain import staffing as staffing_module
from services.matching.domain.greedy import evaluate_objective, greedy
from services.matching.domain.model import (
    Clearance,
    CommittedWork,
    LocalityRule,
    Mode,
    Pin,
    Sector,
    SkillCoverage,
    Slot,
    SolveStatus,
    TeamRules,
)
from services.matching.domain.objective import OBJECTIVE_SCALE
from services.matching.domain.staffing import build_model, hint, satisfies, solve
from tests.unit.matching.builders import outcome, person, request, team

NAVIGATOR = Slot("navigator", 1, 0.5)
ARCHITECT = Slot("architect", 1, 0.5)


def test_cp_sat_beats_greedy_when_the_best_person_is_needed_elsewhere() -> None:
    # Greedy gives Ann the navigator slot (her best fit), leaving Bob as a poor
    # architect; swapping them is worth more in total.
    staffing = request(
        [outcome("o1", (NAVIGATOR, ARCHITECT))],
        [
            person("ann", {"navigator": 0.9, "architect": 0.85}),
            person("bob", {"navigator": 0.8, "architect": 0.1}),
        ],
        mode=Mode.STRICT,
    )
    baseline = greedy(staffing)
    optimal = solve(staffing)

    assert team(baseline, "o1") == {"ann": "navigator", "bob": "architect"}
    assert team(optimal, "o1") == {"ann": "architect", "bob": "navigator"}
    assert optimal.status is SolveStatus.OPTIMAL
    assert optimal.objective > baseline.objective


def test_reported_objective_matches_an_independent_evaluation() -> None:
    staffing = request(
        [
            outcome("o1", (Slot("navigator", 2, 0.5), ARCHITECT), rules=TeamRules(min_sectors=2)),
            outcome("o2", (Slot("navigator", 1, 0.6),), priority=5),
        ],
        [
            person("a", {"navigator": 0.9, "architect": 0.8}),
            person("b", {"navigator": 0.7}, day_rate=300),
            person("c", {"navigator": 0.6, "architect": 0.3}, sector=Sector.COMMUNITY),
            person("d", {"architect": 0.9}, sector=Sector.PRIVATE, locality="ward-9"),
        ],
    )
    result = solve(staffing)
    chosen = [(a.person_id, a.outcome_id, a.role_id) for a in result.assignments]

    assert result.solver == "cp-sat"
    assert round(result.objective * OBJECTIVE_SCALE) == evaluate_objective(staffing, chosen)


def test_capacity_is_shared_across_overlapping_outcomes() -> None:
    slot = Slot("navigator", 1, 0.6)
    people = [person("ann", {"navigator": 0.9}), person("bob", {"navigator": 0.5})]
    overlapping = request([outcome("o1", (slot,)), outcome("o2", (slot,), priority=4)], people)

    result = solve(overlapping)

    # Ann cannot give 0.6 + 0.6 FTE; she goes where the priority is higher.
    assert team(result, "o2") == {"ann": "navigator"}
    assert team(result, "o1") == {"bob": "navigator"}


def test_capacity_is_not_shared_by_outcomes_at_different_times() -> None:
    slot = Slot("navigator", 1, 0.6)
    people = [person("ann", {"navigator": 0.9}), person("bob", {"navigator": 0.5})]
    later = outcome("o2", (slot,), start=date(2026, 6, 1), end=date(2026, 8, 31))

    result = solve(request([outcome("o1", (slot,)), later], people))

    assert team(result, "o1") == {"ann": "navigator"}
    assert team(result, "o2") == {"ann": "navigator"}


def test_committed_work_reduces_capacity() -> None:
    people = [person("ann", {"navigator": 0.9}), person("bob", {"navigator": 0.5})]
    committed = (CommittedWork("ann", "older", "navigator", 0.6),)

    free = solve(request([outcome("o1", (NAVIGATOR,))], people))
    busy = solve(request([outcome("o1", (NAVIGATOR,))], people, committed=committed))

    assert team(free, "o1") == {"ann": "navigator"}
    assert team(busy, "o1") == {"bob": "navigator"}


def test_committed_work_only_counts_while_its_outcome_runs() -> None:
    people = [person("ann", {"navigator": 0.9}), person("bob", {"navigator": 0.5})]
    last_year = CommittedWork(
        "ann", "older", "navigator", 0.6, start=date(2025, 1, 1), end=date(2025, 12, 31)
    )
    this_spring = replace(last_year, start=date(2026, 3, 1), end=date(2026, 5, 31))
    staffing = request([outcome("o1", (NAVIGATOR,))], people)

    after = solve(replace(staffing, committed=(last_year,)))
    during = solve(replace(staffing, committed=(this_spring,)))

    assert team(after, "o1") == {"ann": "navigator"}
    assert team(during, "o1") == {"bob": "navigator"}


def test_a_pin_forces_the_person_in_even_below_the_minimum_fit() -> None:
    slot = Slot("navigator", 1, 0.5, min_fit=0.6)
    people = [person("ann", {"navigator": 0.9}), person("bob", {"navigator": 0.4})]
    pinned = request([outcome("o1", (slot,))], people, pins=(Pin("bob", "o1", "navigator"),))

    result = solve(pinned)

    assert team(result, "o1") == {"bob": "navigator"}
    assert "pinned by the manager" in result.assignments[0].reasons


def test_a_binding_budget_picks_the_cheaper_person() -> None:
    # 10 days x 0.5 FTE: Ann costs 2,500 and Bob 500, within a budget of 1,000.
    people = [
        person("ann", {"navigator": 0.9}, day_rate=500),
        person("bob", {"navigator": 0.7}, day_rate=100),
    ]
    result = solve(request([outcome("o1", (NAVIGATOR,), budget=1000)], people))

    assert team(result, "o1") == {"bob": "navigator"}
    assert "cost 500 of budget 1,000" in result.assignments[0].reasons


def test_equal_fits_tie_break_towards_the_cheaper_person_and_then_the_volunteer() -> None:
    # A team rule that always holds keeps this on the CP-SAT model, not the fast path.
    rules = TeamRules(min_sectors=1)
    paid = [
        person("ann", {"navigator": 0.8}, day_rate=400),
        person("bob", {"navigator": 0.8}, day_rate=200),
    ]
    volunteer = person("vic", {"navigator": 0.8}, sector=Sector.COMMUNITY, day_rate=400)

    cheaper = solve(request([outcome("o1", (NAVIGATOR,), rules=rules)], paid))
    free = solve(request([outcome("o1", (NAVIGATOR,), rules=rules)], [*paid, volunteer]))

    assert cheaper.solver == "cp-sat"
    assert team(cheaper, "o1") == {"bob": "navigator"}
    assert team(free, "o1") == {"vic": "navigator"}


def test_a_slot_left_empty_by_the_budget_says_so() -> None:
    people = [person("ann", {"navigator": 0.9}, day_rate=500)]
    result = solve(request([outcome("o1", (NAVIGATOR, ARCHITECT), budget=1000)], people))

    assert result.assignments == ()
    navigator = next(u for u in result.unfilled if u.role_id == "navigator")
    assert navigator.reason.startswith("budget exhausted")


def test_an_expired_clearance_does_not_count() -> None:
    slot = Slot("navigator", 1, 0.5, clearance="dbs")
    expired = person("ann", {"navigator": 0.9}, clearances=(Clearance("dbs", date(2026, 2, 1)),))
    valid = person("bob", {"navigator": 0.6}, clearances=(Clearance("dbs", date(2027, 1, 1)),))

    both = solve(request([outcome("o1", (slot,))], [expired, valid]))
    only_expired = solve(request([outcome("o1", (slot,))], [expired]))

    assert team(both, "o1") == {"bob": "navigator"}
    assert only_expired.unfilled[0].reason == (
        "no eligible candidate with fit >= 0.00 and clearance dbs valid to 2026-03-31"
    )


def test_people_of_the_commissioned_organisation_are_left_out_when_the_outcome_says_so() -> None:
    people = [
        person("ann", {"navigator": 0.9}, organisation="acme"),
        person("bob", {"navigator": 0.6}, organisation="council"),
    ]
    strict = TeamRules(exclude_commissioned_organisation=True)

    excluded = solve(
        request(
            [outcome("o1", (NAVIGATOR,), commissioned_organisation="acme", rules=strict)], people
        )
    )
    allowed = solve(
        request([outcome("o1", (NAVIGATOR,), commissioned_organisation="acme")], people)
    )

    assert team(excluded, "o1") == {"bob": "navigator"}
    assert team(allowed, "o1") == {"ann": "navigator"}


def test_minimum_distinct_sectors_brings_in_another_sector() -> None:
    slot = Slot("navigator", 2, 0.5)
    people = [
        person("a", {"navigator": 0.9}),
        person("b", {"navigator": 0.85}),
        person("c", {"navigator": 0.5}, sector=Sector.THIRD_SECTOR),
    ]
    result = solve(request([outcome("o1", (slot,), rules=TeamRules(min_sectors=2))], people))

    assert team(result, "o1") == {"a": "navigator", "c": "navigator"}


def test_maximum_sector_share_limits_the_largest_sector() -> None:
    slot = Slot("navigator", 4, 0.5)
    people = [person(f"p{i}", {"navigator": 0.9 - i / 100}) for i in range(4)] + [
        person("x", {"navigator": 0.5}, sector=Sector.PRIVATE),
        person("y", {"navigator": 0.4}, sector=Sector.THIRD_SECTOR),
    ]
    rules = TeamRules(max_sector_share=0.5)
    result = solve(request([outcome("o1", (slot,), rules=rules)], people))

    sectors = [a.sector for a in result.assignments]
    assert len(sectors) == 4
    assert sectors.count(Sector.PUBLIC) == 2


def test_local_only_keeps_out_people_from_elsewhere() -> None:
    people = [
        person("ann", {"navigator": 0.9}, locality="ward-5"),
        person("bob", {"navigator": 0.6}, locality="ward-3"),
    ]
    rules = TeamRules(locality=LocalityRule.LOCAL_ONLY)
    result = solve(request([outcome("o1", (NAVIGATOR,), locality="ward-3", rules=rules)], people))

    assert team(result, "o1") == {"bob": "navigator"}
    assert "local to ward-3" in result.assignments[0].reasons


def test_prefer_local_tips_a_near_tie_towards_the_local_person() -> None:
    people = [
        person("ann", {"navigator": 0.805}, locality="ward-5"),
        person("bob", {"navigator": 0.800}, locality="ward-3"),
    ]
    prefer = TeamRules(locality=LocalityRule.PREFER_LOCAL)

    preferring = solve(
        request([outcome("o1", (NAVIGATOR,), locality="ward-3", rules=prefer)], people)
    )
    indifferent = solve(request([outcome("o1", (NAVIGATOR,), locality="ward-3")], people))

    assert team(preferring, "o1") == {"bob": "navigator"}
    assert team(indifferent, "o1") == {"ann": "navigator"}


def test_skill_coverage_brings_in_a_holder_of_the_skill() -> None:
    slot = Slot("navigator", 2, 0.5)
    people = [
        person("a", {"navigator": 0.9}),
        person("b", {"navigator": 0.85}),
        person("c", {"navigator": 0.5}, levels={"welfare-rights": 3}),
    ]
    coverage = (SkillCoverage("welfare-rights", 3, 1),)
    result = solve(request([outcome("o1", (slot,), skill_coverage=coverage)], people))

    assert team(result, "o1") == {"a": "navigator", "c": "navigator"}


def test_soft_mode_reports_a_team_rule_it_cannot_meet() -> None:
    people = [person("a", {"navigator": 0.9})]
    rules = TeamRules(min_community_members=1)
    result = solve(request([outcome("o1", (NAVIGATOR,), rules=rules)], people))

    assert team(result, "o1") == {"a": "navigator"}
    assert [c.rule for c in result.conflicts] == ["outcome:o1:min_community_members"]
    assert "(short by 1)" in result.conflicts[0].detail


def test_pruning_is_reported_and_withdraws_the_optimality_claim() -> None:
    people = [person(f"p{i}", {"navigator": 0.9 - i / 10}) for i in range(4)]
    rules = TeamRules(min_sectors=1)
    staffing = request([outcome("o1", (NAVIGATOR,), rules=rules)], people)

    full = solve(staffing)
    pruned = solve(replace(staffing, max_candidates_per_slot=2))

    assert full.status is SolveStatus.OPTIMAL
    assert (full.pruned, full.optimality_proven) == (False, True)
    assert pruned.status is SolveStatus.OPTIMAL
    assert (pruned.pruned, pruned.optimality_proven) == (True, False)


def test_build_model_gives_no_variable_below_the_minimum_fit_or_to_excluded_people() -> None:
    slot = Slot("navigator", 1, 0.5, min_fit=0.6)
    people = [
        person("a", {"navigator": 0.9}),
        person("b", {"navigator": 0.5}),
        person("c", {"navigator": 0.8}),
    ]
    _, variables = build_model(
        request([outcome("o1", (slot,))], people, exclusions=frozenset({"c"}))
    )

    assert set(variables.assign) == {("a", "o1", "navigator")}


def test_explain_mode_names_one_assumption_per_rule() -> None:
    slot = Slot("navigator", 1, 0.6)
    people = [person("a", {"navigator": 0.9}, day_rate=1000)]
    staffing = request(
        [outcome("o1", (slot,), budget=100), outcome("o2", (slot,))],
        people,
        pins=(Pin("a", "o1", "navigator"),),
        mode=Mode.STRICT,
    )
    _, variables = build_model(staffing, explain=True)

    # o2's budget of a million cannot bind, so it gets no literal.
    assert set(variables.assumptions) == {
        "outcome:o1:slot:navigator:count",
        "outcome:o2:slot:navigator:count",
        "outcome:o1:budget",
        "person:a:capacity",
        "pin:a:o1:navigator",
    }


@pytest.mark.parametrize("mode", [Mode.SOFT, Mode.STRICT])
def test_one_person_takes_one_role_per_outcome(mode: Mode) -> None:
    people = [person("a", {"navigator": 0.9, "architect": 0.9}, capacity_fte=2.0)]
    result = solve(request([outcome("o1", (NAVIGATOR, ARCHITECT))], people, mode=mode))

    assert len(result.assignments) == (1 if mode is Mode.SOFT else 0)


def test_when_the_search_finds_nothing_in_time_the_seed_answers_against_a_safe_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_time(time_limit_s: float, *, seeded: bool = False) -> cp_model.CpSolver:
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = 0.0
        return solver

    slot = Slot("navigator", 1, 0.6)
    staffing = request(
        [outcome("o1", (slot, ARCHITECT), rules=TeamRules(min_sectors=2)), outcome("o2", (slot,))],
        [
            person("ann", {"navigator": 0.9, "architect": 0.85}),
            person("bob", {"navigator": 0.8, "architect": 0.1}, sector=Sector.PRIVATE),
            person("cat", {"navigator": 0.7}),
        ],
    )
    best = solve(staffing)
    monkeypatch.setattr(staffing_module, "_solver", no_time)

    hurried = solve(staffing)
    baseline = greedy(staffing)

    assert hurried.status is SolveStatus.TIMED_OUT
    assert {(a.person_id, a.outcome_id) for a in hurried.assignments} == {
        (a.person_id, a.outcome_id) for a in baseline.assignments
    }
    assert hurried.objective == baseline.objective
    assert hurried.bound >= best.objective > hurried.objective
    assert hurried.gap == pytest.approx((hurried.bound - hurried.objective) / hurried.objective)


def test_a_seed_that_overbooks_a_person_is_not_taken_as_an_answer() -> None:
    slot = Slot("navigator", 1, 0.6)
    staffing = request(
        [outcome("o1", (slot,)), outcome("o2", (slot,))],
        [person("ann", {"navigator": 0.9}), person("bob", {"navigator": 0.5})],
    )
    model, variables = build_model(staffing)
    fair = hint(
        staffing, model, variables, [("ann", "o1", "navigator"), ("bob", "o2", "navigator")]
    )
    overbooked = hint(
        staffing, model, variables, [("ann", "o1", "navigator"), ("ann", "o2", "navigator")]
    )

    assert satisfies(model, fair)
    assert not satisfies(model, overbooked)
