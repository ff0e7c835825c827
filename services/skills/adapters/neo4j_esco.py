"""The catalogue's ESCO import and search in Neo4j.

(:Skill {kind: 'skill' | 'group', alt_text, label_key}): alt_text joins the
alternative labels (full-text indexes read strings only), label_key is the
lower-cased label an exact match compares.
(:EscoPendingRelation {key, kind, source, target, similarity}): an ESCO
relation read before one of its concepts; written as an edge once both exist.
The full-text index `skill_text` (Lucene, English analyzer) covers label,
alt_text and description.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, LiteralString

from neo4j import AsyncManagedTransaction

from services.skills.adapters.neo4j_catalogue import (
    SKILL_READ,
    Neo4jCatalogueRepository,
    skill_of,
)
from services.skills.adapters.neo4j_graph import Neo4jGraph, run_statement
from services.skills.domain.esco import BROADER, RELATED, ConceptRelation
from services.skills.domain.model import Skill
from services.skills.domain.search import exact_label_key, indexed_text

ESCO_SCHEMA: tuple[LiteralString, ...] = (
    # The substring index the search used before the full-text one.
    "DROP INDEX skill_search_text IF EXISTS",
    "CREATE INDEX skill_label_key IF NOT EXISTS FOR (s:Skill) ON (s.label_key)",
    "CREATE INDEX skill_uri IF NOT EXISTS FOR (s:Skill) ON (s.uri)",
    "CREATE CONSTRAINT esco_pending_key IF NOT EXISTS "
    "FOR (r:EscoPendingRelation) REQUIRE r.key IS UNIQUE",
    "CREATE FULLTEXT INDEX skill_text IF NOT EXISTS "
    "FOR (s:Skill) ON EACH [s.label, s.alt_text, s.description] "
    "OPTIONS {indexConfig: {`fulltext.analyzer`: 'english'}}",
    "CALL db.awaitIndex('skill_text', 300)",
)

# One round trip: skills labelled exactly as asked first (by id), then
# Lucene's own top hits by relevance (never all hits read and sorted in
# Cypher), the page cut from both, each skill read with its edges.
SEARCH: LiteralString = """
CALL () {
  OPTIONAL MATCH (e:Skill {label_key: $exact})
  WITH e ORDER BY e.id
  RETURN collect(e) AS exact
}
CALL (exact) {
  CALL db.index.fulltext.queryNodes('skill_text', $lucene, {limit: $limit + size(exact)})
    YIELD node, score
  WHERE NOT node IN exact
  WITH node ORDER BY score DESC, node.id
  RETURN collect(node) AS ranked
}
WITH (exact + ranked)[$skip..$skip + $page_size] AS page
UNWIND range(0, size(page) - 1) AS position
WITH page[position] AS s, position
RETURN position, s {.*} AS skill,
       [(s)-[:BROADER]->(b) | b.id] AS broader,
       [(s)<-[:BROADER]-(n) | n.id] AS narrower,
       [(s)-[r:RELATED]-(o) | [o.id, r.similarity]] AS related
"""

LIST: LiteralString = "MATCH (s:Skill) WHERE s.id > $after WITH s ORDER BY s.id LIMIT $limit " + (
    SKILL_READ
)

RESOLVE: LiteralString = """
UNWIND $references AS ref
RETURN ref.text AS reference,
       COLLECT { MATCH (s:Skill {id: ref.text}) RETURN s {.*} } AS by_id,
       COLLECT { MATCH (s:Skill {uri: ref.text}) RETURN s {.*} } AS by_uri,
       COLLECT { MATCH (s:Skill {label_key: ref.key}) RETURN s {.*} ORDER BY s.id } AS by_label
