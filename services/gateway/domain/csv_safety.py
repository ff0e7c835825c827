"""Spreadsheet formula injection: a cell that starts with a formula trigger is
neutralised with a leading single quote, so spreadsheets show it as text."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

# =, +, - and @ start formulas; tab and carriage return can hide one (OWASP).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: object) -> str:
    text = "" if cell is None else str(cell)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def csv_line(cells: Sequence[object]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow([neutralise(cell) for cell in cells])
    return buffer.getvalue()


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterable[str]:
    yield csv_line(header)
    for row in rows:
        yield csv_line(row)
