"""Plural provision: no sector above a maximum share of the team.

No share, or a share of 1 or more, means no limit. The share counts in whole
percent, so the rule is linear: count x 100 <= limit x team size.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ortools.sat.python import cp_model

from services.matching.domain.model import Outcome
from services.matching.domain.rules.context import ModelContext
from services.matching.domain.rules.facts import PoolFacts
from services.matching.domain.rules.outcome_rule import OutcomeRule, Team, described_as


def rule_name(outcome_id: str) -> str:
    return f"outcome:{outcome_id}:max_sector_share"


def is_limited(share: float | None) -> bool:
    return share is not None and share < 1


def share_limit(share: float) -> int:
    """Share as whole percent."""
    return round(share * 100)


def allows(count: int, team_size: int, share: float | None) -> bool:
    """`count` people of one sector in a team of `team_size`."""
    if share is None or not is_limited(share):
        return True
    return count * 100 <= share_limit(share) * team_size


def within(sector_counts: Iterable[int], share: float | None) -> bool:
    """A team with these head counts per sector."""
    counts = list(sector_counts)
    size = sum(counts)
    return all(allows(count, size, share) for count in counts)


def holds(outcome: Outcome, team: Team) -> bool:
    counts: dict[object, int] = {}
    for person, _ in team:
        counts[person.sector] = counts.get(person.sector, 0) + 1
    return within(counts.values(), outcome.rules.max_sector_share)


def bound(count: Any, team_size: Any, share: float) -> cp_model.BoundedLinearExpression:
    """The rule as a CP-SAT constraint over linear expressions (or plain ints)."""
    constraint: cp_model.BoundedLinearExpression = count * 100 <= share_limit(share) * team_size
    return constraint


def add_to_model(ctx: ModelContext, o_index: int, outcome: Outcome) -> None:
    share = outcome.rules.max_sector_share
    if share is None or not is_limited(share):
        return
    team = ctx.team_size(outcome)
    for people in ctx.people_by_sector(o_index).values():
        count = cp_model.LinearExpr.sum(ctx.member_vars(o_index, people))
        ctx.enforce(ctx.model.add(bound(count, team, share)), rule_name(outcome.id))


def describe(facts: PoolFacts, outcome: Outcome) -> str:
    counts = ", ".join(f"{s.value} {n}" for s, n in sorted(facts.sectors_of(outcome).items()))
    share = outcome.rules.max_sector_share or 1.0
    return (
        f"outcome '{outcome.title}' allows at most {share:.0%} of its team from one "
        f"sector; eligible candidates by sector: {counts or 'none'}"
    )


def no_room_reason(outcome: Outcome) -> str:
    return f"the maximum sector share ({outcome.rules.max_sector_share:.0%}) leaves no room"


def is_set(outcome: Outcome) -> bool:
    return is_limited(outcome.rules.max_sector_share)


RULE = OutcomeRule(
    add_to_model=add_to_model,
    holds=holds,
    describe=described_as(rule_name, describe),
    is_set=is_set,
)
