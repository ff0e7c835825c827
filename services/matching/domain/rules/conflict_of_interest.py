"""An outcome may refuse people of the organisation it commissions."""

from __future__ import annotations

from services.matching.domain.candidate_table import BoolArray, CandidateTable
from services.matching.domain.model import Candidate, Outcome, Slot
from services.matching.domain.rules.slot_filter import SlotFilter

NAME = "no conflict of interest"
UNKNOWN_CODE = -2


def is_on(outcome: Outcome) -> bool:
    return outcome.rules.exclude_commissioned_organisation and bool(
        outcome.commissioned_organisation
    )


def applies(outcome: Outcome, slot: Slot) -> bool:
    return is_on(outcome)


def excluded_organisation(outcome: Outcome) -> str:
    """The organisation the rule keeps out ("" when the rule is off)."""
    return outcome.commissioned_organisation if is_on(outcome) else ""


def holds(candidate: Candidate, outcome: Outcome, slot: Slot) -> bool:
    return not is_on(outcome) or candidate.organisation != outcome.commissioned_organisation


def mask(table: CandidateTable, outcome: Outcome, slot: Slot) -> BoolArray:
    code = table.organisation_codes.get(outcome.commissioned_organisation, UNKNOWN_CODE)
    independent: BoolArray = table.organisation != code
    return independent


def refusal(table: CandidateTable, person: int, outcome: Outcome, slot: Slot) -> str:
    return "works for the organisation the outcome commissions"


FILTER = SlotFilter(NAME, mask, refusal, applies, holds)
