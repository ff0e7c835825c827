"""A staffing result in words, for the person who asked: how many places are
filled and why the rest stay open. The objective is a number for machines;
this is what a manager reads first."""

from __future__ import annotations

from services.matching.domain.model import SolveStatus, StaffingResult, Unfilled


def _places(count: int) -> str:
    return "1 place" if count == 1 else f"{count} places"


def _open_place(unfilled: Unfilled) -> str:
    reason = unfilled.reason.rstrip(". ")
    return f"{unfilled.count} {unfilled.role_id} in {unfilled.outcome_id}: {reason}"


def summarise(result: StaffingResult) -> str:
    if result.status is SolveStatus.INFEASIBLE:
        rules = "; ".join(conflict.detail for conflict in result.conflicts)
        return "No team can be formed under these rules" + (f": {rules}." if rules else ".")
    filled = len(result.assignments)
    still_open = sum(u.count for u in result.unfilled)
    reasons = "; ".join(_open_place(u) for u in result.unfilled)
    if filled == 0 and still_open > 0:
        text = f"No one could be placed in the {_places(still_open)} asked for. {reasons}."
    elif filled == 0:
        text = "Nothing to staff: no places were asked for."
    elif still_open > 0:
        text = (
            f"{filled} of {_places(filled + still_open)} filled; "
            f"{_places(still_open)} {'stays' if still_open == 1 else 'stay'} open. {reasons}."
        )
    else:
        text = f"All {_places(filled)} filled."
    if result.status is SolveStatus.TIMED_OUT:
        text += " The solver stopped at its time limit: a better team may exist."
    return text
