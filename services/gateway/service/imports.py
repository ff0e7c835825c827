"""CSV imports: parse, keep the good rows, stream them to the skills service,
and report every bad row by its line in the file."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

from services.gateway.domain.csv_text import DELIMITER_NAMES, UTF8, detect_delimiter
from services.gateway.domain.esco_csv import (
    ESCO_COLUMNS,
    EscoFile,
    EscoProblem,
    EscoRow,
    iter_esco_rows,
)
from services.gateway.domain.imports import ImportReport, LineProblem, StreamSummary
from services.gateway.domain.people_csv import (
    PEOPLE_COLUMNS,
    PersonGroup,
    SkillMatch,
    parse_people_csv,
    resolve_skill_references,
    skill_references,
)

RESOLVE_BATCH = 5_000
# The skills service names the fields of its rows; the report names the file's columns.
ESCO_COLUMN_OF_FIELD = {
    "skill.concept_uri": "conceptUri",
    "skill.preferred_label": "preferredLabel",
    "skill.alt_labels": "altLabels",
    "skill.description": "description",
    "skill.skill_type": "skillType",
    "skill.reuse_level": "reuseLevel",
    "broader.concept_uri": "conceptUri",
    "broader.broader_uri": "broaderUri",
    "relation.original_skill_uri": "originalSkillUri",
    "relation.related_skill_uri": "relatedSkillUri",
    "relation.relation_type": "relationType",
}
_LEVEL_FIELD = re.compile(r"^(?:person_import_row\.)?levels\[(\d+)\]\.?(.*)$")


class PeopleImporter(Protocol):
    async def resolve_skills(self, references: Sequence[str]) -> list[list[SkillMatch]]: ...
    async def import_people(self, groups: Sequence[PersonGroup], actor: str) -> StreamSummary: ...


class EscoImporter(Protocol):
    async def import_esco(self, rows: Sequence[EscoRow]) -> StreamSummary: ...


def _line_of_failure(group: PersonGroup, field: str) -> tuple[int, str]:
    """The CSV line a refused field came from, and the field's CSV column name."""
    match = _LEVEL_FIELD.match(field)
    if match:
        return group.line_of_level(int(match.group(1))), match.group(2) or "skill_id"
    return group.line, field.removeprefix("person.")


async def import_people_csv(
    importer: PeopleImporter, text: str, actor: str, encoding: str = UTF8
) -> ImportReport:
    delimiter = detect_delimiter(text, PEOPLE_COLUMNS)
    parsed = parse_people_csv(text, delimiter)
    references = skill_references(parsed.people)
    matches: dict[str, list[SkillMatch]] = {}
    for start in range(0, len(references), RESOLVE_BATCH):
        batch = references[start : start + RESOLVE_BATCH]
        matches.update(zip(batch, await importer.resolve_skills(batch), strict=True))
    unresolved = resolve_skill_references(parsed.people, matches)
    problems = [
        LineProblem(p.line, p.id, p.field, p.reason) for p in [*parsed.problems, *unresolved]
    ]
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
    # A row with several faults is still one row read; a level whose skill
    # reference resolved to nothing was read too.
    lines_read = {p.line for p in [*parsed.problems, *unresolved]}
    for group in parsed.people:
        lines_read.add(group.line)
        lines_read.update(line for line, _ in group.levels)
    return ImportReport.of_stream(
        "people", len(lines_read), summary, problems, encoding, DELIMITER_NAMES[delimiter]
    )


async def import_esco_csv(
    importer: EscoImporter, text: str, kind: EscoFile | None, encoding: str = UTF8
) -> ImportReport:
    delimiter = detect_delimiter(text, ESCO_COLUMNS)
    detected, rows = iter_esco_rows(text, kind, delimiter)
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
        column = ESCO_COLUMN_OF_FIELD.get(failure.field, failure.field)
        problems.append(LineProblem(line, failure.id, column, failure.reason))
    return ImportReport.of_stream(
        detected.value, rows_read, summary, problems, encoding, DELIMITER_NAMES[delimiter]
    )
