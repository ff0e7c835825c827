"""Level claims per skill, and the effective level of each holder on a given
day (`fit.effective_claims` over arrays: expiry, supersession, evidence age)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt

from services.skills.domain.fit import evidence_age_factors, supersedes
from services.skills.domain.scoring_index.columns import (
    SOURCE_OF_RANK,
    BoolArray,
    FloatArray,
    Int32Array,
    IntArray,
    iso_of,
)


@dataclass
class ClaimColumn:
    """Every claim on one skill, rows ascending (a row's claims in any order)."""

    rows: Int32Array
    levels: npt.NDArray[np.int16]
    ranks: npt.NDArray[np.int8]
    assessed: Int32Array
    valid_until: Int32Array

    @classmethod
    def of(
        cls,
        rows: npt.ArrayLike,
        levels: npt.ArrayLike,
        ranks: npt.ArrayLike,
        assessed: npt.ArrayLike,
        valid_until: npt.ArrayLike,
        rows_sorted: bool = False,
    ) -> ClaimColumn:
        column = cls(
            np.asarray(rows, dtype=np.int32),
            np.asarray(levels, dtype=np.int16),
            np.asarray(ranks, dtype=np.int8),
            np.asarray(assessed, dtype=np.int32),
            np.asarray(valid_until, dtype=np.int32),
        )
        if rows_sorted:
            return column
        order = np.argsort(column.rows, kind="stable")
        return cls(
            column.rows[order],
            column.levels[order],
            column.ranks[order],
            column.assessed[order],
            column.valid_until[order],
        )

    def where(self, keep: BoolArray) -> ClaimColumn:
        return ClaimColumn(
            self.rows[keep],
            self.levels[keep],
            self.ranks[keep],
            self.assessed[keep],
            self.valid_until[keep],
        )

    def plus(self, other: ClaimColumn) -> ClaimColumn:
        return ClaimColumn.of(
            np.concatenate([self.rows, other.rows]),
            np.concatenate([self.levels, other.levels]),
            np.concatenate([self.ranks, other.ranks]),
            np.concatenate([self.assessed, other.assessed]),
            np.concatenate([self.valid_until, other.valid_until]),
        )

    @property
    def nbytes(self) -> int:
        return sum(
            a.nbytes for a in (self.rows, self.levels, self.ranks, self.assessed, self.valid_until)
        )


@dataclass
class EffectiveColumn:
    """The effective level of each holder of one skill today, rows ascending."""

    rows: Int32Array
    levels: FloatArray
    ages: FloatArray
    # Where each counting claim sits in the skill's claim column.
    positions: IntArray


def no_holders() -> EffectiveColumn:
    empty = np.empty(0, dtype=np.float64)
    return EffectiveColumn(np.empty(0, dtype=np.int32), empty, empty, np.empty(0, dtype=np.int64))


def effective_column_of(column: ClaimColumn, today_day: int, today: date) -> EffectiveColumn:
    current = np.flatnonzero(column.valid_until >= today_day)
    rows = column.rows[current]
    levels = column.levels[current]
    ranks = column.ranks[current]
    assessed = column.assessed[current]
    if rows.size == 0:
        return no_holders()
    starts = np.flatnonzero(np.concatenate(([True], rows[1:] != rows[:-1])))
    chosen = starts.copy()
    sizes = np.diff(np.append(starts, rows.size))
    for group in np.flatnonzero(sizes > 1):
        chosen[group] = _counting_claim(
            levels, ranks, assessed, int(starts[group]), int(sizes[group])
        )
    return EffectiveColumn(
        rows[chosen],
        levels[chosen].astype(np.float64),
        evidence_age_factors(assessed[chosen], today),
        current[chosen].astype(np.int64),
    )


def _counting_claim(
    levels: npt.NDArray[np.int16],
    ranks: npt.NDArray[np.int8],
    assessed: Int32Array,
    start: int,
    size: int,
) -> int:
    """`fit.effective_claims` over one person's claims on one skill: weighed
    oldest first (`fit.chronological_key`), each later one may supersede."""
    group = range(start, start + size)
    ordered = sorted(group, key=lambda p: (int(assessed[p]), int(ranks[p]), int(levels[p])))
    held = ordered[0]
    for position in ordered[1:]:
        if supersedes(
            SOURCE_OF_RANK.get(int(ranks[position]), ""),
            int(levels[position]),
            iso_of(int(assessed[position])),
            SOURCE_OF_RANK.get(int(ranks[held]), ""),
            int(levels[held]),
            iso_of(int(assessed[held])),
        ):
            held = position
    return held
