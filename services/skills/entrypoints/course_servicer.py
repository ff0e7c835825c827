"""The training catalogue's RPCs, served beside the rest of SkillsService."""

from __future__ import annotations

import grpc

from lps.skills.v1 import skills_pb2
from services.skills.domain.courses import Course, CourseKind, CourseRun
from services.skills.entrypoints import mapping
from services.skills.entrypoints.servicer import SkillsServicer
from services.skills.service.courses import CourseService
from services.skills.service.use_cases import SkillsService

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


class CatalogueServicer(SkillsServicer):
    def __init__(self, service: SkillsService, courses: CourseService) -> None:
        super().__init__(service)
        self.courses = courses

    async def UpsertCourse(  # noqa: N802
        self, request: skills_pb2.UpsertCourseRequest, context: grpc.aio.ServicerContext
    ) -> skills_pb2.Course:
        course = await self.courses.upsert_course(course_of(request.course), request.actor)
        return course_message(course)

    async def GetCourse(  # noqa: N802
        self, request: skills_pb2.GetCourseRequest, context: grpc.aio.ServicerContext
    ) -> skills_pb2.Course:
        return course_message(await self.courses.get_course(request.id))

    async def ListCourses(  # noqa: N802
        self, request: skills_pb2.ListCoursesRequest, context: grpc.aio.ServicerContext
    ) -> skills_pb2.ListCoursesResponse:
        page = await self.courses.list_courses(
            request.skill_id, request.page_size, request.page_token
        )
        return skills_pb2.ListCoursesResponse(
            courses=[course_message(c) for c in page.items], next_page_token=page.next_page_token
        )

    async def DeleteCourse(  # noqa: N802
        self, request: skills_pb2.DeleteCourseRequest, context: grpc.aio.ServicerContext
    ) -> skills_pb2.DeleteCourseResponse:
        await self.courses.delete_course(request.id, exact_id=request.exact_id)
        return skills_pb2.DeleteCourseResponse()

    async def ImportCourses(  # noqa: N802
        self, request: skills_pb2.ImportCoursesRequest, context: grpc.aio.ServicerContext
    ) -> skills_pb2.ImportSummary:
        summary = await self.courses.import_courses(
            [course_of(c) for c in request.courses], request.actor
        )
        return mapping.import_summary_message(summary)
