"""The CP-SAT staffing model: who fills which role slot of which outcome.

`build_model` is pure and inspectable. It states the decisions and one role
per person per outcome; every other rule states itself from its module in
`rules/` (registered below, in the order they are added to the model).

Rule names (stable; conflicts and assumption literals use them):
  outcome:<o>:slot:<role>:count         strict mode: the slot is filled exactly
  outcome:<o>:budget                    cost of the team within the budget
  outcome:<o>:min_sectors               distinct sectors in the team
  outcome:<o>:max_sector_share          no sector above its share of the team
  outcome:<o>:min_community_members     co-production
  outcome:<o>:coverage:<skill>          k members at level L in the skill
  outcome:<o>:contributions             restricted contributions can pay the team
  person:<p>:capacity                   FTE across overlapping outcomes
  pin:<p>:<o>:<role>                    the manager's pin

In soft mode slot counts and the minimum team rules (sectors, community,
coverage) are soft: each missing unit costs weights.unfilled_penalty x
priority, and a rule left short is reported in `conflicts`. Budget,
contributions, capacity, maximum share and pins are hard in both modes;
development placements (`rules.development`) are a hard limit with no name.
"""

from __future__ import annotations

from collections.abc import Callable

from ortools.sat.python import cp_model

from services.matching.domain.candidate_table import money_units, pair_cost
from services.matching.domain.eligibility import CandidatePool, build_pool
from services.matching.domain.model import Sector, StaffingRequest
from services.matching.domain.objective import ObjectiveTerms
from services.matching.domain.rules import (
    budget,
    capacity,
    collaboration,
    community,
    coverage,
    development,
    fairness,
    min_sectors,
    pins,
    pooled_budget,
    sector_share,
    slot_count,
)
from services.matching.domain.rules.context import ModelContext, Pair, PairKey, StaffingVariables
from services.matching.domain.rules.outcome_rule import OutcomeRule

__all__ = [
    "OUTCOME_RULES",
    "REQUEST_RULES",
    "Pair",
    "PairKey",
    "StaffingVariables",
    "build_model",
    "max_pair_cost",
]

# Rules across the outcomes of the request.
REQUEST_RULES: tuple[Callable[[ModelContext], None], ...] = (
    slot_count.add_to_model,
    pins.add_to_model,
    capacity.add_to_model,
    development.add_to_model,
    collaboration.add_to_model,
    fairness.add_to_model,
)
# Rules of each outcome's team.
OUTCOME_RULES: tuple[OutcomeRule, ...] = (
    budget.RULE,
    min_sectors.RULE,
    sector_share.RULE,
    community.RULE,
    coverage.RULE,
    pooled_budget.RULE,
)


def max_pair_cost(request: StaffingRequest) -> float:
    """An upper bound on any pair's cost, used to normalise the cost tie-break."""
    rates = [c.day_rate for c in request.candidates if c.sector is not Sector.COMMUNITY]
    efforts = [o.days * s.fte for o in request.outcomes for s in o.slots]
    return max(rates, default=0.0) * max(efforts, default=0.0)


def add_decisions(ctx: ModelContext) -> None:
    """Person fills (outcome, role): only the kept candidates get a variable."""
    table = ctx.pool.table
    for slot_pool in ctx.pool.slots:
        outcome = ctx.request.outcomes[slot_pool.ref.outcome_index]
        slot = outcome.slots[slot_pool.ref.slot_index]
        for person in slot_pool.kept.tolist():
            candidate = table.candidates[person]
            key = (candidate.person_id, outcome.id, slot.role_id)
            cost = pair_cost(candidate, outcome, slot)
            value = ctx.vars.terms.assignment_value(candidate, outcome, slot, cost)
            var = ctx.model.new_bool_var(f"x[{key[0]},{key[1]},{key[2]}]")
            pair = Pair(
                person=person,
                outcome_index=slot_pool.ref.outcome_index,
                slot_index=slot_pool.ref.slot_index,
                fit=candidate.fits.get(slot.role_id, 0.0),
                cost_units=money_units(cost),
                value=value,
            )
            ctx.vars.assign[key] = var
            ctx.vars.pairs[key] = pair
            ctx.members[pair.outcome_index][person].append(var)
            if pair.cost_units > 0:
                ctx.costs[pair.outcome_index].append((pair.cost_units, var))
            ctx.objective.append((var, value))


def add_one_role_per_outcome(ctx: ModelContext) -> None:
    for people in ctx.members.values():
        for variables in people.values():
            if len(variables) > 1:
                ctx.model.add_at_most_one(variables)


def build_model(
    request: StaffingRequest,
    *,
    pool: CandidatePool | None = None,
    explain: bool = False,
    terms: ObjectiveTerms | None = None,
) -> tuple[cp_model.CpModel, StaffingVariables]:
    """The CP-SAT model of a request; with explain=True every named rule gets an
    assumption literal and there is no objective. `terms` lets a part of a larger
    request be scored exactly as the whole would score it."""
    ctx = ModelContext(
        request,
        pool or build_pool(request),
        explain,
        terms or ObjectiveTerms(weights=request.weights, max_pair_cost=max_pair_cost(request)),
    )
    add_decisions(ctx)
    add_one_role_per_outcome(ctx)
    for add_rule in REQUEST_RULES:
        add_rule(ctx)
    for o_index, outcome in enumerate(request.outcomes):
        for rule in OUTCOME_RULES:
            rule.add_to_model(ctx, o_index, outcome)
    if not explain:
        variables = [var for var, _ in ctx.objective]
        coefficients = [coef for _, coef in ctx.objective]
        ctx.model.maximize(
            cp_model.LinearExpr.weighted_sum(variables, coefficients) + ctx.objective_offset
        )
    return ctx.model, ctx.vars
