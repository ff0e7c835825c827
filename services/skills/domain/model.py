"""The skills domain in plain data: people, skills, levels with evidence and roles.

Dates are ISO 8601 strings ("YYYY-MM-DD", "" for none): they sort in time
order, so comparisons need no parsing, and they travel unchanged between
the proto, the domain and the graph. Validation (validation.py) makes sure
every one of them parses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Generic, TypeVar

T = TypeVar("T")


class Sector(StrEnum):
    PUBLIC = "public"
    PRIVATE = "private"
    THIRD_SECTOR = "third_sector"
    COMMUNITY = "community"


class LevelSource(StrEnum):
    SELF = "self"
    MANAGER = "manager"
    TRAINING = "training"
    ASSESSMENT = "assessment"
    CERTIFICATE = "certificate"


# Which claim counts when a person has several for one skill: the higher wins.
SOURCE_RANK: dict[str, int] = {
    LevelSource.SELF: 1,
    LevelSource.MANAGER: 2,
    LevelSource.TRAINING: 3,
    LevelSource.ASSESSMENT: 4,
    LevelSource.CERTIFICATE: 5,
}

SECTORS = frozenset(s.value for s in Sector)
SOURCES = frozenset(s.value for s in LevelSource)
MIN_LEVEL, MAX_LEVEL = 1, 4


class RequirementStatus(StrEnum):
    MET = "met"
    PARTIAL = "partial"
    MISSING = "missing"


@dataclass(frozen=True)
class Clearance:
    kind: str
    expires: str = ""


@dataclass(frozen=True)
class LevelClaim:
    """One source's statement of a person's level in a skill."""

    skill_id: str
    level: int
    source: str = LevelSource.SELF
    evidence: str = ""
    assessed_by: str = ""
    assessed_at: str = ""
    valid_until: str = ""


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    sector: str
    organisation: str = ""
    locality: str = ""
    capacity_fte: float = 1.0
    day_rate: float = 0.0
    clearances: tuple[Clearance, ...] = ()
    available_from: str = ""
    available_until: str = ""
    # Effective levels (one per skill), filled when read from the graph.
    skills: tuple[LevelClaim, ...] = ()


@dataclass(frozen=True)
class RelatedSkill:
    skill_id: str
    similarity: float


@dataclass(frozen=True)
class Skill:
    id: str
    label: str
    alt_labels: tuple[str, ...] = ()
    description: str = ""
    broader: tuple[str, ...] = ()
    uri: str = ""
    narrower: tuple[str, ...] = ()
    related: tuple[RelatedSkill, ...] = ()
    # SKILL_KIND, or GROUP_KIND for an ESCO skill group (holds no levels).
    kind: str = "skill"


@dataclass(frozen=True)
class Requirement:
    skill_id: str
    min_level: int
    weight: float = 1.0
    essential: bool = False


@dataclass(frozen=True)
class Role:
    id: str
    name: str
    description: str = ""
    requirements: tuple[Requirement, ...] = ()


@dataclass(frozen=True)
class LevelChange:
    skill_id: str
    source: str
    from_level: int
    to_level: int
    actor: str
    at: str
    evidence: str = ""


@dataclass(frozen=True)
class PeopleFilter:
    sector: str = ""
    organisation: str = ""
    locality: str = ""
    skill_id: str = ""
    min_level: int = 0


@dataclass(frozen=True)
class PersonImport:
    person: Person
    levels: tuple[LevelClaim, ...] = ()
    actor: str = ""


@dataclass(frozen=True)
class EscoSkillRow:
    concept_uri: str
    preferred_label: str
    alt_labels: str = ""
    description: str = ""
    skill_type: str = ""
    reuse_level: str = ""
    concept_type: str = ""


@dataclass(frozen=True)
class EscoBroaderRow:
    concept_uri: str
    broader_uri: str


@dataclass(frozen=True)
class EscoRelationRow:
    original_skill_uri: str
    related_skill_uri: str
    relation_type: str


@dataclass(frozen=True)
class RowError:
    row: int
    id: str
    field: str
    reason: str


@dataclass
class ImportSummary:
    accepted: int = 0
    rejected: int = 0
    errors: list[RowError] = field(default_factory=list)
    levels_written: int = 0
    relations_written: int = 0
    relations_pending: int = 0


@dataclass(frozen=True)
class LevelOverride:
    """A what-if level: fit computed as if the person held it, nothing stored."""

    person_id: str
    skill_id: str
    level: int


@dataclass(frozen=True)
class CandidateRow:
    person: Person
    fits: dict[str, float]
    levels: dict[str, int]


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_page_token: str = ""
