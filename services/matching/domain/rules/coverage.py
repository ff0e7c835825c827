"""Team-level skill coverage: at least k members at level L or above in skill S."""

from __future__ import annotations

from services.matching.domain.candidate_table import BoolArray, CandidateTable
from services.matching.domain.model import Candidate, Outcome, SkillCoverage
from services.matching.domain.rules.context import ModelContext
from services.matching.domain.rules.facts import PoolFacts, plural
from services.matching.domain.rules.outcome_rule import Team, minimum_rule


def rule_name(outcome_id: str, skill_id: str) -> str:
    return f"outcome:{outcome_id}:coverage:{skill_id}"


def is_set(outcome: Outcome) -> bool:
    return bool(outcome.skill_coverage)


def counts_for(candidate: Candidate, coverage: SkillCoverage) -> bool:
    return candidate.levels.get(coverage.skill_id, 0) >= coverage.min_level


def holders_mask(table: CandidateTable, coverage: SkillCoverage) -> BoolArray:
    holders: BoolArray = table.level_column(coverage.skill_id) >= coverage.min_level
    return holders


def shortfall(coverage: SkillCoverage, holders: int) -> int:
    return max(0, coverage.min_people - holders)


def shortfalls(outcome: Outcome, team: Team) -> dict[str, int]:
    return {
        rule_name(outcome.id, coverage.skill_id): shortfall(
            coverage, sum(1 for person, _ in team if counts_for(person, coverage))
        )
        for coverage in outcome.skill_coverage
    }


def add_to_model(ctx: ModelContext, o_index: int, outcome: Outcome) -> None:
    for coverage in outcome.skill_coverage:
        levels = ctx.pool.table.level_column(coverage.skill_id)
        holders = [p for p in ctx.members[o_index] if levels[p] >= coverage.min_level]
        ctx.add_minimum(
            outcome,
            ctx.member_vars(o_index, holders),
            coverage.min_people,
            min(ctx.places(outcome), len(holders)),
            rule_name(outcome.id, coverage.skill_id),
        )


def describe_coverage(facts: PoolFacts, outcome: Outcome, coverage: SkillCoverage) -> str:
    holders_column = holders_mask(facts.table, coverage)
    holders = [p for p in facts.eligible_people.get(outcome.id, set()) if holders_column[p]]
    return (
        f"outcome '{outcome.title}' needs {coverage.min_people} members at level "
        f"{coverage.min_level} or above in {coverage.skill_id}; only "
        f"{plural(len(holders), 'eligible candidate')} "
        f"{'has' if len(holders) == 1 else 'have'} it"
    )


def describe(facts: PoolFacts, outcome: Outcome, name: str) -> str | None:
    for needed in outcome.skill_coverage:
        if name == rule_name(outcome.id, needed.skill_id):
            return describe_coverage(facts, outcome, needed)
    return None


RULE = minimum_rule(add_to_model, shortfalls, describe, is_set)
