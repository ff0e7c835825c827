"""People as rows of coded columns: what filters, eligibility and the
candidate rows read. Rows are never reused: an erased person's row stays,
not alive, so rows held elsewhere (claim columns) stay valid."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, cast

import numpy as np

from services.skills.domain.model import Clearance, CommittedLoad, Person
from services.skills.domain.scoring_index.columns import (
    EMPTY_CLEARANCES,
    FTE_SCALE,
    NEVER,
    NO_DATE,
    NOT_HELD,
    SECTOR_CODES,
    SECTOR_NAMES,
    BoolArray,
    DayCodes,
    GrowableArray,
    Int32Array,
    IntArray,
    PeopleColumns,
    TextCodes,
    coded,
    day_of,
    fte_units,
    iso_of,
    name_of,
)
from services.skills.domain.scoring_index.state import IndexState

# The per-person columns, as attributes of PeopleTable and fields of IndexState.
COLUMNS = (
    "alive",
    "sector",
    "organisation",
    "locality",
    "capacity",
    "day_rate",
    "available_from",
    "available_until",
)
_FILL: dict[str, object] = {
    "alive": False,
    "sector": -1,
    "organisation": -1,
    "locality": -1,
    "capacity": 0.0,
    "day_rate": 0.0,
    "available_from": NO_DATE,
    "available_until": NEVER,
}


class PeopleTable:
    """Sector, organisation and locality as integer codes, capacity, day rate,
    availability and, per clearance kind, the last day it is valid (day
    ordinals; NO_DATE for "no start", NEVER for "no end")."""

    def __init__(self) -> None:
        self.size = 0
        self.ids: list[str] = []
        self.row_of: dict[str, int] = {}
        self.names: list[str] = []
        self.clearance_lists: list[tuple[Clearance, ...]] = []
        self.alive = np.zeros(0, dtype=bool)
        self.sector = np.zeros(0, dtype=np.int8)
        self.organisation = np.zeros(0, dtype=np.int32)
        self.locality = np.zeros(0, dtype=np.int32)
        self.capacity = np.zeros(0, dtype=np.float64)
        self.day_rate = np.zeros(0, dtype=np.float64)
        self.available_from = np.zeros(0, dtype=np.int32)
        self.available_until = np.zeros(0, dtype=np.int32)
        self.clearance_until: dict[str, Int32Array] = {}
        self.organisations = TextCodes()
        self.localities = TextCodes()
        self.days = DayCodes()
        self._id_rank: IntArray | None = None

    # Writing

    def add(self, people: PeopleColumns) -> Int32Array:
        """Adds (or replaces the attributes of) these people; returns their rows."""
        ids = list(people.ids)
        if len(set(ids)) != len(ids):
            raise ValueError("people ids must be unique")
        rows = np.array([self.row_of.get(i, -1) for i in ids], dtype=np.int32)
        fresh = np.flatnonzero(rows < 0)
        if fresh.size:
            rows[fresh] = self._append([ids[p] for p in fresh.tolist()])
        self._set_attributes(rows, people)
        self._set_clearances(rows, people.clearances)
        return rows

    def _append(self, fresh_ids: list[str]) -> Int32Array:
        start, count = self.size, len(fresh_ids)
        self.row_of.update(zip(fresh_ids, range(start, start + count), strict=True))
        self.ids.extend(fresh_ids)
        self.names.extend([""] * count)
        self.clearance_lists.extend([EMPTY_CLEARANCES] * count)
        self.grow(start + count)
        self.size += count
        self._id_rank = None
        return np.arange(start, start + count, dtype=np.int32)

    def _set_attributes(self, rows: Int32Array, people: PeopleColumns) -> None:
        count = rows.size

        def column(values: Sequence[str] | None) -> list[str]:
            return list(values) if values is not None else [""] * count

        self.alive[rows] = True
        sectors = column(people.sectors)
        self.sector[rows] = np.array([SECTOR_CODES.get(s, -1) for s in sectors], dtype=np.int8)
        self.organisation[rows] = coded(column(people.organisations), self.organisations)
        self.locality[rows] = coded(column(people.localities), self.localities)
        self.capacity[rows] = (
            np.asarray(people.capacity_fte, dtype=np.float64)
            if people.capacity_fte is not None
            else 1.0
        )
        self.day_rate[rows] = (
            np.asarray(people.day_rates, dtype=np.float64) if people.day_rates is not None else 0.0
        )
        self.available_from[rows] = self._day_column(people.available_from, NO_DATE)
        self.available_until[rows] = self._day_column(people.available_until, NEVER)
        for row, name in zip(rows.tolist(), column(people.names), strict=True):
            self.names[row] = name

    def _set_clearances(
        self, rows: Int32Array, clearances: Sequence[tuple[Clearance, ...]] | None
    ) -> None:
        for kind_column in self.clearance_until.values():
            kind_column[rows] = NOT_HELD
        row_list = rows.tolist()
        for row in row_list:
            self.clearance_lists[row] = EMPTY_CLEARANCES
        if clearances is not None:
            for row, held in zip(row_list, clearances, strict=True):
                if held:
                    self.add_clearances(row, held)

    def add_clearances(self, row: int, held: Iterable[Clearance]) -> None:
        held = tuple(held)
        self.clearance_lists[row] = self.clearance_lists[row] + held
        for clearance in held:
            kind_column = self._clearance_column(clearance.kind)
            expires = self.days(clearance.expires, NEVER)
            kind_column[row] = max(int(kind_column[row]), expires)

    def _day_column(self, values: Sequence[str] | None, empty: int) -> Int32Array | int:
        if values is None:
            return empty
        days = self.days
        return np.array([days(v, empty) for v in values], dtype=np.int32)

    def remove(self, rows: Int32Array) -> None:
        """Erasure: the rows stay, not alive, with no name or clearances."""
        self.alive[rows] = False
        for row in rows.tolist():
            self.names[row] = ""
            self.clearance_lists[row] = EMPTY_CLEARANCES
        for kind_column in self.clearance_until.values():
            kind_column[rows] = NOT_HELD

    def grow(self, needed: int) -> None:
        capacity = self.alive.size
        if needed <= capacity:
            return
        new = max(needed, capacity * 2, 1024)

        def grown(array: GrowableArray, fill: object) -> GrowableArray:
            out = np.full(new, fill, dtype=array.dtype)
            out[:capacity] = array
            return cast(GrowableArray, out)

        for name in COLUMNS:
            setattr(self, name, grown(getattr(self, name), _FILL[name]))
        for kind, kind_column in self.clearance_until.items():
            self.clearance_until[kind] = grown(kind_column, NOT_HELD)

    def _clearance_column(self, kind: str) -> Int32Array:
        kind_column = self.clearance_until.get(kind)
        if kind_column is None:
            kind_column = np.full(self.alive.size, NOT_HELD, dtype=np.int32)
            self.clearance_until[kind] = kind_column
        return kind_column

    # Snapshots

    def capture(self) -> dict[str, Any]:
        """The IndexState fields of the people (copied: the columns change in place)."""
        triples = [
            (row, clearance.kind, clearance.expires)
            for row, held in enumerate(self.clearance_lists)
            for clearance in held
        ]
        return {
            **{name: getattr(self, name)[: self.size].copy() for name in COLUMNS},
            "ids": list(self.ids),
            "names": list(self.names),
            "id_rank": self.id_rank().copy(),
            "organisation_names": list(self.organisations.names),
            "locality_names": list(self.localities.names),
            "clearance_rows": np.array([t[0] for t in triples], dtype=np.int32),
            "clearance_kinds": [t[1] for t in triples],
            "clearance_expires": [t[2] for t in triples],
        }

    @classmethod
    def restore(cls, state: IndexState) -> PeopleTable:
        table = cls()
        size = len(state.ids)
        table.grow(size)
        table.size = size
        table.ids = list(state.ids)
        table.row_of = {person_id: row for row, person_id in enumerate(table.ids)}
        if len(table.row_of) != size:
            raise ValueError("people ids must be unique")
        table.names = list(state.names)
        table.clearance_lists = [EMPTY_CLEARANCES] * size
        for name in COLUMNS:
            getattr(table, name)[:size] = getattr(state, name)
        table.organisations = TextCodes.of(state.organisation_names)
        table.localities = TextCodes.of(state.locality_names)
        table._id_rank = np.asarray(state.id_rank, dtype=np.int64)
        clearances = zip(
            state.clearance_rows.tolist(),
            state.clearance_kinds,
            state.clearance_expires,
            strict=True,
        )
        for row, kind, expires in clearances:
            table.add_clearances(row, [Clearance(kind, expires)])
        return table

    # Reading

    def alive_row(self, person_id: str) -> int | None:
        row = self.row_of.get(person_id)
        return row if row is not None and bool(self.alive[row]) else None

    def alive_mask(self) -> BoolArray:
        return self.alive[: self.size].copy()

    def person_at(self, row: int) -> Person:
        return Person(
            id=self.ids[row],
            name=self.names[row],
            sector=SECTOR_NAMES[self.sector[row]] if self.sector[row] >= 0 else "",
            organisation=name_of(self.organisations, int(self.organisation[row])),
            locality=name_of(self.localities, int(self.locality[row])),
            capacity_fte=float(self.capacity[row]),
            day_rate=float(self.day_rate[row]),
            clearances=self.clearance_lists[row],
            available_from=iso_of(int(self.available_from[row])),
            available_until=iso_of(int(self.available_until[row])),
        )

    def id_rank(self) -> IntArray:
        """Each row's position in id order."""
        if self._id_rank is None or self._id_rank.size != self.size:
            order = np.argsort(np.array(self.ids, dtype=object), kind="stable")
            rank = np.empty(self.size, dtype=np.int64)
            rank[order] = np.arange(self.size, dtype=np.int64)
            self._id_rank = rank
        return self._id_rank

    def sector_is(self, sector: str) -> BoolArray:
        matches: BoolArray = self.sector[: self.size] == SECTOR_CODES.get(sector, -2)
        return matches

    def organisation_is(self, organisation: str) -> BoolArray:
        code = self.organisations.find(organisation)
        matches: BoolArray = self.organisation[: self.size] == code
        return matches

    def locality_is(self, locality: str) -> BoolArray:
        matches: BoolArray = self.locality[: self.size] == self.localities.find(locality)
        return matches

    def available_mask(self, start: int, end: int) -> BoolArray:
        size = self.size
        available: BoolArray = (self.available_from[:size] <= start) & (
            self.available_until[:size] >= end
        )
        return available

    def clearance_mask(self, kind: str, until: int) -> BoolArray:
        kind_column = self.clearance_until.get(kind)
        if kind_column is None:
            return np.zeros(self.size, dtype=bool)
        valid: BoolArray = kind_column[: self.size] >= until
        return valid

    def free_units(self, committed: Sequence[CommittedLoad], start: str, end: str) -> IntArray:
        """Capacity in FTE hundredths less the committed work overlapping start..end."""
        free: IntArray = np.rint(self.capacity[: self.size] * FTE_SCALE).astype(np.int64)
        period_start = day_of(start)
        period_end = day_of(end, NEVER)
        for load in committed:
            row = self.row_of.get(load.person_id)
            if row is None:
                continue
            overlaps = day_of(load.start) <= period_end and period_start <= day_of(load.end, NEVER)
            if overlaps:
                free[row] -= fte_units(load.fte)
        return free

    @property
    def nbytes(self) -> int:
        arrays: list[Any] = [getattr(self, name) for name in COLUMNS]
        arrays.extend(self.clearance_until.values())
        return sum(int(a.nbytes) for a in arrays)
