"""Matching's time policy: one solve's limit, and each solving call's budget
(what the gateway waits for, beside its margin)."""

from __future__ import annotations

from services.matching.domain.time_budget import (
    DEFAULT_TIME_LIMIT_S,
    MAX_GAP_SOLVE_S,
    MAX_TIME_LIMIT_S,
    gap_solve_time_limit,
    gaps_time_budget_s,
    proposal_time_budget_s,
    solve_time_limit,
    training_time_budget_s,
)
from services.matching.service.staffing import StaffingLimits


def test_a_solve_takes_what_was_asked_or_the_default_and_never_more_than_the_cap() -> None:
    assert solve_time_limit(0) == DEFAULT_TIME_LIMIT_S
    assert solve_time_limit(3.0) == 3.0
    assert solve_time_limit(10 * MAX_TIME_LIMIT_S) == MAX_TIME_LIMIT_S
    assert StaffingLimits(default_time_limit_s=20.0, max_time_limit_s=30.0).time_limit(0) == 20.0


def test_each_call_budgets_for_the_solves_it_runs() -> None:
    assert proposal_time_budget_s(4.0, what_if=False) == 4.0
    # A what-if may solve without the change too, when nothing is stored.
    assert proposal_time_budget_s(4.0, what_if=True) == 8.0
    # Staffing before, the planner, staffing with the plan.
    assert training_time_budget_s(0) == 3 * DEFAULT_TIME_LIMIT_S
    # Whatever cap a deployment gives matching, the budget covers what was asked.
    assert training_time_budget_s(1_000.0) == 3_000.0
    assert gaps_time_budget_s(solve=False) == 0.0
    assert gaps_time_budget_s(solve=True) == gap_solve_time_limit() == MAX_GAP_SOLVE_S
    assert gap_solve_time_limit(2.0) == 2.0
