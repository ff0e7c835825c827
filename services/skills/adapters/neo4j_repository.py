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

import functools
import uuid
from collections.abc import Sequence
from typing import Any, LiteralString

from neo4j import AsyncDriver, AsyncManagedTransaction, Query, RoutingControl
from neo4j.exceptions import ConstraintError

from services.common.errors import AlreadyExists, InvalidArgument, NotFound, Violations
from services.skills.domain.esco import GROUP_KIND, SKILL_KIND
from services.skills.domain.fit import SkillNeighbourhood
from services.skills.domain.model import (
    KEEPABLE_PERSON_FIELDS,
    SOURCE_RANK,
    Clearance,
    LevelChange,
    LevelClaim,
    Person,
    PersonImport,
    RelatedSkill,
    Requirement,
    Role,
    RowError,
    Skill,
)
from services.skills.domain.search import indexed_text
from services.skills.service.repository import IndexChange, IndexRecords

SCHEMA: tuple[LiteralString, ...] = (
    "CREATE CONSTRAINT person_id IF NOT EXISTS FOR (p:Person) REQUIRE p.id IS UNIQUE",
    "CREATE CONSTRAINT skill_id IF NOT EXISTS FOR (s:Skill) REQUIRE s.id IS UNIQUE",
    "CREATE CONSTRAINT role_id IF NOT EXISTS FOR (r:Role) REQUIRE r.id IS UNIQUE",
    "CREATE CONSTRAINT organisation_id IF NOT EXISTS FOR (o:Organisation) REQUIRE o.id IS UNIQUE",
    "CREATE INDEX person_locality IF NOT EXISTS FOR (p:Person) ON (p.locality)",
    "CREATE INDEX person_sector IF NOT EXISTS FOR (p:Person) ON (p.sector)",
    "CREATE INDEX person_organisation IF NOT EXISTS FOR (p:Person) ON (p.organisation)",
    "CREATE INDEX skill_label IF NOT EXISTS FOR (s:Skill) ON (s.label)",
    "CREATE INDEX index_change_at IF NOT EXISTS FOR (c:IndexChange) ON (c.at)",
)

# The change feed of the scoring index: written in the transaction of every
# write that changes what the index holds, read by every replica from its
# watermark (see service/index_keeper.py). `at` is the graph's clock, so
# replicas' clocks never matter.
RECORD_CHANGE: LiteralString = """
CREATE (:IndexChange {at: timestamp(), writer: $writer, person_ids: $person_ids,
                      catalogue: $catalogue, erasure: $erasure})
"""

# An erasure leaves no id behind: earlier changes forget the person, and the
# erasure itself names nobody (replicas find who is gone by comparing ids).
FORGET_IN_CHANGES: LiteralString = """
MATCH (c:IndexChange) WHERE $id IN c.person_ids
SET c.person_ids = [x IN c.person_ids WHERE x <> $id]
"""

CHANGES_SINCE: LiteralString = """
CALL () {
  MATCH (c:IndexChange) WHERE c.at >= $since AND c.writer <> $writer
  RETURN collect([elementId(c), c.at, c.person_ids, c.catalogue, c.erasure]) AS changes
}
RETURN timestamp() AS now, changes
"""

PRUNE_CHANGES: LiteralString = """
MATCH (c:IndexChange) WHERE c.at < $before
WITH c LIMIT 10000
DELETE c
"""

# People and all their claims for the index: one record whose columns are
# flat lists of plain values (maps and nested lists cost more to send and decode).
PEOPLE_FOR_INDEX: LiteralString = """
UNWIND $ids AS id
MATCH (p:Person {id: id})
WITH collect(p) AS people
CALL (people) {
  UNWIND people AS p
  MATCH (p)-[h:HAS_SKILL]->(s:Skill)
  RETURN collect(p.id) AS claim_person, collect(s.id) AS claim_skill,
         collect(h.level) AS claim_level, collect(h.source) AS claim_source,
         collect(h.assessed_at) AS claim_assessed, collect(h.valid_until) AS claim_valid_until
}
RETURN [p IN people | p.id] AS ids, [p IN people | p.name] AS names,
       [p IN people | p.sector] AS sectors, [p IN people | p.organisation] AS organisations,
       [p IN people | p.locality] AS localities, [p IN people | p.capacity_fte] AS capacities,
       [p IN people | p.day_rate] AS day_rates,
       [p IN people | p.available_from] AS available_from,
       [p IN people | p.available_until] AS available_until,
       [p IN people | p.clearance_kinds] AS clearance_kinds,
       [p IN people | p.clearance_expires] AS clearance_expires,
       claim_person, claim_skill, claim_level, claim_source, claim_assessed, claim_valid_until
"""

