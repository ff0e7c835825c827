"""Plural provision: a team draws on at least `min_sectors` distinct sectors."""

from __future__ import annotations

from collections.abc import Hashable, Iterable

from ortools.sat.python import cp_model

from services.matching.domain.candidate_table import SECTORS
from services.matching.domain.model import Outcome
from services.matching.domain.rules.context import ModelContext
from services.matching.domain.rules.facts import PoolFacts
from services.matching.domain.rules.outcome_rule import Team, described_as, minimum_rule


def rule_name(outcome_id: str) -> str:
    return f"outcome:{outcome_id}:min_sectors"


def is_set(outcome: Outcome) -> bool:
    return outcome.rules.min_sectors > 0


def shortfall(outcome: Outcome, sectors: Iterable[Hashable]) -> int:
    """Sectors missing from a team whose members come from `sectors` (repeats allowed)."""
    return max(0, outcome.rules.min_sectors - len(set(sectors)))


def shortfalls(outcome: Outcome, team: Team) -> dict[str, int]:
    return {rule_name(outcome.id): shortfall(outcome, (person.sector for person, _ in team))}


def add_to_model(ctx: ModelContext, o_index: int, outcome: Outcome) -> None:
    minimum = outcome.rules.min_sectors
    if minimum <= 0:
        return
    used = []
    for code, people in ctx.people_by_sector(o_index).items():
        present = ctx.model.new_bool_var(f"sector[{outcome.id},{SECTORS[code].value}]")
        members = ctx.member_vars(o_index, people)
        ctx.model.add(present <= cp_model.LinearExpr.sum(members))
        ctx.vars.presence.append((present, members))
        used.append(present)
    reachable = min(ctx.places(outcome), len(used))
    ctx.add_minimum(outcome, used, minimum, reachable, rule_name(outcome.id))


def describe(facts: PoolFacts, outcome: Outcome) -> str:
    sectors = facts.sectors_of(outcome)
    names = ", ".join(sorted(s.value for s in sectors))
    return (
        f"outcome '{outcome.title}' needs people from {outcome.rules.min_sectors} "
        f"sectors; eligible candidates come from {len(sectors)} ({names or 'none'})"
    )


RULE = minimum_rule(add_to_model, shortfalls, described_as(rule_name, describe), is_set)
