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
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import numpy.typing as npt

from services.matching.domain.model import (
    Candidate,
    CommittedWork,
    LocalityRule,
    Outcome,
    Pin,
    Sector,
    Slot,
    StaffingRequest,
)

FTE_SCALE = 100
MONEY_SCALE = 100
AUTO_PRUNE_PAIRS = 20_000
AUTO_K = 30
RESERVE_MARGIN = 2
SECTORS: tuple[Sector, ...] = tuple(Sector)
_NEVER = 10**9

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


class InvalidStaffingRequest(ValueError):
    """The request contradicts itself (duplicate slot, pin to an unknown slot...)."""


def fte_units(fte: float) -> int:
    return round(fte * FTE_SCALE)


def money_units(amount: float) -> int:
    return round(amount * MONEY_SCALE)


def pair_cost(candidate: Candidate, outcome: Outcome, slot: Slot) -> float:
    """Day rate x days x FTE; community-sector people (volunteers, citizens) cost nothing."""
    if candidate.sector is Sector.COMMUNITY:
        return 0.0
    return candidate.day_rate * outcome.days * slot.fte


def clearance_valid_until(candidate: Candidate, kind: str) -> int:
    """Ordinal of the last day the person holds `kind`; -1 when never held."""
    best = -1
    for clearance in candidate.clearances:
        if clearance.kind != kind:
            continue
        expiry = _NEVER if clearance.expires is None else clearance.expires.toordinal()
        best = max(best, expiry)
    return best


def dates_overlap(a: Outcome, b: Outcome) -> bool:
    return a.start <= b.end and b.start <= a.end


def overlaps_any(work: CommittedWork, outcomes: Iterable[Outcome]) -> bool:
    """Whether committed work runs while any of the outcomes does. Work that does
    counts against the person's capacity for the whole request: safe (never
    overbooks), if cautious for a request spanning several periods."""
    if work.start is None or work.end is None:
        return True
    return any(o.start <= work.end and work.start <= o.end for o in outcomes)


@dataclass
class CandidateTable:
    """The candidate matrix as columns, one row per candidate."""

    candidates: tuple[Candidate, ...]
    index: dict[str, int]
    sector: IntArray
    locality: IntArray
    organisation: IntArray
    free_fte_units: IntArray
    committed_fte_units: IntArray
    available_from: IntArray
    available_until: IntArray
    excluded: BoolArray
    locality_codes: dict[str, int]
    organisation_codes: dict[str, int]
    fits: dict[str, FloatArray] = field(default_factory=dict)
    clearances: dict[str, IntArray] = field(default_factory=dict)
    levels: dict[str, IntArray] = field(default_factory=dict)

    def fit_column(self, role_id: str) -> FloatArray:
        if role_id not in self.fits:
            self.fits[role_id] = np.array(
                [c.fits.get(role_id, -1.0) for c in self.candidates], dtype=np.float64
            )
        return self.fits[role_id]

    def clearance_column(self, kind: str) -> IntArray:
        if kind not in self.clearances:
            self.clearances[kind] = np.array(
                [clearance_valid_until(c, kind) for c in self.candidates], dtype=np.int64
            )
        return self.clearances[kind]

    def level_column(self, skill_id: str) -> IntArray:
        if skill_id not in self.levels:
            self.levels[skill_id] = np.array(
                [c.levels.get(skill_id, 0) for c in self.candidates], dtype=np.int64
            )
        return self.levels[skill_id]

    def is_local(self, outcome: Outcome) -> BoolArray:
        code = self.locality_codes.get(outcome.locality, -2)
        local: BoolArray = self.locality == code
        return local


def _codes(values: Iterable[str]) -> tuple[IntArray, dict[str, int]]:
    codes: dict[str, int] = {}
    column = [codes.setdefault(value, len(codes)) for value in values]
    return np.array(column, dtype=np.int64), codes