PERSON_IDS: LiteralString = "MATCH (p:Person) WITH p.id AS id ORDER BY id RETURN collect(id) AS ids"

SKILL_EDGES: LiteralString = """
CALL () {
  MATCH (c:Skill)-[:BROADER]->(p:Skill) RETURN collect([c.id, p.id]) AS broader
}
CALL () {
  MATCH (a:Skill)-[r:RELATED]->(b:Skill) RETURN collect([a.id, b.id, r.similarity]) AS related
}
RETURN broader, related
"""

_ALL_CLAIMS: LiteralString = """
[(p)-[h:HAS_SKILL]->(s:Skill) |
 [s.id, h.level, h.source, h.evidence, h.assessed_by, h.assessed_at, h.valid_until]] AS claims
"""

# `properties` are the fields a row carries; `on_create` the ones it does not
# (an import's absent columns), written only when the person is new, so that
# what a file leaves out keeps its stored value. A row that changes nothing
# leaves updated_by/updated_at alone and returns changed = false.
_UPSERT_PEOPLE: LiteralString = """
UNWIND $people AS row
MERGE (p:Person {id: row.id})
  ON CREATE SET p += row.on_create
WITH p, row,
     [k IN keys(row.properties) WHERE p[k] IS NULL OR p[k] <> row.properties[k]] AS changed
SET p += row.properties
SET p.updated_by = CASE WHEN size(changed) > 0 THEN row.actor ELSE p.updated_by END,
    p.updated_at = CASE WHEN size(changed) > 0 THEN $at ELSE p.updated_at END
WITH p, row, size(changed) > 0 AS changed
OPTIONAL MATCH (p)-[w:WORKS_FOR]->(o:Organisation)
WHERE o.id <> p.organisation
DELETE w
WITH DISTINCT p, changed
CALL (p) {
  WITH p WHERE p.organisation <> ''
  MERGE (o:Organisation {id: p.organisation})
    ON CREATE SET o.name = p.organisation, o.sector = p.sector
  MERGE (p)-[:WORKS_FOR]->(o)
}
RETURN p.id AS id, changed
"""

# One row per (person, skill, source). A field the row does not carry
# (keep_evidence, keep_valid_until) keeps its stored value; an empty
# assessed_at or assessed_by keeps the stored one while level and evidence
# stay the same, and otherwise dates the level today. History records every
# change of level, evidence, source (a new edge) or expiry; a write that
# changes nothing records nothing and returns changed = false.
WRITE_LEVELS: LiteralString = """
UNWIND $levels AS lv
MATCH (p:Person {id: lv.person_id})
MATCH (s:Skill {id: lv.skill_id})
MERGE (p)-[h:HAS_SKILL {source: lv.source}]->(s)
WITH p, h, lv, h.level AS previous, coalesce(h.evidence, '') AS old_evidence,
     coalesce(h.valid_until, '') AS old_valid_until, coalesce(h.assessed_at, '') AS old_assessed_at,
     coalesce(h.assessed_by, '') AS old_assessed_by
WITH p, h, lv, previous, old_evidence, old_valid_until, old_assessed_at, old_assessed_by,
     CASE WHEN lv.keep_evidence AND previous IS NOT NULL THEN old_evidence
          ELSE lv.evidence END AS evidence,
     CASE WHEN lv.keep_valid_until AND previous IS NOT NULL THEN old_valid_until
          ELSE lv.valid_until END AS valid_until
WITH p, h, lv, previous, old_evidence, old_valid_until, old_assessed_at, old_assessed_by,
     evidence, valid_until,
     previous IS NOT NULL AND previous = lv.level AND old_evidence = evidence AS same_claim
WITH p, h, lv, evidence, valid_until, coalesce(previous, 0) AS previous_level,
     previous IS NULL OR NOT same_claim OR old_valid_until <> valid_until AS recorded,
     old_assessed_at, old_assessed_by,
     CASE WHEN lv.assessed_at <> '' THEN lv.assessed_at
          WHEN same_claim THEN old_assessed_at ELSE $today END AS assessed_at,
     CASE WHEN lv.assessed_by <> '' THEN lv.assessed_by
          WHEN same_claim THEN old_assessed_by ELSE '' END AS assessed_by
SET h.level = lv.level, h.evidence = evidence, h.assessed_by = assessed_by,
    h.assessed_at = assessed_at, h.valid_until = valid_until, h.rank = lv.rank
FOREACH (_ IN CASE WHEN recorded THEN [1] ELSE [] END |
  CREATE (p)-[:LEVEL_CHANGED]->(:LevelChange {
    skill_id: lv.skill_id, source: lv.source, from_level: previous_level, to_level: lv.level,
    actor: $actor, at: $at, evidence: evidence, valid_until: valid_until}))
RETURN lv.person_id AS person_id,
       recorded OR assessed_at <> old_assessed_at OR assessed_by <> old_assessed_by AS changed
"""
UPSERT_PEOPLE = _UPSERT_PEOPLE

