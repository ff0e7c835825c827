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

    @classmethod
    def of_stream(
        cls,
        kind: str,
        rows_read: int,
        summary: StreamSummary,
        problems: list[LineProblem],
        encoding: str,
        delimiter: str,
    ) -> ImportReport:
        """The report of a file whose good rows were streamed to the skills
        service: its counts, and every problem in file order."""
        return cls(
            kind=kind,
            rows_read=rows_read,
            accepted=summary.accepted,
            levels_written=summary.levels_written,
            relations_written=summary.relations_written,
            problems=sorted(problems, key=lambda p: (p.line, p.field)),
            unchanged=summary.unchanged,
            encoding=encoding,
            delimiter=delimiter,
            relations_pending=summary.relations_pending,
        )

    @property
    def rejected_rows(self) -> int:
        return len({problem.line for problem in self.problems})
