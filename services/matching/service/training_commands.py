"""Training-plan commands as the use cases take them, and the rules a command
must keep (every field at fault named at once)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from services.common.errors import Violations
from services.matching.domain.training import Course

DEFAULT_AVAILABLE_DAYS = 10.0
MAX_AVAILABLE_DAYS = 260.0
MAX_COURSE_IDS = 10_000
MAX_NOTE_CHARS = 2_000


@dataclass(frozen=True)
class PlanCommand:
    outcome_ids: tuple[str, ...]
    budget: float
    deadline: str
    time_limit_s: float = 0.0
    default_available_days: float = 0.0
    available_days: Mapping[str, float] = field(default_factory=dict)
    course_ids: tuple[str, ...] = ()
    actor: str = ""


@dataclass(frozen=True)
class CompletionCommand:
    plan_id: str
    person_id: str
    course_id: str
    completed_on: str = ""
    note: str = ""
    actor: str = ""


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None


def validate_plan_command(command: PlanCommand, today: date) -> date:
    """The deadline, once every field of the command is known good."""
    violations = Violations()
    violations.check(
        math.isfinite(command.budget) and command.budget >= 0, "budget", "must be zero or more"
    )
    deadline = _day(command.deadline)
    if not command.deadline:
        violations.add("deadline", "is required (YYYY-MM-DD)")
    elif deadline is None:
        violations.add("deadline", "must be an ISO date YYYY-MM-DD")
    elif deadline is not None and deadline < today:
        violations.add("deadline", f"must not be before today ({today.isoformat()})")
    violations.check(
        math.isfinite(command.time_limit_s) and command.time_limit_s >= 0,
        "options.time_limit_s",
        "must not be negative",
    )
    violations.check(
        math.isfinite(command.default_available_days)
        and 0 <= command.default_available_days <= MAX_AVAILABLE_DAYS,
        "options.default_available_days",
        f"must be between 0 and {MAX_AVAILABLE_DAYS:g}",
    )
    for person_id, days in command.available_days.items():
        where = f"options.available_days[{person_id}]"
        violations.check(bool(person_id.strip()), where, "names no person")
        violations.check(
            math.isfinite(days) and 0 <= days <= MAX_AVAILABLE_DAYS,
            where,
            f"must be between 0 and {MAX_AVAILABLE_DAYS:g}",
        )
    violations.check(
        len(command.course_ids) <= MAX_COURSE_IDS, "options.course_ids", "too many courses"
    )
    for index, outcome_id in enumerate(command.outcome_ids):
        violations.check(bool(outcome_id.strip()), f"outcome_ids[{index}]", "must not be empty")
    violations.raise_if_any()
    return deadline or today


def chosen_courses(catalogue: Sequence[Course], course_ids: Sequence[str]) -> list[Course]:
    """The courses a command names (all of the catalogue when it names none)."""
    if not course_ids:
        return list(catalogue)
    known = {course.id for course in catalogue}
    violations = Violations()
    for index, course_id in enumerate(course_ids):
        violations.check(
            course_id in known, f"options.course_ids[{index}]", "names no known course"
        )
    violations.raise_if_any()
    chosen = set(course_ids)
    return [course for course in catalogue if course.id in chosen]


def validate_completion(command: CompletionCommand, today: date) -> date:
    """The day the course was completed (today when not given)."""
    violations = Violations()
    for name in ("plan_id", "person_id", "course_id"):
        violations.check(bool(getattr(command, name).strip()), name, "is required")
    on = today
    if command.completed_on:
        parsed = _day(command.completed_on)
        if parsed is None:
            violations.add("completed_on", "must be an ISO date YYYY-MM-DD")
        elif parsed > today:
            violations.add("completed_on", "must not be in the future")
        else:
            on = parsed
    violations.check(
        len(command.note) <= MAX_NOTE_CHARS,
        "note",
        f"must be at most {MAX_NOTE_CHARS} characters",
    )
    violations.raise_if_any()
    return on
