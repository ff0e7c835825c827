"""Matching's time policy, in one place: how long one solve may run, and how
long each call that solves may take in all. The matching service applies it;
the gateway sets its deadlines from it, so neither guesses the other's count
of solves."""

from __future__ import annotations

DEFAULT_TIME_LIMIT_S = 10.0
MAX_TIME_LIMIT_S = 60.0
# The one staffing solve a gap report may run, whatever the default time limit.
MAX_GAP_SOLVE_S = 5.0
# A what-if with no stored proposal solves twice: without the change and with it.
SOLVES_PER_WHAT_IF = 2
# A training plan: staffing before, the planner's own model, staffing with the plan.
SOLVES_PER_TRAINING_PLAN = 3


def solve_time_limit(
    asked_s: float, default_s: float = DEFAULT_TIME_LIMIT_S, max_s: float = MAX_TIME_LIMIT_S
) -> float:
    """One solve's limit: what the caller asked (0: the default), capped."""
    return min(asked_s or default_s, max_s)


def gap_solve_time_limit(default_s: float = DEFAULT_TIME_LIMIT_S) -> float:
    return min(default_s, MAX_GAP_SOLVE_S)


def _asked_or_default(asked_s: float) -> float:
    # Not capped: a deployment may raise matching's cap, and a budget that is
    # too long only waits for an answer that comes sooner.
    return asked_s or DEFAULT_TIME_LIMIT_S


def proposal_time_budget_s(asked_s: float, what_if: bool) -> float:
    """Solver time a ProposeStaffing call may spend in all, at most."""
    return (SOLVES_PER_WHAT_IF if what_if else 1) * _asked_or_default(asked_s)


def training_time_budget_s(asked_s: float) -> float:
    """Solver time a PlanTraining call may spend in all, at most."""
    return SOLVES_PER_TRAINING_PLAN * _asked_or_default(asked_s)


def gaps_time_budget_s(solve: bool) -> float:
    """Solver time a ReportGaps call may spend in all."""
    return gap_solve_time_limit() if solve else 0.0
