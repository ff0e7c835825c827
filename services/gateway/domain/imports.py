"""What a bulk import reports: each bad row by its line in the file."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class RowFailure:
    """A row the skills service refused, by its 1-based position in the stream."""

    position: int
    id: str
    field: str
    reason: str


@dataclass(frozen=True)
class StreamSummary:
    accepted: int
    rejected: int
    levels_written: int = 0
    relations_written: int = 0
    relations_pending: int = 0
    failures: list[RowFailure] = field(default_factory=list)
    # Rows that changed nothing stored (counted apart from `accepted`).
    unchanged: int = 0


@dataclass(frozen=True)
class LineProblem:
    line: int
    id: str
    field: str
    reason: str


@dataclass(frozen=True)
class ImportReport:
    kind: str
    rows_read: int
    accepted: int
    levels_written: int
    relations_written: int
    problems: list[LineProblem]
    # Rows accepted that changed nothing stored.
    unchanged: int = 0
    # How the file was read: e.g. "Windows-1252" and "semicolon".
    encoding: str = ""
    delimiter: str = ""
    # ESCO relations kept until both of their concepts are imported.
    relations_pending: int = 0

    @property
    def rejected_rows(self) -> int:
        return len({problem.line for problem in self.problems})
