"""What the use cases need from storage, in the domain's terms. The Neo4j
repository (adapters/neo4j_repository.py) is the one real implementation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from services.skills.domain.fit import SkillNeighbourhood
from services.skills.domain.model import (
    LevelChange,
    LevelClaim,
    Person,
    PersonImport,
    RelatedSkill,
    Role,
    RowError,
    Skill,
)

# (person_id, skill_id, level, source, assessed_at, valid_until): a claim for the index.
IndexClaim = tuple[str, str, int, str, str, str]


@dataclass(frozen=True)
class IndexRecords:
    """People (without levels) and every claim they hold, for the scoring index."""

    people: list[Person]
    claims: list[IndexClaim]


@dataclass(frozen=True)
class IndexChange:
    """One entry of the change feed: people to reload, or the catalogue."""

    change_id: str
    at: int
    person_ids: tuple[str, ...]
    catalogue: bool
    # Someone was erased; the change names nobody, so the replica compares ids.
    erasure: bool = False


class SkillsRepository(Protocol):
    async def prepare(
        self,
        seed_skills: Sequence[Skill],
        seed_roles: Sequence[Role],
        seed_relations: Sequence[tuple[str, RelatedSkill]],
    ) -> None:
        """Constraints and indexes (idempotent), then the seed where absent."""

    # People
    async def upsert_person(self, person: Person, actor: str, at: str) -> None: ...
    async def get_person(self, person_id: str, time_left_s: float | None = None) -> Person:
        """The person with every current and expired claim in `skills` (NotFound if absent)."""
        ...

    async def people_by_ids(
        self, ids: Sequence[str], time_left_s: float | None = None
    ) -> list[Person]:
        """People with all their claims, in the order asked; absent ids are left out."""
        ...

    async def erase_person(self, person_id: str) -> None: ...
    async def stored_ids(self) -> list[tuple[str, str]]:
        """(kind, id) of every person, skill, role and course, as stored."""
        ...

    async def import_people(
        self, rows: Sequence[tuple[int, PersonImport]], at: str
    ) -> tuple[list[RowError], int, int]:
        """Writes the rows whose skills all exist; returns the rows refused,
        the number of levels written and how many rows written changed nothing."""
        ...

    # Skills
    async def upsert_skill(self, skill: Skill) -> None: ...
    async def get_skill(self, skill_id: str) -> Skill: ...
    async def relate_skills(
        self, skill_id: str, related_skill_id: str, similarity: float
    ) -> None: ...

    # Levels
    async def set_level(self, person_id: str, claim: LevelClaim, actor: str, at: str) -> None: ...
    async def remove_level(
        self, person_id: str, skill_id: str, source: str, actor: str, at: str
    ) -> int: ...
    async def level_history(self, person_id: str, skill_id: str) -> list[LevelChange]: ...

    # Roles
    async def upsert_role(self, role: Role) -> None: ...
    async def get_role(self, role_id: str, time_left_s: float | None = None) -> Role: ...
    async def list_roles(self) -> list[Role]: ...

    # The scoring index
    async def person_ids(self) -> list[str]:
        """Every person id, ascending."""
        ...

    async def people_for_index(self, person_ids: Sequence[str]) -> IndexRecords:
        """These people with all their claims (absent ids are left out)."""
        ...

    async def catalogue_for_index(self) -> tuple[list[Role], dict[str, SkillNeighbourhood]]:
        """Every role, and the neighbourhood of every skill that has one."""
        ...

    async def changes_since(self, since_ms: int) -> tuple[int, list[IndexChange]]:
        """The graph's clock now (ms) and the changes other writers recorded at
        or after `since_ms`."""
        ...

    async def prune_changes(self, before_ms: int) -> None: ...
