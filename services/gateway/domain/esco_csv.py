"""ESCO's own CSV files: skills_en.csv and broaderRelationsSkillPillar.csv.

Only the columns the skills service needs are read; the others ESCO ships
(conceptType, hiddenLabels, status, ...) are ignored. Which file it is can be
told from its header when the caller does not say.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from services.common.errors import InvalidArgument

SKILL_COLUMNS = (
    "conceptUri",
    "preferredLabel",
    "altLabels",
    "description",
    "skillType",
    "reuseLevel",
)
BROADER_COLUMNS = ("conceptUri", "broaderUri")


class EscoFile(StrEnum):
    SKILLS = "skills"
    BROADER = "broader"


@dataclass(frozen=True)
class EscoSkill:
    concept_uri: str
    preferred_label: str
    alt_labels: str
    description: str
    skill_type: str
    reuse_level: str


@dataclass(frozen=True)
class EscoBroader:
    concept_uri: str
    broader_uri: str


EscoRow = EscoSkill | EscoBroader


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


def read_header(header: list[str], kind: EscoFile | None) -> EscoHeader:
    positions = {name.strip().lstrip("\ufeff"): index for index, name in enumerate(header)}
    if kind is None:
        kind = EscoFile.BROADER if "broaderUri" in positions else EscoFile.SKILLS
    required = ("conceptUri", "preferredLabel") if kind is EscoFile.SKILLS else BROADER_COLUMNS
    missing = [name for name in required if name not in positions]
    if missing:
        raise InvalidArgument.of(
            "body", f"not an ESCO {kind.value} file: the header lacks " + ", ".join(missing)
        )
    return EscoHeader(kind=kind, positions=positions)


def iter_esco_rows(
    text: str, kind: EscoFile | None
) -> tuple[EscoFile, Iterator[tuple[int, EscoRow | EscoProblem]]]:
    """The file's kind, then each data row (or what is wrong with it) with its first line."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, [])
    except csv.Error as error:
        raise InvalidArgument.of("body", f"line 1: not valid CSV ({error})") from None
    described = read_header(header, kind)
    return described.kind, _rows(reader, described)


def _rows(
    reader: Iterator[list[str]], header: EscoHeader
) -> Iterator[tuple[int, EscoRow | EscoProblem]]:
    line_num = getattr(reader, "line_num", 1)
    next_line = int(line_num) + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield next_line, EscoProblem(next_line, "", "", f"not valid CSV ({error})")
            return
        line = next_line
        next_line = int(getattr(reader, "line_num", line)) + 1
        if not any(cell.strip() for cell in cells):
            continue
        yield line, _row(line, cells, header)


def _row(line: int, cells: list[str], header: EscoHeader) -> EscoRow | EscoProblem:
    def cell(name: str) -> str:
        position = header.positions.get(name)
        return cells[position].strip() if position is not None and position < len(cells) else ""

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
    return EscoSkill(
        concept_uri=concept_uri,
        preferred_label=label,
        alt_labels=cell("altLabels"),
        description=cell("description"),
        skill_type=cell("skillType"),
        reuse_level=cell("reuseLevel"),
    )
