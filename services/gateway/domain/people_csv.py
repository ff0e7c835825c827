"""The people CSV that HR teams keep: one row per person and skill.

Rows are grouped by person id (in order of first appearance). A bad row is
reported by its line in the file and left out; the person's other rows are kept.

A column the file does not have changes nothing stored, nor does a number
left empty (capacity_fte, day_rate): such fields are named in `kept` and the
import keeps their stored values (a new person gets the defaults). Where
empty is a value it is written: no organisation, no clearances, open-ended
availability, no evidence, no expiry. An empty assessed_at keeps the stored
date while the level and its evidence stay the same, else dates the level today.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date

from services.common.errors import InvalidArgument
from services.common.identifiers import MAX_ID_CHARS
from services.gateway.domain.csv_rows import RowProblem, RowReader, column_positions
from services.gateway.domain.csv_text import UnreadableRecord, read_records
from services.gateway.domain.vocabulary import MAX_LEVEL, MIN_LEVEL, LevelSource, Sector

PEOPLE_COLUMNS = (
    "id",
    "name",
    "sector",
    "organisation",
    "locality",
    "capacity_fte",
    "day_rate",
    "clearances",
    "available_from",
    "available_until",
    "skill_id",
    "level",
    "evidence",
    "source",
    "assessed_at",
    "valid_until",
)
REQUIRED_COLUMNS = ("id", "name", "sector", "skill_id", "level")
PERSON_COLUMNS = PEOPLE_COLUMNS[:10]
DEFAULT_CAPACITY_FTE = 1.0
# Columns whose absence keeps the stored value, by the name the import sends.
KEEPABLE_COLUMNS = {
    "organisation": "organisation",
    "locality": "locality",
    "capacity_fte": "capacity_fte",
    "day_rate": "day_rate",
    "clearances": "clearances",
    "available_from": "available_from",
    "available_until": "available_until",
    "evidence": "levels.evidence",
    "valid_until": "levels.valid_until",
}


@dataclass(frozen=True)
class Clearance:
    kind: str
    expires: date


@dataclass(frozen=True)
class PersonFields:
    id: str
    name: str
    sector: Sector
    organisation: str
    locality: str
    capacity_fte: float
    day_rate: float
    clearances: tuple[Clearance, ...]
    available_from: date | None = None
    available_until: date | None = None
    # Fields (KEEPABLE_COLUMNS' values) this row does not carry: stored values stay.
    kept: frozenset[str] = field(default=frozenset(), compare=False)


@dataclass(frozen=True)
class LevelFields:
    skill_id: str
    level: int
    evidence: str
    source: LevelSource
    valid_until: date | None
    assessed_at: date | None = None


@dataclass
class PersonGroup:
    person: PersonFields
    line: int
    levels: list[tuple[int, LevelFields]] = field(default_factory=list)

    def line_of_level(self, index: int) -> int:
        return self.levels[index][0] if 0 <= index < len(self.levels) else self.line


@dataclass(frozen=True)
class SkillMatch:
    """A skill a reference in the file names."""

    id: str
    label: str
    kind: str = "skill"


@dataclass
class PeopleImport:
    people: list[PersonGroup]
    problems: list[RowProblem]


def skill_references(people: Iterable[PersonGroup]) -> list[str]:
    """Every distinct skill reference in the file, in order of first appearance."""
    return list(dict.fromkeys(level.skill_id for group in people for _, level in group.levels))


def resolve_skill_references(
    people: Iterable[PersonGroup], matches: dict[str, list[SkillMatch]]
) -> list[RowProblem]:
    """Replaces each level's skill reference (catalogue id, ESCO URI or exact
    preferred label) by the id of the one skill it names; a level whose
    reference names none, several or a skill group is left out and reported."""
    problems: list[RowProblem] = []
    for group in people:
        kept: list[tuple[int, LevelFields]] = []
        for line, level in group.levels:
            found = matches.get(level.skill_id, [])
            reason = _reference_problem(level.skill_id, found)
            if reason:
                problems.append(RowProblem(line, group.person.id, "skill_id", reason))
            else:
                kept.append((line, replace(level, skill_id=found[0].id)))
        group.levels = kept
    return problems


def _reference_problem(reference: str, found: list[SkillMatch]) -> str:
    if not found:
        return (
            f"{reference[:80]!r} names no skill (neither a catalogue id, an ESCO URI nor a label)"
        )
    if len(found) > 1:
        shown = ", ".join(f"{m.label!r} ({m.id})" for m in found[:10])
        more = f" and {len(found) - 10} more" if len(found) > 10 else ""
        return f"{reference[:80]!r} is the label of several skills: {shown}{more}; use the id"
    if found[0].kind == "group":
        return f"{reference[:80]!r} names the skill group {found[0].id}, which holds no levels"
    return ""


def format_clearances(clearances: Iterable[Clearance]) -> str:
    return ";".join(f"{c.kind}:{c.expires.isoformat()}" for c in clearances)


def parse_people_csv(text: str, delimiter: str = ",") -> PeopleImport:
    records = read_records(text, delimiter)
    _, header = next(records, (1, []))
    if isinstance(header, UnreadableRecord):
        raise InvalidArgument.of("body", f"line {header.line}: {header.reason}")
    columns = column_positions(header, PEOPLE_COLUMNS, REQUIRED_COLUMNS)
    groups: dict[str, PersonGroup] = {}
    seen_levels: dict[tuple[str, str, LevelSource], int] = {}
    problems: list[RowProblem] = []
    for line, cells in records:
        if isinstance(cells, UnreadableRecord):
            problems.append(RowProblem(line, "", "", cells.reason))
            continue
        row = RowReader.of_record(line, cells, columns, len(header))
        if row is not None:
            problems.extend(_read_row(row, groups, seen_levels))
    return PeopleImport(people=list(groups.values()), problems=problems)


def _person_columns_blank(row: RowReader) -> bool:
    return not any(row.text(column) for column in PERSON_COLUMNS if column != "id")


def _read_row(
    row: RowReader,
    groups: dict[str, PersonGroup],
    seen_levels: dict[tuple[str, str, LevelSource], int],
) -> list[RowProblem]:
    person_id = row.identifier("id")[:MAX_ID_CHARS]
    group = groups.get(person_id)
    person: PersonFields | None = None
    if group is None or not _person_columns_blank(row):
        person = _read_person(row, person_id)
        if group is not None and person is not None and person != group.person:
            row.fail("", f"person fields differ from line {group.line} for the same id")
    level = _read_level(row)
    if level is not None and person_id:
        key = (person_id, level.skill_id, level.source)
        earlier = seen_levels.get(key)
        if earlier is not None:
            row.fail("skill_id", f"repeats the level given on line {earlier}")
    if row.problems:
        return [RowProblem(row.line, person_id, column, reason) for column, reason in row.problems]
    if group is None and person is not None:
        group = groups[person_id] = PersonGroup(person=person, line=row.line)
    if group is None:
        return []
    if level is not None:
        seen_levels[(person_id, level.skill_id, level.source)] = row.line
        group.levels.append((row.line, level))
    return []


def _read_person(row: RowReader, person_id: str) -> PersonFields | None:
    name = row.text("name")
    if not name:
        row.fail("name", "is required")
    sector_text = row.text("sector").lower()
    sector = _sector(sector_text)
    if sector is None:
        allowed = ", ".join(s.value for s in Sector)
        row.fail("sector", f"{row.text('sector')!r} is not one of {allowed}")
    capacity = row.number("capacity_fte", DEFAULT_CAPACITY_FTE, 0.0, 1.0)
    day_rate = row.number("day_rate", 0.0, 0.0, None)
    clearances = _clearances(row)
    available_from = row.day("available_from")
    available_until = row.day("available_until")
    if sector is None or not name:
        return None
    kept = {
        sent
        for column, sent in KEEPABLE_COLUMNS.items()
        if column not in row.columns
        or (column in ("capacity_fte", "day_rate") and not row.text(column))
    }
    return PersonFields(
        id=person_id,
        name=name,
        sector=sector,
        organisation=row.text("organisation"),
        locality=row.text("locality"),
        capacity_fte=capacity,
        day_rate=day_rate,
        clearances=clearances,
        available_from=available_from,
        available_until=available_until,
        kept=frozenset(kept),
    )


def _sector(text: str) -> Sector | None:
    try:
        return Sector(text.replace(" ", "_").replace("-", "_"))
    except ValueError:
        return None


def _clearances(row: RowReader) -> tuple[Clearance, ...]:
    raw = row.text("clearances")
    clearances: list[Clearance] = []
    for part in filter(None, (piece.strip() for piece in raw.split(";"))):
        kind, separator, expires_text = part.partition(":")
        if not separator or not kind.strip():
            row.fail("clearances", f"{part!r} is not kind:YYYY-MM-DD")
            continue
        expires = row.day("clearances", expires_text.strip())
        if expires is not None:
            clearances.append(Clearance(kind=kind.strip(), expires=expires))
        elif not expires_text.strip():
            row.fail("clearances", f"{part!r} lacks its expiry date")
    return tuple(clearances)


def _read_level(row: RowReader) -> LevelFields | None:
    # A skill reference (id, ESCO URI or label) rather than an id, so it may hold
    # spaces and slashes; as with ids, surrounding spaces are refused, not trimmed.
    raw_reference = row.raw("skill_id")
    skill_id = raw_reference.strip()
    level_text = row.text("level")
    if not skill_id:
        if level_text:
            row.fail("skill_id", "is required when a level is given")
        return None
    if raw_reference != skill_id:
        row.fail("skill_id", "must not start or end with white space")
    if not level_text:
        row.fail("level", "is required when a skill is given")
    level = row.whole("level", 0, MIN_LEVEL, MAX_LEVEL)
    source_text = row.text("source").lower() or LevelSource.SELF.value
    try:
        source = LevelSource(source_text)
    except ValueError:
        allowed = ", ".join(s.value for s in LevelSource)
        row.fail("source", f"{source_text!r} is not one of {allowed}")
        source = LevelSource.SELF
    valid_until = row.day("valid_until")
    assessed_at = row.day("assessed_at")
    return LevelFields(
        skill_id=skill_id,
        level=level,
        evidence=row.text("evidence"),
        source=source,
        valid_until=valid_until,
        assessed_at=assessed_at,
    )
