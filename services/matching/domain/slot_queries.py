"""What matching asks the skills service for: per slot of a request the people
who may fill it, pre-filtered and (for large pools) pruned in skills.

Matching stays the authority on eligibility: the rows that come back are
checked again by `eligibility.build_pool`. The slot query only saves
streaming the whole workforce, so it keeps at least what matching's own
pruning would keep (eligibility.py's pruning rule): the best `k` by fit
(never fewer than the slot's count), the pins, the best of every sector
when a sector rule is set (`min_community_members + RESERVE_MARGIN` when a
community rule is), the best holders of each coverage skill level, and the
best local people under prefer-local. `keep` covers each of those reserves.

Committed work: a proposal counts work that overlaps any outcome of the
request against the person's capacity for the whole request (`overlaps_any`),
so its loads go to skills undated; the gap report counts a load against a
slot only where their periods overlap (`dated_loads`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from services.matching.domain.candidate_table import overlaps_any
from services.matching.domain.eligibility import (
    AUTO_K,
    AUTO_PRUNE_PAIRS,
    RESERVE_MARGIN,
    needs_sector_reserves,
)
from services.matching.domain.model import (
    Candidate,
    CommittedWork,
    Outcome,
    Pin,
    Slot,
)
from services.matching.domain.rules import conflict_of_interest, locality, min_fit

ROLE_GROUP_PREFIX = "role:"


@dataclass(frozen=True)
class SkillLevel:
    skill_id: str
    min_level: int


@dataclass(frozen=True)
class SlotQuery:
    """One slot with every filter that decides who may fill it (skills' SlotQuery)."""

    key: str
    role_id: str
    min_fit: float
    fte: float
    locality: str
    local_only: bool
    prefer_local: bool
    clearance: str
    start: date
    end: date
    exclude_organisation: str = ""
    # 0: every eligible person.
    keep: int = 0
    keep_per_sector: int = 0
    coverage: tuple[SkillLevel, ...] = ()
    always_keep: tuple[str, ...] = ()
    # People eligible for any slot of a group are counted once per group.
    supply_group: str = ""


@dataclass(frozen=True)
class SkillSupplyQuery:
    """People at a skill level available over a period; queries sharing a key count together."""

    key: str
    skill_id: str
    min_level: int
    locality: str
    start: date
    end: date


@dataclass(frozen=True)
class CommittedLoad:
    person_id: str
    fte: float
    # None: always.
    start: date | None = None
    end: date | None = None


@dataclass(frozen=True)
class LevelOverride:
    person_id: str
    skill_id: str
    level: int


@dataclass(frozen=True)
class SlotCandidatesQuery:
    slots: tuple[SlotQuery, ...]
    skill_ids: tuple[str, ...] = ()
    level_overrides: tuple[LevelOverride, ...] = ()
    exclude_person_ids: tuple[str, ...] = ()
    committed: tuple[CommittedLoad, ...] = ()
    counts_only: bool = False
    skill_supply: tuple[SkillSupplyQuery, ...] = ()


@dataclass(frozen=True)
class PoolCount:
    key: str
    eligible: int
    kept: int
    # Filter name -> people passing that filter on its own.
    passing: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class SlotCandidates:
    candidates: tuple[Candidate, ...]
    pools: tuple[PoolCount, ...]
    group_supply: Mapping[str, int] = field(default_factory=dict)
    skill_supply: Mapping[str, int] = field(default_factory=dict)

    def pool(self, key: str) -> PoolCount:
        for pool in self.pools:
            if pool.key == key:
                return pool
        return PoolCount(key, 0, 0)

    @property
    def pruned(self) -> bool:
        return any(pool.kept < pool.eligible for pool in self.pools)


def slot_key(outcome_id: str, role_id: str) -> str:
    return f"{outcome_id}/{role_id}"


def role_group(role_id: str) -> str:
    return ROLE_GROUP_PREFIX + role_id


def keep_for(outcome: Outcome, slot: Slot, k: int) -> int:
    """What skills keeps per slot for matching's rule at `k` (0: everyone)."""
    if k <= 0:
        return 0
    reserves = [slot.count + RESERVE_MARGIN]
    reserves += [coverage.min_people + RESERVE_MARGIN for coverage in outcome.skill_coverage]
    return max(k, *reserves)


def keep_per_sector_for(outcome: Outcome) -> int:
    rules = outcome.rules
    keep = 0
    if needs_sector_reserves(outcome):
        keep = RESERVE_MARGIN
    if rules.min_community_members > 0:
        keep = max(keep, rules.min_community_members + RESERVE_MARGIN)
    return keep


def slot_query(
    outcome: Outcome, slot: Slot, k: int, pins: Iterable[Pin] = (), group: bool = False
) -> SlotQuery:
    pinned = sorted(
        {p.person_id for p in pins if (p.outcome_id, p.role_id) == (outcome.id, slot.role_id)}
    )
    return SlotQuery(
        key=slot_key(outcome.id, slot.role_id),
        role_id=slot.role_id,
        min_fit=min_fit.threshold(slot),
        fte=slot.fte,
        locality=outcome.locality,
        local_only=locality.local_only(outcome),
        prefer_local=locality.prefers_local(outcome),
        clearance=slot.clearance,
        start=outcome.start,
        end=outcome.end,
        exclude_organisation=conflict_of_interest.excluded_organisation(outcome),
        keep=keep_for(outcome, slot, k),
        keep_per_sector=keep_per_sector_for(outcome) if k > 0 else 0,
        coverage=tuple(SkillLevel(c.skill_id, c.min_level) for c in outcome.skill_coverage),
        always_keep=tuple(pinned),
        supply_group=role_group(slot.role_id) if group else "",
    )


def coverage_skills(outcomes: Iterable[Outcome]) -> tuple[str, ...]:
    return tuple(sorted({c.skill_id for outcome in outcomes for c in outcome.skill_coverage}))


def undated_loads(
    committed: Iterable[CommittedWork], outcomes: Sequence[Outcome]
) -> tuple[CommittedLoad, ...]:
    """Staffing's rule: work overlapping any outcome of the request takes its FTE
    for the whole request; other work takes nothing."""
    return tuple(
        CommittedLoad(work.person_id, work.fte)
        for work in committed
        if overlaps_any(work, outcomes)
    )


def dated_loads(committed: Iterable[CommittedWork]) -> tuple[CommittedLoad, ...]:
    """The gap report's rule: work counts against a slot where the periods overlap."""
    return tuple(CommittedLoad(w.person_id, w.fte, w.start, w.end) for w in committed)


def staffing_query(
    outcomes: Sequence[Outcome],
    committed: Iterable[CommittedWork],
    k: int,
    pins: Sequence[Pin] = (),
    exclusions: Iterable[str] = (),
    level_overrides: Sequence[LevelOverride] = (),
    counts_only: bool = False,
) -> SlotCandidatesQuery:
    """The slots of a staffing request; `k` as in eligibility's pruning (0: no pruning)."""
    return SlotCandidatesQuery(
        slots=tuple(
            slot_query(outcome, slot, k, pins) for outcome in outcomes for slot in outcome.slots
        ),
        skill_ids=coverage_skills(outcomes),
        level_overrides=tuple(level_overrides),
        exclude_person_ids=tuple(sorted(set(exclusions))),
        committed=undated_loads(committed, outcomes),
        counts_only=counts_only,
    )


def pruning_k(eligible_pairs: int, configured_k: int) -> int:
    """Eligibility's choice of `k`: the configured one, else AUTO_K for large requests."""
    if configured_k > 0:
        return configured_k
    return AUTO_K if eligible_pairs > AUTO_PRUNE_PAIRS else 0
