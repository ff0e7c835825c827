"""The skills graph in Neo4j.

(:Person)-[:WORKS_FOR]->(:Organisation)
(:Person)-[:HAS_SKILL {source, level, evidence, assessed_by, assessed_at, valid_until, rank}]
    ->(:Skill): one edge per (person, skill, source); `rank` orders sources (certificate highest)
(:Skill)-[:BROADER]->(:Skill), (:Skill)-[:RELATED {similarity}]-(:Skill) (one edge, either way)
(:Role)-[:REQUIRES {min_level, weight, essential, position}]->(:Skill)
(:Person)-[:LEVEL_CHANGED]
    ->(:LevelChange {skill_id, source, from_level, to_level, actor, at, evidence})

Dates are ISO strings ("" for none), so expiry is a string comparison.
Every statement is a constant with `$param` placeholders; the few shared
fragments are joined from constants when this module loads.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, LiteralString

from neo4j import AsyncDriver, AsyncManagedTransaction, Query, RoutingControl
from neo4j.exceptions import ConstraintError

from services.common.errors import AlreadyExists, InvalidArgument, NotFound, Violations
from services.skills.domain.esco import GROUP_KIND, SKILL_KIND
from services.skills.domain.fit import SkillNeighbourhood
from services.skills.domain.model import (
    SOURCE_RANK,
    Clearance,
    LevelChange,
    LevelClaim,
    PeopleFilter,
    Person,
    PersonImport,
    RelatedSkill,
    Requirement,
    Role,
    RowError,
    Skill,
)
from services.skills.domain.search import indexed_text
from services.skills.service.repository import ClaimRow

SCHEMA: tuple[LiteralString, ...] = (
    "CREATE CONSTRAINT person_id IF NOT EXISTS FOR (p:Person) REQUIRE p.id IS UNIQUE",
    "CREATE CONSTRAINT skill_id IF NOT EXISTS FOR (s:Skill) REQUIRE s.id IS UNIQUE",
    "CREATE CONSTRAINT role_id IF NOT EXISTS FOR (r:Role) REQUIRE r.id IS UNIQUE",
    "CREATE CONSTRAINT organisation_id IF NOT EXISTS FOR (o:Organisation) REQUIRE o.id IS UNIQUE",
    "CREATE INDEX person_locality IF NOT EXISTS FOR (p:Person) ON (p.locality)",
    "CREATE INDEX person_sector IF NOT EXISTS FOR (p:Person) ON (p.sector)",
    "CREATE INDEX person_organisation IF NOT EXISTS FOR (p:Person) ON (p.organisation)",
    "CREATE INDEX skill_label IF NOT EXISTS FOR (s:Skill) ON (s.label)",
)

# People whose properties pass the filter; `p` is bound. The skill filter
# takes the effective level by the domain's rule (fit.supersedes): current
# claims oldest first, each later one counting instead when its source ranks
# at least as high, or when it is evidenced (fit.EVIDENCED_SOURCES) and shows a
# higher level.
_PERSON_FILTER: LiteralString = """
($sector = '' OR p.sector = $sector)
AND ($organisation = '' OR p.organisation = $organisation)
AND ($locality = '' OR p.locality = $locality)
AND ($filter_skill_id = '' OR reduce(best = null, c IN COLLECT {
      MATCH (p)-[f:HAS_SKILL]->(:Skill {id: $filter_skill_id})
      WHERE f.valid_until = '' OR f.valid_until >= $today
      WITH f ORDER BY f.assessed_at, f.rank, f.level
      RETURN [f.level, f.rank, f.assessed_at, f.source]
    } | CASE
      WHEN best IS NULL OR c[1] >= best[1]
        OR (c[3] IN ['training', 'assessment', 'certificate']
            AND c[0] > best[0] AND c[2] > best[2]) THEN c
      ELSE best END)[0] >= $min_level)
"""

_ALL_CLAIMS: LiteralString = """
[(p)-[h:HAS_SKILL]->(s:Skill) |
 [s.id, h.level, h.source, h.evidence, h.assessed_by, h.assessed_at, h.valid_until]] AS claims
