"""A slot that asks for a clearance takes only people holding it until the outcome ends."""

from __future__ import annotations

from services.matching.domain.candidate_table import (
    BoolArray,
    CandidateTable,
    clearance_valid_until,
)
from services.matching.domain.model import Candidate, Outcome, Slot
from services.matching.domain.rules.slot_filter import SlotFilter

NAME = "clearance"


def applies(outcome: Outcome, slot: Slot) -> bool:
    return bool(slot.clearance)


def holds(candidate: Candidate, outcome: Outcome, slot: Slot) -> bool:
    if not slot.clearance:
        return True
    return clearance_valid_until(candidate, slot.clearance) >= outcome.end.toordinal()


def mask(table: CandidateTable, outcome: Outcome, slot: Slot) -> BoolArray:
    valid: BoolArray = table.clearance_column(slot.clearance) >= outcome.end.toordinal()
    return valid


def requirement(outcome: Outcome, slot: Slot) -> str:
    return f"clearance {slot.clearance} valid to {outcome.end.isoformat()}"


def refusal(table: CandidateTable, person: int, outcome: Outcome, slot: Slot) -> str:
    return f"holds no {slot.clearance} valid to {outcome.end.isoformat()}"


def assignment_reason(outcome: Outcome, slot: Slot) -> str:
    return f"holds {slot.clearance} valid to {outcome.end.isoformat()}"


FILTER = SlotFilter(NAME, mask, refusal, applies, holds, requirement)
