"""A team costs at most its outcome's budget (day rate x days x FTE; volunteers are free)."""

from __future__ import annotations

from collections.abc import Iterable

from ortools.sat.python import cp_model

from services.matching.domain.candidate_table import MONEY_SCALE, money_units, pair_cost
from services.matching.domain.model import Outcome
from services.matching.domain.rules.context import ModelContext
from services.matching.domain.rules.facts import PoolFacts
from services.matching.domain.rules.outcome_rule import OutcomeRule, Team, described_as


def rule_name(outcome_id: str) -> str:
    return f"outcome:{outcome_id}:budget"


def within_budget(outcome: Outcome, cost_units: Iterable[int]) -> bool:
    return sum(cost_units) <= money_units(outcome.budget)


def holds(outcome: Outcome, team: Team) -> bool:
    return within_budget(
        outcome, (money_units(pair_cost(person, outcome, slot)) for person, slot in team)
    )


def add_to_model(ctx: ModelContext, o_index: int, outcome: Outcome) -> None:
    terms = ctx.costs[o_index]
    if not terms or within_budget(outcome, (cost for cost, _ in terms)):
        return
    ctx.enforce(
        ctx.model.add(
            cp_model.LinearExpr.weighted_sum([v for _, v in terms], [c for c, _ in terms])
            <= money_units(outcome.budget)
        ),
        rule_name(outcome.id),
    )


def money(amount: float) -> str:
    return f"{amount:,.0f}"


def describe(facts: PoolFacts, outcome: Outcome) -> str:
    o_index = facts.outcome_index(outcome)
    cheapest = 0.0
    for s_index, slot in enumerate(outcome.slots):
        eligible = facts.pool.slot(o_index, s_index).eligible
        costs = sorted(pair_cost(facts.table.candidates[int(p)], outcome, slot) for p in eligible)
        cheapest += sum(costs[: slot.count])
    return (
        f"outcome '{outcome.title}' has a budget of {outcome.budget:,.0f}; its slots filled "
        f"with the cheapest eligible candidates cost at least {cheapest:,.0f}"
    )


def exhausted_reason(outcome: Outcome, left_units: int, cheapest_units: int) -> str:
    return (
        f"budget exhausted ({money(left_units / MONEY_SCALE)} of {money(outcome.budget)} left; "
        f"the cheapest eligible candidate costs {money(cheapest_units / MONEY_SCALE)})"
    )


def is_set(outcome: Outcome) -> bool:
    return True


RULE = OutcomeRule(add_to_model, holds, described_as(rule_name, describe), is_set, grows=True)
