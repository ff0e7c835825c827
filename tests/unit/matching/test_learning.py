"""Results, closing and team history: the rules of domain/learning.py."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from services.common.errors import InvalidArgument
from services.matching.domain.learning import (
    Closing,
    ClosingDraft,
    ResultDraft,
    ServedLine,
    check_measure_filter,
    closed,
    closed_outcome_refusal,
    members_leaving,
    refusal_to_close,
    team_history,
    validate_closing,
    validate_result,
    worked_with,
)
from services.matching.domain.model import (
    Assessment,
    Collaboration,
    Measure,
    Outcome,
    OutcomeState,
    Sector,
    Slot,
)

TODAY = date(2030, 9, 1)
OUTCOME = Outcome(
    id="riverside",
    title="Riverside isolation",
    locality="riverside",
    priority=3,
    budget=1000.0,
    start=date(2030, 1, 1),
    end=date(2030, 6, 30),
    days=20.0,
    slots=(Slot("navigator", 2, 0.5),),
    measures=(Measure("lonely", "People lonely", "people", 40.0, 20.0),),
)


def fields_of(error: pytest.ExceptionInfo[InvalidArgument]) -> dict[str, str]:
    return {v.field: v.message for v in error.value.violations}


def test_a_result_names_a_measure_of_its_outcome() -> None:
    result = validate_result(ResultDraft("riverside", "lonely", 31.0, "2030-03-01"), OUTCOME, TODAY)
    assert (result.measure_id, result.value, result.on) == ("lonely", 31.0, date(2030, 3, 1))


def test_a_bad_result_names_every_field_at_fault() -> None:
    with pytest.raises(InvalidArgument) as caught:
        validate_result(ResultDraft("riverside", "smiles", float("nan"), "March"), OUTCOME, TODAY)
    fields = fields_of(caught)
    assert "its measures: lonely" in fields["result.measure_id"]
    assert set(fields) == {"result.measure_id", "result.value", "result.date"}


def test_a_result_from_the_future_is_refused() -> None:
    with pytest.raises(InvalidArgument) as caught:
        validate_result(ResultDraft("riverside", "lonely", 1.0, "2031-01-01"), OUTCOME, TODAY)
    assert "future" in fields_of(caught)["result.date"]


def test_an_outcome_without_measures_says_so() -> None:
    with pytest.raises(InvalidArgument) as caught:
        check_measure_filter(replace(OUTCOME, measures=()), "lonely")
    assert "has no measures" in fields_of(caught)["measure_id"]


def test_closing_needs_an_assessment_and_a_date_within_reason() -> None:
    with pytest.raises(InvalidArgument) as caught:
        validate_closing(ClosingDraft("riverside", None, closed_on="2029-12-31"), OUTCOME, TODAY)
    assert set(fields_of(caught)) == {"assessment", "closed_on"}


def test_closing_defaults_to_today() -> None:
    closing = validate_closing(ClosingDraft("riverside", Assessment.MET, " done "), OUTCOME, TODAY)
    assert closing == Closing(Assessment.MET, "done", TODAY)


def test_closing_is_final_and_a_closed_outcome_is_not_staffed() -> None:
    done = closed(OUTCOME, Closing(Assessment.PARTLY_MET, "", TODAY))
    assert done.state is OutcomeState.CLOSED
    assert refusal_to_close(OUTCOME) is None
    assert "already closed on 2030-09-01 (partly_met)" in (refusal_to_close(done) or "")
    assert closed_outcome_refusal([OUTCOME]) is None
    assert "outcome riverside is closed" in (closed_outcome_refusal([OUTCOME, done]) or "")


def line(person: str, committed: date | None, released: date | None = None) -> ServedLine:
    return ServedLine(person, "navigator", Sector.COMMUNITY, 0.5, 0.8, committed, released)


def test_team_history_keeps_who_served_from_when_to_when() -> None:
    closing = Closing(Assessment.MET, "", date(2030, 5, 31))
    members = team_history(
        OUTCOME,
        closing,
        [
            line("ann", date(2029, 12, 1)),
            line("bob", date(2030, 2, 1), released=date(2030, 3, 15)),
            # Released before the outcome began: never served.
            line("cat", date(2029, 11, 1), released=date(2029, 12, 15)),
        ],
    )
    periods = {m.person_id: (m.start, m.end) for m in members}
    assert periods == {
        "ann": (date(2030, 1, 1), date(2030, 5, 31)),
        "bob": (date(2030, 2, 1), date(2030, 3, 15)),
    }


def test_members_whose_periods_overlap_worked_together_once_per_pair() -> None:
    closing = Closing(Assessment.MET, "", date(2030, 6, 30))
    members = team_history(
        OUTCOME,
        closing,
        [
            line("cat", None, released=date(2030, 1, 31)),
            line("ann", None),
            line("bob", date(2030, 3, 1)),
            # Released and staffed again: still one pair with each.
            line("bob", date(2030, 4, 1)),
        ],
    )
    assert worked_with(members, Assessment.MET) == [
        Collaboration("ann", "bob", "riverside", Assessment.MET),
        Collaboration("ann", "cat", "riverside", Assessment.MET),
    ]


def test_a_person_erased_while_serving_leaves_their_place_without_their_identity() -> None:
    left = members_leaving(
        OUTCOME,
        [
            line("ann", date(2030, 2, 1)),
            line("bob", date(2029, 12, 1), released=date(2029, 12, 20)),
        ],
        on=date(2030, 3, 31),
    )
    assert [(m.person_id, m.sector, m.start, m.end) for m in left] == [
        ("", Sector.COMMUNITY, date(2030, 2, 1), date(2030, 3, 31))
    ]
    assert members_leaving(OUTCOME, [line("ann", None)], on=date(2029, 12, 31)) == []
