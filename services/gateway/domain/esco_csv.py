"""ESCO's own CSV files, as ESCO publishes them:

- skills_en.csv: one skill per row (conceptType KnowledgeSkillCompetence),
- skillGroups_en.csv: one skill group per row (conceptType SkillGroup),
- broaderRelationsSkillPillar.csv: conceptUri is narrower than broaderUri
  (either may be a group),
- skillSkillRelations.csv: originalSkillUri needs relatedSkillUri, essential or optional.

Columns are read by their names in the header, never by position (releases
differ in which columns they ship and in what order); the others ESCO ships
(hiddenLabels, status, ...) are ignored. Which file it is can be told from
its header when the caller does not say.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from services.common.errors import InvalidArgument
from services.gateway.domain.csv_text import UnreadableRecord, read_records

SKILL_GROUP = "SkillGroup"
KNOWLEDGE_SKILL_COMPETENCE = "KnowledgeSkillCompetence"


class EscoFile(StrEnum):
    SKILLS = "skills"
    GROUPS = "groups"
    BROADER = "broader"
    RELATIONS = "relations"


REQUIRED_COLUMNS: dict[EscoFile, tuple[str, ...]] = {
    EscoFile.SKILLS: ("conceptUri", "preferredLabel"),
    EscoFile.GROUPS: ("conceptUri", "preferredLabel"),
    EscoFile.BROADER: ("conceptUri", "broaderUri"),
    EscoFile.RELATIONS: ("originalSkillUri", "relationType", "relatedSkillUri"),
}
ESCO_COLUMNS = (
    "conceptType",
    "conceptUri",
    "skillType",
    "reuseLevel",
    "preferredLabel",
    "altLabels",
    "description",
    "broaderUri",
    "broaderType",
    "code",
    "originalSkillUri",
    "relationType",
    "relatedSkillUri",
)


@dataclass(frozen=True)
class EscoSkill:
    concept_uri: str
    preferred_label: str
    alt_labels: str
    description: str
    skill_type: str
    reuse_level: str
    # KnowledgeSkillCompetence, or SkillGroup for a group.
    concept_type: str = KNOWLEDGE_SKILL_COMPETENCE


@dataclass(frozen=True)
class EscoBroader:
    concept_uri: str
    broader_uri: str


@dataclass(frozen=True)
class EscoRelation:
    original_skill_uri: str
    related_skill_uri: str
    relation_type: str


EscoRow = EscoSkill | EscoBroader | EscoRelation


@dataclass(frozen=True)
class EscoProblem:
    line: int
    id: str
    field: str
    reason: str


@dataclass(frozen=True)
class EscoHeader:
    kind: EscoFile
    positions: dict[str, int]


def kind_of_header(names: set[str]) -> EscoFile:
    if "broaderUri" in names:
        return EscoFile.BROADER
    if "originalSkillUri" in names:
        return EscoFile.RELATIONS
    # skillGroups_en.csv has a code and no skillType; skills_en.csv the reverse.
    if "skillType" not in names and "code" in names:
        return EscoFile.GROUPS
    return EscoFile.SKILLS


def read_header(header: list[str], kind: EscoFile | None) -> EscoHeader:
    positions: dict[str, int] = {}
    for index, name in enumerate(header):
        positions.setdefault(name.strip().lstrip("\ufeff"), index)
    if kind is None:
        kind = kind_of_header(set(positions))
    missing = [name for name in REQUIRED_COLUMNS[kind] if name not in positions]
    if missing:
        raise InvalidArgument.of(
            "body", f"not an ESCO {kind.value} file: the header lacks " + ", ".join(missing)
        )
    return EscoHeader(kind=kind, positions=positions)


def iter_esco_rows(
    text: str, kind: EscoFile | None, delimiter: str = ","
) -> tuple[EscoFile, Iterator[tuple[int, EscoRow | EscoProblem]]]:
    """The file's kind, then each data row (or what is wrong with it) with its first line."""
    records = read_records(text, delimiter)
    _, header = next(records, (1, []))
    if isinstance(header, UnreadableRecord):
        raise InvalidArgument.of("body", f"line {header.line}: {header.reason}")
    described = read_header(header, kind)
    return described.kind, _rows(records, described)


def _rows(
    records: Iterator[tuple[int, list[str] | UnreadableRecord]], header: EscoHeader
) -> Iterator[tuple[int, EscoRow | EscoProblem]]:
    for line, cells in records:
        if isinstance(cells, UnreadableRecord):
            yield line, EscoProblem(line, "", "", cells.reason)
        elif any(cell.strip() for cell in cells):
            yield line, _row(line, cells, header)


def _row(line: int, cells: list[str], header: EscoHeader) -> EscoRow | EscoProblem:
    def cell(name: str) -> str:
        position = header.positions.get(name)
        return cells[position].strip() if position is not None and position < len(cells) else ""

    if header.kind is EscoFile.RELATIONS:
        original = cell("originalSkillUri")
        if not original:
            return EscoProblem(line, "", "originalSkillUri", "is required")
        related = cell("relatedSkillUri")
        if not related:
            return EscoProblem(line, original, "relatedSkillUri", "is required")
        return EscoRelation(original, related, cell("relationType"))
    concept_uri = cell("conceptUri")
    if not concept_uri:
        return EscoProblem(line, "", "conceptUri", "is required")
    if header.kind is EscoFile.BROADER:
        broader_uri = cell("broaderUri")
        if not broader_uri:
            return EscoProblem(line, concept_uri, "broaderUri", "is required")
        return EscoBroader(concept_uri=concept_uri, broader_uri=broader_uri)
    label = cell("preferredLabel")
    if not label:
        return EscoProblem(line, concept_uri, "preferredLabel", "is required")
    default_type = SKILL_GROUP if header.kind is EscoFile.GROUPS else KNOWLEDGE_SKILL_COMPETENCE
    return EscoSkill(
        concept_uri=concept_uri,
        preferred_label=label,
        alt_labels=cell("altLabels"),
        description=cell("description"),
        skill_type=cell("skillType"),
        reuse_level=cell("reuseLevel"),
        concept_type=cell("conceptType") or default_type,
    )
