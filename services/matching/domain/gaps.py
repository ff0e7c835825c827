"""Gap-report arithmetic for training planners: demand of open outcomes
against the supply of people, and which skills block the slots that stay
empty. Pure functions over the staffing model's plain data."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from services.matching.domain.model import Candidate, Outcome, Unfilled

DEFAULT_BLOCKING_SKILLS = 3


@dataclass(frozen=True)
class GapStep:
    """One skill to learn, as the skills service reports it."""

    skill_id: str
    from_level: int
    to_level: int
    fit_gain: float
    fit_after: float
    essential: bool = False


@dataclass(frozen=True)
class RoleDemand:
    role_id: str
    demanded: int
    supply: int
    unfilled: int


@dataclass(frozen=True)
class SkillDemand:
    skill_id: str
    min_level: int
    demanded_people: int
    supply: int
    shortfall: int


@dataclass(frozen=True)
class BlockedSlot:
    outcome_id: str
    role_id: str
    count: int
    reason: str
    blocking_skill_ids: tuple[str, ...]


@dataclass(frozen=True)
class ClosePerson:
    person_id: str
    name: str
    role_id: str
    fit: float
    steps: tuple[GapStep, ...]


@dataclass(frozen=True)
class GapsReport:
    roles: tuple[RoleDemand, ...]
    skills: tuple[SkillDemand, ...]
    blocked_slots: tuple[BlockedSlot, ...]
    closest: tuple[ClosePerson, ...]


def role_demand(
    outcomes: Iterable[Outcome],
    candidates: Sequence[Candidate],
    unfilled: Iterable[Unfilled],
    role_id: str = "",
) -> list[RoleDemand]:
    """Per role: people the slots ask for, people who reach the lowest minimum fit
    any of its slots accepts (a fit of 0 is no supply), and slots left empty."""
    demanded: Counter[str] = Counter()
    lowest_min_fit: dict[str, float] = {}
    for outcome in outcomes:
        for slot in outcome.slots:
            if role_id and slot.role_id != role_id:
                continue
            demanded[slot.role_id] += slot.count
            lowest_min_fit[slot.role_id] = min(
                slot.min_fit, lowest_min_fit.get(slot.role_id, slot.min_fit)
            )
    empty: Counter[str] = Counter()
    for gap in unfilled:
        empty[gap.role_id] += gap.count
    return [
        RoleDemand(
            role_id=role,
            demanded=demanded[role],
            supply=sum(
                1
                for candidate in candidates
                if (fit := candidate.fits.get(role, 0.0)) > 0 and fit >= lowest_min_fit[role]
            ),
            unfilled=empty[role],
        )
        for role in sorted(demanded)
    ]


def skill_demand(outcomes: Iterable[Outcome], candidates: Sequence[Candidate]) -> list[SkillDemand]:
    """Per coverage skill and level: members the teams need in total, and people at that level."""
    demanded: Counter[tuple[str, int]] = Counter()
    for outcome in outcomes:
        for coverage in outcome.skill_coverage:
            demanded[(coverage.skill_id, coverage.min_level)] += coverage.min_people
    rows: list[SkillDemand] = []
    for (skill_id, min_level), people in sorted(demanded.items()):
        supply = sum(
            1 for candidate in candidates if candidate.levels.get(skill_id, 0) >= min_level
        )
        rows.append(
            SkillDemand(
                skill_id=skill_id,
                min_level=min_level,
                demanded_people=people,
                supply=supply,
                shortfall=max(0, people - supply),
            )
        )
    return rows


def blocking_skills(
    steps_of_closest: Iterable[Sequence[GapStep]], limit: int = DEFAULT_BLOCKING_SKILLS
) -> list[str]:
    """The skills most often missing among the closest people: essential ones first
    on a tie, then by id so that the answer is stable."""
    missing: Counter[str] = Counter()
    essential: set[str] = set()
    for steps in steps_of_closest:
        for skill_id in {step.skill_id for step in steps}:
            missing[skill_id] += 1
        essential.update(step.skill_id for step in steps if step.essential)
    ranked = sorted(missing, key=lambda skill: (-missing[skill], skill not in essential, skill))
    return ranked[:limit]


def blocked_slots(
    unfilled: Iterable[Unfilled],
    blocking_by_role: dict[str, list[str]],
    role_id: str = "",
) -> list[BlockedSlot]:
    return [
        BlockedSlot(
            outcome_id=gap.outcome_id,
            role_id=gap.role_id,
            count=gap.count,
            reason=gap.reason,
            blocking_skill_ids=tuple(blocking_by_role.get(gap.role_id, [])),
        )
        for gap in unfilled
        if gap.count > 0 and (not role_id or gap.role_id == role_id)
    ]


def roles_of(outcomes: Iterable[Outcome], role_id: str = "") -> list[str]:
    return sorted(
        {
            slot.role_id
            for outcome in outcomes
            for slot in outcome.slots
            if not role_id or slot.role_id == role_id
        }
    )
