"""Stored proposals and assignments, and the rule that decides whether a
proposal may still be committed. Plain Python: the repository calls
`refusal_to_commit` inside the commit transaction."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from services.matching.domain.model import Assignment, SolveStatus, StaffingResult

CAPACITY_TOLERANCE = 1e-9


class AssignmentState(StrEnum):
    PROPOSED = "proposed"
    COMMITTED = "committed"
    RELEASED = "released"


@dataclass(frozen=True)
class ProposalRecord:
    id: str
    outcome_ids: tuple[str, ...]
    result: StaffingResult
    created_at: datetime
    # The last commit sequence number the proposal was computed against.
    basis_sequence: int
    # Each assigned person's capacity as the skills service reported it when proposing.
    capacity_seen: Mapping[str, float] = field(default_factory=dict)
    committed: bool = False
    committed_at: datetime | None = None
    committed_by: str = ""
    # Set when something the proposal relied on changed (outcome edited, person forgotten).
    stale_reason: str = ""


@dataclass(frozen=True)
class AssignmentRecord:
    assignment: Assignment
    state: AssignmentState
    proposal_id: str


@dataclass(frozen=True)
class LaterCommit:
    """A commit made after the proposal's basis that touched its people or outcomes."""

    sequence: int
    person_id: str
    outcome_id: str


def refusal_to_commit(
    proposal: ProposalRecord,
    later_commits: list[LaterCommit],
    current_capacity: Mapping[str, float | None],
) -> str | None:
    """Why the proposal may not be committed now, worded for a manager; None when it may."""
    if proposal.committed:
        when = proposal.committed_at.isoformat() if proposal.committed_at else "earlier"
        return f"proposal {proposal.id} was already committed ({when})"
    if proposal.stale_reason:
        return f"proposal {proposal.id} is stale: {proposal.stale_reason}; propose again"
    if proposal.result.status == SolveStatus.INFEASIBLE or not proposal.result.assignments:
        return f"proposal {proposal.id} assigns nobody; there is nothing to commit"
    if later_commits:
        first = min(later_commits, key=lambda commit: commit.sequence)
        return (
            f"proposal {proposal.id} is stale: a later commitment staffed {first.person_id} "
            f"on {first.outcome_id}; propose again"
        )
    for person_id in sorted({line.person_id for line in proposal.result.assignments}):
        seen = proposal.capacity_seen.get(person_id)
        now = current_capacity.get(person_id)
        if now is None:
            return f"proposal {proposal.id} is stale: {person_id} is no longer known; propose again"
        if seen is None or abs(seen - now) > CAPACITY_TOLERANCE:
            return (
                f"proposal {proposal.id} is stale: the capacity of {person_id} changed "
                f"from {seen} to {now} FTE; propose again"
            )
    return None
