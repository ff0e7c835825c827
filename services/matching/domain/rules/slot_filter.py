"""The shape of an eligibility filter: one rule deciding who may fill a slot."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from services.matching.domain.candidate_table import BoolArray, CandidateTable
from services.matching.domain.model import Candidate, Outcome, Slot


def always(outcome: Outcome, slot: Slot) -> bool:
    return True


@dataclass(frozen=True)
class SlotFilter:
    """`mask` is the rule over the whole candidate table (one numpy column);
    `holds` the same rule for one candidate, where the candidate alone decides it."""

    # Stable: the key in `eligibility.slot_filters` and in a pin's refusal.
    name: str
    mask: Callable[[CandidateTable, Outcome, Slot], BoolArray]
    # Why the person at this row of the table fails the filter, worded for a manager.
    refusal: Callable[[CandidateTable, int, Outcome, Slot], str]
    applies: Callable[[Outcome, Slot], bool] = always
    holds: Callable[[Candidate, Outcome, Slot], bool] | None = None
    # What a candidate must bring, in "fit >= 0.60 and ..." (None: not worded there).
    requirement: Callable[[Outcome, Slot], str] | None = None
    # A judgement of the manager's, which a pin overrides (facts are never overridden).
    judgement: bool = False
