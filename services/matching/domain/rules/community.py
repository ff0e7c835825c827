"""Co-production: at least `min_community_members` community members in the team."""

from __future__ import annotations

from services.matching.domain.candidate_table import SECTORS
from services.matching.domain.model import Outcome, Sector
from services.matching.domain.rules import locality
from services.matching.domain.rules.context import ModelContext
from services.matching.domain.rules.facts import PoolFacts
from services.matching.domain.rules.outcome_rule import Team, described_as, minimum_rule

# The community sector's code in the candidate table's sector column.
COMMUNITY = SECTORS.index(Sector.COMMUNITY)


def rule_name(outcome_id: str) -> str:
    return f"outcome:{outcome_id}:min_community_members"


def is_set(outcome: Outcome) -> bool:
    return outcome.rules.min_community_members > 0


def shortfall(outcome: Outcome, members: int) -> int:
    """Community members missing from a team that has `members` of them."""
    return max(0, outcome.rules.min_community_members - members)


def shortfalls(outcome: Outcome, team: Team) -> dict[str, int]:
    members = sum(1 for person, _ in team if person.sector is Sector.COMMUNITY)
    return {rule_name(outcome.id): shortfall(outcome, members)}


def add_to_model(ctx: ModelContext, o_index: int, outcome: Outcome) -> None:
    community = ctx.people_by_sector(o_index).get(COMMUNITY, [])
    ctx.add_minimum(
        outcome,
        ctx.member_vars(o_index, community),
        outcome.rules.min_community_members,
        min(ctx.places(outcome), len(community)),
        rule_name(outcome.id),
    )


def describe(facts: PoolFacts, outcome: Outcome) -> str:
    members = facts.sectors_of(outcome).get(Sector.COMMUNITY, 0)
    where = (
        f"lives in {outcome.locality} and is available"
        if locality.local_only(outcome)
        else "is available"
    )
    if members != 1:
        where = where.replace("lives", "live").replace("is available", "are available")
    noun = "eligible community member" + ("" if members == 1 else "s")
    return (
        f"outcome '{outcome.title}' needs {outcome.rules.min_community_members} community "
        f"members, only {members} {noun} {where}"
    )


RULE = minimum_rule(add_to_model, shortfalls, described_as(rule_name, describe), is_set)