"""

_UPSERT_PEOPLE: LiteralString = """
UNWIND $people AS row
MERGE (p:Person {id: row.id})
SET p += row.properties
WITH p, row
OPTIONAL MATCH (p)-[w:WORKS_FOR]->(o:Organisation)
WHERE o.id <> row.properties.organisation
DELETE w
WITH DISTINCT p, row
CALL (p, row) {
  WITH p, row WHERE row.properties.organisation <> ''
  MERGE (o:Organisation {id: row.properties.organisation})
    ON CREATE SET o.name = row.properties.organisation, o.sector = row.properties.sector
  MERGE (p)-[:WORKS_FOR]->(o)
}
"""

# One row per (person, skill, source); history only where the level changes.
WRITE_LEVELS: LiteralString = """
UNWIND $levels AS lv
MATCH (p:Person {id: lv.person_id})
MATCH (s:Skill {id: lv.skill_id})
MERGE (p)-[h:HAS_SKILL {source: lv.source}]->(s)
WITH p, h, lv, coalesce(h.level, 0) AS previous
SET h.level = lv.level, h.evidence = lv.evidence, h.assessed_by = lv.assessed_by,
    h.assessed_at = lv.assessed_at, h.valid_until = lv.valid_until, h.rank = lv.rank
WITH p, lv, previous WHERE previous <> lv.level
CREATE (p)-[:LEVEL_CHANGED]->(:LevelChange {
  skill_id: lv.skill_id, source: lv.source, from_level: previous, to_level: lv.level,
  actor: $actor, at: $at, evidence: lv.evidence})
"""
UPSERT_PEOPLE = _UPSERT_PEOPLE

_EXISTING_SKILLS: LiteralString = """
UNWIND $ids AS id
MATCH (s:Skill {id: id})
RETURN collect(id) AS found
"""

_CLAIMS_OF_HOLDERS: LiteralString = (
    """
MATCH (s:Skill) WHERE s.id IN $skill_ids
MATCH (p:Person)-[h:HAS_SKILL]->(s)
WHERE (h.valid_until = '' OR h.valid_until >= $today) AND """
    + _PERSON_FILTER
    + """
RETURN p.id AS id, collect([s.id, h.level, h.source, h.assessed_at, h.valid_until]) AS claims
"""
)
CLAIMS_OF_HOLDERS = _CLAIMS_OF_HOLDERS

_PEOPLE_BY_IDS: LiteralString = (
    """
UNWIND $ids AS id
MATCH (p:Person {id: id})
RETURN p {.*} AS person, """
    + _ALL_CLAIMS
)
PEOPLE_BY_IDS = _PEOPLE_BY_IDS


def _person_properties(person: Person, actor: str, at: str) -> dict[str, Any]:
    return {
        "name": person.name,
        "sector": person.sector,
        "organisation": person.organisation,
        "locality": person.locality,
        "capacity_fte": person.capacity_fte,
        "day_rate": person.day_rate,
        "clearance_kinds": [c.kind for c in person.clearances],
        "clearance_expires": [c.expires for c in person.clearances],
        "available_from": person.available_from,
        "available_until": person.available_until,
        "updated_by": actor,
        "updated_at": at,
    }


def _level_row(person_id: str, claim: LevelClaim) -> dict[str, Any]:
    return {
        "person_id": person_id,
        "skill_id": claim.skill_id,
        "level": claim.level,
        "source": claim.source,
        "evidence": claim.evidence,
        "assessed_by": claim.assessed_by,
        "assessed_at": claim.assessed_at,
        "valid_until": claim.valid_until,
        "rank": SOURCE_RANK[claim.source],
    }


def _person_of(properties: dict[str, Any], claims: Sequence[Sequence[Any]] = ()) -> Person:
    kinds = properties.get("clearance_kinds") or []
    expires = properties.get("clearance_expires") or []
    return Person(
        id=properties["id"],
        name=properties.get("name", ""),
        sector=properties.get("sector", ""),
        organisation=properties.get("organisation", ""),
        locality=properties.get("locality", ""),
        capacity_fte=float(properties.get("capacity_fte", 0.0)),
        day_rate=float(properties.get("day_rate", 0.0)),
        clearances=tuple(Clearance(k, e) for k, e in zip(kinds, expires, strict=False)),
        available_from=properties.get("available_from", ""),
        available_until=properties.get("available_until", ""),
        skills=tuple(
            LevelClaim(
                skill_id=c[0],
                level=c[1],
                source=c[2],
                evidence=c[3] or "",
                assessed_by=c[4] or "",
                assessed_at=c[5] or "",
                valid_until=c[6] or "",
            )
            for c in claims
        ),
    )


def _skill_of(
    properties: dict[str, Any],
    broader: Sequence[str],
    narrower: Sequence[str],
    related: Sequence[Sequence[Any]],
) -> Skill:
    return Skill(
        id=properties["id"],
        label=properties.get("label", ""),
        alt_labels=tuple(properties.get("alt_labels") or ()),
        description=properties.get("description", ""),
        broader=tuple(sorted(broader)),
        uri=properties.get("uri", ""),
        narrower=tuple(sorted(narrower)),
        kind=properties.get("kind") or SKILL_KIND,
        related=tuple(
            sorted((RelatedSkill(r[0], float(r[1])) for r in related), key=lambda r: r.skill_id)
        ),
    )


def _filter_params(people_filter: PeopleFilter, today: str) -> dict[str, Any]:
    return {
        "sector": people_filter.sector,
        "organisation": people_filter.organisation,
        "locality": people_filter.locality,
        "filter_skill_id": people_filter.skill_id,
        "min_level": people_filter.min_level,
        "today": today,
    }


def _role_of(properties: dict[str, Any], requirements: Sequence[Sequence[Any]]) -> Role:
    ordered = sorted(requirements, key=lambda r: (r[4] if r[4] is not None else 0, r[0]))
    return Role(
        id=properties["id"],
        name=properties.get("name", ""),
        description=properties.get("description", ""),
        requirements=tuple(Requirement(r[0], int(r[1]), float(r[2]), bool(r[3])) for r in ordered),
    )


_SKILL_READ: LiteralString = """
RETURN s {.*} AS skill,
       [(s)-[:BROADER]->(b:Skill) | b.id] AS broader,
       [(n:Skill)-[:BROADER]->(s) | n.id] AS narrower,
       [(s)-[r:RELATED]-(o:Skill) | [o.id, r.similarity]] AS related
