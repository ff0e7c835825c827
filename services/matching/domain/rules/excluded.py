"""Nobody the request excludes takes a place."""

from __future__ import annotations

from services.matching.domain.candidate_table import BoolArray, CandidateTable
from services.matching.domain.model import Outcome, Slot
from services.matching.domain.rules.slot_filter import SlotFilter

NAME = "not excluded"


def mask(table: CandidateTable, outcome: Outcome, slot: Slot) -> BoolArray:
    kept: BoolArray = ~table.excluded
    return kept


def refusal(table: CandidateTable, person: int, outcome: Outcome, slot: Slot) -> str:
    return "is excluded from this proposal"


FILTER = SlotFilter(NAME, mask, refusal)
