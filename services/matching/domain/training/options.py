"""The ways a person can take courses: one option per course run, the options
worth taking, and the cheapest set of them that reaches a fit."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from services.matching.domain.model import Candidate, SkillCoverage
from services.matching.domain.training.catalogue import Course
from services.matching.domain.training.request import TrainingRequest

Runs = list[list[tuple[date, date]]]


@dataclass(frozen=True)
class Option:
    """One way a person can take a course: the course (its index) and the run."""

    course: int
    start: date
    end: date

    def overlaps(self, other: Option) -> bool:
        return self.start <= other.end and other.start <= self.end


# (option, gain, cost, days)
Priced = tuple[Option, float, float, float]


def clashes(option: Option, taken: Iterable[Option]) -> bool:
    """Whether the option's run overlaps a run the person already takes: nobody
    attends two courses on the same days."""
    return any(option.overlaps(other) for other in taken)


def _pareto(options: list[tuple[Option, float, float]]) -> list[tuple[Option, float, float]]:
    """(option, gain, cost) not beaten by a cheaper option with at least the same gain
    (`person_options` then offers every run of a kept course)."""
    kept: list[tuple[Option, float, float]] = []
    best_gain = -1.0
    for entry in sorted(options, key=lambda e: (e[2], -e[1], e[0].end)):
        if entry[1] > best_gain + 1e-12:
            kept.append(entry)
            best_gain = entry[1]
    return kept


def cheapest_reach(
    by_skill: dict[str, list[Priced]],
    deficit: float,
    days: float,
    taken: Iterable[Option] = (),
) -> tuple[float, list[Option]] | None:
    """The cheapest set of options (at most one per skill, no two on overlapping
    dates, none overlapping `taken`) whose gains add up to `deficit` within
    `days` of training."""
    busy = list(taken)
    skills = sorted(by_skill, key=lambda s: -max(e[1] for e in by_skill[s]))
    best_gain_after = [0.0] * (len(skills) + 1)
    for index in range(len(skills) - 1, -1, -1):
        best_gain_after[index] = best_gain_after[index + 1] + max(
            e[1] for e in by_skill[skills[index]]
        )
    best: tuple[float, list[Option]] | None = None

    def search(index: int, need: float, cost: float, used: float, chosen: list[Option]) -> None:
        nonlocal best
        if best is not None and cost >= best[0]:
            return
        if need <= 1e-9:
            best = (cost, list(chosen))
            return
        if index == len(skills) or best_gain_after[index] < need - 1e-9:
            return
        for option, gain, price, length in by_skill[skills[index]]:
            if used + length <= days + 1e-9 and not clashes(option, [*busy, *chosen]):
                chosen.append(option)
                search(index + 1, need - gain, cost + price, used + length, chosen)
                chosen.pop()
        search(index + 1, need, cost, used, chosen)

    search(0, deficit, 0.0, 0.0, [])
    return best


def person_options(
    request: TrainingRequest,
    candidate: Candidate,
    courses: list[int],
    runs: Runs,
    before: date,
    gain_of: Callable[[Course], float],
) -> dict[str, list[Priced]]:
    """Per skill, the options a person can take ending before `before`."""
    days = request.days_for(candidate.person_id)
    by_skill: dict[str, list[tuple[Option, float, float]]] = {}
    for index in courses:
        course = request.courses[index]
        level = candidate.levels.get(course.skill_id, 0)
        if not course.may_take(level) or course.duration_days > days:
            continue
        gain = gain_of(course)
        if gain <= 1e-9:
            continue
        for start, end in runs[index]:
            if end < before:
                option = Option(index, start, end)
                by_skill.setdefault(course.skill_id, []).append((option, gain, course.cost))
    # The courses worth taking, each with every run it has before `before`: a
    # later run may be the one that does not clash with the person's other course.
    kept: dict[str, list[Priced]] = {}
    for skill, entries in by_skill.items():
        worth = {o.course for o, _, _ in _pareto(entries)}
        kept[skill] = [
            (o, g, c, request.courses[o.course].duration_days)
            for o, g, c in entries
            if o.course in worth
        ]
    return kept


def all_runs(by_skill: dict[str, list[Priced]]) -> list[tuple[Option, float]]:
    """Every run of the courses kept for a person (`person_options` keeps them all)."""
    return [(option, gain) for entries in by_skill.values() for option, gain, _, _ in entries]


def coverage_options(
    request: TrainingRequest,
    candidate: Candidate,
    rule: SkillCoverage,
    runs: Runs,
    affordable: list[int],
    before: date,
) -> list[Option]:
    """The runs that lift the person to the coverage rule's level before `before`."""
    level = candidate.levels.get(rule.skill_id, 0)
    days = request.days_for(candidate.person_id)
    options: list[Option] = []
    for index in affordable:
        course = request.courses[index]
        if (
            course.skill_id != rule.skill_id
            or course.to_level < rule.min_level
            or not course.may_take(level)
            or course.duration_days > days
        ):
            continue
        options.extend(Option(index, start, end) for start, end in runs[index] if end < before)
    return options
