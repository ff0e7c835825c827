"""Reading a CSV import row by row: cells by column name, and what is wrong
with each row reported by its line rather than refusing the file."""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from services.common.errors import InvalidArgument
from services.common.identifiers import id_problem
from services.gateway.domain.csv_text import UnreadableRecord, read_records


@dataclass(frozen=True)
class RowProblem:
    line: int
    id: str
    field: str
    reason: str


def csv_records(text: str, delimiter: str = ",") -> Iterator[tuple[int, list[str]]]:
    """Each record with the line it starts on; a file whose quoting breaks is refused by line."""
    for line, cells in read_records(text, delimiter):
        if isinstance(cells, UnreadableRecord):
            raise InvalidArgument.of("body", f"line {line}: {cells.reason}")
        yield line, cells


def column_positions(
    header: list[str], columns: Sequence[str], required: Sequence[str]
) -> dict[str, int]:
    """Where each known column stands; a header without a required column refuses the file."""
    positions = {name.strip().lower(): index for index, name in enumerate(header)}
    missing = [name for name in required if name not in positions]
    if missing:
        raise InvalidArgument.of(
            "body",
            "the header lacks the column(s) "
            + ", ".join(missing)
            + "; expected "
            + ",".join(columns),
        )
    return {name: positions[name] for name in columns if name in positions}


class RowReader:
    """One CSV record, read by column name, collecting what is wrong with it."""

    def __init__(self, line: int, cells: list[str], columns: dict[str, int]) -> None:
        self.line = line
        self.cells = cells
        self.columns = columns
        self.problems: list[tuple[str, str]] = []

    @classmethod
    def of_record(
        cls, line: int, cells: list[str], columns: dict[str, int], width: int
    ) -> RowReader | None:
        """The row of a record, None for a blank one; cells beyond the header are a problem."""
        if not any(cell.strip() for cell in cells):
            return None
        row = cls(line, cells, columns)
        if len(cells) > width:
            row.fail("", f"has {len(cells)} cells but the header has {width} columns")
        return row

    def text(self, column: str) -> str:
        return self.raw(column).strip()

    def raw(self, column: str) -> str:
        position = self.columns.get(column)
        if position is None or position >= len(self.cells):
            return ""
        return self.cells[position]

    def identifier(self, column: str) -> str:
        """An id cell, as written: the id rule refuses surrounding spaces rather than trim them."""
        value = self.raw(column)
        problem = id_problem(value) if value.strip() else "is required"
        if problem is not None:
            self.fail(column, problem)
        return value

    def fail(self, column: str, reason: str) -> None:
        self.problems.append((column, reason))

    def number(self, column: str, default: float, low: float, high: float | None) -> float:
        raw = self.text(column)
        if not raw:
            return default
        try:
            value = float(raw)
        except ValueError:
            self.fail(column, f"{raw!r} is not a number")
            return default
        if not math.isfinite(value) or value < low or (high is not None and value > high):
            bound = f"between {low:g} and {high:g}" if high is not None else f"at least {low:g}"
            self.fail(column, f"must be {bound}")
            return default
        return value

    def whole(self, column: str, default: int, low: int, high: int) -> int:
        raw = self.text(column)
        if not raw:
            return default
        try:
            value = int(raw)
        except ValueError:
            self.fail(column, f"{raw!r} is not a whole number")
            return default
        if not low <= value <= high:
            self.fail(column, f"must be between {low} and {high}")
            return default
        return value

    def day(self, column: str, raw: str | None = None) -> date | None:
        raw = self.text(column) if raw is None else raw
        if not raw:
            return None
        try:
            return date.fromisoformat(raw)
        except ValueError:
            self.fail(column, f"{raw!r} is not a date (YYYY-MM-DD)")
            return None
