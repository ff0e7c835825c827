"""The training catalogue and the role requirements courses are weighed against."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class CourseKind(StrEnum):
    COURSE = "course"
    MENTORING = "mentoring"
    SHADOWING = "shadowing"
    SECONDMENT = "secondment"


@dataclass(frozen=True)
class CourseRun:
    """One dated run of a course; the person is away for the course's duration_days within it."""

    start: date
    end: date


@dataclass(frozen=True)
class Course:
    id: str
    title: str
    kind: CourseKind
    skill_id: str
    # A person takes the course holding at least from_level and below to_level.
    from_level: int
    to_level: int
    # Per person.
    cost: float
    # Working days the person gives to it.
    duration_days: float
    # Places per run; 0: no limit.
    capacity_per_run: int
    # No runs: available on demand, ending duration_days calendar days after the plan's `today`.
    runs: tuple[CourseRun, ...] = ()

    def may_take(self, level: int) -> bool:
        """Whether a person holding `level` in the course's skill may take it."""
        return self.from_level <= level < self.to_level


@dataclass(frozen=True)
class RoleRequirement:
    skill_id: str
    min_level: int
    weight: float = 1.0


@dataclass(frozen=True)
class RoleProfile:
    """A role's requirements, for callers that do not supply `fits_after`."""

    role_id: str
    requirements: tuple[RoleRequirement, ...]
