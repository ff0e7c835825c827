"""The shape of a team rule stated per outcome: its CP-SAT form beside its
plain predicate over a team and its wording, so every caller asks the same rule."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from services.matching.domain.model import Candidate, Outcome, Slot
from services.matching.domain.rules.context import ModelContext
from services.matching.domain.rules.facts import PoolFacts

# A team as its members and the slot each fills.
Team = Sequence[tuple[Candidate, Slot]]


@dataclass(frozen=True)
class OutcomeRule:
    add_to_model: Callable[[ModelContext, int, Outcome], None]
    holds: Callable[[Outcome, Team], bool]
    # The wording of a rule name of this rule for the outcome; None for other names.
    describe: Callable[[PoolFacts, Outcome, str], str | None]
    # Whether the outcome asks for the rule at all.
    is_set: Callable[[Outcome], bool]
    # Minimum rules (soft in soft mode): rule name -> how many units the team is short.
    shortfalls: Callable[[Outcome, Team], dict[str, int]] | None = None
    # A hard rule no added member can mend once broken (a budget): a team
    # grown one member at a time refuses the member who would break it.
    grows: bool = False


def minimum_rule(
    add_to_model: Callable[[ModelContext, int, Outcome], None],
    shortfalls: Callable[[Outcome, Team], dict[str, int]],
    describe: Callable[[PoolFacts, Outcome, str], str | None],
    is_set: Callable[[Outcome], bool],
) -> OutcomeRule:
    """A minimum rule (soft in soft mode): it holds when the team is short of nothing."""

    def holds(outcome: Outcome, team: Team) -> bool:
        return not any(shortfalls(outcome, team).values())

    return OutcomeRule(add_to_model, holds, describe, is_set, shortfalls)


def described_as(
    rule_name: Callable[[str], str], describe: Callable[[PoolFacts, Outcome], str]
) -> Callable[[PoolFacts, Outcome, str], str | None]:
    """`describe` for a rule with one name per outcome."""

    def wording(facts: PoolFacts, outcome: Outcome, name: str) -> str | None:
        return describe(facts, outcome) if name == rule_name(outcome.id) else None

    return wording
