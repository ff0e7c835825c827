"""What the use cases need from storage, in the domain's terms, one port per
aggregate. The Neo4j repositories in adapters/ are the real implementations;
tests/unit/skills/fakes.py holds in-memory ones."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from services.skills.domain.courses import Course
from services.skills.domain.esco import ConceptRelation
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
from services.skills.domain.scoring_index import ScoringIndex

# (person_id, skill_id, level, source, assessed_at, valid_until): a claim for the index.
IndexClaim = tuple[str, str, int, str, str, str]


@dataclass(frozen=True)
class IndexRecords:
    """People (without levels) and every claim they hold, for the scoring index;
    with `records` asked for, also each person whole, as `PeopleRepository.get_person`
    reads them."""

    people: list[Person]
    claims: list[IndexClaim]
    records: list[Person] | None = None


@dataclass(frozen=True)
class IndexChange:
    """One entry of the change feed: people to reload, or the catalogue."""

    change_id: str
    at: int
    person_ids: tuple[str, ...]
    catalogue: bool
    # Someone was erased; the change names nobody, so the replica compares ids.
    erasure: bool = False


class PeopleRepository(Protocol):
    async def prepare(self) -> None:
        """Constraints and indexes (idempotent)."""

    async def upsert_person(self, person: Person, actor: str, at: str) -> None: ...
    async def get_person(self, person_id: str, time_left_s: float | None = None) -> Person:
        """The person with every current and expired claim in `skills` (NotFound if absent)."""
        ...

    async def people_by_ids(
        self, ids: Sequence[str], time_left_s: float | None = None
    ) -> list[Person]:
        """People with all their claims; absent ids are left out."""
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


class LevelRepository(Protocol):
    async def set_level(
        self, person_id: str, claim: LevelClaim, actor: str, at: str
    ) -> list[LevelClaim]:
        """Writes the claim with its history; returns the person's claims in
        that skill, from every source, as stored after the write."""
        ...

    async def remove_level(
        self, person_id: str, skill_id: str, source: str, actor: str, at: str
    ) -> int:
        """Removes the person's claims in the skill (from `source`, or all);
        returns how many. NotFound if the person is absent."""
        ...

    async def level_history(self, person_id: str, skill_id: str) -> list[LevelChange]: ...


class CatalogueRepository(Protocol):
    async def prepare(
        self,
        seed_skills: Sequence[Skill],
        seed_roles: Sequence[Role],
        seed_relations: Sequence[tuple[str, RelatedSkill]],
    ) -> None:
        """Constraints and indexes (idempotent), then the seed where absent."""

    async def upsert_skill(self, skill: Skill) -> None: ...
    async def get_skill(self, skill_id: str) -> Skill: ...
    async def relate_skills(
        self, skill_id: str, related_skill_id: str, similarity: float
    ) -> None: ...
    async def upsert_role(self, role: Role) -> None: ...
    async def get_role(self, role_id: str, time_left_s: float | None = None) -> Role: ...
    async def list_roles(self) -> list[Role]: ...


class EscoRepository(Protocol):
    async def prepare_catalogue(self) -> None:
        """The full-text index and the properties it reads, on every skill (idempotent)."""

    async def upsert_concepts(self, skills: Sequence[Skill]) -> None: ...
    async def existing_skill_ids(self, skill_ids: Sequence[str]) -> set[str]: ...
    async def broader_edges(self) -> list[tuple[str, str]]: ...
    async def add_relations(self, relations: Sequence[ConceptRelation]) -> int:
        """Writes broader edges and RELATED pairs; returns the edges created."""
        ...

    async def pending_relations(self) -> list[ConceptRelation]: ...
    async def keep_pending(self, relations: Sequence[ConceptRelation]) -> None: ...
    async def drop_pending(self, relations: Sequence[ConceptRelation]) -> None: ...
    async def count_pending(self) -> int: ...
    async def list_skills(self, after_id: str, limit: int) -> list[Skill]: ...
    async def search_skills(self, lucene: str, exact: str, skip: int, limit: int) -> list[Skill]:
        """Skills whose label is `exact` first, then the full-text hits by score."""
        ...

    async def resolve_references(
        self, references: Sequence[str]
    ) -> list[tuple[list[Skill], list[Skill], list[Skill]]]:
        """Per reference, the skills with that id, with that URI, and with that label key."""
        ...


class CourseRepository(Protocol):
    async def prepare(self) -> None: ...
    async def existing_skill_ids(self, skill_ids: Sequence[str]) -> set[str]: ...
    async def upsert_courses(self, courses: Sequence[Course], actor: str, at: str) -> int: ...
    async def get_course(self, course_id: str) -> Course: ...
    async def list_courses(self, skill_id: str, after_id: str, limit: int) -> list[Course]: ...
    async def delete_course(self, course_id: str) -> None: ...


class ScoringReads(Protocol):
    """What the scoring index reads of storage: everyone in bulk, and the change feed."""

    async def prepare(self) -> None:
        """Indexes the change feed needs (idempotent)."""

    async def person_ids(self) -> list[str]:
        """Every person id, ascending."""
        ...

    async def people_for_index(
        self, person_ids: Sequence[str], with_records: bool = False
    ) -> IndexRecords:
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


class IndexWriteThrough(Protocol):
    """This process's scoring index as writes see it (service/index_keeper.py):
    a use case that writes refreshes what it changed before it answers."""

    async def refresh_people(self, person_ids: Sequence[str]) -> None: ...
    async def refresh_catalogue(self) -> None: ...
    def mark_stale(self, person_ids: Sequence[str]) -> None:
        """People written but not yet reloaded: the next poll reloads them."""

    def current(self) -> ScoringIndex:
        """The index, on today's date."""
        ...
