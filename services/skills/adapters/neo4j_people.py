"""People in Neo4j: their records, imports and erasure.

(:Person {id, name, sector, organisation, locality, capacity_fte, day_rate,
          clearance_kinds, clearance_expires, available_from, available_until,
          updated_by, updated_at})-[:WORKS_FOR]->(:Organisation)
Their levels are written by the statements of adapters/neo4j_levels.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, LiteralString

from neo4j import AsyncManagedTransaction

from services.common.errors import NotFound
from services.skills.adapters.neo4j_graph import Neo4jGraph, found_skills, run_statement
from services.skills.adapters.neo4j_levels import ALL_CLAIMS, WRITE_LEVELS, claim_of, level_row
from services.skills.domain.model import (
    KEEPABLE_PERSON_FIELDS,
    Clearance,
    Person,
    PersonImport,
    RowError,
)

PEOPLE_SCHEMA: tuple[LiteralString, ...] = (
    "CREATE CONSTRAINT person_id IF NOT EXISTS FOR (p:Person) REQUIRE p.id IS UNIQUE",
    "CREATE CONSTRAINT organisation_id IF NOT EXISTS FOR (o:Organisation) REQUIRE o.id IS UNIQUE",
    "CREATE INDEX person_locality IF NOT EXISTS FOR (p:Person) ON (p.locality)",
    "CREATE INDEX person_sector IF NOT EXISTS FOR (p:Person) ON (p.sector)",
    "CREATE INDEX person_organisation IF NOT EXISTS FOR (p:Person) ON (p.organisation)",
)

# `properties` are the fields a row carries; `on_create` the ones it does not
# (an import's absent columns), written only when the person is new, so that
# what a file leaves out keeps its stored value. A row that changes nothing
# leaves updated_by/updated_at alone and returns changed = false.
UPSERT_PEOPLE: LiteralString = """
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

PERSON_BY_ID: LiteralString = "MATCH (p:Person {id: $id}) RETURN p {.*} AS person, " + ALL_CLAIMS

PEOPLE_BY_IDS: LiteralString = (
    """
UNWIND $ids AS id
MATCH (p:Person {id: id})
RETURN p {.*} AS person, """
    + ALL_CLAIMS
)

# Few records, many ids each: one per label the skills service owns.
STORED_IDS: LiteralString = """
CALL () {
  MATCH (p:Person) RETURN 'person' AS kind, p.id AS id
  UNION ALL MATCH (s:Skill) RETURN 'skill' AS kind, s.id AS id
  UNION ALL MATCH (r:Role) RETURN 'role' AS kind, r.id AS id
  UNION ALL MATCH (c:Course) RETURN 'course' AS kind, c.id AS id
}
RETURN kind, collect(id) AS ids
"""

# An erasure leaves no id behind: earlier changes forget the person, and the
# erasure itself names nobody (replicas find who is gone by comparing ids).
FORGET_IN_CHANGES: LiteralString = """
MATCH (c:IndexChange) WHERE $id IN c.person_ids
SET c.person_ids = [x IN c.person_ids WHERE x <> $id]
"""

ERASE_PERSON: LiteralString = """
MATCH (p:Person {id: $id})
OPTIONAL MATCH (p)-[:LEVEL_CHANGED]->(c:LevelChange)
DETACH DELETE c
WITH DISTINCT p
DETACH DELETE p
RETURN count(*) AS erased
"""

# The stored properties behind each field an import may leave out.
_STORED_PROPERTIES = {"clearances": ("clearance_kinds", "clearance_expires")}