"""

_ROLE_READ: LiteralString = """
RETURN r {.*} AS role,
       [(r)-[q:REQUIRES]->(s:Skill) | [s.id, q.min_level, q.weight, q.essential, q.position]]
         AS requirements
"""

ROLE_BY_ID: LiteralString = "MATCH (r:Role {id: $id}) " + _ROLE_READ

NEIGHBOURHOODS: LiteralString = """
UNWIND $ids AS id
MATCH (s:Skill {id: id})
RETURN id,
       [(s)-[:BROADER]->(b:Skill) | b.id] AS broader,
       [(n:Skill)-[:BROADER]->(s) | n.id] AS narrower,
       [(s)-[r:RELATED]-(o:Skill) | [o.id, r.similarity]] AS related
"""


class Neo4jSkillsRepository:
    def __init__(self, driver: AsyncDriver, database: str = "neo4j") -> None:
        self.driver = driver
        self.database = database

    async def _read(
        self, text: LiteralString, params: dict[str, Any], time_left_s: float | None = None
    ) -> list[Any]:
        result = await self.driver.execute_query(
            Query(text, timeout=_positive(time_left_s)),
            params,
            routing_=RoutingControl.READ,
            database_=self.database,
        )
        return list(result.records)

    async def _write(self, work: Any, *args: Any) -> Any:
        try:
            async with self.driver.session(database=self.database) as session:
                return await session.execute_write(work, *args)
        except ConstraintError as error:
            # Two writers created the same id at once; the caller may retry.
            raise AlreadyExists(str(error.message)) from error

    # Schema and seed

    async def prepare(
        self,
        seed_skills: Sequence[Skill],
        seed_roles: Sequence[Role],
        seed_relations: Sequence[tuple[str, RelatedSkill]],
    ) -> None:
        async with self.driver.session(database=self.database) as session:
            for statement in SCHEMA:
                await (await session.run(statement)).consume()
        await self._write(_seed, list(seed_skills), list(seed_roles), list(seed_relations))

    # People

    async def upsert_person(self, person: Person, actor: str, at: str) -> None:
        rows = [{"id": person.id, "properties": _person_properties(person, actor, at)}]
        await self._write(_run_write, _UPSERT_PEOPLE, {"people": rows})

    async def get_person(self, person_id: str, time_left_s: float | None = None) -> Person:
        records = await self._read(
            "MATCH (p:Person {id: $id}) RETURN p {.*} AS person, " + _ALL_CLAIMS,
            {"id": person_id},
            time_left_s,
        )
        if not records:
            raise NotFound.of("person", person_id)
        return _person_of(records[0]["person"], records[0]["claims"])

    async def list_people(
        self,
        people_filter: PeopleFilter,
        today: str,
        after_id: str,
        limit: int,
        time_left_s: float | None = None,
    ) -> list[Person]:
        records = await self._read(
            "MATCH (p:Person) WHERE p.id > $after AND "
            + _PERSON_FILTER
            + " WITH p ORDER BY p.id LIMIT $limit RETURN p {.*} AS person, "
            + _ALL_CLAIMS,
            {**_filter_params(people_filter, today), "after": after_id, "limit": limit},
            time_left_s,
        )
        return [_person_of(r["person"], r["claims"]) for r in records]

    async def people_by_ids(
        self, ids: Sequence[str], time_left_s: float | None = None
    ) -> list[Person]:
        records = await self._read(_PEOPLE_BY_IDS, {"ids": list(ids)}, time_left_s)
        return [_person_of(r["person"], r["claims"]) for r in records]

    async def erase_person(self, person_id: str) -> None:
        erased = await self._write(_erase_person, person_id)
        if not erased:
            raise NotFound.of("person", person_id)

    async def import_people(
        self, rows: Sequence[tuple[int, PersonImport]], at: str
    ) -> tuple[list[RowError], int]:
        result: tuple[list[RowError], int] = await self._write(_import_people, list(rows), at)
        return result

    # Skills

    async def upsert_skill(self, skill: Skill) -> None:
        await self._write(_upsert_skill, skill)

    async def get_skill(self, skill_id: str) -> Skill:
        records = await self._read("MATCH (s:Skill {id: $id}) " + _SKILL_READ, {"id": skill_id})
        if not records:
            raise NotFound.of("skill", skill_id)
        r = records[0]
        return _skill_of(r["skill"], r["broader"], r["narrower"], r["related"])

    async def relate_skills(self, skill_id: str, related_skill_id: str, similarity: float) -> None:
        await self._write(_relate_skills, skill_id, related_skill_id, similarity)

    async def existing_skill_ids(self, skill_ids: Sequence[str]) -> set[str]:
        records = await self._read(_EXISTING_SKILLS, {"ids": list(skill_ids)})
        return set(records[0]["found"]) if records else set()

    async def broader_edges(self) -> list[tuple[str, str]]:
        records = await self._read(
            "MATCH (c:Skill)-[:BROADER]->(p:Skill) RETURN c.id AS child, p.id AS parent", {}
        )
        return [(r["child"], r["parent"]) for r in records]

    # Levels

    async def set_level(self, person_id: str, claim: LevelClaim, actor: str, at: str) -> None:
        await self._write(_set_level, person_id, claim, actor, at)

    async def remove_level(
        self, person_id: str, skill_id: str, source: str, actor: str, at: str
    ) -> int:
        removed: int = await self._write(_remove_level, person_id, skill_id, source, actor, at)
        return removed

    async def level_history(self, person_id: str, skill_id: str) -> list[LevelChange]:
        records = await self._read(
            """
            MATCH (p:Person {id: $person_id})
            OPTIONAL MATCH (p)-[:LEVEL_CHANGED]->(c:LevelChange)
            WHERE $skill_id = '' OR c.skill_id = $skill_id
            WITH p, c ORDER BY c.at, c.skill_id, c.source
            RETURN p.id AS id, collect(c {.*}) AS changes
            """,
            {"person_id": person_id, "skill_id": skill_id},
        )
        if not records:
            raise NotFound.of("person", person_id)
        return [
            LevelChange(
                skill_id=c["skill_id"],
                source=c["source"],
                from_level=int(c["from_level"]),
                to_level=int(c["to_level"]),
                actor=c.get("actor") or "",
                at=c["at"],
                evidence=c.get("evidence") or "",
            )
            for c in records[0]["changes"]
        ]

    # Roles

    async def upsert_role(self, role: Role) -> None:
        await self._write(_upsert_role, role)

    async def get_role(self, role_id: str, time_left_s: float | None = None) -> Role:
        records = await self._read(ROLE_BY_ID, {"id": role_id}, time_left_s)
        if not records:
            raise NotFound.of("role", role_id)
        return _role_of(records[0]["role"], records[0]["requirements"])

    async def list_roles(self) -> list[Role]:
        records = await self._read("MATCH (r:Role) WITH r ORDER BY r.id " + _ROLE_READ, {})
        return [_role_of(r["role"], r["requirements"]) for r in records]

    # Scoring reads

    async def neighbourhoods(
        self, skill_ids: Sequence[str], time_left_s: float | None = None
    ) -> dict[str, SkillNeighbourhood]:
        records = await self._read(NEIGHBOURHOODS, {"ids": list(skill_ids)}, time_left_s)
        return {
            r["id"]: SkillNeighbourhood(
                broader=tuple(sorted(r["broader"])),
                narrower=tuple(sorted(r["narrower"])),
                related=tuple(sorted((o, float(sim)) for o, sim in r["related"])),
            )
            for r in records
        }

    async def claims_of_person(
        self, person_id: str, skill_ids: Sequence[str], today: str, time_left_s: float | None = None
    ) -> list[ClaimRow]:
        records = await self._read(
            """
            MATCH (p:Person {id: $id})
            RETURN [(p)-[h:HAS_SKILL]->(s:Skill)
                    WHERE s.id IN $skill_ids AND (h.valid_until = '' OR h.valid_until >= $today)
                    | [s.id, h.level, h.source, h.assessed_at, h.valid_until]] AS claims
            """,
            {"id": person_id, "skill_ids": list(skill_ids), "today": today},
            time_left_s,
        )
        if not records:
            raise NotFound.of("person", person_id)
        return [tuple(c) for c in records[0]["claims"]]

    async def claims_of_holders(
        self,
        people_filter: PeopleFilter,
        skill_ids: Sequence[str],
        today: str,
        time_left_s: float | None = None,
    ) -> list[tuple[str, list[ClaimRow]]]:
        records = await self._read(
            _CLAIMS_OF_HOLDERS,
            {**_filter_params(people_filter, today), "skill_ids": list(skill_ids)},
            time_left_s,
        )
        return [(r[0], r[1]) for r in records]

    async def ids_of_people(
        self, people_filter: PeopleFilter, today: str, limit: int, time_left_s: float | None = None
    ) -> list[str]:
        records = await self._read(
            "MATCH (p:Person) WHERE "
            + _PERSON_FILTER
            + " RETURN p.id AS id ORDER BY id LIMIT $limit",
            {**_filter_params(people_filter, today), "limit": limit},
            time_left_s,
        )
        return [r["id"] for r in records]

    async def candidate_people(
        self,
        people_filter: PeopleFilter,
        skill_ids: Sequence[str],
        today: str,
        time_left_s: float | None = None,
    ) -> list[tuple[Person, list[ClaimRow]]]:
        records = await self._read(
            "MATCH (p:Person) WHERE "
            + _PERSON_FILTER
            + """
            WITH p ORDER BY p.id
            RETURN p {.*} AS person,
                   [(p)-[h:HAS_SKILL]->(s:Skill)
                    WHERE s.id IN $skill_ids AND (h.valid_until = '' OR h.valid_until >= $today)
                    | [s.id, h.level, h.source, h.assessed_at, h.valid_until]] AS claims
            """,
            {**_filter_params(people_filter, today), "skill_ids": list(skill_ids)},
            time_left_s,
        )
        return [(_person_of(r["person"]), r["claims"]) for r in records]


def _positive(time_left_s: float | None) -> float | None:
    if time_left_s is None:
        return None
    return max(time_left_s, 0.001)


# Transaction functions: each is idempotent, as the driver may run it again.


async def _run_write(
    tx: AsyncManagedTransaction, text: LiteralString, params: dict[str, Any]
) -> None:
    await (await tx.run(text, params)).consume()


async def _seed(
    tx: AsyncManagedTransaction,
    skills: list[Skill],
    roles: list[Role],
    relations: list[tuple[str, RelatedSkill]],
) -> None:
    result = await tx.run(
        "UNWIND $ids AS id MATCH (r:Role {id: id}) RETURN collect(id) AS present",
        {"ids": [r.id for r in roles]},
    )
    record = await result.single()
    present = set(record["present"]) if record else set()
    missing = [r for r in roles if r.id not in present]
    if not missing:
        return
    needed = {q.skill_id for role in missing for q in role.requirements}
    await (
        await tx.run(
            """
            UNWIND $rows AS row
            MERGE (s:Skill {id: row.id})
              ON CREATE SET s += row.properties
            """,
            {
                "rows": [
                    {
                        "id": s.id,
                        "properties": {
                            "label": s.label,
                            "alt_labels": list(s.alt_labels),
                            "description": s.description,
                            "uri": s.uri,
                            **indexed_text(s.label, s.alt_labels),
                        },
                    }
                    for s in skills
                    if s.id in needed
                ]
            },
        )
    ).consume()
    for role in missing:
        await _write_role(tx, role)
    await (
        await tx.run(
            """
            UNWIND $rows AS row
            MATCH (a:Skill {id: row.a}), (b:Skill {id: row.b})
            WHERE NOT EXISTS { (a)-[:RELATED]-(b) }
            CREATE (a)-[:RELATED {similarity: row.similarity}]->(b)
            """,
            {
                "rows": [
                    {"a": a, "b": r.skill_id, "similarity": r.similarity}
                    for a, r in relations
                    if a in needed or r.skill_id in needed
                ]
            },
        )
    ).consume()


async def _write_role(tx: AsyncManagedTransaction, role: Role) -> None:
    await (
        await tx.run(
            """
            MERGE (r:Role {id: $id})
            SET r.name = $name, r.description = $description
            WITH r
            OPTIONAL MATCH (r)-[q:REQUIRES]->()
            DELETE q
            WITH DISTINCT r
            UNWIND $requirements AS req
            MATCH (s:Skill {id: req.skill_id})
            CREATE (r)-[:REQUIRES {min_level: req.min_level, weight: req.weight,
                                   essential: req.essential, position: req.position}]->(s)
            """,
            {
                "id": role.id,
                "name": role.name,
                "description": role.description,
                "requirements": [
                    {
                        "skill_id": q.skill_id,
                        "min_level": q.min_level,
                        "weight": q.weight,
                        "essential": q.essential,
                        "position": index,
                    }
                    for index, q in enumerate(role.requirements)
                ],
            },
        )
    ).consume()


async def _found_skills(tx: AsyncManagedTransaction, ids: Sequence[str]) -> set[str]:
    result = await tx.run(_EXISTING_SKILLS, {"ids": list(ids)})
    record = await result.single()
    return set(record["found"]) if record else set()


async def _upsert_role(tx: AsyncManagedTransaction, role: Role) -> None:
    found = await _found_skills(tx, [q.skill_id for q in role.requirements])
    violations = Violations()
    for index, requirement in enumerate(role.requirements):
        violations.check(
            requirement.skill_id in found,
            f"role.requirements[{index}].skill_id",
            "names no known skill",
        )
    violations.raise_if_any()
    await _write_role(tx, role)


async def _upsert_skill(tx: AsyncManagedTransaction, skill: Skill) -> None:
    found = await _found_skills(tx, skill.broader)
    violations = Violations()
    for index, parent in enumerate(skill.broader):
        if parent not in found:
            violations.add(f"skill.broader[{index}]", "names no known skill")
    violations.raise_if_any()
    result = await tx.run(
        """
        UNWIND $parents AS parent_id
        MATCH (parent:Skill {id: parent_id}), (s:Skill {id: $id})
        WHERE EXISTS { (parent)-[:BROADER*1..]->(s) }
        RETURN collect(parent_id) AS below
        """,
        {"parents": list(skill.broader), "id": skill.id},
    )
    record = await result.single()
    below = set(record["below"]) if record else set()
    for index, parent in enumerate(skill.broader):
        if parent in below:
            violations.add(f"skill.broader[{index}]", "would make a broader cycle")
    violations.raise_if_any()
    await (
        await tx.run(
            """
            MERGE (s:Skill {id: $id})
            SET s.label = $label, s.alt_labels = $alt_labels, s.description = $description,
                s.uri = $uri, s.alt_text = $alt_text, s.label_key = $label_key
            WITH s
            OPTIONAL MATCH (s)-[b:BROADER]->(old:Skill)
            WHERE NOT old.id IN $broader
            DELETE b
            WITH DISTINCT s
            UNWIND $broader AS parent_id
            MATCH (parent:Skill {id: parent_id})
            MERGE (s)-[:BROADER]->(parent)
            """,
            {
                "id": skill.id,
                "label": skill.label,
                "alt_labels": list(skill.alt_labels),
                "description": skill.description,
                "uri": skill.uri,
                **indexed_text(skill.label, skill.alt_labels),
                "broader": list(skill.broader),
            },
        )
    ).consume()


async def _relate_skills(
    tx: AsyncManagedTransaction, skill_id: str, related_skill_id: str, similarity: float
) -> None:
    found = await _found_skills(tx, [skill_id, related_skill_id])
    for identifier in (skill_id, related_skill_id):
        if identifier not in found:
            raise NotFound.of("skill", identifier)
    await (
        await tx.run(
            """
            MATCH (a:Skill {id: $a}), (b:Skill {id: $b})
            OPTIONAL MATCH (a)-[r:RELATED]-(b)
            DELETE r
            WITH DISTINCT a, b
            CALL (a, b) {
              WITH a, b WHERE $similarity > 0
              CREATE (a)-[:RELATED {similarity: $similarity}]->(b)
            }
            """,
            {"a": skill_id, "b": related_skill_id, "similarity": similarity},
        )
    ).consume()


async def _import_people(
    tx: AsyncManagedTransaction, rows: list[tuple[int, PersonImport]], at: str
) -> tuple[list[RowError], int]:
    found = await _found_skills(tx, sorted({c.skill_id for _, row in rows for c in row.levels}))
    refused: list[RowError] = []
    people: list[dict[str, Any]] = []
    levels_by_actor: dict[str, list[dict[str, Any]]] = {}
    for number, row in rows:
        unknown = [i for i, c in enumerate(row.levels) if c.skill_id not in found]
        if unknown:
            refused.extend(
                RowError(number, row.person.id, f"levels[{i}].skill_id", "names no known skill")
                for i in unknown
            )
            continue
        people.append(
            {"id": row.person.id, "properties": _person_properties(row.person, row.actor, at)}
        )
        levels_by_actor.setdefault(row.actor, []).extend(
            _level_row(row.person.id, c) for c in row.levels
        )
    if people:
        await (await tx.run(_UPSERT_PEOPLE, {"people": people})).consume()
    for actor, levels in levels_by_actor.items():
        if levels:
            await (
                await tx.run(WRITE_LEVELS, {"levels": levels, "actor": actor, "at": at})
            ).consume()
    return refused, sum(len(levels) for levels in levels_by_actor.values())


async def _set_level(
    tx: AsyncManagedTransaction, person_id: str, claim: LevelClaim, actor: str, at: str
) -> None:
    result = await tx.run(
        "OPTIONAL MATCH (p:Person {id: $person_id}) OPTIONAL MATCH (s:Skill {id: $skill_id}) "
        "RETURN p IS NOT NULL AS person, s IS NOT NULL AS skill, s.kind AS kind",
        {"person_id": person_id, "skill_id": claim.skill_id},
    )
    record = await result.single()
    if record is None or not record["person"]:
        raise NotFound.of("person", person_id)
    if not record["skill"]:
        raise NotFound.of("skill", claim.skill_id)
    if record["kind"] == GROUP_KIND:
        raise InvalidArgument.of("skill_id", "names a skill group, which holds no levels")
    await (
        await tx.run(
            WRITE_LEVELS, {"levels": [_level_row(person_id, claim)], "actor": actor, "at": at}
        )
    ).consume()


async def _remove_level(
    tx: AsyncManagedTransaction, person_id: str, skill_id: str, source: str, actor: str, at: str
) -> int:
    exists = await (
        await tx.run("MATCH (p:Person {id: $id}) RETURN p.id", {"id": person_id})
    ).single()
    if exists is None:
        raise NotFound.of("person", person_id)
    result = await tx.run(
        """
        MATCH (p:Person {id: $person_id})-[h:HAS_SKILL]->(s:Skill {id: $skill_id})
        WHERE $source = '' OR h.source = $source
        WITH p, h, s.id AS skill_id, h.source AS source, h.level AS previous
        DELETE h
        CREATE (p)-[:LEVEL_CHANGED]->(:LevelChange {
          skill_id: skill_id, source: source, from_level: previous, to_level: 0,
          actor: $actor, at: $at, evidence: ''})
        RETURN count(*) AS removed
        """,
        {"person_id": person_id, "skill_id": skill_id, "source": source, "actor": actor, "at": at},
    )
    record = await result.single()
    return int(record["removed"]) if record else 0


async def _erase_person(tx: AsyncManagedTransaction, person_id: str) -> bool:
    result = await tx.run(
        """
        MATCH (p:Person {id: $id})
        OPTIONAL MATCH (p)-[:LEVEL_CHANGED]->(c:LevelChange)
        DETACH DELETE c
        WITH DISTINCT p
        DETACH DELETE p
        RETURN count(*) AS erased
        """,
        {"id": person_id},
    )
    record = await result.single()
    return bool(record and record["erased"])