"""

# ESCO leaves alternative labels and description empty where it has none to
# give: an empty one is not a value, so the stored one stays (and the search
# text is built from what is then stored, as indexed_text builds it).
UPSERT_CONCEPTS: LiteralString = """
UNWIND $rows AS row
MERGE (s:Skill {id: row.id})
SET s.label = row.label, s.uri = row.uri, s.kind = row.kind, s.label_key = row.label_key,
    s.alt_labels = CASE WHEN size(row.alt_labels) > 0 THEN row.alt_labels
                        ELSE coalesce(s.alt_labels, []) END,
    s.description = CASE WHEN row.description <> '' THEN row.description
                         ELSE coalesce(s.description, '') END
WITH s
SET s.alt_text = reduce(text = '', label IN s.alt_labels |
                        text + CASE WHEN text = '' THEN '' ELSE '\n' END + label)
"""

ADD_BROADER: LiteralString = """
UNWIND $edges AS edge
MATCH (c:Skill {id: edge.source}), (p:Skill {id: edge.target})
MERGE (c)-[:BROADER]->(p)
"""

# One RELATED edge per pair, either way; ESCO's stated similarity raises a
# lower one and never lowers what is there.
ADD_RELATED: LiteralString = """
UNWIND $pairs AS pair
MATCH (a:Skill {id: pair.source}), (b:Skill {id: pair.target})
OPTIONAL MATCH (a)-[old:RELATED]-(b)
WITH a, b, pair, collect(old) AS olds
FOREACH (r IN olds |
  SET r.similarity = CASE WHEN r.similarity < pair.similarity
                          THEN pair.similarity ELSE r.similarity END)
FOREACH (_ IN CASE WHEN size(olds) = 0 THEN [1] ELSE [] END |
  CREATE (a)-[:RELATED {similarity: pair.similarity}]->(b))
"""

KEEP_PENDING: LiteralString = """
UNWIND $rows AS row
MERGE (r:EscoPendingRelation {key: row.key})
SET r.kind = row.kind, r.source = row.source, r.target = row.target,
    r.similarity = row.similarity
