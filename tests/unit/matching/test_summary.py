"""A staffing result in words, and weights that may be switched off."""

from __future__ import annotations

from lps.matching.v1 import matching_pb2
from services.matching.domain.model import (
    Assignment,
    Conflict,
    ObjectiveWeights,
    Sector,
    SolveStatus,
    StaffingResult,
    Unfilled,
)
from services.matching.domain.summary import summarise
from services.matching.entrypoints.staffing_mapping import weights_from_proto

NOBODY_FITS = "nobody meets fit >= 0.90 (best fit 0.00)"


def result(
    status: SolveStatus,
    assignments: tuple[Assignment, ...] = (),
    unfilled: tuple[Unfilled, ...] = (),
    conflicts: tuple[Conflict, ...] = (),
) -> StaffingResult:
    return StaffingResult(status, -210000.0, 0.0, 0.0, 0.1, assignments, unfilled, conflicts)


def test_nobody_placed_is_said_in_words_with_the_reasons() -> None:
    text = summarise(
        result(SolveStatus.OPTIMAL, unfilled=(Unfilled("o1", "stargazer", 2, NOBODY_FITS),))
    )
    assert text.startswith("No one could be placed in the 2 places asked for.")
    assert f"2 stargazer in o1: {NOBODY_FITS}" in text
    assert "210000" not in text


def test_a_partial_team_counts_filled_and_open_places() -> None:
    ann = Assignment("o1", "ann", "navigator", 0.5, 0.9, 100.0, Sector.PUBLIC)
    text = summarise(
        result(SolveStatus.TIMED_OUT, (ann,), (Unfilled("o1", "navigator", 1, NOBODY_FITS),))
    )
    assert text.startswith("1 of 2 places filled; 1 place stays open.")
    assert "time limit" in text


def test_an_infeasible_request_names_the_conflicting_rules() -> None:
    conflict = Conflict("outcome:o1:min_sectors", "outcome 'O1' needs 3 sectors; 2 are eligible")
    text = summarise(result(SolveStatus.INFEASIBLE, conflicts=(conflict,)))
    assert text == f"No team can be formed under these rules: {conflict.detail}."


def test_a_weight_set_to_zero_is_zero_and_an_absent_one_is_the_default() -> None:
    defaults = ObjectiveWeights()
    weights = weights_from_proto(matching_pb2.ObjectiveWeights(cost=0.0, fit=5.0))
    assert (weights.cost, weights.fit, weights.locality) == (0.0, 5.0, defaults.locality)
