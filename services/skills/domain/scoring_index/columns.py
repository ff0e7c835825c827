"""Plain columns the index is built from and the codes it keeps them as:
day ordinals, FTE hundredths, sector codes and small integer codes for text."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from services.skills.domain.model import SOURCE_RANK, Clearance, PeopleFilter, Person

IntArray = npt.NDArray[np.int64]
Int32Array = npt.NDArray[np.int32]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
GrowableArray = TypeVar("GrowableArray", bound=npt.NDArray[Any])

# Day ordinals: NEVER for an open end, 0 for an open start or an undated claim.
NEVER = 2**31 - 1
NO_DATE = 0
NOT_HELD = -1
FTE_SCALE = 100
NO_FILTER = PeopleFilter()
SECTOR_CODES: dict[str, int] = {"public": 0, "private": 1, "third_sector": 2, "community": 3}
SECTOR_NAMES = tuple(SECTOR_CODES)
SOURCE_OF_RANK: dict[int, str] = {rank: source for source, rank in SOURCE_RANK.items()}
EMPTY_CLEARANCES: tuple[Clearance, ...] = ()


def day_of(iso: str, empty: int = NO_DATE) -> int:
    """The ordinal of an ISO date, `empty` for ""."""
    return date.fromisoformat(iso).toordinal() if iso else empty


def iso_of(day: int) -> str:
    return "" if day in (NO_DATE, NEVER) else date.fromordinal(day).isoformat()


def fte_units(fte: float) -> int:
    return round(fte * FTE_SCALE)


class DayCodes:
    """ISO strings to ordinals with a cache: a workforce has few distinct dates."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, int], int] = {}

    def __call__(self, iso: str | None, empty: int) -> int:
        key = (iso or "", empty)
        day = self._cache.get(key)
        if day is None:
            day = day_of(iso or "", empty)
            self._cache[key] = day
        return day


@dataclass
class PeopleColumns:
    """People's attributes as columns (all of one length). Only ids are required."""

    ids: Sequence[str]
    sectors: Sequence[str] | None = None
    organisations: Sequence[str] | None = None
    localities: Sequence[str] | None = None
    capacity_fte: Sequence[float] | FloatArray | None = None
    names: Sequence[str] | None = None
    day_rates: Sequence[float] | FloatArray | None = None
    available_from: Sequence[str] | None = None
    available_until: Sequence[str] | None = None
    clearances: Sequence[tuple[Clearance, ...]] | None = None

    @classmethod
    def of(cls, people: Sequence[Person]) -> PeopleColumns:
        return cls(
            ids=[p.id for p in people],
            sectors=[p.sector for p in people],
            organisations=[p.organisation for p in people],
            localities=[p.locality for p in people],
            capacity_fte=[p.capacity_fte for p in people],
            names=[p.name for p in people],
            day_rates=[p.day_rate for p in people],
            available_from=[p.available_from for p in people],
            available_until=[p.available_until for p in people],
            clearances=[p.clearances for p in people],
        )


@dataclass
class ClaimColumns:
    """Level claims as columns: `person` indexes PeopleColumns, `skill` indexes
    the skill ids. Without sources every claim counts as an assessment;
    without dates it is undated (full weight) and never expires."""

    person: npt.ArrayLike
    skill: npt.ArrayLike
    level: npt.ArrayLike
    source_rank: npt.ArrayLike | None = None
    # Date ordinals (0: undated).
    assessed_day: npt.ArrayLike | None = None
    # Date ordinals (NEVER: no expiry).
    valid_until_day: npt.ArrayLike | None = None


def concatenate_claims(parts: Sequence[ClaimColumns]) -> ClaimColumns:
    """One ClaimColumns of several encoded with the same skill codes."""

    def joined(name: str) -> npt.NDArray[Any]:
        if not parts:
            return np.empty(0)
        return np.concatenate([np.asarray(getattr(p, name)) for p in parts])

    return ClaimColumns(
        person=joined("person"),
        skill=joined("skill"),
        level=joined("level"),
        source_rank=joined("source_rank"),
        assessed_day=joined("assessed_day"),
        valid_until_day=joined("valid_until_day"),
    )


@dataclass
class TextCodes:
    """Text values as small integers; code -1 stands for a value nobody has."""

    codes: dict[str, int] = field(default_factory=dict)
    names: list[str] = field(default_factory=list)

    def code(self, value: str) -> int:
        existing = self.codes.get(value)
        if existing is None:
            existing = len(self.names)
            self.codes[value] = existing
            self.names.append(value)
        return existing

    @classmethod
    def of(cls, names: list[str]) -> TextCodes:
        return cls({name: code for code, name in enumerate(names)}, list(names))

    def find(self, value: str) -> int:
        return self.codes.get(value, -1)


def coded(values: Sequence[str], codes: TextCodes) -> Int32Array:
    return np.array([codes.code(v) for v in values], dtype=np.int32)


def name_of(codes: TextCodes, code: int) -> str:
    return codes.names[code] if code >= 0 else ""
