"""The catalogue in Neo4j: skills, how they relate, and the roles built from them.

(:Skill {id, label, alt_labels, description, uri, kind, alt_text, label_key})
(:Skill)-[:BROADER]->(:Skill), (:Skill)-[:RELATED {similarity}]-(:Skill) (one edge, either way)
(:Role {id, name, description})-[:REQUIRES {min_level, weight, essential, position}]->(:Skill)

Every write here records a catalogue change for the scoring index.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, LiteralString

from neo4j import AsyncManagedTransaction

from services.common.errors import NotFound, Violations
from services.skills.adapters.neo4j_graph import (
    EXISTING_SKILLS,
    RECORD_CHANGE,
    Neo4jGraph,
    found_skills,
    run_statement,
)
from services.skills.domain.esco import SKILL_KIND
from services.skills.domain.model import RelatedSkill, Requirement, Role, Skill
from services.skills.domain.search import indexed_text

CATALOGUE_SCHEMA: tuple[LiteralString, ...] = (
    "CREATE CONSTRAINT skill_id IF NOT EXISTS FOR (s:Skill) REQUIRE s.id IS UNIQUE",
    "CREATE CONSTRAINT role_id IF NOT EXISTS FOR (r:Role) REQUIRE r.id IS UNIQUE",
    "CREATE INDEX skill_label IF NOT EXISTS FOR (s:Skill) ON (s.label)",
)

# A skill `s` with its edges, as skill_of reads it.
SKILL_READ: LiteralString = """
RETURN s {.*} AS skill,
       [(s)-[:BROADER]->(b:Skill) | b.id] AS broader,
       [(n:Skill)-[:BROADER]->(s) | n.id] AS narrower,
       [(s)-[r:RELATED]-(o:Skill) | [o.id, r.similarity]] AS related
"""

# A role `r` with its requirements, as role_of reads it.
ROLE_READ: LiteralString = """
RETURN r {.*} AS role,
       [(r)-[q:REQUIRES]->(s:Skill) | [s.id, q.min_level, q.weight, q.essential, q.position]]
         AS requirements
"""

SKILL_BY_ID: LiteralString = "MATCH (s:Skill {id: $id}) " + SKILL_READ
ROLE_BY_ID: LiteralString = "MATCH (r:Role {id: $id}) " + ROLE_READ
ALL_ROLES: LiteralString = "MATCH (r:Role) WITH r ORDER BY r.id " + ROLE_READ

BROADER_EDGES: LiteralString = (
    "MATCH (c:Skill)-[:BROADER]->(p:Skill) RETURN c.id AS child, p.id AS parent"
)

ROLES_PRESENT: LiteralString = (
    "UNWIND $ids AS id MATCH (r:Role {id: id}) RETURN collect(id) AS present"
)

# A seeded skill never overwrites one already stored.
SEED_SKILLS: LiteralString = """
UNWIND $rows AS row
MERGE (s:Skill {id: row.id})
  ON CREATE SET s += row.properties