def build_table(request: StaffingRequest) -> CandidateTable:
    candidates = request.candidates
    index: dict[str, int] = {}
    for position, candidate in enumerate(candidates):
        if candidate.person_id in index:
            raise InvalidStaffingRequest(f"candidate {candidate.person_id} appears twice")
        index[candidate.person_id] = position
    committed = np.zeros(len(candidates), dtype=np.int64)
    for work in request.committed:
        if work.person_id in index and overlaps_any(work, request.outcomes):
            committed[index[work.person_id]] += fte_units(work.fte)
    capacity = np.array([fte_units(c.capacity_fte) for c in candidates], dtype=np.int64)
    locality, locality_codes = _codes(c.locality for c in candidates)
    organisation, organisation_codes = _codes(c.organisation for c in candidates)
    sector_code = {sector: code for code, sector in enumerate(SECTORS)}
    return CandidateTable(
        candidates=candidates,
        index=index,
        sector=np.array([sector_code[Sector(c.sector)] for c in candidates], dtype=np.int64),
        locality=locality,
        organisation=organisation,
        free_fte_units=capacity - committed,
        committed_fte_units=committed,
        available_from=np.array(
            [c.available_from.toordinal() if c.available_from else 0 for c in candidates],
            dtype=np.int64,
        ),
        available_until=np.array(
            [c.available_until.toordinal() if c.available_until else _NEVER for c in candidates],
            dtype=np.int64,
        ),
        excluded=np.array([c.person_id in request.exclusions for c in candidates], dtype=bool),
        locality_codes=locality_codes,
        organisation_codes=organisation_codes,
    )


def slot_filters(table: CandidateTable, outcome: Outcome, slot: Slot) -> dict[str, BoolArray]:
    """Each eligibility filter as its own mask, so a reason can name the one that bites."""
    fits = table.fit_column(slot.role_id)
    filters: dict[str, BoolArray] = {
        "not excluded": ~table.excluded,
        "fit": (fits >= 0.0) & (fits >= slot.min_fit - 1e-9),
        "available": (table.available_from <= outcome.start.toordinal())
        & (table.available_until >= outcome.end.toordinal()),
        "capacity": table.free_fte_units >= fte_units(slot.fte),
    }
    if slot.clearance:
        filters["clearance"] = table.clearance_column(slot.clearance) >= outcome.end.toordinal()
    if outcome.rules.exclude_commissioned_organisation and outcome.commissioned_organisation:
        code = table.organisation_codes.get(outcome.commissioned_organisation, -2)
        filters["no conflict of interest"] = table.organisation != code
    if outcome.rules.locality is LocalityRule.LOCAL_ONLY:
        filters["local"] = table.is_local(outcome)
    return filters


JUDGEMENT_FILTERS = frozenset({"fit", "local"})


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
        filters = slot_filters(table, outcome, outcome.slots[ref.slot_index])
        failing = [
            name
            for name, column in filters.items()
            if name not in JUDGEMENT_FILTERS and not column[person]
        ]
        if failing:
            impossible.append((pin, "fails: " + ", ".join(failing)))
        else:
            holding.append((person, ref))
    return holding, impossible


def _reserves(
    table: CandidateTable, outcome: Outcome, slot: Slot, eligible: IntArray
) -> list[IntArray]:
    """`eligible` is best fit first, and a mask keeps that order, so the best
    members of any subset are its first ones."""
    rules = outcome.rules
    reserves: list[IntArray] = []
    sectors = table.sector[eligible]
    if rules.min_community_members > 0:
        members = eligible[sectors == SECTORS.index(Sector.COMMUNITY)]
        reserves.append(members[: rules.min_community_members + RESERVE_MARGIN])
    if rules.min_sectors > 0 or (rules.max_sector_share is not None and rules.max_sector_share < 1):
        for code in range(len(SECTORS)):
            reserves.append(eligible[sectors == code][:RESERVE_MARGIN])
    for coverage in outcome.skill_coverage:
        holders = eligible[table.level_column(coverage.skill_id)[eligible] >= coverage.min_level]
        reserves.append(holders[: coverage.min_people + RESERVE_MARGIN])
    if rules.locality is LocalityRule.PREFER_LOCAL:
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
    parts = [f"fit >= {slot.min_fit:.2f}"]
    if slot.clearance:
        parts.append(f"clearance {slot.clearance} valid to {outcome.end.isoformat()}")
    if outcome.rules.locality is LocalityRule.LOCAL_ONLY:
        parts.append(f"living in {outcome.locality}")
    return " and ".join(parts)


def is_available_for(candidate: Candidate, start: date, end: date) -> bool:
    starts_ok = candidate.available_from is None or candidate.available_from <= start
    ends_ok = candidate.available_until is None or candidate.available_until >= end
    return starts_ok and ends_ok
