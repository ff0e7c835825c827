"""What the scoring index reads of the graph: everyone in bulk, the
catalogue's roles and skill neighbourhoods, and the change feed.

(:IndexChange {at, writer, person_ids, catalogue, erasure}): written in the
transaction of every write that changes what the index holds (see
adapters/neo4j_graph.py), read by every replica from its watermark.

Bulk reads return few records carrying many rows: the driver spends about
100 µs turning each record into Python objects.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any, LiteralString

from neo4j import Record

from services.skills.adapters.neo4j_catalogue import ALL_ROLES, role_of
from services.skills.adapters.neo4j_graph import Neo4jGraph, run_statement
from services.skills.domain.fit import SkillNeighbourhood
from services.skills.domain.model import Clearance, LevelClaim, Person, Role
from services.skills.service.ports import IndexChange, IndexClaim, IndexRecords

SCORING_SCHEMA: tuple[LiteralString, ...] = (
    "CREATE INDEX index_change_at IF NOT EXISTS FOR (c:IndexChange) ON (c.at)",
)

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

# People and all their claims: one record whose columns are flat lists of
# plain values (maps and nested lists cost more to send and decode).
_PEOPLE: LiteralString = """
UNWIND $ids AS id
MATCH (p:Person {id: id})
WITH collect(p) AS people
CALL (people) {
  UNWIND people AS p
  MATCH (p)-[h:HAS_SKILL]->(s:Skill)
  RETURN collect(p.id) AS claim_person, collect(s.id) AS claim_skill,
         collect(h.level) AS claim_level, collect(h.source) AS claim_source,
         collect(h.assessed_at) AS claim_assessed, collect(h.valid_until) AS claim_valid_until
"""

_PEOPLE_COLUMNS_RETURNED: LiteralString = """
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

PEOPLE_FOR_INDEX: LiteralString = _PEOPLE + _PEOPLE_COLUMNS_RETURNED

# Also what the index leaves out of claims, so that each person is read whole
# (for the person-record cache, when a few people are reloaded).
PEOPLE_FOR_INDEX_WITH_RECORDS: LiteralString = (
    _PEOPLE
    + """, collect(coalesce(h.evidence, '')) AS claim_evidence,
         collect(coalesce(h.assessed_by, '')) AS claim_assessed_by"""
    + _PEOPLE_COLUMNS_RETURNED
    + ", claim_evidence, claim_assessed_by\n"
)

# The columns of PEOPLE_FOR_INDEX that describe people, in Person's order.
_PEOPLE_COLUMNS = (
    "ids",
    "names",
    "sectors",
    "organisations",
    "localities",
    "capacities",
    "day_rates",
    "available_from",
    "available_until",
    "clearance_kinds",
    "clearance_expires",
)

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


class Neo4jScoringReads:
    def __init__(self, graph: Neo4jGraph) -> None:
        self.graph = graph

    async def prepare(self) -> None:
        await self.graph.create_schema(SCORING_SCHEMA)

    async def person_ids(self) -> list[str]:
        records = await self.graph.read(PERSON_IDS, {})
        return list(records[0]["ids"]) if records else []

    async def people_for_index(
        self, person_ids: Sequence[str], with_records: bool = False
    ) -> IndexRecords:
        statement = PEOPLE_FOR_INDEX_WITH_RECORDS if with_records else PEOPLE_FOR_INDEX
        records = await self.graph.read(statement, {"ids": list(person_ids)})
        if not records:
            return IndexRecords([], [], [] if with_records else None)
        people = _people_of(records[0])
        claims = _claims_of(records[0])
        whole = _whole_people(people, claims, records[0]) if with_records else None
        return IndexRecords(people, claims, whole)

    async def catalogue_for_index(self) -> tuple[list[Role], dict[str, SkillNeighbourhood]]:
        role_records = await self.graph.read(ALL_ROLES, {})
        roles = [role_of(r["role"], r["requirements"]) for r in role_records]
        edges = (await self.graph.read(SKILL_EDGES, {}))[0]
        return roles, _neighbourhoods(edges["broader"], edges["related"])

    async def changes_since(self, since_ms: int) -> tuple[int, list[IndexChange]]:
        params = {"since": since_ms, "writer": self.graph.writer_id}
        record = (await self.graph.read(CHANGES_SINCE, params))[0]
        return int(record["now"]), [
            IndexChange(str(c[0]), int(c[1]), tuple(c[2] or ()), bool(c[3]), bool(c[4]))
            for c in record["changes"]
        ]

    async def prune_changes(self, before_ms: int) -> None:
        await self.graph.write(run_statement, PRUNE_CHANGES, {"before": before_ms})


def _people_of(record: Record) -> list[Person]:
    return [
        _person_of_columns(*row)
        for row in zip(*(record[column] for column in _PEOPLE_COLUMNS), strict=True)
    ]


def _person_of_columns(
    person_id: str,
    name: str | None,
    sector: str | None,
    organisation: str | None,
    locality: str | None,
    capacity: float | None,
    day_rate: float | None,
    available_from: str | None,
    available_until: str | None,
    kinds: Sequence[str] | None,
    expires: Sequence[str] | None,
) -> Person:
    return Person(
        id=person_id,
        name=name or "",
        sector=sector or "",
        organisation=organisation or "",
        locality=locality or "",
        capacity_fte=float(capacity or 0.0),
        day_rate=float(day_rate or 0.0),
        clearances=tuple(Clearance(k, e) for k, e in zip(kinds or (), expires or (), strict=False)),
        available_from=available_from or "",
        available_until=available_until or "",
    )


def _claims_of(record: Record) -> list[IndexClaim]:
    return list(
        zip(
            record["claim_person"],
            record["claim_skill"],
            record["claim_level"],
            record["claim_source"],
            [a or "" for a in record["claim_assessed"]],
            [v or "" for v in record["claim_valid_until"]],
            strict=True,
        )
    )


def _whole_people(
    people: Sequence[Person], claims: Sequence[IndexClaim], record: Record
) -> list[Person]:
    """Each person with every claim, as `claim_of` reads one."""
    held: dict[str, list[LevelClaim]] = {p.id: [] for p in people}
    for (person_id, skill_id, level, source, assessed_at, valid_until), evidence, by in zip(
        claims, record["claim_evidence"], record["claim_assessed_by"], strict=True
    ):
        held[person_id].append(
            LevelClaim(skill_id, level, source, evidence, by, assessed_at, valid_until)
        )
    return [replace(p, skills=tuple(held[p.id])) for p in people]


def _neighbourhoods(
    broader_edges: Sequence[Sequence[Any]], related_edges: Sequence[Sequence[Any]]
) -> dict[str, SkillNeighbourhood]:
    """Every skill with a neighbour, and its neighbours either way."""
    broader: dict[str, list[str]] = {}
    narrower: dict[str, list[str]] = {}
    related: dict[str, list[tuple[str, float]]] = {}
    for child, parent in broader_edges:
        broader.setdefault(child, []).append(parent)
        narrower.setdefault(parent, []).append(child)
    for a, b, similarity in related_edges:
        related.setdefault(a, []).append((b, float(similarity)))
        related.setdefault(b, []).append((a, float(similarity)))
    return {
        s: SkillNeighbourhood(
            broader=tuple(sorted(broader.get(s, ()))),
            narrower=tuple(sorted(narrower.get(s, ()))),
            related=tuple(sorted(related.get(s, ()))),
        )
        for s in set(broader) | set(narrower) | set(related)
    }
