"""Courses between proto messages and the domain."""

from __future__ import annotations

from lps.skills.v1 import skills_pb2
from services.skills.domain.courses import Course, CourseKind, CourseRun

KIND_OF_PROTO: dict[int, str] = {
    skills_pb2.DEVELOPMENT_KIND_COURSE: CourseKind.COURSE,
    skills_pb2.DEVELOPMENT_KIND_MENTORING: CourseKind.MENTORING,
    skills_pb2.DEVELOPMENT_KIND_SHADOWING: CourseKind.SHADOWING,
    skills_pb2.DEVELOPMENT_KIND_SECONDMENT: CourseKind.SECONDMENT,
}
PROTO_OF_KIND: dict[str, int] = {v: k for k, v in KIND_OF_PROTO.items()}


def course_of(message: skills_pb2.Course) -> Course:
    """An unspecified kind is a course; an unknown number becomes text validation refuses."""
    if message.kind == skills_pb2.DEVELOPMENT_KIND_UNSPECIFIED:
        kind: str = CourseKind.COURSE
    else:
        kind = KIND_OF_PROTO.get(message.kind, f"unknown kind {message.kind}")
    return Course(
        id=message.id,
        title=message.title,
        kind=kind,
        skill_id=message.skill_id,
        from_level=message.from_level,
        to_level=message.to_level,
        cost=message.cost,
        duration_days=message.duration_days,
        capacity_per_run=message.capacity_per_run,
        runs=tuple(CourseRun(run.start, run.end) for run in message.runs),
        provider=message.provider,
        description=message.description,
    )


def course_message(course: Course) -> skills_pb2.Course:
    return skills_pb2.Course(
        id=course.id,
        title=course.title,
        kind=PROTO_OF_KIND.get(course.kind, skills_pb2.DEVELOPMENT_KIND_UNSPECIFIED),  # type: ignore[arg-type]
        skill_id=course.skill_id,
        from_level=course.from_level,
        to_level=course.to_level,
        cost=course.cost,
        duration_days=course.duration_days,
        capacity_per_run=course.capacity_per_run,
        runs=[skills_pb2.CourseRun(start=run.start, end=run.end) for run in course.runs],
        provider=course.provider,
        description=course.description,
    )
