"""The RPCs of the training catalogue."""

from __future__ import annotations

from lps.skills.v1 import skills_pb2
from services.skills.entrypoints import mapping
from services.skills.entrypoints.course_mapping import course_message, course_of
from services.skills.service.courses import CourseService


class CourseRpcs:
    def __init__(self, courses: CourseService) -> None:
        self.courses = courses

    async def upsert_course(self, request: skills_pb2.UpsertCourseRequest) -> skills_pb2.Course:
        course = await self.courses.upsert_course(course_of(request.course), request.actor)
        return course_message(course)

    async def get_course(self, request: skills_pb2.GetCourseRequest) -> skills_pb2.Course:
        return course_message(await self.courses.get_course(request.id))

    async def list_courses(
        self, request: skills_pb2.ListCoursesRequest
    ) -> skills_pb2.ListCoursesResponse:
        page = await self.courses.list_courses(
            request.skill_id, request.page_size, request.page_token
        )
        return skills_pb2.ListCoursesResponse(
            courses=[course_message(c) for c in page.items], next_page_token=page.next_page_token
        )

    async def delete_course(
        self, request: skills_pb2.DeleteCourseRequest
    ) -> skills_pb2.DeleteCourseResponse:
        await self.courses.delete_course(request.id, exact_id=request.exact_id)
        return skills_pb2.DeleteCourseResponse()

    async def import_courses(
        self, request: skills_pb2.ImportCoursesRequest
    ) -> skills_pb2.ImportSummary:
        summary = await self.courses.import_courses(
            [course_of(c) for c in request.courses], request.actor
        )
        return mapping.import_summary_message(summary)
