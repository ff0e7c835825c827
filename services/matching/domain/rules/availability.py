"""A candidate is available for the whole of the outcome's dates."""

from __future__ import annotations

from datetime import date

from services.matching.domain.candidate_table import BoolArray, CandidateTable
from services.matching.domain.model import Candidate, Outcome, Slot
from services.matching.domain.rules.slot_filter import SlotFilter

NAME = "available"


def is_available_for(candidate: Candidate, start: date, end: date) -> bool:
    starts_ok = candidate.available_from is None or candidate.available_from <= start
    ends_ok = candidate.available_until is None or candidate.available_until >= end
    return starts_ok and ends_ok


def holds(candidate: Candidate, outcome: Outcome, slot: Slot) -> bool:
    return is_available_for(candidate, outcome.start, outcome.end)


def mask(table: CandidateTable, outcome: Outcome, slot: Slot) -> BoolArray:
    available: BoolArray = (table.available_from <= outcome.start.toordinal()) & (
        table.available_until >= outcome.end.toordinal()
    )
    return available


def refusal(table: CandidateTable, person: int, outcome: Outcome, slot: Slot) -> str:
    return "is not available for the outcome's dates"


FILTER = SlotFilter(NAME, mask, refusal, holds=holds)
