"""What changed between two proposals (before and after a hypothetical change)."""

from __future__ import annotations

from dataclasses import dataclass

from services.matching.domain.model import Assignment, SolveStatus, StaffingResult


@dataclass(frozen=True)
class StaffingDiff:
    added: tuple[Assignment, ...]
    removed: tuple[Assignment, ...]
    objective_delta: float
    # Places left unfilled after minus before: negative means more places filled.
    unfilled_delta: int
    status_before: SolveStatus
    status_after: SolveStatus


def _key(assignment: Assignment) -> tuple[str, str, str]:
    return assignment.outcome_id, assignment.person_id, assignment.role_id


def diff_results(before: StaffingResult, after: StaffingResult) -> StaffingDiff:
    """An assignment that moves to another role in the same outcome is removed and added."""
    before_keys = {_key(a) for a in before.assignments}
    after_keys = {_key(a) for a in after.assignments}
    return StaffingDiff(
        added=tuple(a for a in after.assignments if _key(a) not in before_keys),
        removed=tuple(a for a in before.assignments if _key(a) not in after_keys),
        objective_delta=after.objective - before.objective,
        unfilled_delta=sum(u.count for u in after.unfilled) - sum(u.count for u in before.unfilled),
        status_before=before.status,
        status_after=after.status,
    )
