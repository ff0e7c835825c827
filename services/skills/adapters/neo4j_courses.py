"""The training catalogue in Neo4j.

(:Course {id, title, kind, skill_id, from_level, to_level, cost, duration_days,
          capacity_per_run, run_starts, run_ends, provider, description,
          updated_by, updated_at})-[:DEVELOPS]->(:Skill)

Runs are two parallel lists of ISO dates (start, end), read and written whole
with the course. `skill_id` is kept on the node as well so that listing by
skill is an index lookup.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, LiteralString

from neo4j import AsyncManagedTransaction

from services.common.errors import NotFound
from services.skills.adapters.neo4j_graph import EXISTING_SKILLS, Neo4jGraph
from services.skills.domain.courses import Course, CourseRun

COURSE_SCHEMA: tuple[LiteralString, ...] = (
    "CREATE CONSTRAINT course_id IF NOT EXISTS FOR (c:Course) REQUIRE c.id IS UNIQUE",
    "CREATE INDEX course_skill IF NOT EXISTS FOR (c:Course) ON (c.skill_id)",
)

# The skill edge follows the course's skill: an old DEVELOPS edge to another skill goes.
UPSERT_COURSES: LiteralString = """
UNWIND $rows AS row
MATCH (s:Skill {id: row.skill_id})
MERGE (c:Course {id: row.id})
SET c += row.properties
WITH c, s
OPTIONAL MATCH (c)-[d:DEVELOPS]->(old:Skill)
WHERE old.id <> s.id
DELETE d
WITH DISTINCT c, s
MERGE (c)-[:DEVELOPS]->(s)
"""

COURSE_BY_ID: LiteralString = "MATCH (c:Course {id: $id}) RETURN c {.*} AS course"

DELETE_COURSE: LiteralString = "MATCH (c:Course {id: $id}) DETACH DELETE c"

LIST_COURSES: LiteralString = """
MATCH (c:Course)
WHERE c.id > $after AND ($skill_id = '' OR c.skill_id = $skill_id)
RETURN c {.*} AS course
ORDER BY c.id
LIMIT $limit
"""


def _properties(course: Course, actor: str, at: str) -> dict[str, Any]:
    return {
        "title": course.title,
        "kind": course.kind,
        "skill_id": course.skill_id,
        "from_level": course.from_level,
        "to_level": course.to_level,
        "cost": course.cost,
        "duration_days": course.duration_days,
        "capacity_per_run": course.capacity_per_run,
        "run_starts": [run.start for run in course.runs],
        "run_ends": [run.end for run in course.runs],
        "provider": course.provider,
        "description": course.description,
        "updated_by": actor,
        "updated_at": at,
    }


def _row(course: Course, actor: str, at: str) -> dict[str, Any]:
    return {
        "id": course.id,
        "skill_id": course.skill_id,
        "properties": _properties(course, actor, at),
    }


def course_of(properties: dict[str, Any]) -> Course:
    starts = properties.get("run_starts") or []
    ends = properties.get("run_ends") or []
    return Course(
        id=properties["id"],
        title=properties.get("title", ""),
        kind=properties.get("kind", "course"),
        skill_id=properties.get("skill_id", ""),
        from_level=int(properties.get("from_level", 0)),
        to_level=int(properties.get("to_level", 0)),
        cost=float(properties.get("cost", 0.0)),
        duration_days=float(properties.get("duration_days", 0.0)),
        capacity_per_run=int(properties.get("capacity_per_run", 0)),
        runs=tuple(CourseRun(s, e) for s, e in zip(starts, ends, strict=False)),
        provider=properties.get("provider", ""),
        description=properties.get("description", ""),
    )


class Neo4jCourseRepository:
    def __init__(self, graph: Neo4jGraph) -> None:
        self.graph = graph

    async def prepare(self) -> None:
        await self.graph.create_schema(COURSE_SCHEMA)

    async def existing_skill_ids(self, skill_ids: Sequence[str]) -> set[str]:
        records = await self.graph.read(EXISTING_SKILLS, {"ids": sorted(set(skill_ids))})
        return set(records[0]["found"]) if records else set()

    async def upsert_courses(self, courses: Sequence[Course], actor: str, at: str) -> int:
        """Writes the courses whose skill exists (the caller checked); returns how many."""
        rows = [_row(course, actor, at) for course in courses]
        written: int = await self.graph.write(_upsert, rows)
        return written

    async def get_course(self, course_id: str) -> Course:
        records = await self.graph.read(COURSE_BY_ID, {"id": course_id})
        if not records:
            raise NotFound.of("course", course_id)
        return course_of(records[0]["course"])

    async def list_courses(self, skill_id: str, after_id: str, limit: int) -> list[Course]:
        params = {"skill_id": skill_id, "after": after_id, "limit": limit}
        records = await self.graph.read(LIST_COURSES, params)
        return [course_of(r["course"]) for r in records]

    async def delete_course(self, course_id: str) -> None:
        deleted: int = await self.graph.write(_delete, course_id)
        if not deleted:
            raise NotFound.of("course", course_id)


# Transaction functions: each is idempotent, as the driver may run it again.


async def _upsert(tx: AsyncManagedTransaction, rows: list[dict[str, Any]]) -> int:
    await (await tx.run(UPSERT_COURSES, {"rows": rows})).consume()
    return len(rows)


async def _delete(tx: AsyncManagedTransaction, course_id: str) -> int:
    summary = await (await tx.run(DELETE_COURSE, {"id": course_id})).consume()
    return int(summary.counters.nodes_deleted)
