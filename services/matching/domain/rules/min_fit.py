"""A candidate fills a slot only at or above its minimum fit (a missing fit never does)."""

from __future__ import annotations

from services.matching.domain.candidate_table import BoolArray, CandidateTable, FloatArray
from services.matching.domain.model import Candidate, Outcome, Slot
from services.matching.domain.rules.slot_filter import SlotFilter

NAME = "fit"
# Fits travel as floats: a fit equal to the minimum must pass after rounding.
TOLERANCE = 1e-9
NO_FIT = -1.0


def threshold(slot: Slot) -> float:
    """The lowest fit the slot accepts: its development floor when it takes a
    development placement (`rules.development` limits who may be placed below
    the minimum)."""
    floor = slot.development_floor
    if floor is None or floor >= slot.min_fit:
        return slot.min_fit
    return floor


def meets(fits: FloatArray, slot: Slot) -> BoolArray:
    """The rule over a column of fits for the slot's role (NO_FIT where none is known)."""
    passing: BoolArray = (fits >= 0.0) & (fits >= threshold(slot) - TOLERANCE)
    return passing


def fit_of(candidate: Candidate, slot: Slot) -> float:
    return candidate.fits.get(slot.role_id, NO_FIT)


def holds(candidate: Candidate, outcome: Outcome, slot: Slot) -> bool:
    fit = fit_of(candidate, slot)
    return fit >= 0.0 and fit >= threshold(slot) - TOLERANCE


def mask(table: CandidateTable, outcome: Outcome, slot: Slot) -> BoolArray:
    return meets(table.fit_column(slot.role_id), slot)


def requirement(outcome: Outcome, slot: Slot) -> str:
    words = f"fit >= {slot.min_fit:.2f}"
    if threshold(slot) < slot.min_fit:
        words += f" (one member from {threshold(slot):.2f} as a development placement)"
    return words


def refusal(table: CandidateTable, person: int, outcome: Outcome, slot: Slot) -> str:
    fit = fit_of(table.candidates[person], slot)
    if fit < 0:
        return f"has no fit for {slot.role_id}"
    if threshold(slot) < slot.min_fit:
        return (
            f"fits {slot.role_id} at {fit:.2f}, below its development floor {threshold(slot):.2f}"
        )
    return f"fits {slot.role_id} at {fit:.2f}, below the minimum {slot.min_fit:.2f}"


FILTER = SlotFilter(NAME, mask, refusal, holds=holds, requirement=requirement, judgement=True)
