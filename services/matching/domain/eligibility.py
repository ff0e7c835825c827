"""Who may fill which slot, computed once per request over numpy columns.

A candidate is eligible for a slot (outcome, role) when every filter below
holds; nobody else ever gets a decision variable. Pins override the two
judgement filters (minimum fit and local-only) because a manager chose the
person, but never the factual ones (exclusion, availability, clearance,
conflict of interest, free capacity).

Pruning rule: per slot keep the `k` best candidates by fit (never fewer than
the slot's count), the pinned candidates, and reserves so the team rules of
the outcome stay satisfiable: the best `rule + 2` community members when a
minimum of community members is set, the best 2 of every sector when a
minimum of sectors or a maximum sector share is set, the best `k + 2`
holders of each required skill level, and the best `count + 2` local people
under prefer-local. `solve` also keeps the pairs of the greedy baseline and of the
outcome-by-outcome seed (`keep_pairs`), so a pruned model can always do at
least as well as either.
Without an explicit `k`, requests with more than AUTO_PRUNE_PAIRS eligible
(person, slot) pairs are pruned at AUTO_K.
The skills service applies the same rule before sending candidates
(`slot_queries`); a request built from such a pool says so
(`pruned_upstream`), and the pool counts as pruned.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from services.matching.domain.candidate_table import (
    SECTORS,
    BoolArray,
    CandidateTable,
    FloatArray,
    IntArray,
    InvalidStaffingRequest,
    build_table,
)
from services.matching.domain.model import Outcome, Pin, Slot, StaffingRequest
from services.matching.domain.rules import (
    availability,
    capacity,
    clearance,
    community,
    conflict_of_interest,
    coverage,
    excluded,
    locality,
    min_fit,
    sector_share,
)
from services.matching.domain.rules.availability import is_available_for
from services.matching.domain.rules.slot_filter import SlotFilter

# Re-exported for callers outside the matching domain's rules.
__all__ = ["CandidateTable", "FloatArray", "InvalidStaffingRequest", "is_available_for"]

AUTO_PRUNE_PAIRS = 20_000
AUTO_K = 30
RESERVE_MARGIN = 2

# The order is the order a pin's refusal lists them in.
SLOT_FILTERS: tuple[SlotFilter, ...] = (
    excluded.FILTER,
    min_fit.FILTER,
    availability.FILTER,
    capacity.FILTER,
    clearance.FILTER,
    conflict_of_interest.FILTER,
    locality.FILTER,
)
JUDGEMENT_FILTERS = frozenset(f.name for f in SLOT_FILTERS if f.judgement)


def filters_for(outcome: Outcome, slot: Slot) -> list[SlotFilter]:
    return [f for f in SLOT_FILTERS if f.applies(outcome, slot)]


def slot_filters(table: CandidateTable, outcome: Outcome, slot: Slot) -> dict[str, BoolArray]:
    """Each eligibility filter as its own mask, so a reason can name the one that bites."""
    return {f.name: f.mask(table, outcome, slot) for f in filters_for(outcome, slot)}


def failing_facts(
    table: CandidateTable, person: int, outcome: Outcome, slot: Slot
) -> list[SlotFilter]:
    """The factual filters (those a pin cannot override) the person fails for the slot."""
    return [
        f
        for f in filters_for(outcome, slot)
        if not f.judgement and not f.mask(table, outcome, slot)[person]
    ]


def combine(
    filters: dict[str, BoolArray], size: int, skip: frozenset[str] = frozenset()
) -> BoolArray:
    mask = np.ones(size, dtype=bool)
    for name, column in filters.items():
        if name not in skip:
            mask &= column
    return mask


@dataclass(frozen=True)
class SlotRef:
    outcome_index: int
    slot_index: int

    def key(self, request: StaffingRequest) -> tuple[str, str]:
        outcome = request.outcomes[self.outcome_index]
        return outcome.id, outcome.slots[self.slot_index].role_id


@dataclass
class SlotPool:
    ref: SlotRef
    # Every eligible candidate, best fit first (before pruning).
    eligible: IntArray
    # The candidates that get a decision variable.
    kept: IntArray
    pinned: IntArray


@dataclass
class CandidatePool:
    table: CandidateTable
    slots: list[SlotPool]
    pruned: bool
    # Pins whose person cannot take the slot at all, with the reason.
    impossible_pins: list[tuple[Pin, str]]
    # Pins that hold, as (person index, slot ref).
    pins: list[tuple[int, SlotRef]]
    k: int

    def slot(self, outcome_index: int, slot_index: int) -> SlotPool:
        for pool in self.slots:
            if pool.ref == SlotRef(outcome_index, slot_index):
                return pool
        raise KeyError((outcome_index, slot_index))


def top_by(scores: FloatArray, members: IntArray, count: int) -> IntArray:
    """The `count` members with the highest score, best first (stable on ties)."""
    if count <= 0 or members.size == 0:
        return np.empty(0, dtype=np.int64)
    order = np.argsort(-scores[members], kind="stable")
    return members[order[:count]]


def _slot_index(request: StaffingRequest) -> dict[tuple[str, str], SlotRef]:
    refs: dict[tuple[str, str], SlotRef] = {}
    for o_index, outcome in enumerate(request.outcomes):
        for s_index, slot in enumerate(outcome.slots):
            key = (outcome.id, slot.role_id)
            if key in refs:
                raise InvalidStaffingRequest(
                    f"outcome {outcome.id} has two slots for role {slot.role_id}"
                )
            refs[key] = SlotRef(o_index, s_index)
    return refs


def _resolve_pins(
    request: StaffingRequest, table: CandidateTable, refs: dict[tuple[str, str], SlotRef]
) -> tuple[list[tuple[int, SlotRef]], list[tuple[Pin, str]]]:
    holding: list[tuple[int, SlotRef]] = []
    impossible: list[tuple[Pin, str]] = []
    for pin in request.pins:
        ref = refs.get((pin.outcome_id, pin.role_id))
        if ref is None:
            raise InvalidStaffingRequest(
                f"pin of {pin.person_id} names no slot: {pin.outcome_id}/{pin.role_id}"
            )
        if pin.person_id not in table.index:
            impossible.append((pin, "is not among the candidates"))
            continue
        person = table.index[pin.person_id]
        outcome = request.outcomes[ref.outcome_index]
        failing = [
            f.name for f in failing_facts(table, person, outcome, outcome.slots[ref.slot_index])
        ]
        if failing:
            impossible.append((pin, "fails: " + ", ".join(failing)))
        else:
            holding.append((person, ref))
    return holding, impossible


def needs_sector_reserves(outcome: Outcome) -> bool:
    """The sector rules need the best of every sector kept."""
    return outcome.rules.min_sectors > 0 or sector_share.is_limited(outcome.rules.max_sector_share)


def _reserves(
    table: CandidateTable, outcome: Outcome, slot: Slot, eligible: IntArray
) -> list[IntArray]:
    """`eligible` is best fit first, and a mask keeps that order, so the best
    members of any subset are its first ones."""
    rules = outcome.rules
    reserves: list[IntArray] = []
    sectors = table.sector[eligible]
    if rules.min_community_members > 0:
        members = eligible[sectors == community.COMMUNITY]
        reserves.append(members[: rules.min_community_members + RESERVE_MARGIN])
    if needs_sector_reserves(outcome):
        for code in range(len(SECTORS)):
            reserves.append(eligible[sectors == code][:RESERVE_MARGIN])
    for needed in outcome.skill_coverage:
        holders = eligible[coverage.holders_mask(table, needed)[eligible]]
        reserves.append(holders[: needed.min_people + RESERVE_MARGIN])
    if locality.prefers_local(outcome):
        local = eligible[table.is_local(outcome)[eligible]]
        reserves.append(local[: slot.count + RESERVE_MARGIN])
    return reserves


def prune_slot(
    table: CandidateTable,
    outcome: Outcome,
    slot: Slot,
    eligible: IntArray,
    pinned: IntArray,
    k: int,
) -> IntArray:
    """The pruning rule for one slot: `eligible` is best fit first."""
    parts = [eligible[: max(k, slot.count)], pinned]
    parts.extend(_reserves(table, outcome, slot, eligible))
    kept: IntArray = np.unique(np.concatenate(parts)).astype(np.int64)
    return kept


def build_pool(request: StaffingRequest, table: CandidateTable | None = None) -> CandidatePool:
    table = table or build_table(request)
    refs = _slot_index(request)
    pins, impossible_pins = _resolve_pins(request, table, refs)
    size = len(table.candidates)
    pinned_by_slot: dict[SlotRef, list[int]] = {}
    for person, ref in pins:
        pinned_by_slot.setdefault(ref, []).append(person)

    eligible_by_slot: dict[SlotRef, IntArray] = {}
    for ref in refs.values():
        outcome = request.outcomes[ref.outcome_index]
        slot = outcome.slots[ref.slot_index]
        mask = combine(slot_filters(table, outcome, slot), size)
        members = np.nonzero(mask)[0].astype(np.int64)
        eligible_by_slot[ref] = top_by(table.fit_column(slot.role_id), members, members.size)

    total_pairs = sum(int(e.size) for e in eligible_by_slot.values())
    k = request.max_candidates_per_slot
    if k <= 0 and total_pairs > AUTO_PRUNE_PAIRS:
        k = AUTO_K

    slots: list[SlotPool] = []
    pruned = request.pruned_upstream
    for ref, eligible in eligible_by_slot.items():
        outcome = request.outcomes[ref.outcome_index]
        slot = outcome.slots[ref.slot_index]
        pinned = np.array(sorted(set(pinned_by_slot.get(ref, []))), dtype=np.int64)
        if k > 0:
            kept = prune_slot(table, outcome, slot, eligible, pinned, k)
            pruned = pruned or bool(np.setdiff1d(eligible, kept).size)
        else:
            kept = np.unique(np.concatenate([eligible, pinned])).astype(np.int64)
        slots.append(SlotPool(ref=ref, eligible=eligible, kept=kept, pinned=pinned))
    return CandidatePool(
        table=table, slots=slots, pruned=pruned, impossible_pins=impossible_pins, pins=pins, k=k
    )


def keep_pairs(
    request: StaffingRequest, pool: CandidatePool, pairs: Iterable[tuple[str, str, str]]
) -> None:
    """Give these (person, outcome, role) pairs a decision variable even after pruning."""
    refs = {ref.key(request): slot_pool for slot_pool in pool.slots for ref in [slot_pool.ref]}
    extra: dict[SlotRef, list[int]] = {}
    for person_id, outcome_id, role_id in pairs:
        slot_pool = refs[(outcome_id, role_id)]
        extra.setdefault(slot_pool.ref, []).append(pool.table.index[person_id])
    for slot_pool in pool.slots:
        if slot_pool.ref in extra:
            added = np.array(extra[slot_pool.ref], dtype=np.int64)
            slot_pool.kept = np.union1d(slot_pool.kept, added).astype(np.int64)


def describe_slot_requirements(outcome: Outcome, slot: Slot) -> str:
    """'fit >= 0.60 and clearance dbs-enhanced' — what a candidate must bring."""
    return " and ".join(
        f.requirement(outcome, slot)
        for f in filters_for(outcome, slot)
        if f.requirement is not None
    )
