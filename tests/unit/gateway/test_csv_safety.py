from __future__ import annotations

import csv
import io

import pytest

from services.gateway.domain.csv_safety import csv_line, neutralise


@pytest.mark.parametrize("cell", ["=SUM(A1:A2)", "+1", "-2+3", "@cmd", "\t=1", "\r=1"])
def test_formula_triggers_are_neutralised(cell: str) -> None:
    assert neutralise(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["Ada", "1.5", "", "a=b", "north-field"])
def test_other_cells_are_left_alone(cell: str) -> None:
    assert neutralise(cell) == cell


def test_a_line_is_valid_csv_and_keeps_commas_and_quotes() -> None:
    line = csv_line(['=HYPERLINK("x")', 'Smith, "Jo"', 3, None])
    assert list(csv.reader(io.StringIO(line))) == [['\'=HYPERLINK("x")', 'Smith, "Jo"', "3", ""]]
