"""The training catalogue: courses and other development (mentoring,
shadowing, secondment), each raising one skill from one level to another.

Dates are ISO strings, as elsewhere in the skills domain."""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from services.common.errors import Violations
from services.skills.domain.model import MAX_LEVEL
from services.skills.domain.validation import (
    MAX_LIST_ITEMS,
    check_date,
    check_id,
    check_text,
)

# A year of working days: longer development is a change of job, not training.
MAX_DURATION_DAYS = 260.0
MAX_CAPACITY = 100_000
MAX_COST = 1_000_000_000.0


class CourseKind(StrEnum):
    COURSE = "course"
    MENTORING = "mentoring"
    SHADOWING = "shadowing"
    SECONDMENT = "secondment"


COURSE_KINDS = frozenset(k.value for k in CourseKind)


@dataclass(frozen=True)
class CourseRun:
    start: str
    end: str


@dataclass(frozen=True)
class Course:
    id: str
    title: str
    skill_id: str
    to_level: int
    kind: str = CourseKind.COURSE
    # 0: open to someone who does not hold the skill at all.
    from_level: int = 0
    cost: float = 0.0
    duration_days: float = 1.0
    # 0: no limit.
    capacity_per_run: int = 0
    # Empty: available on demand.
    runs: tuple[CourseRun, ...] = ()
    provider: str = ""
    description: str = ""


def _finite(value: float) -> bool:
    return math.isfinite(value)


def check_course(violations: Violations, course: Course, prefix: str = "course") -> None:
    check_id(violations, course.id, f"{prefix}.id")
    check_text(violations, course.title, f"{prefix}.title", required=True)
    violations.check(
        course.kind in COURSE_KINDS,
        f"{prefix}.kind",
        "must be one of " + ", ".join(sorted(COURSE_KINDS)),
    )
    check_id(violations, course.skill_id, f"{prefix}.skill_id")
    violations.check(
        0 <= course.from_level < MAX_LEVEL,
        f"{prefix}.from_level",
        f"must be between 0 and {MAX_LEVEL - 1}",
    )
    violations.check(
        1 <= course.to_level <= MAX_LEVEL,
        f"{prefix}.to_level",
        f"must be between 1 and {MAX_LEVEL}",
    )
    if 0 <= course.from_level < MAX_LEVEL and 1 <= course.to_level <= MAX_LEVEL:
        violations.check(
            course.to_level > course.from_level, f"{prefix}.to_level", "must be above from_level"
        )
    violations.check(
        _finite(course.cost) and 0.0 <= course.cost <= MAX_COST,
        f"{prefix}.cost",
        f"must be between 0 and {MAX_COST:g}",
    )
    violations.check(
        _finite(course.duration_days) and 0.0 < course.duration_days <= MAX_DURATION_DAYS,
        f"{prefix}.duration_days",
        f"must be more than 0 and at most {MAX_DURATION_DAYS:g}",
    )
    violations.check(
        0 <= course.capacity_per_run <= MAX_CAPACITY,
        f"{prefix}.capacity_per_run",
        f"must be between 0 (no limit) and {MAX_CAPACITY}",
    )
    violations.check(len(course.runs) <= MAX_LIST_ITEMS, f"{prefix}.runs", "too many runs")
    for index, run in enumerate(course.runs[:MAX_LIST_ITEMS]):
        where = f"{prefix}.runs[{index}]"
        before = len(violations.items)
        violations.check(bool(run.start), f"{where}.start", "is required")
        violations.check(bool(run.end), f"{where}.end", "is required")
        check_date(violations, run.start, f"{where}.start")
        check_date(violations, run.end, f"{where}.end")
        if len(violations.items) == before and run.end < run.start:
            violations.add(f"{where}.end", "must not be before start")
    check_text(violations, course.provider, f"{prefix}.provider")
    check_text(violations, course.description, f"{prefix}.description")


def validate_course(course: Course, actor: str = "") -> None:
    violations = Violations()
    check_course(violations, course)
    check_text(violations, actor, "actor")
    violations.raise_if_any()


def course_errors(course: Course) -> list[tuple[str, str]]:
    """The (field, reason) pairs that make an imported course bad; empty when it is good."""
    violations = Violations()
    check_course(violations, course)
    return [(v.field, v.message) for v in violations.items]
