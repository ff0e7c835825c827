"""Domain objects into proto messages by field name (services.common.wire)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from lps.common.v1 import common_pb2
from lps.matching.v1 import matching_pb2
from services.common.wire import message_of
from services.matching.adapters.vocabulary import WORDS
from services.matching.domain.model import BudgetContribution, Sector, Slot


@dataclass(frozen=True)
class Closing:
    outcome_id: str
    closed_on: date | None
    # Not a field of the message: left out.
    reviewer: str = "ann"


def test_names_match_words_become_numbers_and_none_stays_unset() -> None:
    contribution = BudgetContribution("trust", Sector.THIRD_SECTOR, 10.0)
    message = message_of(matching_pb2.BudgetContribution, contribution, WORDS)
    assert message.sector == common_pb2.SECTOR_THIRD_SECTOR
    assert message.restricted_to == common_pb2.SECTOR_UNSPECIFIED
    slot = message_of(matching_pb2.Slot, Slot("navigator", 2, 0.5), WORDS)
    assert (slot.role_id, slot.count) == ("navigator", 2) and not slot.HasField("development_floor")


def test_dates_are_iso_text_given_values_win_and_missing_attributes_keep_defaults() -> None:
    message = message_of(
        matching_pb2.CloseOutcomeRequest, Closing("o1", date(2030, 5, 1)), WORDS, note="given"
    )
    assert (message.outcome_id, message.closed_on, message.note) == ("o1", "2030-05-01", "given")
    assert message.assessment == matching_pb2.ASSESSMENT_UNSPECIFIED
    unset = message_of(matching_pb2.CloseOutcomeRequest, Closing("o1", None), WORDS)
    assert unset.closed_on == ""