# Few records, many ids each: one per label the skills service owns.
_STORED_IDS: LiteralString = """
CALL () {
  MATCH (p:Person) RETURN 'person' AS kind, p.id AS id
  UNION ALL MATCH (s:Skill) RETURN 'skill' AS kind, s.id AS id
  UNION ALL MATCH (r:Role) RETURN 'role' AS kind, r.id AS id
  UNION ALL MATCH (c:Course) RETURN 'course' AS kind, c.id AS id
}
RETURN kind, collect(id) AS ids
"""

_EXISTING_SKILLS: LiteralString = """
UNWIND $ids AS id
MATCH (s:Skill {id: id})
RETURN collect(id) AS found
"""

_PEOPLE_BY_IDS: LiteralString = (
    """
UNWIND $ids AS id
MATCH (p:Person {id: id})
RETURN p {.*} AS person, """
    + _ALL_CLAIMS
)
PEOPLE_BY_IDS = _PEOPLE_BY_IDS


def _person_properties(person: Person) -> dict[str, Any]:
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
    }


# The stored properties behind each field an import may leave out.
_STORED_PROPERTIES = {"clearances": ("clearance_kinds", "clearance_expires")}


def _person_row(
    person: Person, actor: str, keep_stored: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """A row of _UPSERT_PEOPLE: the carried fields, and those kept as stored
    (written only when the person is new)."""
    properties = _person_properties(person)
    kept = {
        stored
        for field in keep_stored & KEEPABLE_PERSON_FIELDS
        for stored in _STORED_PROPERTIES.get(field, (field,))
    }
    return {
        "id": person.id,
        "actor": actor,
        "properties": {k: v for k, v in properties.items() if k not in kept},
        "on_create": {k: v for k, v in properties.items() if k in kept},
    }


def _level_row(
    person_id: str, claim: LevelClaim, keep_stored: frozenset[str] = frozenset()
) -> dict[str, Any]:
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
        "keep_evidence": "levels.evidence" in keep_stored,
        "keep_valid_until": "levels.valid_until" in keep_stored,
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


class Neo4jSkillsRepository:
    def __init__(self, driver: AsyncDriver, database: str = "neo4j", writer_id: str = "") -> None:
        self.driver = driver
        self.database = database
        # Names this process in the change feed, so it skips its own changes.
        self.writer_id = writer_id or uuid.uuid4().hex

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

    async def _write(
        self,
        work: Any,
        *args: Any,
        person_ids: Sequence[str] = (),
        catalogue: bool = False,
        erasure: bool = False,
    ) -> Any:
        """Runs `work` in a write transaction that also records, for the
        scoring index of every replica, the people or catalogue it changes."""
        writer = self.writer_id

        @functools.wraps(work)
        async def recorded(tx: AsyncManagedTransaction) -> Any:
            result = await work(tx, *args)
            if person_ids or catalogue or erasure:
                await _record_change(tx, writer, person_ids, catalogue, erasure)
            return result

        try:
            async with self.driver.session(database=self.database) as session:
                return await session.execute_write(recorded)
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
        await self._write(
            _seed, list(seed_skills), list(seed_roles), list(seed_relations), self.writer_id
        )

    # People

    async def upsert_person(self, person: Person, actor: str, at: str) -> None:
        rows = [_person_row(person, actor)]
        await self._write(
            _run_write, _UPSERT_PEOPLE, {"people": rows, "at": at}, person_ids=[person.id]
        )

    async def get_person(self, person_id: str, time_left_s: float | None = None) -> Person:
        records = await self._read(
            "MATCH (p:Person {id: $id}) RETURN p {.*} AS person, " + _ALL_CLAIMS,
            {"id": person_id},
            time_left_s,
        )
        if not records:
            raise NotFound.of("person", person_id)
        return _person_of(records[0]["person"], records[0]["claims"])

    async def people_by_ids(
        self, ids: Sequence[str], time_left_s: float | None = None
    ) -> list[Person]:
        records = await self._read(_PEOPLE_BY_IDS, {"ids": list(ids)}, time_left_s)
        return [_person_of(r["person"], r["claims"]) for r in records]

    async def erase_person(self, person_id: str) -> None:
        erased = await self._write(_erase_person, person_id, erasure=True)
        if not erased:
            raise NotFound.of("person", person_id)

    async def import_people(
        self, rows: Sequence[tuple[int, PersonImport]], at: str
    ) -> tuple[list[RowError], int, int]:
        result: tuple[list[RowError], int, int] = await self._write(
            _import_people, list(rows), at, person_ids=[row.person.id for _, row in rows]
        )
        return result

    async def stored_ids(self) -> list[tuple[str, str]]:
        records = await self._read(_STORED_IDS, {})
        return [(r["kind"], stored_id) for r in records for stored_id in r["ids"]]

    # Skills

    async def upsert_skill(self, skill: Skill) -> None:
        await self._write(_upsert_skill, skill, catalogue=True)

    async def get_skill(self, skill_id: str) -> Skill:
        records = await self._read("MATCH (s:Skill {id: $id}) " + _SKILL_READ, {"id": skill_id})
        if not records:
            raise NotFound.of("skill", skill_id)
        r = records[0]
        return _skill_of(r["skill"], r["broader"], r["narrower"], r["related"])

    async def relate_skills(self, skill_id: str, related_skill_id: str, similarity: float) -> None:
        await self._write(_relate_skills, skill_id, related_skill_id, similarity, catalogue=True)

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
        await self._write(_set_level, person_id, claim, actor, at, person_ids=[person_id])

    async def remove_level(
        self, person_id: str, skill_id: str, source: str, actor: str, at: str
    ) -> int:
        removed: int = await self._write(
            _remove_level, person_id, skill_id, source, actor, at, person_ids=[person_id]
        )
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
                valid_until=c.get("valid_until") or "",
            )
            for c in records[0]["changes"]
        ]

    # Roles

    async def upsert_role(self, role: Role) -> None:
        await self._write(_upsert_role, role, catalogue=True)

    async def get_role(self, role_id: str, time_left_s: float | None = None) -> Role:
        records = await self._read(ROLE_BY_ID, {"id": role_id}, time_left_s)
        if not records:
            raise NotFound.of("role", role_id)
        return _role_of(records[0]["role"], records[0]["requirements"])

    async def list_roles(self) -> list[Role]:
        records = await self._read("MATCH (r:Role) WITH r ORDER BY r.id " + _ROLE_READ, {})
        return [_role_of(r["role"], r["requirements"]) for r in records]

    # The scoring index

    async def person_ids(self) -> list[str]:
        records = await self._read(PERSON_IDS, {})
        return list(records[0]["ids"]) if records else []

    async def people_for_index(self, person_ids: Sequence[str]) -> IndexRecords:
        records = await self._read(PEOPLE_FOR_INDEX, {"ids": list(person_ids)})
        if not records:
            return IndexRecords([], [])
        r = records[0]
        people = [
            Person(
                id=person_id,
                name=name or "",
                sector=sector or "",
                organisation=organisation or "",
                locality=locality or "",
                capacity_fte=float(capacity or 0.0),
                day_rate=float(day_rate or 0.0),
                clearances=tuple(
                    Clearance(k, e) for k, e in zip(kinds or (), expires or (), strict=False)
                ),
                available_from=available_from or "",
                available_until=available_until or "",
            )
            for (
                person_id,
                name,
                sector,
                organisation,
                locality,
                capacity,
                day_rate,
                available_from,
                available_until,
                kinds,
                expires,
            ) in zip(
                r["ids"],
                r["names"],
                r["sectors"],
                r["organisations"],
                r["localities"],
                r["capacities"],
                r["day_rates"],
                r["available_from"],
                r["available_until"],
                r["clearance_kinds"],
                r["clearance_expires"],
                strict=True,
            )
        ]
        claims = list(
            zip(
                r["claim_person"],
                r["claim_skill"],
                r["claim_level"],
                r["claim_source"],
                [a or "" for a in r["claim_assessed"]],
                [v or "" for v in r["claim_valid_until"]],
                strict=True,
            )
        )
        return IndexRecords(people, claims)

    async def catalogue_for_index(self) -> tuple[list[Role], dict[str, SkillNeighbourhood]]:
        roles = await self.list_roles()
        records = await self._read(SKILL_EDGES, {})
        broader: dict[str, list[str]] = {}
        narrower: dict[str, list[str]] = {}
        related: dict[str, list[tuple[str, float]]] = {}
        for child, parent in records[0]["broader"]:
            broader.setdefault(child, []).append(parent)
            narrower.setdefault(parent, []).append(child)
        for a, b, similarity in records[0]["related"]:
            related.setdefault(a, []).append((b, float(similarity)))
            related.setdefault(b, []).append((a, float(similarity)))
        skill_ids = set(broader) | set(narrower) | set(related)
        return roles, {
            s: SkillNeighbourhood(
                broader=tuple(sorted(broader.get(s, ()))),
                narrower=tuple(sorted(narrower.get(s, ()))),
                related=tuple(sorted(related.get(s, ()))),
            )
            for s in skill_ids
        }

    async def changes_since(self, since_ms: int) -> tuple[int, list[IndexChange]]:
        records = await self._read(CHANGES_SINCE, {"since": since_ms, "writer": self.writer_id})
        record = records[0]
        return int(record["now"]), [
            IndexChange(str(c[0]), int(c[1]), tuple(c[2] or ()), bool(c[3]), bool(c[4]))
            for c in record["changes"]
        ]

    async def prune_changes(self, before_ms: int) -> None:
        await self._write(_run_write, PRUNE_CHANGES, {"before": before_ms})


