"""People's skill levels and their history in Neo4j.

(:Person)-[:HAS_SKILL {source, level, evidence, assessed_by, assessed_at, valid_until, rank}]
    ->(:Skill): one edge per (person, skill, source); `rank` orders sources (certificate highest)
(:Person)-[:LEVEL_CHANGED]
    ->(:LevelChange {skill_id, source, from_level, to_level, actor, at, evidence, valid_until})
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, LiteralString

from neo4j import AsyncManagedTransaction

from services.common.errors import InvalidArgument, NotFound
from services.skills.adapters.neo4j_graph import CHANGE_NODE, Neo4jGraph
from services.skills.domain.esco import GROUP_KIND
from services.skills.domain.model import SOURCE_RANK, LevelChange, LevelClaim

# Every claim of a person `p`, as claim_of reads it.
ALL_CLAIMS: LiteralString = """
[(p)-[h:HAS_SKILL]->(s:Skill) |
 [s.id, h.level, h.source, h.evidence, h.assessed_by, h.assessed_at, h.valid_until]] AS claims
"""

# One row per (person, skill, source). A field the row does not carry
# (keep_evidence, keep_valid_until) keeps its stored value; an empty
# assessed_at or assessed_by keeps the stored one while level and evidence
# stay the same, and otherwise dates the level today. History records every
# change of level, evidence, source (a new edge) or expiry.
_WRITE_LEVEL_ROWS: LiteralString = """
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
"""

# A write that changes nothing records nothing and returns changed = false.
WRITE_LEVELS: LiteralString = (
    _WRITE_LEVEL_ROWS
    + """
RETURN lv.person_id AS person_id,
       recorded OR assessed_at <> old_assessed_at OR assessed_by <> old_assessed_by AS changed
"""
)

# One statement, one round trip: the checks, the level with its history, the
# change for the scoring index, and the person's claims in the skill after it.
SET_LEVEL: LiteralString = (
    """
OPTIONAL MATCH (target:Person {id: $person_id})
OPTIONAL MATCH (skill:Skill {id: $skill_id})
WITH target IS NOT NULL AS person_found, skill IS NOT NULL AS skill_found,
     coalesce(skill.kind, '') AS kind
CALL (person_found, skill_found, kind) {
  WITH * WHERE person_found AND skill_found AND kind <> $group_kind
"""
    + _WRITE_LEVEL_ROWS
    + "  CREATE "
    + CHANGE_NODE
    + """
}
OPTIONAL MATCH (p:Person {id: $person_id})
RETURN person_found, skill_found, kind,
       [(p)-[h:HAS_SKILL]->(s:Skill {id: $skill_id}) |
        [s.id, h.level, h.source, h.evidence, h.assessed_by, h.assessed_at, h.valid_until]]
         AS claims
"""
)

PERSON_EXISTS: LiteralString = "MATCH (p:Person {id: $id}) RETURN p.id"

REMOVE_LEVEL: LiteralString = """
MATCH (p:Person {id: $person_id})-[h:HAS_SKILL]->(s:Skill {id: $skill_id})
WHERE $source = '' OR h.source = $source
WITH p, h, s.id AS skill_id, h.source AS source, h.level AS previous
DELETE h
CREATE (p)-[:LEVEL_CHANGED]->(:LevelChange {
  skill_id: skill_id, source: source, from_level: previous, to_level: 0,
  actor: $actor, at: $at, evidence: ''})
RETURN count(*) AS removed
"""

LEVEL_HISTORY: LiteralString = """
MATCH (p:Person {id: $person_id})
OPTIONAL MATCH (p)-[:LEVEL_CHANGED]->(c:LevelChange)
WHERE $skill_id = '' OR c.skill_id = $skill_id
WITH p, c ORDER BY c.at, c.skill_id, c.source
RETURN p.id AS id, collect(c {.*}) AS changes
"""


class Neo4jLevelRepository:
    def __init__(self, graph: Neo4jGraph) -> None:
        self.graph = graph

    async def set_level(
        self, person_id: str, claim: LevelClaim, actor: str, at: str
    ) -> list[LevelClaim]:
        params = {
            "person_id": person_id,
            "skill_id": claim.skill_id,
            "group_kind": GROUP_KIND,
            "levels": [level_row(person_id, claim)],
            "actor": actor,
            "at": at,
            "today": at[:10],
            **self.graph.change_params([person_id]),
        }
        claims: list[LevelClaim] = await self.graph.write(_set_level, params)
        return claims

    async def remove_level(
        self, person_id: str, skill_id: str, source: str, actor: str, at: str
    ) -> int:
        params = {
            "person_id": person_id,
            "skill_id": skill_id,
            "source": source,
            "actor": actor,
            "at": at,
        }
        removed: int = await self.graph.write(_remove_level, params, person_ids=[person_id])
        return removed

    async def level_history(self, person_id: str, skill_id: str) -> list[LevelChange]:
        records = await self.graph.read(
            LEVEL_HISTORY, {"person_id": person_id, "skill_id": skill_id}
        )
        if not records:
            raise NotFound.of("person", person_id)
        return [_level_change_of(c) for c in records[0]["changes"]]


def level_row(
    person_id: str, claim: LevelClaim, keep_stored: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """A row of WRITE_LEVELS."""
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


def claim_of(row: Sequence[Any]) -> LevelClaim:
    """A claim from a row of ALL_CLAIMS."""
    return LevelClaim(
        skill_id=row[0],
        level=row[1],
        source=row[2],
        evidence=row[3] or "",
        assessed_by=row[4] or "",
        assessed_at=row[5] or "",
        valid_until=row[6] or "",
    )


def _level_change_of(change: dict[str, Any]) -> LevelChange:
    return LevelChange(
        skill_id=change["skill_id"],
        source=change["source"],
        from_level=int(change["from_level"]),
        to_level=int(change["to_level"]),
        actor=change.get("actor") or "",
        at=change["at"],
        evidence=change.get("evidence") or "",
        valid_until=change.get("valid_until") or "",
    )


# Transaction functions: each is idempotent, as the driver may run it again.


async def _set_level(tx: AsyncManagedTransaction, params: dict[str, Any]) -> list[LevelClaim]:
    record = await (await tx.run(SET_LEVEL, params)).single()
    if record is None or not record["person_found"]:
        raise NotFound.of("person", params["person_id"])
    if not record["skill_found"]:
        raise NotFound.of("skill", params["skill_id"])
    if record["kind"] == GROUP_KIND:
        raise InvalidArgument.of("skill_id", "names a skill group, which holds no levels")
    return [claim_of(row) for row in record["claims"] or ()]


async def _remove_level(tx: AsyncManagedTransaction, params: dict[str, Any]) -> int:
    exists = await (await tx.run(PERSON_EXISTS, {"id": params["person_id"]})).single()
    if exists is None:
        raise NotFound.of("person", params["person_id"])
    record = await (await tx.run(REMOVE_LEVEL, params)).single()
    return int(record["removed"]) if record else 0
