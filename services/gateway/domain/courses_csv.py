"""The training catalogue as a CSV file: one row per course.

A bad row is reported by its line in the file and left out; the other rows
are kept. Runs are written `start/end` with ISO dates, several separated by
semicolons: `2027-01-10/2027-01-12;2027-03-01/2027-03-03`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from services.common.identifiers import MAX_ID_CHARS
from services.gateway.domain.csv_rows import RowProblem, RowReader, column_positions, csv_records
from services.gateway.domain.vocabulary import MAX_LEVEL

COURSE_COLUMNS = (
    "id",
    "title",
    "kind",
    "skill_id",
    "from_level",
    "to_level",
    "cost",
    "duration_days",
    "capacity_per_run",
    "runs",
    "provider",
    "description",
)
REQUIRED_COLUMNS = ("id", "title", "skill_id", "to_level")


class CourseKind(StrEnum):
    COURSE = "course"
    MENTORING = "mentoring"
    SHADOWING = "shadowing"
    SECONDMENT = "secondment"


@dataclass(frozen=True)
class CourseRun:
    start: date
    end: date


@dataclass(frozen=True)
class CourseFields:
    id: str
    title: str
    kind: CourseKind
    skill_id: str
    from_level: int
    to_level: int
    cost: float
    duration_days: float
    capacity_per_run: int
    runs: tuple[CourseRun, ...]
    provider: str
    description: str


@dataclass(frozen=True)
class CoursesImport:
    # (line, course) in file order.
    courses: list[tuple[int, CourseFields]]
    problems: list[RowProblem]


def format_runs(runs: tuple[CourseRun, ...]) -> str:
    return ";".join(f"{r.start.isoformat()}/{r.end.isoformat()}" for r in runs)


def parse_courses_csv(text: str, delimiter: str = ",") -> CoursesImport:
    records = csv_records(text, delimiter)
    _, header = next(records, (1, []))
    columns = column_positions(header, COURSE_COLUMNS, REQUIRED_COLUMNS)
    courses: list[tuple[int, CourseFields]] = []
    problems: list[RowProblem] = []
    seen: dict[str, int] = {}
    for line, cells in records:
        row = RowReader.of_record(line, cells, columns, len(header))
        if row is None:
            continue
        course = _read_course(row)
        earlier = seen.get(row.raw("id"))
        if earlier is not None:
            row.fail("id", f"repeats the course given on line {earlier}")
        if row.problems or course is None:
            problems.extend(
                RowProblem(line, row.raw("id")[:MAX_ID_CHARS], column, reason)
                for column, reason in row.problems
            )
            continue
        seen[course.id] = line
        courses.append((line, course))
    return CoursesImport(courses=courses, problems=problems)


def _runs(row: RowReader) -> tuple[CourseRun, ...]:
    runs: list[CourseRun] = []
    for part in filter(None, (piece.strip() for piece in row.text("runs").split(";"))):
        start_text, separator, end_text = part.partition("/")
        if not separator:
            row.fail("runs", f"{part!r} is not start/end (YYYY-MM-DD/YYYY-MM-DD)")
            continue
        start = row.day("runs", start_text.strip())
        end = row.day("runs", end_text.strip())
        if start is None or end is None:
            if start is None and end is None:
                row.fail("runs", f"{part!r} lacks its dates")
            continue
        if end < start:
            row.fail("runs", f"{part!r} ends before it starts")
            continue
        runs.append(CourseRun(start, end))
    return tuple(runs)


def _read_course(row: RowReader) -> CourseFields | None:
    course_id = row.identifier("id")
    title = row.text("title")
    if not title:
        row.fail("title", "is required")
    skill_id = row.identifier("skill_id")
    kind_text = row.text("kind").lower() or CourseKind.COURSE.value
    kind = CourseKind.COURSE
    try:
        kind = CourseKind(kind_text)
    except ValueError:
        allowed = ", ".join(k.value for k in CourseKind)
        row.fail("kind", f"{kind_text!r} is not one of {allowed}")
    from_level = row.whole("from_level", 0, 0, MAX_LEVEL - 1)
    if not row.text("to_level"):
        row.fail("to_level", "is required")
    to_level = row.whole("to_level", 0, 1, MAX_LEVEL)
    if to_level and to_level <= from_level:
        row.fail("to_level", "must be above from_level")
    cost = row.number("cost", 0.0, 0.0, None)
    duration = row.number("duration_days", 1.0, 0.0, 260.0)
    if row.text("duration_days") and duration <= 0:
        row.fail("duration_days", "must be more than 0")
    capacity = row.whole("capacity_per_run", 0, 0, 100_000)
    runs = _runs(row)
    if row.problems:
        return None
    return CourseFields(
        id=course_id,
        title=title,
        kind=kind,
        skill_id=skill_id,
        from_level=from_level,
        to_level=to_level,
        cost=cost,
        duration_days=duration,
        capacity_per_run=capacity,
        runs=runs,
        provider=row.text("provider"),
        description=row.text("description"),
    )