def _positive(time_left_s: float | None) -> float | None:
    if time_left_s is None:
        return None
    return max(time_left_s, 0.001)


# Transaction functions: each is idempotent, as the driver may run it again.


async def _record_change(
    tx: AsyncManagedTransaction,
    writer: str,
    person_ids: Sequence[str],
    catalogue: bool,
    erasure: bool = False,
) -> None:
    params = {
        "writer": writer,
        "person_ids": list(person_ids),
        "catalogue": catalogue,
        "erasure": erasure,
    }
    await (await tx.run(RECORD_CHANGE, params)).consume()


async def _run_write(
    tx: AsyncManagedTransaction, text: LiteralString, params: dict[str, Any]
) -> None:
    await (await tx.run(text, params)).consume()


async def _seed(
    tx: AsyncManagedTransaction,
    skills: list[Skill],
    roles: list[Role],
    relations: list[tuple[str, RelatedSkill]],
    writer: str,
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
    await _record_change(tx, writer, (), catalogue=True)
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
) -> tuple[list[RowError], int, int]:
    """Writes the rows whose skills all exist; returns the rows refused, the
    levels whose write changed something and how many written rows changed
    nothing stored."""
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
        people.append(_person_row(row.person, row.actor, row.keep_stored))
        levels_by_actor.setdefault(row.actor, []).extend(
            _level_row(row.person.id, c, row.keep_stored) for c in row.levels
        )
    changed: set[str] = set()
    if people:
        result = await tx.run(_UPSERT_PEOPLE, {"people": people, "at": at})
        changed.update([r["id"] async for r in result if r["changed"]])
    levels_written = 0
    for actor, levels in levels_by_actor.items():
        if levels:
            result = await tx.run(
                WRITE_LEVELS, {"levels": levels, "actor": actor, "at": at, "today": at[:10]}
            )
            written = [r["person_id"] async for r in result if r["changed"]]
            levels_written += len(written)
            changed.update(written)
    unchanged = sum(1 for row in people if row["id"] not in changed)
    return refused, levels_written, unchanged


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
            WRITE_LEVELS,
            {"levels": [_level_row(person_id, claim)], "actor": actor, "at": at, "today": at[:10]},
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
    await (await tx.run(FORGET_IN_CHANGES, {"id": person_id})).consume()
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