"""

DROP_PENDING: LiteralString = """
UNWIND $keys AS key
MATCH (r:EscoPendingRelation {key: key})
DELETE r
"""

UNINDEXED_SKILLS: LiteralString = """
MATCH (s:Skill) WHERE s.label_key IS NULL OR s.alt_text IS NULL
RETURN s.id AS id, s.label AS label, coalesce(s.alt_labels, []) AS alt_labels
"""

SET_INDEXED_TEXT: LiteralString = """
UNWIND $rows AS row
MATCH (s:Skill {id: row.id})
SET s.alt_text = row.alt_text, s.label_key = row.label_key
"""


PENDING_RELATIONS: LiteralString = (
    "MATCH (r:EscoPendingRelation) RETURN r {.*} AS relation ORDER BY r.key"
)

COUNT_PENDING: LiteralString = "MATCH (r:EscoPendingRelation) RETURN count(r) AS n"


class Neo4jEscoRepository:
    def __init__(self, graph: Neo4jGraph, catalogue: Neo4jCatalogueRepository) -> None:
        self.graph = graph
        self.catalogue = catalogue

    async def prepare_catalogue(self) -> None:
        await self.graph.create_schema(ESCO_SCHEMA)
        # Skills stored before the full-text search get the properties it reads.
        records = await self.graph.read(UNINDEXED_SKILLS, {})
        if records:
            rows = [
                {"id": r["id"], **indexed_text(r["label"] or "", list(r["alt_labels"]))}
                for r in records
            ]
            await self.graph.write(run_statement, SET_INDEXED_TEXT, {"rows": rows})

    async def upsert_concepts(self, skills: Sequence[Skill]) -> None:
        rows = [
            {
                "id": s.id,
                "label": s.label,
                "alt_labels": list(s.alt_labels),
                "description": s.description,
                "uri": s.uri,
                "kind": s.kind,
                "label_key": exact_label_key(s.label),
            }
            for s in skills
        ]
        await self.graph.write(run_statement, UPSERT_CONCEPTS, {"rows": rows})

    async def add_relations(self, relations: Sequence[ConceptRelation]) -> int:
        edges = [{"source": r.source, "target": r.target} for r in relations if r.kind == BROADER]
        strongest: dict[tuple[str, str], float] = {}
        for r in relations:
            if r.kind == RELATED:
                pair = (min(r.source, r.target), max(r.source, r.target))
                strongest[pair] = max(strongest.get(pair, 0.0), r.similarity)
        pairs = [
            {"source": a, "target": b, "similarity": similarity}
            for (a, b), similarity in strongest.items()
        ]
        # Broader and RELATED edges are what the scoring index reads of the
        # catalogue: the write records a catalogue change for every replica.
        created: int = await self.graph.write(_add_relations, edges, pairs, catalogue=True)
        return created

    async def pending_relations(self) -> list[ConceptRelation]:
        records = await self.graph.read(PENDING_RELATIONS, {})
        return [
            ConceptRelation(
                kind=r["relation"]["kind"],
                source=r["relation"]["source"],
                target=r["relation"]["target"],
                similarity=float(r["relation"].get("similarity") or 0.0),
            )
            for r in records
        ]

    async def keep_pending(self, relations: Sequence[ConceptRelation]) -> None:
        rows = [
            {
                "key": r.key,
                "kind": r.kind,
                "source": r.source,
                "target": r.target,
                "similarity": r.similarity,
            }
            for r in relations
        ]
        await self.graph.write(run_statement, KEEP_PENDING, {"rows": rows})

    async def drop_pending(self, relations: Sequence[ConceptRelation]) -> None:
        await self.graph.write(run_statement, DROP_PENDING, {"keys": [r.key for r in relations]})

    async def count_pending(self) -> int:
        records = await self.graph.read(COUNT_PENDING, {})
        return int(records[0]["n"]) if records else 0

    async def existing_skill_ids(self, skill_ids: Sequence[str]) -> set[str]:
        return await self.catalogue.existing_skill_ids(skill_ids)

    async def broader_edges(self) -> list[tuple[str, str]]:
        return await self.catalogue.broader_edges()

    async def list_skills(self, after_id: str, limit: int) -> list[Skill]:
        records = await self.graph.read(LIST, {"after": after_id, "limit": limit})
        return [skill_of(r["skill"], r["broader"], r["narrower"], r["related"]) for r in records]

    async def search_skills(self, lucene: str, exact: str, skip: int, limit: int) -> list[Skill]:
        records = await self.graph.read(
            SEARCH,
            {
                "lucene": lucene,
                "exact": exact,
                "skip": skip,
                "page_size": limit,
                "limit": skip + limit,
            },
        )
        ordered = sorted(records, key=lambda r: r["position"])
        return [skill_of(r["skill"], r["broader"], r["narrower"], r["related"]) for r in ordered]

    async def resolve_references(
        self, references: Sequence[str]
    ) -> list[tuple[list[Skill], list[Skill], list[Skill]]]:
        records = await self.graph.read(
            RESOLVE,
            {"references": [{"text": ref, "key": exact_label_key(ref)} for ref in references]},
        )

        def skills(found: list[dict[str, Any]]) -> list[Skill]:
            return [skill_of(properties, [], [], []) for properties in found]

        return [(skills(r["by_id"]), skills(r["by_uri"]), skills(r["by_label"])) for r in records]


async def _add_relations(
    tx: AsyncManagedTransaction, edges: list[dict[str, str]], pairs: list[dict[str, Any]]
) -> int:
    created = 0
    if edges:
        summary = await (await tx.run(ADD_BROADER, {"edges": edges})).consume()
        created += int(summary.counters.relationships_created)
    if pairs:
        summary = await (await tx.run(ADD_RELATED, {"pairs": pairs})).consume()
        created += int(summary.counters.relationships_created)
    return created
