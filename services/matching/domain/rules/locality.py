"""Locality: local-only outcomes take only people living in their locality;
prefer-local ones score local people higher (see `objective`)."""

from __future__ import annotations

from services.matching.domain.candidate_table import BoolArray, CandidateTable
from services.matching.domain.model import Candidate, LocalityRule, Outcome, Slot
from services.matching.domain.rules.slot_filter import SlotFilter

NAME = "local"


def is_local(candidate: Candidate, outcome: Outcome) -> bool:
    return candidate.locality == outcome.locality


def local_only(outcome: Outcome) -> bool:
    return outcome.rules.locality is LocalityRule.LOCAL_ONLY


def prefers_local(outcome: Outcome) -> bool:
    return outcome.rules.locality is LocalityRule.PREFER_LOCAL


def applies(outcome: Outcome, slot: Slot) -> bool:
    return local_only(outcome)


def holds(candidate: Candidate, outcome: Outcome, slot: Slot) -> bool:
    return not local_only(outcome) or is_local(candidate, outcome)


def mask(table: CandidateTable, outcome: Outcome, slot: Slot) -> BoolArray:
    return table.is_local(outcome)


def requirement(outcome: Outcome, slot: Slot) -> str:
    return f"living in {outcome.locality}"


def refusal(table: CandidateTable, person: int, outcome: Outcome, slot: Slot) -> str:
    return f"does not live in {outcome.locality}"


def assignment_reason(outcome: Outcome) -> str:
    return f"local to {outcome.locality}"


FILTER = SlotFilter(NAME, mask, refusal, applies, holds, requirement, judgement=True)
