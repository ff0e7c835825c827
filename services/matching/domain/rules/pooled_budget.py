"""Pooled budgets: an outcome paid by several contributions, some restricted to
the staff costs of one sector.

Rule `outcome:<o>:contributions` (hard in both modes). Money restricted to a
sector pays only the staff costs of people of that sector; unrestricted money
pays anyone. With C_s the team's staff cost in sector s, R_s the money
restricted to s and F the unrestricted money, a payment plan exists if and
only if

    sum over sectors of max(0, C_s - R_s) <= F

(Hall's condition on this transportation problem: each restricted
contribution serves one sector, so the tightest subset of sectors is the set
whose costs exceed their restricted money). The CP-SAT form states it
without auxiliary variables, one linear constraint per subset U of the
restricted sectors: sum of C_s over U minus R_U, plus the costs of every
unrestricted sector, at most F; at most 2^4 constraints, and only those
that can bind. The total (`outcome:<o>:budget`) stays its own rule.

Each contribution's use is allocated deterministically: restricted money
first (contributions in the outcome's order), then the unrestricted money in
order; what a contribution does not need is left unused.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from itertools import combinations

from ortools.sat.python import cp_model

from services.matching.domain.candidate_table import (
    MONEY_SCALE,
    SECTORS,
    money_units,
    pair_cost,
)
from services.matching.domain.model import (
    Assignment,
    BudgetContribution,
    ContributionUse,
    Outcome,
    Sector,
)
from services.matching.domain.rules.context import ModelContext
from services.matching.domain.rules.facts import PoolFacts
from services.matching.domain.rules.outcome_rule import OutcomeRule, Team, described_as


def rule_name(outcome_id: str) -> str:
    return f"outcome:{outcome_id}:contributions"


def has_restrictions(outcome: Outcome) -> bool:
    return any(c.restricted_to is not None for c in outcome.contributions)


def restricted_money(outcome: Outcome) -> dict[Sector, int]:
    """Money units restricted to each sector's staff costs."""
    money: dict[Sector, int] = {}
    for contribution in outcome.contributions:
        if contribution.restricted_to is not None:
            sector = contribution.restricted_to
            money[sector] = money.get(sector, 0) + money_units(contribution.amount)
    return money


def is_set(outcome: Outcome) -> bool:
    return has_restrictions(outcome)


def unrestricted_money(outcome: Outcome) -> int:
    return sum(money_units(c.amount) for c in outcome.contributions if c.restricted_to is None)


def unpaid(outcome: Outcome, sector_costs: Mapping[Sector, int]) -> int:
    """Money units of staff cost that no contribution may pay (0: the team fits)."""
    if not has_restrictions(outcome):
        return 0
    restricted = restricted_money(outcome)
    beyond = sum(max(0, cost - restricted.get(sector, 0)) for sector, cost in sector_costs.items())
    return max(0, beyond - unrestricted_money(outcome))


def allows(outcome: Outcome, sector_costs: Mapping[Sector, int]) -> bool:
    """The plain predicate: can the contributions pay these staff costs (money units
    per sector)? Always true for an outcome without restricted money (the total
    is the budget rule's)."""
    return unpaid(outcome, sector_costs) == 0


def cannot_bind(outcome: Outcome, worst_cost: int) -> bool:
    """True when no team costing at most `worst_cost` money units can break the rule."""
    return not has_restrictions(outcome) or worst_cost <= unrestricted_money(outcome)


def holds(outcome: Outcome, team: Team) -> bool:
    costs: dict[Sector, int] = {}
    for person, slot in team:
        costs[person.sector] = costs.get(person.sector, 0) + money_units(
            pair_cost(person, outcome, slot)
        )
    return allows(outcome, costs)


def add_to_model(ctx: ModelContext, o_index: int, outcome: Outcome) -> None:
    """One linear constraint per subset of the restricted sectors that can bind."""
    if not has_restrictions(outcome):
        return
    restricted = restricted_money(outcome)
    by_sector: dict[Sector, list[tuple[int, cp_model.IntVar]]] = {}
    for key, pair in ctx.vars.pairs.items():
        if pair.outcome_index == o_index and pair.cost_units > 0:
            sector = SECTORS[int(ctx.pool.table.sector[pair.person])]
            by_sector.setdefault(sector, []).append((pair.cost_units, ctx.vars.assign[key]))
    free = unrestricted_money(outcome)
    always_in = [s for s in by_sector if s not in restricted]
    optional = sorted((s for s in by_sector if s in restricted), key=lambda s: s.value)
    for size in range(len(optional) + 1):
        for subset in combinations(optional, size):
            terms = [term for sector in [*always_in, *subset] for term in by_sector[sector]]
            limit = free + sum(restricted[s] for s in subset)
            if not terms or sum(units for units, _ in terms) <= limit:
                continue
            ctx.enforce(
                ctx.model.add(
                    cp_model.LinearExpr.weighted_sum([v for _, v in terms], [u for u, _ in terms])
                    <= limit
                ),
                rule_name(outcome.id),
            )