"""

SEED_RELATIONS: LiteralString = """
UNWIND $rows AS row
MATCH (a:Skill {id: row.a}), (b:Skill {id: row.b})
WHERE NOT EXISTS { (a)-[:RELATED]-(b) }
CREATE (a)-[:RELATED {similarity: row.similarity}]->(b)
"""

WRITE_ROLE: LiteralString = """
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
"""

# The parents asked for that already lie below the skill: each would close a cycle.
PARENTS_BELOW: LiteralString = """
UNWIND $parents AS parent_id
MATCH (parent:Skill {id: parent_id}), (s:Skill {id: $id})
WHERE EXISTS { (parent)-[:BROADER*1..]->(s) }
RETURN collect(parent_id) AS below
"""

WRITE_SKILL: LiteralString = """
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
"""

# A similarity of 0 removes the pair's edge.
RELATE_SKILLS: LiteralString = """
MATCH (a:Skill {id: $a}), (b:Skill {id: $b})
OPTIONAL MATCH (a)-[r:RELATED]-(b)
DELETE r
WITH DISTINCT a, b
CALL (a, b) {
  WITH a, b WHERE $similarity > 0
  CREATE (a)-[:RELATED {similarity: $similarity}]->(b)
}
"""


class Neo4jCatalogueRepository:
    def __init__(self, graph: Neo4jGraph) -> None:
        self.graph = graph

    async def prepare(
        self,
        seed_skills: Sequence[Skill],
        seed_roles: Sequence[Role],
        seed_relations: Sequence[tuple[str, RelatedSkill]],
    ) -> None:
        await self.graph.create_schema(CATALOGUE_SCHEMA)
        await self.graph.write(
            _seed,
            list(seed_skills),
            list(seed_roles),
            list(seed_relations),
            self.graph.change_params(catalogue=True),
        )

    async def upsert_skill(self, skill: Skill) -> None:
        await self.graph.write(_upsert_skill, skill, catalogue=True)

    async def get_skill(self, skill_id: str) -> Skill:
        records = await self.graph.read(SKILL_BY_ID, {"id": skill_id})
        if not records:
            raise NotFound.of("skill", skill_id)
        r = records[0]
        return skill_of(r["skill"], r["broader"], r["narrower"], r["related"])

    async def relate_skills(self, skill_id: str, related_skill_id: str, similarity: float) -> None:
        await self.graph.write(
            _relate_skills, skill_id, related_skill_id, similarity, catalogue=True
        )

    async def existing_skill_ids(self, skill_ids: Sequence[str]) -> set[str]:
        records = await self.graph.read(EXISTING_SKILLS, {"ids": list(skill_ids)})
        return set(records[0]["found"]) if records else set()

    async def broader_edges(self) -> list[tuple[str, str]]:
        records = await self.graph.read(BROADER_EDGES, {})
        return [(r["child"], r["parent"]) for r in records]

    async def upsert_role(self, role: Role) -> None:
        await self.graph.write(_upsert_role, role, catalogue=True)

    async def get_role(self, role_id: str, time_left_s: float | None = None) -> Role:
        records = await self.graph.read(ROLE_BY_ID, {"id": role_id}, time_left_s)
        if not records:
            raise NotFound.of("role", role_id)
        return role_of(records[0]["role"], records[0]["requirements"])

    async def list_roles(self) -> list[Role]:
        records = await self.graph.read(ALL_ROLES, {})
        return [role_of(r["role"], r["requirements"]) for r in records]


def skill_of(
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


def role_of(properties: dict[str, Any], requirements: Sequence[Sequence[Any]]) -> Role:
    ordered = sorted(requirements, key=lambda r: (r[4] if r[4] is not None else 0, r[0]))
    return Role(
        id=properties["id"],
        name=properties.get("name", ""),
        description=properties.get("description", ""),
        requirements=tuple(Requirement(r[0], int(r[1]), float(r[2]), bool(r[3])) for r in ordered),
    )


def _skill_properties(skill: Skill) -> dict[str, Any]:
    return {
        "label": skill.label,
        "alt_labels": list(skill.alt_labels),
        "description": skill.description,
        "uri": skill.uri,
        **indexed_text(skill.label, skill.alt_labels),
    }


def _role_params(role: Role) -> dict[str, Any]:
    return {
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
    }


# Transaction functions: each is idempotent, as the driver may run it again.


async def _seed(
    tx: AsyncManagedTransaction,
    skills: list[Skill],
    roles: list[Role],
    relations: list[tuple[str, RelatedSkill]],
    change: dict[str, Any],
) -> None:
    """Writes the seeded roles not yet stored, with the skills and relations
    they need, as a catalogue change."""
    record = await (await tx.run(ROLES_PRESENT, {"ids": [r.id for r in roles]})).single()
    present = set(record["present"]) if record else set()
    missing = [r for r in roles if r.id not in present]
    if not missing:
        return
    await run_statement(tx, RECORD_CHANGE, change)
    needed = {q.skill_id for role in missing for q in role.requirements}
    skill_rows = [
        {"id": s.id, "properties": _skill_properties(s)} for s in skills if s.id in needed
    ]
    await run_statement(tx, SEED_SKILLS, {"rows": skill_rows})
    for role in missing:
        await run_statement(tx, WRITE_ROLE, _role_params(role))
    relation_rows = [
        {"a": a, "b": r.skill_id, "similarity": r.similarity}
        for a, r in relations
        if a in needed or r.skill_id in needed
    ]
    await run_statement(tx, SEED_RELATIONS, {"rows": relation_rows})


async def _upsert_role(tx: AsyncManagedTransaction, role: Role) -> None:
    found = await found_skills(tx, [q.skill_id for q in role.requirements])
    violations = Violations()
    for index, requirement in enumerate(role.requirements):
        violations.check(
            requirement.skill_id in found,
            f"role.requirements[{index}].skill_id",
            "names no known skill",
        )
    violations.raise_if_any()
    await run_statement(tx, WRITE_ROLE, _role_params(role))


async def _upsert_skill(tx: AsyncManagedTransaction, skill: Skill) -> None:
    found = await found_skills(tx, skill.broader)
    violations = Violations()
    for index, parent in enumerate(skill.broader):
        violations.check(parent in found, f"skill.broader[{index}]", "names no known skill")
    violations.raise_if_any()
    result = await tx.run(PARENTS_BELOW, {"parents": list(skill.broader), "id": skill.id})
    record = await result.single()
    below = set(record["below"]) if record else set()
    for index, parent in enumerate(skill.broader):
        violations.check(
            parent not in below, f"skill.broader[{index}]", "would make a broader cycle"
        )
    violations.raise_if_any()
    params = {"id": skill.id, **_skill_properties(skill), "broader": list(skill.broader)}
    await run_statement(tx, WRITE_SKILL, params)


async def _relate_skills(
    tx: AsyncManagedTransaction, skill_id: str, related_skill_id: str, similarity: float
) -> None:
    found = await found_skills(tx, [skill_id, related_skill_id])
    for identifier in (skill_id, related_skill_id):
        if identifier not in found:
            raise NotFound.of("skill", identifier)
    params = {"a": skill_id, "b": related_skill_id, "similarity": similarity}
    await run_statement(tx, RELATE_SKILLS, params)
