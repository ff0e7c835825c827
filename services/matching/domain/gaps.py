"""Gap-report arithmetic for training planners: demand of open outcomes
against the supply of people, and which skills block the slots that stay
empty. Pure functions over the staffing model's plain data.

One definition for every report (locality, role or one outcome):
- demand is the open places: each slot's count less the places already
  committed; a slot with none open is not demand;
- supply of a slot is the people who could take one of its open places:
  fit at the slot's minimum, available over the outcome's period, free
  capacity for the slot's FTE after committed work overlapping the period,
  the locality rule, clearance and conflict of interest applied (the skills
  service counts them with the same filters staffing uses);
- supply of a role is the distinct people who could take an open place of
  the role in any slot of the report; so the locality report and an
  outcome's own report give a slot the same numbers, and a role too when
  the slot is its only open one there.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from services.matching.domain.model import CommittedWork, Outcome, Slot, Unfilled

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
    # Open places (the places already committed left out).
    demanded: int
    # Distinct people who could take at least one open place of the role.
    supply: int
    unfilled: int
    committed: int = 0


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
    slots: tuple[SlotGap, ...] = ()
    # True: the unfilled places come from a staffing solve, else from supply counts.
    solved: bool = False


@dataclass(frozen=True)
class OpenSlot:
    """A slot of an outcome with the places already committed taken out."""

    outcome: Outcome
    slot: Slot
    committed: int

    @property
    def open(self) -> int:
        return max(0, self.slot.count - self.committed)

    @property
    def key(self) -> tuple[str, str]:
        return self.outcome.id, self.slot.role_id


@dataclass(frozen=True)
class SlotGap:
    outcome_id: str
    role_id: str
    places: int
    committed: int
    open: int
    supply: int
    unfilled: int


def open_slots(
    outcomes: Iterable[Outcome], committed: Iterable[CommittedWork], role_id: str = ""
) -> list[OpenSlot]:
    """Demand: the slots (of the role asked for) that still have a place open.
    A place is committed when someone holds a committed assignment to it."""
    taken: Counter[tuple[str, str]] = Counter((work.outcome_id, work.role_id) for work in committed)
    slots = [
        OpenSlot(outcome, slot, taken[(outcome.id, slot.role_id)])
        for outcome in outcomes
        for slot in outcome.slots
        if not role_id or slot.role_id == role_id
    ]
    return [slot for slot in slots if slot.open > 0]


def committed_places(
    outcomes: Iterable[Outcome], committed: Iterable[CommittedWork], role_id: str = ""
) -> Counter[str]:
    """Per role, the places of these outcomes already committed (at most each slot's count)."""
    taken: Counter[tuple[str, str]] = Counter((work.outcome_id, work.role_id) for work in committed)
    places: Counter[str] = Counter()
    for outcome in outcomes:
        for slot in outcome.slots:
            if not role_id or slot.role_id == role_id:
                places[slot.role_id] += min(slot.count, taken[(outcome.id, slot.role_id)])
    return places


def counted_unfilled(slot: OpenSlot, supply: int) -> int:
    """Without a staffing solve: the open places beyond the people who could take them
    (a lower bound: one person counted for several slots can take only so many)."""
    return max(0, slot.open - supply)


def counted_reason(slot: OpenSlot, supply: int, passing: Mapping[str, int]) -> str:
    """Why places stay open by the counts: who could take them, and the filter
    that the fewest people pass on its own."""
    people = "nobody" if supply == 0 else f"only {supply} {_people(supply)}"
    reason = f"{people} could take one of the {slot.open} open places"
    if passing:
        name = min(passing, key=lambda filter_name: (passing[filter_name], filter_name))
        reason += f"; fewest pass '{name}' ({passing[name]})"
    return reason


def _people(count: int) -> str:
    return "person" if count == 1 else "people"


def slot_gaps(
    slots: Iterable[OpenSlot],
    supply: Mapping[tuple[str, str], int],
    unfilled: Mapping[tuple[str, str], int],
) -> list[SlotGap]:
    return [
        SlotGap(
            outcome_id=slot.outcome.id,
            role_id=slot.slot.role_id,
            places=slot.slot.count,
            committed=slot.committed,
            open=slot.open,
            supply=supply.get(slot.key, 0),
            unfilled=unfilled.get(slot.key, 0),
        )
        for slot in slots
    ]


def role_demand(
    gaps: Iterable[SlotGap], role_supply: Mapping[str, int], committed: Mapping[str, int]
) -> list[RoleDemand]:
    """Per role: open places, distinct people who could take one, places left empty."""
    demanded: Counter[str] = Counter()
    empty: Counter[str] = Counter()
    for gap in gaps:
        demanded[gap.role_id] += gap.open
        empty[gap.role_id] += gap.unfilled
    return [
        RoleDemand(
            role_id=role,
            demanded=demanded[role],
            supply=role_supply.get(role, 0),
            unfilled=empty[role],
            committed=committed.get(role, 0),
        )
        for role in sorted(demanded)
    ]


def coverage_key(skill_id: str, min_level: int) -> str:
    return f"{skill_id}@{min_level}"


def coverage_demand(outcomes: Iterable[Outcome]) -> Counter[tuple[str, int]]:
    """Per coverage skill and level: members the teams need in total."""
    demanded: Counter[tuple[str, int]] = Counter()
    for outcome in outcomes:
        for coverage in outcome.skill_coverage:
            demanded[(coverage.skill_id, coverage.min_level)] += coverage.min_people
    return demanded


def skill_demand(outcomes: Iterable[Outcome], supply: Mapping[str, int]) -> list[SkillDemand]:
    """Per coverage skill and level: members the teams need in total, and the
    distinct people at that level who could serve one of those outcomes."""
    rows: list[SkillDemand] = []
    for (skill_id, min_level), people in sorted(coverage_demand(outcomes).items()):
        found = supply.get(coverage_key(skill_id, min_level), 0)
        rows.append(
            SkillDemand(
                skill_id=skill_id,
                min_level=min_level,
                demanded_people=people,
                supply=found,
                shortfall=max(0, people - found),
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