def allocate(outcome: Outcome, sector_costs: Mapping[Sector, float]) -> list[ContributionUse]:
    """What each contribution pays of these staff costs: restricted money first, then
    unrestricted, each in the outcome's order."""
    owed = {sector: money_units(cost) for sector, cost in sector_costs.items()}
    used = [0] * len(outcome.contributions)
    for index, contribution in enumerate(outcome.contributions):
        sector = contribution.restricted_to
        if sector is not None:
            paid = min(money_units(contribution.amount), owed.get(sector, 0))
            used[index] = paid
            owed[sector] = owed.get(sector, 0) - paid
    left = sum(owed.values())
    for index, contribution in enumerate(outcome.contributions):
        if contribution.restricted_to is None:
            paid = min(money_units(contribution.amount), left)
            used[index] = paid
            left -= paid
    return [
        ContributionUse(outcome_id=outcome.id, contribution=contribution, used=units / MONEY_SCALE)
        for contribution, units in zip(outcome.contributions, used, strict=True)
    ]


def contribution_uses(
    outcomes: Sequence[Outcome], assignments: Iterable[Assignment]
) -> tuple[ContributionUse, ...]:
    """Per outcome with contributions, the team's cost charged to each."""
    costs: dict[str, dict[Sector, float]] = {}
    for assignment in assignments:
        by_sector = costs.setdefault(assignment.outcome_id, {})
        by_sector[assignment.sector] = by_sector.get(assignment.sector, 0.0) + assignment.cost
    uses: list[ContributionUse] = []
    for outcome in outcomes:
        if outcome.contributions:
            uses.extend(allocate(outcome, costs.get(outcome.id, {})))
    return tuple(uses)


def _money(units: int) -> str:
    return f"{units / MONEY_SCALE:,.0f}"


def _contribution_words(contribution: BudgetContribution) -> str:
    words = f"{contribution.amount:,.0f} from {contribution.organisation}"
    if contribution.restricted_to is not None:
        words += f" for {contribution.restricted_to.value} staff only"
    return words


def describe(facts: PoolFacts, outcome: Outcome) -> str:
    """The conflict's wording, with the least each sector's staff would cost beyond its
    restricted money if every slot took its cheapest eligible candidates."""
    pooled = "; ".join(_contribution_words(c) for c in outcome.contributions)
    words = (
        f"outcome '{outcome.title}' is paid by contributions ({pooled}); staff of a sector "
        f"without restricted money must fit within the {_money(unrestricted_money(outcome))} "
        "unrestricted"
    )
    o_index = facts.outcome_index(outcome)
    cheapest: dict[Sector, int] = {}
    for s_index, slot in enumerate(outcome.slots):
        people = [
            facts.table.candidates[int(p)] for p in facts.pool.slot(o_index, s_index).eligible
        ]
        people.sort(key=lambda c: pair_cost(c, outcome, slot))
        for person in people[: slot.count]:
            cost = money_units(pair_cost(person, outcome, slot))
            cheapest[person.sector] = cheapest.get(person.sector, 0) + cost
    restricted = restricted_money(outcome)
    beyond = {
        sector: cost - restricted.get(sector, 0)
        for sector, cost in cheapest.items()
        if cost > restricted.get(sector, 0)
    }
    if beyond:
        parts = ", ".join(
            f"{sector.value} {_money(units)}" for sector, units in sorted(beyond.items())
        )
        words += f"; the cheapest eligible team needs {parts} beyond restricted money"
    return words


def no_room_reason(outcome: Outcome) -> str:
    """Why a place stays open when the money left is restricted to other sectors."""
    sectors = ", ".join(sorted(s.value for s in restricted_money(outcome)))
    return (
        f"restricted contributions: the money left pays only {sectors} staff, and no "
        "eligible candidate with time left fits within the money they may use "
        f"({_money(unrestricted_money(outcome))} unrestricted in all)"
    )


RULE = OutcomeRule(
    add_to_model=add_to_model,
    holds=holds,
    describe=described_as(rule_name, describe),
    is_set=has_restrictions,
    grows=True,
)
