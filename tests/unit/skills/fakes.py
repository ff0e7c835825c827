"""In-memory repositories implementing the skills service's ports, over one
shared store, for unit tests of the use cases (cosmicpython's
FakeRepository). They keep the rules the use cases rely on (NotFound for
absent records, unknown skills refused, a skill group holds no levels), not
the graph's: every repository test runs on the real Neo4j."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from services.common.errors import InvalidArgument, NotFound
from services.skills.domain.esco import GROUP_KIND
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
from services.skills.service.clock import Clock
from services.skills.service.index_keeper import IndexKeeper
from services.skills.service.levels import LevelService
from services.skills.service.people import PeopleService
from services.skills.service.person_cache import PersonCache
from services.skills.service.ports import IndexChange, IndexRecords
from services.skills.service.roles import RoleService
from services.skills.service.scoring import ScoringService

ClaimKey = tuple[str, str, str]  # (person_id, skill_id, source)


@dataclass
class FakeStore:
    people: dict[str, Person] = field(default_factory=dict)
    claims: dict[ClaimKey, LevelClaim] = field(default_factory=dict)
    history: dict[str, list[LevelChange]] = field(default_factory=dict)
    skills: dict[str, Skill] = field(default_factory=dict)
    roles: dict[str, Role] = field(default_factory=dict)
    # Every call a repository answered, by name: what a use case asked of storage.
    calls: list[str] = field(default_factory=list)

    def claims_of(self, person_id: str, skill_id: str = "") -> list[LevelClaim]:
        return [
            claim
            for (person, skill, _), claim in sorted(self.claims.items())
            if person == person_id and (not skill_id or skill == skill_id)
        ]

    def write_level(self, person_id: str, claim: LevelClaim, actor: str, at: str) -> bool:
        key = (person_id, claim.skill_id, claim.source)
        previous = self.claims.get(key)
        self.claims[key] = claim
        if previous == claim:
            return False
        self.history.setdefault(person_id, []).append(
            LevelChange(
                skill_id=claim.skill_id,
                source=claim.source,
                from_level=previous.level if previous else 0,
                to_level=claim.level,
                actor=actor,
                at=at,
                evidence=claim.evidence,
                valid_until=claim.valid_until,
            )
        )
        return True


class FakePeopleRepository:
    def __init__(self, store: FakeStore) -> None:
        self.store = store

    async def prepare(self) -> None:
        return None

    async def upsert_person(self, person: Person, actor: str, at: str) -> None:
        self.store.calls.append("upsert_person")
        self.store.people[person.id] = replace(person, skills=())

    async def get_person(self, person_id: str, time_left_s: float | None = None) -> Person:
        self.store.calls.append("get_person")
        if person_id not in self.store.people:
            raise NotFound.of("person", person_id)
        return replace(self.store.people[person_id], skills=tuple(self.store.claims_of(person_id)))

    async def people_by_ids(
        self, ids: Sequence[str], time_left_s: float | None = None
    ) -> list[Person]:
        self.store.calls.append("people_by_ids")
        return [
            replace(self.store.people[i], skills=tuple(self.store.claims_of(i)))
            for i in ids
            if i in self.store.people
        ]

    async def erase_person(self, person_id: str) -> None:
        self.store.calls.append("erase_person")
        if self.store.people.pop(person_id, None) is None:
            raise NotFound.of("person", person_id)
        self.store.history.pop(person_id, None)
        for key in [k for k in self.store.claims if k[0] == person_id]:
            del self.store.claims[key]

    async def stored_ids(self) -> list[tuple[str, str]]:
        return [("person", i) for i in self.store.people] + [
            ("skill", i) for i in self.store.skills
        ]

    async def import_people(
        self, rows: Sequence[tuple[int, PersonImport]], at: str
    ) -> tuple[list[RowError], int, int]:
        self.store.calls.append("import_people")
        refused: list[RowError] = []
        levels_written = unchanged = 0
        for number, row in rows:
            unknown = [i for i, c in enumerate(row.levels) if c.skill_id not in self.store.skills]
            if unknown:
                refused.extend(
                    RowError(number, row.person.id, f"levels[{i}].skill_id", "names no known skill")
                    for i in unknown
                )
                continue
            person_changed = self.store.people.get(row.person.id) != row.person
            self.store.people[row.person.id] = row.person
            written = sum(
                self.store.write_level(row.person.id, c, row.actor, at) for c in row.levels
            )
            levels_written += written
            unchanged += not person_changed and not written
        return refused, levels_written, unchanged


class FakeLevelRepository:
    def __init__(self, store: FakeStore) -> None:
        self.store = store

    async def set_level(
        self, person_id: str, claim: LevelClaim, actor: str, at: str
    ) -> list[LevelClaim]:
        self.store.calls.append("set_level")
        if person_id not in self.store.people:
            raise NotFound.of("person", person_id)
        skill = self.store.skills.get(claim.skill_id)
        if skill is None:
            raise NotFound.of("skill", claim.skill_id)
        if skill.kind == GROUP_KIND:
            raise InvalidArgument.of("skill_id", "names a skill group, which holds no levels")
        self.store.write_level(person_id, claim, actor, at)
        return self.store.claims_of(person_id, claim.skill_id)

    async def remove_level(
        self, person_id: str, skill_id: str, source: str, actor: str, at: str
    ) -> int:
        self.store.calls.append("remove_level")
        if person_id not in self.store.people:
            raise NotFound.of("person", person_id)
        removed = [
            key
            for key in self.store.claims
            if key[:2] == (person_id, skill_id) and (not source or key[2] == source)
        ]
        for key in removed:
            del self.store.claims[key]
        return len(removed)

    async def level_history(self, person_id: str, skill_id: str) -> list[LevelChange]:
        if person_id not in self.store.people:
            raise NotFound.of("person", person_id)
        return [
            c
            for c in self.store.history.get(person_id, [])
            if not skill_id or c.skill_id == skill_id
        ]


class FakeCatalogueRepository:
    def __init__(self, store: FakeStore) -> None:
        self.store = store

    async def prepare(
        self,
        seed_skills: Sequence[Skill],
        seed_roles: Sequence[Role],
        seed_relations: Sequence[tuple[str, RelatedSkill]],
    ) -> None:
        for skill in seed_skills:
            self.store.skills.setdefault(skill.id, skill)
        for role in seed_roles:
            self.store.roles.setdefault(role.id, role)
        for skill_id, related in seed_relations:
            skill = self.store.skills[skill_id]
            if related not in skill.related:
                self.store.skills[skill_id] = replace(skill, related=(*skill.related, related))

    async def upsert_skill(self, skill: Skill) -> None:
        self.store.skills[skill.id] = skill

    async def get_skill(self, skill_id: str) -> Skill:
        if skill_id not in self.store.skills:
            raise NotFound.of("skill", skill_id)
        return self.store.skills[skill_id]

    async def relate_skills(self, skill_id: str, related_skill_id: str, similarity: float) -> None:
        for identifier in (skill_id, related_skill_id):
            if identifier not in self.store.skills:
                raise NotFound.of("skill", identifier)
        skill = self.store.skills[skill_id]
        related = tuple(r for r in skill.related if r.skill_id != related_skill_id)
        if similarity > 0:
            related += (RelatedSkill(related_skill_id, similarity),)
        self.store.skills[skill_id] = replace(skill, related=related)

    async def upsert_role(self, role: Role) -> None:
        for index, requirement in enumerate(role.requirements):
            if requirement.skill_id not in self.store.skills:
                raise InvalidArgument.of(
                    f"role.requirements[{index}].skill_id", "names no known skill"
                )
        self.store.roles[role.id] = role

    async def get_role(self, role_id: str, time_left_s: float | None = None) -> Role:
        if role_id not in self.store.roles:
            raise NotFound.of("role", role_id)
        return self.store.roles[role_id]

    async def list_roles(self) -> list[Role]:
        return [self.store.roles[r] for r in sorted(self.store.roles)]


class FakeScoringReads:
    """The bulk reads of the scoring index; one replica, so the feed is empty."""

    def __init__(self, store: FakeStore) -> None:
        self.store = store

    async def prepare(self) -> None:
        return None

    async def person_ids(self) -> list[str]:
        return sorted(self.store.people)

    async def people_for_index(
        self, person_ids: Sequence[str], with_records: bool = False
    ) -> IndexRecords:
        self.store.calls.append("people_for_index")
        present = [i for i in person_ids if i in self.store.people]
        return IndexRecords(
            people=[self.store.people[i] for i in present],
            claims=[
                (i, c.skill_id, c.level, c.source, c.assessed_at, c.valid_until)
                for i in present
                for c in self.store.claims_of(i)
            ],
            records=[
                replace(self.store.people[i], skills=tuple(self.store.claims_of(i)))
                for i in present
            ]
            if with_records
            else None,
        )

    async def catalogue_for_index(self) -> tuple[list[Role], dict[str, SkillNeighbourhood]]:
        related: dict[str, list[tuple[str, float]]] = {}
        for skill in self.store.skills.values():
            for r in skill.related:
                related.setdefault(skill.id, []).append((r.skill_id, r.similarity))
                related.setdefault(r.skill_id, []).append((skill.id, r.similarity))
        neighbourhoods = {
            skill_id: SkillNeighbourhood(related=tuple(sorted(pairs)))
            for skill_id, pairs in related.items()
        }
        return [self.store.roles[r] for r in sorted(self.store.roles)], neighbourhoods

    async def changes_since(self, since_ms: int) -> tuple[int, list[IndexChange]]:
        return 0, []

    async def prune_changes(self, before_ms: int) -> None:
        return None


@dataclass(frozen=True)
class FakeSkills:
    """The use cases over the fakes, with the real scoring index and its keeper."""

    store: FakeStore
    keeper: IndexKeeper
    people: PeopleService
    levels: LevelService
    roles: RoleService
    scoring: ScoringService


async def skills_over(
    store: FakeStore, today: date = date(2026, 12, 1), person_cache_size: int = 100
) -> FakeSkills:
    """The use cases over `store`, seeded and with the index built."""
    records = PersonCache(person_cache_size)
    keeper = IndexKeeper(FakeScoringReads(store), lambda: today, person_records=records)
    clock = Clock(today=lambda: today)
    skills = FakeSkills(
        store=store,
        keeper=keeper,
        people=PeopleService(FakePeopleRepository(store), keeper, clock, records),
        levels=LevelService(FakeLevelRepository(store), keeper, clock),
        roles=RoleService(FakeCatalogueRepository(store), keeper),
        scoring=ScoringService(keeper),
    )
    await skills.roles.prepare()
    await keeper.build()
    store.calls.clear()
    return skills
