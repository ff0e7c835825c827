"""What the use cases need from storage, in the domain's terms. The Neo4j
repository (adapters/neo4j_repository.py) is the one real implementation."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from services.skills.domain.fit import SkillNeighbourhood
from services.skills.domain.model import (
    LevelChange,
    LevelClaim,
    PeopleFilter,
    Person,
    PersonImport,
    RelatedSkill,
    Role,
    RowError,
    Skill,
)

# (skill_id, level, source, assessed_at, valid_until): a claim as bulk reads return it.
ClaimRow = tuple[str, int, str, str, str]


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

    async def list_people(
        self,
        people_filter: PeopleFilter,
        today: str,
        after_id: str,
        limit: int,
        time_left_s: float | None = None,
    ) -> list[Person]: ...
    async def people_by_ids(
        self, ids: Sequence[str], time_left_s: float | None = None
    ) -> list[Person]:
        """People with all their claims, in the order asked; absent ids are left out."""
        ...

    async def erase_person(self, person_id: str) -> None: ...
    async def import_people(
        self, rows: Sequence[tuple[int, PersonImport]], at: str
    ) -> tuple[list[RowError], int]:
        """Writes the rows whose skills all exist; returns the rows refused and
        the number of levels written."""
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

    # Scoring reads
    async def neighbourhoods(
        self, skill_ids: Sequence[str], time_left_s: float | None = None
    ) -> dict[str, SkillNeighbourhood]: ...
    async def claims_of_person(
        self, person_id: str, skill_ids: Sequence[str], today: str, time_left_s: float | None = None
    ) -> list[ClaimRow]:
        """The person's current claims on those skills (NotFound if the person is absent)."""
        ...

    async def claims_of_holders(
        self,
        people_filter: PeopleFilter,
        skill_ids: Sequence[str],
        today: str,
        time_left_s: float | None = None,
    ) -> list[tuple[str, list[ClaimRow]]]:
        """Every filtered person holding a current claim on one of the skills,
        with only those claims."""
        ...

    async def ids_of_people(
        self, people_filter: PeopleFilter, today: str, limit: int, time_left_s: float | None = None
    ) -> list[str]:
        """The first filtered people by id, holders or not."""
        ...

    async def candidate_people(
        self,
        people_filter: PeopleFilter,
        skill_ids: Sequence[str],
        today: str,
        time_left_s: float | None = None,
    ) -> list[tuple[Person, list[ClaimRow]]]:
        """Every filtered person with their current claims on those skills."""
        ...
