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
    valid_until: str = ""


@dataclass(frozen=True)
class PeopleFilter:
    sector: str = ""
    organisation: str = ""
    locality: str = ""
    skill_id: str = ""
    min_level: int = 0
    # Available over the whole period (ISO dates); one date alone is a single day.
    available_from: str = ""
    available_until: str = ""
    # Holds this clearance kind valid at least until the date ("": today).
    clearance: str = ""
    clearance_valid_until: str = ""


@dataclass(frozen=True)
class PersonImport:
    person: Person
    levels: tuple[LevelClaim, ...] = ()
    actor: str = ""
    # Fields the row does not carry (KEEPABLE_FIELDS): stored values stay.
    keep_stored: frozenset[str] = frozenset()


# What an import row may leave out and so keep as stored: person fields by
# name, level fields prefixed "levels.". Name and sector are always carried.
KEEPABLE_PERSON_FIELDS = frozenset(
    {
        "organisation",
        "locality",
        "capacity_fte",
        "day_rate",
        "clearances",
        "available_from",
        "available_until",
    }
)
KEEPABLE_LEVEL_FIELDS = frozenset({"levels.evidence", "levels.valid_until"})
KEEPABLE_FIELDS = KEEPABLE_PERSON_FIELDS | KEEPABLE_LEVEL_FIELDS


@dataclass(frozen=True)
class MalformedId:
    """A record stored under an id the id rule refuses (stored before the rule)."""

    kind: str
    id: str
    reason: str


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


# One row of an ESCO import, whichever of its files it comes from.
EscoRow = EscoSkillRow | EscoBroaderRow | EscoRelationRow


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
    # Rows that changed nothing stored: counted here, not in `accepted`.
    unchanged: int = 0
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


@dataclass(frozen=True)
class CommittedLoad:
    """A committed share of a person's time: it reduces their free capacity
    for slots whose period overlaps it. Empty dates: always."""

    person_id: str
    fte: float
    start: str = ""
    end: str = ""


@dataclass(frozen=True)
class SkillAtLevel:
    skill_id: str
    min_level: int


@dataclass(frozen=True)
class SlotQuery:
    """One role slot and every filter deciding who may fill it (see skills.proto)."""

    key: str
    role_id: str
    min_fit: float = 0.0
    fte: float = 0.0
    locality: str = ""
    local_only: bool = False
    prefer_local: bool = False
    clearance: str = ""
    start: str = ""
    end: str = ""
    exclude_organisation: str = ""
    keep: int = 0
    keep_per_sector: int = 0
    coverage: tuple[SkillAtLevel, ...] = ()
    # Pins: in the rows whatever the filters (exclusions aside).
    always_keep: tuple[str, ...] = ()
    supply_group: str = ""


@dataclass(frozen=True)
class SkillSupplyQuery:
    key: str
    skill_id: str
    min_level: int
    locality: str = ""
    start: str = ""
    end: str = ""


@dataclass(frozen=True)
class SlotCandidatesRequest:
    slots: tuple[SlotQuery, ...] = ()
    skill_ids: tuple[str, ...] = ()
    level_overrides: tuple[LevelOverride, ...] = ()
    exclude_person_ids: tuple[str, ...] = ()
    committed: tuple[CommittedLoad, ...] = ()
    counts_only: bool = False
    skill_supply: tuple[SkillSupplyQuery, ...] = ()


@dataclass(frozen=True)
class SlotPool:
    key: str
    eligible: int
    kept: int
    # Filter name -> how many people pass that filter on its own.
    passing: dict[str, int]


@dataclass(frozen=True)
class SlotCandidates:
    rows: list[CandidateRow]
    pools: list[SlotPool]
    # SkillSupplyQuery key -> distinct people matching any query of the key.
    supply: dict[str, int]
    # Supply group -> distinct people eligible for at least one of its slots.
    group_supply: dict[str, int] = field(default_factory=dict)
