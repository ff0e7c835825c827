"""The candidate matrix as numpy columns, and the units every rule counts in.

FTE and money are whole hundredths (`fte_units`, `money_units`) so CP-SAT
and the plain predicates compare the same integers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from services.matching.domain.model import (
    Candidate,
    CommittedWork,
    Outcome,
    Sector,
    Slot,
    StaffingRequest,
)

FTE_SCALE = 100
MONEY_SCALE = 100
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
