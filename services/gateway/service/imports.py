"""CSV imports: parse, keep the good rows, stream them to the skills service,
and report every bad row by its line in the file."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

from services.gateway.domain.esco_csv import EscoFile, EscoProblem, EscoRow, iter_esco_rows
from services.gateway.domain.imports import ImportReport, LineProblem, StreamSummary
from services.gateway.domain.people_csv import PersonGroup, parse_people_csv

_LEVEL_FIELD = re.compile(r"^(?:person_import_row\.)?levels\[(\d+)\]\.?(.*)$")


class PeopleImporter(Protocol):
    async def import_people(self, groups: Sequence[PersonGroup], actor: str) -> StreamSummary: ...


class EscoImporter(Protocol):
    async def import_esco(self, rows: Sequence[EscoRow]) -> StreamSummary: ...


def _line_of_failure(group: PersonGroup, field: str) -> tuple[int, str]:
    """The CSV line a refused field came from, and the field's CSV column name."""
    match = _LEVEL_FIELD.match(field)
    if match:
        return group.line_of_level(int(match.group(1))), match.group(2) or "skill_id"
    return group.line, field.removeprefix("person.")


async def import_people_csv(importer: PeopleImporter, text: str, actor: str) -> ImportReport:
    parsed = parse_people_csv(text)
    problems = [LineProblem(p.line, p.id, p.field, p.reason) for p in parsed.problems]
    summary = StreamSummary(accepted=0, rejected=0)
    if parsed.people:
        summary = await importer.import_people(parsed.people, actor)
    for failure in summary.failures:
        if 1 <= failure.position <= len(parsed.people):
            group = parsed.people[failure.position - 1]
            line, column = _line_of_failure(group, failure.field)
            problems.append(
                LineProblem(line, failure.id or group.person.id, column, failure.reason)
            )
        else:
            problems.append(LineProblem(0, failure.id, failure.field, failure.reason))
    # A row with several faults is still one row read.
    lines_read = {p.line for p in parsed.problems}
    for group in parsed.people:
        lines_read.add(group.line)
        lines_read.update(line for line, _ in group.levels)
    return ImportReport(
        kind="people",
        rows_read=len(lines_read),
        accepted=summary.accepted,
        levels_written=summary.levels_written,
        relations_written=summary.relations_written,
        problems=sorted(problems, key=lambda p: (p.line, p.field)),
        unchanged=summary.unchanged,
    )


async def import_esco_csv(importer: EscoImporter, text: str, kind: EscoFile | None) -> ImportReport:
    detected, rows = iter_esco_rows(text, kind)
    good: list[EscoRow] = []
    lines: list[int] = []
    problems: list[LineProblem] = []
    rows_read = 0
    for line, row in rows:
        rows_read += 1
        if isinstance(row, EscoProblem):
            problems.append(LineProblem(row.line, row.id, row.field, row.reason))
        else:
            good.append(row)
            lines.append(line)
    summary = StreamSummary(accepted=0, rejected=0)
    if good:
        summary = await importer.import_esco(good)
    for failure in summary.failures:
        line = lines[failure.position - 1] if 1 <= failure.position <= len(lines) else 0
        problems.append(LineProblem(line, failure.id, failure.field, failure.reason))
    return ImportReport(
        kind=detected.value,
        rows_read=rows_read,
        accepted=summary.accepted,
        levels_written=summary.levels_written,
        relations_written=summary.relations_written,
        problems=sorted(problems, key=lambda p: (p.line, p.field)),
        unchanged=summary.unchanged,
    )
