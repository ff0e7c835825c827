"""Every level claim, one column per skill, and each column's effective levels
for the current day (cached until the column or the day changes)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

import numpy as np
import numpy.typing as npt

from services.skills.domain.fit import Held
from services.skills.domain.model import SOURCE_RANK, LevelClaim
from services.skills.domain.scoring_index.claims import (
    ClaimColumn,
    EffectiveColumn,
    effective_column_of,
    no_holders,
)
from services.skills.domain.scoring_index.columns import (
    NEVER,
    NO_DATE,
    SOURCE_OF_RANK,
    ClaimColumns,
    DayCodes,
    FloatArray,
    Int32Array,
    iso_of,
)

# (person id, skill id, level, source, assessed_at, valid_until)
ClaimRow = tuple[str, str, int, str, str, str]


class ClaimTable:
    def __init__(self, today: date) -> None:
        self.today = today
        self.today_day = today.toordinal()
        self.skill_codes: dict[str, int] = {}
        self.columns: dict[int, ClaimColumn] = {}
        self._effective: dict[int, EffectiveColumn] = {}
        self._days = DayCodes()

    @classmethod
    def restore(
        cls, skill_ids: Sequence[str], columns: dict[int, ClaimColumn], today: date
    ) -> ClaimTable:
        table = cls(today)
        table.skill_codes = {skill_id: code for code, skill_id in enumerate(skill_ids)}
        table.columns = dict(columns)
        return table

    def skill_ids(self) -> list[str]:
        """Skill ids by code."""
        return sorted(self.skill_codes, key=self.skill_codes.__getitem__)

    def code(self, skill_id: str) -> int:
        """The skill's code, given one if it has none yet."""
        code = self.skill_codes.get(skill_id)
        if code is None:
            code = len(self.skill_codes)
            self.skill_codes[skill_id] = code
        return code

    def set_today(self, today: date) -> None:
        """A new day: effective levels (expiry, evidence age) are derived again."""
        if today != self.today:
            self.today = today
            self.today_day = today.toordinal()
            self._effective.clear()

    # Writing

    def add(self, claims: ClaimColumns, skill_ids: Sequence[str] | None = None) -> None:
        """Adds claims; `claims.skill` indexes `skill_ids`, or holds codes without them."""
        size = np.asarray(claims.person).size
        if size == 0:
            return
        skill = np.asarray(claims.skill, dtype=np.int64)
        if skill_ids is not None:
            skill = np.array([self.code(s) for s in skill_ids], dtype=np.int64)[skill]
        complete = ClaimColumns(
            person=claims.person,
            skill=skill,
            level=claims.level,
            source_rank=claims.source_rank
            if claims.source_rank is not None
            else np.full(size, SOURCE_RANK["assessment"], dtype=np.int8),
            assessed_day=claims.assessed_day
            if claims.assessed_day is not None
            else np.zeros(size, dtype=np.int32),
            valid_until_day=claims.valid_until_day
            if claims.valid_until_day is not None
            else np.full(size, NEVER, dtype=np.int32),
        )
        for code, column in _by_skill(complete).items():
            existing = self.columns.get(code)
            self._set(code, column if existing is None else existing.plus(column))

    def encode(self, claims: Sequence[ClaimRow], row_of: dict[str, int]) -> ClaimColumns:
        """Claims of people already added, in columns for `add` and `replace`."""
        days = self._days
        return ClaimColumns(
            person=np.array([row_of[c[0]] for c in claims], dtype=np.int32),
            skill=np.array([self.code(c[1]) for c in claims], dtype=np.int64),
            level=np.array([c[2] for c in claims], dtype=np.int16),
            source_rank=np.array([SOURCE_RANK.get(c[3], 0) for c in claims], dtype=np.int8),
            assessed_day=np.array([days(c[4], NO_DATE) for c in claims], dtype=np.int32),
            valid_until_day=np.array([days(c[5], NEVER) for c in claims], dtype=np.int32),
        )

    def replace(self, rows: Int32Array, claims: ClaimColumns | None) -> None:
        """Every claim of these rows leaves; `claims` (from `encode`) come in.
        One pass over the columns, each touched once."""
        added = _by_skill(claims) if claims is not None else {}
        ordered = np.unique(rows)
        for code, column in list(self.columns.items()):
            low = np.searchsorted(column.rows, ordered, side="left")
            high = np.searchsorted(column.rows, ordered, side="right")
            held = high > low
            incoming = added.pop(code, None)
            if not held.any() and incoming is None:
                continue
            if held.any():
                # Rows are distinct, so their ranges are disjoint: mark starts and ends.
                delta = np.zeros(column.rows.size + 1, dtype=np.int32)
                delta[low[held]] += 1
                delta[high[held]] -= 1
                column = column.where(np.cumsum(delta[:-1]) == 0)
            self._set(code, column if incoming is None else column.plus(incoming))
        for code, incoming in added.items():
            self._set(code, incoming)

    def _set(self, code: int, column: ClaimColumn) -> None:
        self.columns[code] = column
        self._effective.pop(code, None)

    # Reading

    def effective(self, code: int) -> EffectiveColumn:
        cached = self._effective.get(code)
        if cached is None:
            column = self.columns.get(code)
            if column is None:
                cached = no_holders()
            else:
                cached = effective_column_of(column, self.today_day, self.today)
            self._effective[code] = cached
        return cached

    def effective_of(self, skill_id: str) -> EffectiveColumn:
        code = self.skill_codes.get(skill_id)
        return no_holders() if code is None else self.effective(code)

    def level_column(self, skill_id: str, size: int) -> FloatArray:
        """Every row's effective level in the skill (0 when not held)."""
        levels = np.zeros(size, dtype=np.float64)
        held = self.effective_of(skill_id)
        levels[held.rows] = held.levels
        return levels

    def held_at(self, row: int, skill_ids: Iterable[str]) -> dict[str, Held]:
        """One row's effective levels in these skills today."""
        held: dict[str, Held] = {}
        for skill_id in skill_ids:
            column = self.effective_of(skill_id)
            position = int(np.searchsorted(column.rows, row))
            if position < column.rows.size and int(column.rows[position]) == row:
                held[skill_id] = Held(int(column.levels[position]), float(column.ages[position]))
        return held

    def counting_claims(
        self, rows: Int32Array, skill_ids: Iterable[str]
    ) -> dict[int, list[LevelClaim]]:
        """Per row, its counting claim in each of these skills it holds today."""
        claims: dict[int, list[LevelClaim]] = {int(row): [] for row in rows.tolist()}
        for skill_id in sorted(set(skill_ids)):
            held = self.effective_of(skill_id)
            if held.rows.size == 0 or rows.size == 0:
                continue
            found = np.minimum(np.searchsorted(held.rows, rows), held.rows.size - 1)
            column = self.columns[self.skill_codes[skill_id]]
            for row, position in zip(rows.tolist(), found.tolist(), strict=True):
                if int(held.rows[position]) == row:
                    claims[row].append(_claim(skill_id, column, int(held.positions[position])))
        return claims

    @property
    def nbytes(self) -> int:
        total = sum(c.nbytes for c in self.columns.values())
        total += sum(
            e.rows.nbytes + e.levels.nbytes + e.ages.nbytes + e.positions.nbytes
            for e in self._effective.values()
        )
        return total


