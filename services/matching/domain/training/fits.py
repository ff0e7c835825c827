"""Fits after training as the caller computes them with the skills service's fit
rule, and the rounds in which the caller asks for them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from services.matching.domain.model import Candidate
from services.matching.domain.training.catalogue import Course


@dataclass(frozen=True)
class FitAfter:
    """A person's fit per role after completing one course (and nothing else),
    computed by the caller with the skills service's fit rule."""

    person_id: str
    course_id: str
    # role id -> fit in [0, 1]
    fits: dict[str, float]


@dataclass(frozen=True)
class CourseOutcome:
    """The level a person holds after a course, and the courses that lead there."""

    skill_id: str
    level: int
    course_ids: tuple[str, ...]


def override_rounds(
    candidates: Iterable[Candidate], courses: Iterable[Course]
) -> list[dict[str, CourseOutcome]]:
    """What each person may hold after one course, packed in rounds of one level
    per person: each round is one candidate matrix with overrides, so the fits
    after every course cost as many matrices as the most courses open to one
    person, not one per course."""
    by_target: dict[tuple[str, int], list[Course]] = defaultdict(list)
    for course in courses:
        by_target[(course.skill_id, course.to_level)].append(course)
    rounds: list[dict[str, CourseOutcome]] = []
    for candidate in candidates:
        taken = 0
        for (skill_id, level), group in sorted(by_target.items()):
            held = candidate.levels.get(skill_id, 0)
            course_ids = tuple(c.id for c in group if c.may_take(held))
            if not course_ids:
                continue
            if taken == len(rounds):
                rounds.append({})
            rounds[taken][candidate.person_id] = CourseOutcome(skill_id, level, course_ids)
            taken += 1
    return rounds
