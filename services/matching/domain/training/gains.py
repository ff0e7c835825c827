"""The fit a course adds to a role: from the caller's fits after each course when
given (the whole truth then), else from the role requirements with the own-skill
credit of the skills service's fit rule."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from services.matching.domain.candidate_table import CandidateTable, FloatArray
from services.matching.domain.model import Candidate
from services.matching.domain.training.catalogue import Course
from services.matching.domain.training.request import TrainingRequest


class Gains:
    """Fit gained per role by one course, per the caller's fits or the role requirements."""

    def __init__(self, request: TrainingRequest) -> None:
        self.from_caller = request.fits_after is not None
        self.explicit = {(f.person_id, f.course_id): f.fits for f in request.fits_after or ()}
        self.shares: dict[str, dict[str, tuple[int, float]]] = {}
        for role in request.roles:
            total = sum(r.weight for r in role.requirements)
            if total <= 0:
                continue
            self.shares[role.role_id] = {
                r.skill_id: (r.min_level, r.weight / total)
                for r in role.requirements
                if r.min_level > 0
            }

    def gain(self, candidate: Candidate, course: Course, role_id: str) -> float:
        if self.from_caller:
            fits = self.explicit.get((candidate.person_id, course.id), {})
            after = fits.get(role_id)
            if after is None:
                return 0.0
            return max(0.0, after - candidate.fits.get(role_id, 0.0))
        requirement = self.shares.get(role_id, {}).get(course.skill_id)
        if requirement is None:
            return 0.0
        min_level, share = requirement
        level = candidate.levels.get(course.skill_id, 0)
        return max(
            0.0, share * (min(1.0, course.to_level / min_level) - min(1.0, level / min_level))
        )

    def may_help(self, course: Course, role_id: str) -> bool:
        """False when the course cannot change the role's fit for anyone."""
        if self.from_caller:
            return True
        return course.skill_id in self.shares.get(role_id, {})

    def fits_after(self, candidate: Candidate, taken: Sequence[Course]) -> dict[str, float]:
        """The candidate's fit per role after all the courses taken, gains added up."""
        roles = set(candidate.fits) | set(self.shares)
        for course in taken:
            roles |= set(self.explicit.get((candidate.person_id, course.id), {}))
        return {
            role: min(
                1.0,
                candidate.fits.get(role, 0.0) + sum(self.gain(candidate, c, role) for c in taken),
            )
            for role in roles
        }


def gain_bounds(
    courses: Sequence[Course],
    table: CandidateTable,
    gains: Gains,
    usable: list[int],
    role_id: str,
) -> FloatArray:
    """Per person, the most the usable courses can add to the role's fit (one course per skill)."""
    if gains.from_caller:
        return _caller_bounds(table, gains, {courses[c].id: courses[c] for c in usable}, role_id)
    bound = np.zeros(len(table.candidates), dtype=np.float64)
    for skill_id, (min_level, share) in gains.shares.get(role_id, {}).items():
        on_skill = [courses[c] for c in usable if courses[c].skill_id == skill_id]
        if not on_skill:
            continue
        top = max(max(c.to_level for c in on_skill), min_level)
        reach: dict[int, float] = {}
        for course in on_skill:
            credit = min(1.0, course.to_level / min_level)
            for level in range(course.from_level, course.to_level):
                reach[level] = max(reach.get(level, 0.0), credit)
        levels = np.clip(table.level_column(skill_id), 0, top)
        now = np.minimum(1.0, levels / min_level)
        after = _level_table(reach, top)[levels]
        bound += share * np.maximum(0.0, after - now)
    return bound


def _caller_bounds(
    table: CandidateTable, gains: Gains, usable_ids: dict[str, Course], role_id: str
) -> FloatArray:
    bound = np.zeros(len(table.candidates), dtype=np.float64)
    best: dict[tuple[int, str], float] = {}
    for (person_id, course_id), fits in gains.explicit.items():
        course = usable_ids.get(course_id)
        person = table.index.get(person_id)
        if course is None or person is None or role_id not in fits:
            continue
        gain = gains.gain(table.candidates[person], course, role_id)
        key = (person, course.skill_id)
        best[key] = max(best.get(key, 0.0), gain)
    for (person, _), gain in best.items():
        bound[person] += gain
    return bound


def _level_table(values: dict[int, float], top: int) -> FloatArray:
    return np.array([values.get(level, 0.0) for level in range(top + 1)], dtype=np.float64)
