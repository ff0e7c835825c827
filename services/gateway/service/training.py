"""Training catalogue imports and training-plan exports."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol

from lps.matching.v1 import matching_pb2
from lps.skills.v1 import skills_pb2
from services.gateway.adapters.enums import COURSE_KIND_TO_PROTO
from services.gateway.domain.courses_csv import (
    COURSE_COLUMNS,
    CourseFields,
    parse_courses_csv,
)
from services.gateway.domain.csv_safety import csv_lines
from services.gateway.domain.csv_text import DELIMITER_NAMES, UTF8, detect_delimiter
from services.gateway.domain.imports import ImportReport, LineProblem, StreamSummary

PLAN_COLUMNS = (
    "section",
    "person_id",
    "name",
    "course_id",
    "course_title",
    "skill_id",
    "from_level",
    "to_level",
    "run_start",
    "run_end",
    "cost",
    "completed_on",
    "outcome_id",
    "role_id",
    "count",
    "detail",
)


class CourseImporter(Protocol):
    async def import_courses(
        self, courses: Sequence[skills_pb2.Course], actor: str
    ) -> StreamSummary: ...


def course_message(course: CourseFields) -> skills_pb2.Course:
    return skills_pb2.Course(
        id=course.id,
        title=course.title,
        kind=COURSE_KIND_TO_PROTO[course.kind],  # type: ignore[arg-type]
        skill_id=course.skill_id,
        from_level=course.from_level,
        to_level=course.to_level,
        cost=course.cost,
        duration_days=course.duration_days,
        capacity_per_run=course.capacity_per_run,
        runs=[
            skills_pb2.CourseRun(start=run.start.isoformat(), end=run.end.isoformat())
            for run in course.runs
        ],
        provider=course.provider,
        description=course.description,
    )


async def import_courses_csv(
    importer: CourseImporter, text: str, actor: str, encoding: str = UTF8
) -> ImportReport:
    delimiter = detect_delimiter(text, COURSE_COLUMNS)
    parsed = parse_courses_csv(text, delimiter)
    problems = [LineProblem(p.line, p.id, p.field, p.reason) for p in parsed.problems]
    summary = StreamSummary(accepted=0, rejected=0)
    if parsed.courses:
        summary = await importer.import_courses(
            [course_message(course) for _, course in parsed.courses], actor
        )
    for failure in summary.failures:
        position = failure.position
        line = parsed.courses[position - 1][0] if 1 <= position <= len(parsed.courses) else 0
        problems.append(
            LineProblem(line, failure.id, failure.field.removeprefix("course."), failure.reason)
        )
    rows_read = len(parsed.courses) + len({p.line for p in parsed.problems})
    return ImportReport.of_stream(
        "courses", rows_read, summary, problems, encoding, DELIMITER_NAMES[delimiter]
    )


def plan_rows(plan: matching_pb2.TrainingPlan) -> Iterator[list[object]]:
    """One table: enrolments, then the places the plan makes fillable, then the
    demand it leaves open; a section column tells them apart."""
    for person in plan.people:
        for e in person.enrolments:
            yield _plan_row(
                "enrolment",
                person_id=person.person_id,
                name=person.name,
                course_id=e.course_id,
                course_title=e.course_title,
                skill_id=e.skill_id,
                from_level=e.from_level,
                to_level=e.to_level,
                run_start=e.run_start,
                run_end=e.run_end,
                cost=f"{e.cost:.2f}",
                completed_on=e.completed_on,
            )
    names = {person.person_id: person.name for person in plan.people}
    for place in plan.fillable:
        yield _plan_row(
            "fillable",
            person_id=place.person_id,
            name=names.get(place.person_id, ""),
            outcome_id=place.outcome_id,
            role_id=place.role_id,
            count=1,
            detail=f"fit {place.fit_before:.2f} -> {place.fit_after:.2f}",
        )
    for unmet in plan.unmet:
        yield _plan_row(
            "unmet",
            skill_id=unmet.subject_id if unmet.kind == "coverage" else "",
            outcome_id=unmet.outcome_id,
            role_id=unmet.subject_id if unmet.kind == "place" else "",
            count=unmet.count,
            detail=unmet.reason,
        )


def _plan_row(section: str, **cells: object) -> list[object]:
    """A row of PLAN_COLUMNS: the cells given by column name, the others empty."""
    unknown = cells.keys() - set(PLAN_COLUMNS)
    assert not unknown, f"not plan columns: {sorted(unknown)}"
    return [section, *(cells.get(column, "") for column in PLAN_COLUMNS[1:])]


def plan_csv(plan: matching_pb2.TrainingPlan) -> Iterator[str]:
    yield from csv_lines(PLAN_COLUMNS, plan_rows(plan))