def _claim(skill_id: str, column: ClaimColumn, position: int) -> LevelClaim:
    return LevelClaim(
        skill_id=skill_id,
        level=int(column.levels[position]),
        source=SOURCE_OF_RANK.get(int(column.ranks[position]), ""),
        assessed_at=iso_of(int(column.assessed[position])),
        valid_until=iso_of(int(column.valid_until[position])),
    )


def _by_skill(claims: ClaimColumns) -> dict[int, ClaimColumn]:
    """Complete claim columns (every field given) split into one column per skill."""
    person = np.asarray(claims.person, dtype=np.int32)
    if person.size == 0:
        return {}
    skill = np.asarray(claims.skill, dtype=np.int64)
    order = np.argsort((skill << 32) | person.astype(np.int64), kind="stable")
    skill_sorted = skill[order]
    bounds = (np.flatnonzero(skill_sorted[1:] != skill_sorted[:-1]) + 1).tolist()

    def sorted_field(values: npt.ArrayLike | None) -> npt.NDArray[np.generic]:
        return np.asarray(values)[order]

    fields = [
        person[order],
        sorted_field(claims.level),
        sorted_field(claims.source_rank),
        sorted_field(claims.assessed_day),
        sorted_field(claims.valid_until_day),
    ]
    return {
        int(skill_sorted[begin]): ClaimColumn.of(
            fields[0][begin:end],
            fields[1][begin:end],
            fields[2][begin:end],
            fields[3][begin:end],
            fields[4][begin:end],
            rows_sorted=True,
        )
        for begin, end in zip([0, *bounds], [*bounds, int(person.size)], strict=True)
    }
