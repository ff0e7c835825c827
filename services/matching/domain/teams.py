"""A proposal's result as the teams it gives each outcome: the solver answers
with flat assignment lines; managers read one team per outcome."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from services.matching.domain.model import Assignment, ContributionUse, StaffingResult, Unfilled


@dataclass(frozen=True)
class Team:
    outcome_id: str
    assignments: tuple[Assignment, ...]
    unfilled: tuple[Unfilled, ...]
    # The staff cost of its assignments.
    cost: float
    # The cost charged to each budget contribution of the outcome.
    contributions: tuple[ContributionUse, ...] = ()


def teams_of(outcome_ids: Sequence[str], result: StaffingResult) -> tuple[Team, ...]:
    """One team per outcome staffed, in the order asked, empty ones included."""
    teams = []
    for outcome_id in outcome_ids:
        lines = tuple(line for line in result.assignments if line.outcome_id == outcome_id)
        teams.append(
            Team(
                outcome_id=outcome_id,
                assignments=lines,
                unfilled=tuple(u for u in result.unfilled if u.outcome_id == outcome_id),
                cost=sum(line.cost for line in lines),
                contributions=tuple(
                    use for use in result.contribution_uses if use.outcome_id == outcome_id
                ),
            )
        )
    return tuple(teams)
