"""Use cases of the training catalogue: validate, check the skill exists, store."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from services.common.errors import InvalidArgument, Violations
from services.common.page_tokens import decode_page_token, encode_page_token
from services.skills.domain.courses import Course, course_errors, validate_course
from services.skills.domain.model import ImportSummary, Page, RowError
from services.skills.domain.validation import (
    check_optional_id,
    page_size_of,
    require_id,
    require_stored_id,
)
from services.skills.service.ports import CourseRepository

IMPORT_BATCH_COURSES = 1_000
MAX_IMPORT_COURSES = 100_000


class CourseService:
    def __init__(
        self, repository: CourseRepository, now: Callable[[], datetime] | None = None
    ) -> None:
        self.repository = repository
        self.now = now or (lambda: datetime.now().astimezone())

    def _timestamp(self) -> str:
        return self.now().isoformat(timespec="microseconds")

    async def prepare(self) -> None:
        await self.repository.prepare()

    async def upsert_course(self, course: Course, actor: str = "") -> Course:
        validate_course(course, actor)
        if course.skill_id not in await self.repository.existing_skill_ids([course.skill_id]):
            raise InvalidArgument.of("course.skill_id", "names no known skill")
        await self.repository.upsert_courses([course], actor, self._timestamp())
        return await self.repository.get_course(course.id)

    async def get_course(self, course_id: str) -> Course:
        require_id(course_id, "id")
        return await self.repository.get_course(course_id)

    async def list_courses(self, skill_id: str, page_size: int, page_token: str) -> Page[Course]:
        violations = Violations()
        check_optional_id(violations, skill_id, "skill_id")
        violations.raise_if_any()
        size = page_size_of(page_size)
        after = decode_page_token(page_token)
        courses = await self.repository.list_courses(skill_id, after, size + 1)
        token = encode_page_token(courses[size - 1].id) if len(courses) > size else ""
        return Page(courses[:size], token)

    async def delete_course(self, course_id: str, exact_id: bool = False) -> None:
        """`exact_id` takes the id as stored, even one the id rule refuses."""
        if exact_id:
            require_stored_id(course_id, "id")
        else:
            require_id(course_id, "id")
        await self.repository.delete_course(course_id)

    async def import_courses(self, courses: Sequence[Course], actor: str = "") -> ImportSummary:
        """Each bad course (invalid, unknown skill, an id given twice) is reported
        by its 1-based position and left out; the good ones are written in batches."""
        if len(courses) > MAX_IMPORT_COURSES:
            raise InvalidArgument.of("courses", f"at most {MAX_IMPORT_COURSES} in one import")
        summary = ImportSummary()
        known = await self.repository.existing_skill_ids([c.skill_id for c in courses])
        seen: dict[str, int] = {}
        good: list[Course] = []
        for number, course in enumerate(courses, start=1):
            problems = course_errors(course)
            if course.skill_id and course.skill_id not in known:
                problems.append(("course.skill_id", "names no known skill"))
            earlier = seen.get(course.id)
            if earlier is not None:
                problems.append(("course.id", f"already given in row {earlier}"))
            if problems:
                summary.rejected += 1
                summary.errors.extend(
                    RowError(number, course.id[:200], field, reason) for field, reason in problems
                )
                continue
            seen[course.id] = number
            good.append(course)
        at = self._timestamp()
        for start in range(0, len(good), IMPORT_BATCH_COURSES):
            summary.accepted += await self.repository.upsert_courses(
                good[start : start + IMPORT_BATCH_COURSES], actor, at
            )
        return summary