class Neo4jPeopleRepository:
    def __init__(self, graph: Neo4jGraph) -> None:
        self.graph = graph

    async def prepare(self) -> None:
        await self.graph.create_schema(PEOPLE_SCHEMA)

    async def upsert_person(self, person: Person, actor: str, at: str) -> None:
        params = {"people": [person_row(person, actor)], "at": at}
        await self.graph.write(run_statement, UPSERT_PEOPLE, params, person_ids=[person.id])

    async def get_person(self, person_id: str, time_left_s: float | None = None) -> Person:
        records = await self.graph.read(PERSON_BY_ID, {"id": person_id}, time_left_s)
        if not records:
            raise NotFound.of("person", person_id)
        return person_of(records[0]["person"], records[0]["claims"])

    async def people_by_ids(
        self, ids: Sequence[str], time_left_s: float | None = None
    ) -> list[Person]:
        records = await self.graph.read(PEOPLE_BY_IDS, {"ids": list(ids)}, time_left_s)
        return [person_of(r["person"], r["claims"]) for r in records]

    async def erase_person(self, person_id: str) -> None:
        erased = await self.graph.write(_erase_person, person_id, erasure=True)
        if not erased:
            raise NotFound.of("person", person_id)

    async def import_people(
        self, rows: Sequence[tuple[int, PersonImport]], at: str
    ) -> tuple[list[RowError], int, int]:
        result: tuple[list[RowError], int, int] = await self.graph.write(
            _import_people, list(rows), at, person_ids=[row.person.id for _, row in rows]
        )
        return result

    async def stored_ids(self) -> list[tuple[str, str]]:
        records = await self.graph.read(STORED_IDS, {})
        return [(r["kind"], stored_id) for r in records for stored_id in r["ids"]]


def person_properties(person: Person) -> dict[str, Any]:
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


def person_row(
    person: Person, actor: str, keep_stored: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """A row of UPSERT_PEOPLE: the carried fields, and those kept as stored
    (written only when the person is new)."""
    properties = person_properties(person)
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


def person_of(properties: dict[str, Any], claims: Sequence[Sequence[Any]] = ()) -> Person:
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
        skills=tuple(claim_of(c) for c in claims),
    )


# Transaction functions: each is idempotent, as the driver may run it again.


async def _import_people(
    tx: AsyncManagedTransaction, rows: list[tuple[int, PersonImport]], at: str
) -> tuple[list[RowError], int, int]:
    """Writes the rows whose skills all exist; returns the rows refused, the
    levels whose write changed something and how many written rows changed
    nothing stored."""
    found = await found_skills(tx, sorted({c.skill_id for _, row in rows for c in row.levels}))
    refused: list[RowError] = []
    accepted: list[PersonImport] = []
    for number, row in rows:
        unknown = [i for i, c in enumerate(row.levels) if c.skill_id not in found]
        refused.extend(
            RowError(number, row.person.id, f"levels[{i}].skill_id", "names no known skill")
            for i in unknown
        )
        if not unknown:
            accepted.append(row)
    changed: set[str] = set()
    if accepted:
        people = [person_row(row.person, row.actor, row.keep_stored) for row in accepted]
        result = await tx.run(UPSERT_PEOPLE, {"people": people, "at": at})
        changed.update([r["id"] async for r in result if r["changed"]])
    levels_written = await _write_levels_by_actor(tx, accepted, at, changed)
    unchanged = sum(1 for row in accepted if row.person.id not in changed)
    return refused, levels_written, unchanged


async def _write_levels_by_actor(
    tx: AsyncManagedTransaction, rows: Sequence[PersonImport], at: str, changed: set[str]
) -> int:
    """Writes the rows' levels, one statement per actor; adds the people whose
    levels changed to `changed` and returns how many levels changed."""
    levels_by_actor: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        levels_by_actor.setdefault(row.actor, []).extend(
            level_row(row.person.id, c, row.keep_stored) for c in row.levels
        )
    levels_written = 0
    for actor, levels in levels_by_actor.items():
        if levels:
            params = {"levels": levels, "actor": actor, "at": at, "today": at[:10]}
            result = await tx.run(WRITE_LEVELS, params)
            written = [r["person_id"] async for r in result if r["changed"]]
            levels_written += len(written)
            changed.update(written)
    return levels_written


async def _erase_person(tx: AsyncManagedTransaction, person_id: str) -> bool:
    await (await tx.run(FORGET_IN_CHANGES, {"id": person_id})).consume()
    record = await (await tx.run(ERASE_PERSON, {"id": person_id})).single()
    return bool(record and record["erased"])
