"""The training catalogue RPCs on the real Neo4j: upsert, get, list, delete, import."""

from __future__ import annotations

from typing import Any

import grpc
import pytest
from neo4j import AsyncDriver

from lps.skills.v1 import skills_pb2, skills_pb2_grpc
from services.common.grpc_errors import field_violations_of
from tests.integration.skills.support import TIMEOUT_S, count

pytestmark = [pytest.mark.neo4j, pytest.mark.integration]


def course(course_id: str = "c1", **fields: Any) -> skills_pb2.Course:
    values: dict[str, Any] = {
        "id": course_id,
        "title": f"Course {course_id}",
        "kind": skills_pb2.DEVELOPMENT_KIND_COURSE,
        "skill_id": "storytelling",
        "from_level": 1,
        "to_level": 3,
        "cost": 400.0,
        "duration_days": 3,
        "capacity_per_run": 12,
        "runs": [skills_pb2.CourseRun(start="2027-01-10", end="2027-01-20")],
        "provider": "Ashbridge College",
    }
    values.update(fields)
    return skills_pb2.Course(**values)


async def upsert(
    skills: skills_pb2_grpc.SkillsServiceStub, message: skills_pb2.Course
) -> skills_pb2.Course:
    reply: skills_pb2.Course = await skills.UpsertCourse(
        skills_pb2.UpsertCourseRequest(course=message, actor="hr"), timeout=TIMEOUT_S
    )
    return reply


async def seed_skill(skills: skills_pb2_grpc.SkillsServiceStub, skill_id: str) -> None:
    await skills.UpsertSkill(
        skills_pb2.UpsertSkillRequest(skill=skills_pb2.Skill(id=skill_id, label=skill_id)),
        timeout=TIMEOUT_S,
    )


async def test_upsert_get_list_and_delete(
    skills: skills_pb2_grpc.SkillsServiceStub, driver: AsyncDriver
) -> None:
    await seed_skill(skills, "storytelling")
    await seed_skill(skills, "listening")
    stored = await upsert(skills, course("c1", kind=skills_pb2.DEVELOPMENT_KIND_MENTORING))
    assert stored.kind == skills_pb2.DEVELOPMENT_KIND_MENTORING
    assert [(r.start, r.end) for r in stored.runs] == [("2027-01-10", "2027-01-20")]
    await upsert(skills, course("c2", skill_id="listening", from_level=0, to_level=2, runs=[]))
    # Replacing a course moves its DEVELOPS edge with its skill.
    await upsert(skills, course("c1", skill_id="listening"))
    assert (
        await count(driver, "MATCH (:Course {id: 'c1'})-[:DEVELOPS]->(s:Skill) RETURN count(s)")
        == 1
    )
    assert (
        await count(
            driver,
            "MATCH (:Course {id: 'c1'})-[:DEVELOPS]->(:Skill {id: 'listening'}) RETURN count(*)",
        )
        == 1
    )

    fetched = await skills.GetCourse(skills_pb2.GetCourseRequest(id="c2"), timeout=TIMEOUT_S)
    assert (fetched.from_level, fetched.to_level, list(fetched.runs)) == (0, 2, [])

    first = await skills.ListCourses(skills_pb2.ListCoursesRequest(page_size=1), timeout=TIMEOUT_S)
    assert [c.id for c in first.courses] == ["c1"]
    second = await skills.ListCourses(
        skills_pb2.ListCoursesRequest(page_size=1, page_token=first.next_page_token),
        timeout=TIMEOUT_S,
    )
    assert [c.id for c in second.courses] == ["c2"] and not second.next_page_token
    by_skill = await skills.ListCourses(
        skills_pb2.ListCoursesRequest(skill_id="storytelling"), timeout=TIMEOUT_S
    )
    assert list(by_skill.courses) == []

    await skills.DeleteCourse(skills_pb2.DeleteCourseRequest(id="c1"), timeout=TIMEOUT_S)
    with pytest.raises(grpc.aio.AioRpcError) as missing:
        await skills.GetCourse(skills_pb2.GetCourseRequest(id="c1"), timeout=TIMEOUT_S)
    assert missing.value.code() == grpc.StatusCode.NOT_FOUND
    with pytest.raises(grpc.aio.AioRpcError) as again:
        await skills.DeleteCourse(skills_pb2.DeleteCourseRequest(id="c1"), timeout=TIMEOUT_S)
    assert again.value.code() == grpc.StatusCode.NOT_FOUND
    # The skill stays: deleting a course removes only the course.
    assert await count(driver, "MATCH (s:Skill {id: 'listening'}) RETURN count(s)") == 1


async def test_invalid_course_names_every_field(
    skills: skills_pb2_grpc.SkillsServiceStub,
) -> None:
    await seed_skill(skills, "storytelling")
    bad = course(
        "c1",
        title="",
        from_level=3,
        to_level=2,
        cost=-1,
        duration_days=0,
        capacity_per_run=-2,
        runs=[skills_pb2.CourseRun(start="2027-02-01", end="2027-01-01")],
    )
    with pytest.raises(grpc.aio.AioRpcError) as error:
        await upsert(skills, bad)
    assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    fields = {v.field for v in field_violations_of(error.value)}
    assert fields == {
        "course.title",
        "course.to_level",
        "course.cost",
        "course.duration_days",
        "course.capacity_per_run",
        "course.runs[0].end",
    }


async def test_course_on_unknown_skill_is_refused(
    skills: skills_pb2_grpc.SkillsServiceStub, driver: AsyncDriver
) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as error:
        await upsert(skills, course("c1", skill_id="no-such-skill"))
    assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert [v.field for v in field_violations_of(error.value)] == ["course.skill_id"]
    assert await count(driver, "MATCH (c:Course) RETURN count(c)") == 0


async def test_import_keeps_good_courses_and_reports_bad_ones(
    skills: skills_pb2_grpc.SkillsServiceStub, driver: AsyncDriver
) -> None:
    await seed_skill(skills, "storytelling")
    summary = await skills.ImportCourses(
        skills_pb2.ImportCoursesRequest(
            courses=[
                course("a"),
                course("b", skill_id="unknown"),
                course("c", to_level=9),
                course("a", title="again"),
                course("d", runs=[]),
            ],
            actor="hr",
        ),
        timeout=TIMEOUT_S,
    )
    assert (summary.accepted, summary.rejected) == (2, 3)
    assert [(e.row, e.field) for e in summary.errors] == [
        (2, "course.skill_id"),
        (3, "course.to_level"),
        (4, "course.id"),
    ]
    assert await count(driver, "MATCH (c:Course)-[:DEVELOPS]->(:Skill) RETURN count(c)") == 2
    kept = await skills.GetCourse(skills_pb2.GetCourseRequest(id="a"), timeout=TIMEOUT_S)
    assert kept.title == "Course a"
