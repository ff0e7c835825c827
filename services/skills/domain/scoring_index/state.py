"""The index as plain arrays, for a snapshot on disk.

It holds what the index was given, never what it derived for a day: claims
keep their level, source, assessed and valid-until days, so an index loaded
tomorrow applies tomorrow's expiry and evidence age. Roles and skill
neighbourhoods are not part of it (they are read again from the graph).

`LAYOUT` names what the codes in the arrays mean; arrays written under
another layout are refused rather than read with the wrong meaning.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from services.skills.domain.model import SOURCE_RANK
from services.skills.domain.scoring_index.claims import ClaimColumn
from services.skills.domain.scoring_index.columns import (
    NEVER,
    NO_DATE,
    NOT_HELD,
    SECTOR_CODES,
    BoolArray,
    FloatArray,
    Int32Array,
    IntArray,
)

STATE_FORMAT = 1
LAYOUT = json.dumps(
    {
        "format": STATE_FORMAT,
        "sources": SOURCE_RANK,
        "sectors": SECTOR_CODES,
        "days": [NO_DATE, NEVER, NOT_HELD],
    },
    sort_keys=True,
)
# Joins text columns into one array; a value holding it cannot be stored.
_SEPARATOR = "\x00"
_CLAIM_FIELDS = ("rows", "levels", "ranks", "assessed", "valid_until")

Arrays = dict[str, npt.NDArray[np.generic]]
ReadArrays = Mapping[str, npt.NDArray[np.generic]]


class UnsnapshottableText(ValueError):
    """A text value holds the separator the text columns are joined with."""


@dataclass(frozen=True)
class IndexState:
    """Per person row: ids, names and attribute codes (rows of erased people
    stay, not alive); clearances as (row, kind, expires) triples; claims per
    skill code, rows ascending, as the index keeps them."""

    ids: list[str]
    names: list[str]
    alive: BoolArray
    sector: npt.NDArray[np.int8]
    organisation: Int32Array
    locality: Int32Array
    capacity: FloatArray
    day_rate: FloatArray
    available_from: Int32Array
    available_until: Int32Array
    id_rank: IntArray
    organisation_names: list[str]
    locality_names: list[str]
    clearance_rows: Int32Array
    clearance_kinds: list[str]
    clearance_expires: list[str]
    skill_ids: list[str]
    claims: Mapping[int, ClaimColumn]

    def to_arrays(self) -> Arrays:
        """Numbers as they are, text joined into character arrays, claims as one
        column per field with each skill's bounds."""
        arrays: Arrays = {name: np.asarray(getattr(self, name)) for name in _NUMERIC_FIELDS}
        for name in _TEXT_FIELDS:
            arrays[name] = _joined(getattr(self, name))
        codes = sorted(self.claims)
        sizes = [self.claims[code].rows.size for code in codes]
        arrays["claim_codes"] = np.array(codes, dtype=np.int64)
        arrays["claim_bounds"] = np.concatenate(([0], np.cumsum(sizes, dtype=np.int64)))
        for name in _CLAIM_FIELDS:
            parts = [getattr(self.claims[code], name) for code in codes]
            arrays[f"claim_{name}"] = np.concatenate(parts) if parts else np.empty(0)
        return arrays

    @classmethod
    def from_arrays(cls, arrays: ReadArrays) -> IndexState:
        """The state `to_arrays` wrote; a missing array raises KeyError."""
        bounds = arrays["claim_bounds"].tolist()
        claims = {
            code: _claim_column(arrays, bounds[i], bounds[i + 1])
            for i, code in enumerate(arrays["claim_codes"].tolist())
        }
        numeric = {name: arrays[name] for name in _NUMERIC_FIELDS}
        text = {name: _split(arrays[name]) for name in _TEXT_FIELDS}
        state = cls(claims=claims, **numeric, **text)  # type: ignore[arg-type]
        state.check()
        return state

    def check(self) -> None:
        """Raises ValueError when the columns disagree in length."""
        people = len(self.ids)
        per_person = [len(self.names), *(getattr(self, n).size for n in _PERSON_COLUMNS)]
        clearances = {self.clearance_rows.size, len(self.clearance_kinds)}
        if (
            any(size != people for size in per_person)
            or len(clearances | {len(self.clearance_expires)}) != 1
        ):
            raise ValueError("the snapshot's columns disagree in length")


_PERSON_COLUMNS = (
    "alive",
    "sector",
    "organisation",
    "locality",
    "capacity",
    "day_rate",
    "available_from",
    "available_until",
    "id_rank",
)
_NUMERIC_FIELDS = (*_PERSON_COLUMNS, "clearance_rows")
_TEXT_FIELDS = (
    "ids",
    "names",
    "organisation_names",
    "locality_names",
    "clearance_kinds",
    "clearance_expires",
    "skill_ids",
)


def _joined(values: list[str]) -> npt.NDArray[np.uint8]:
    text = _SEPARATOR.join(values)
    if text.count(_SEPARATOR) != max(len(values) - 1, 0):
        raise UnsnapshottableText("a text value holds a NUL character")
    encoded = (str(len(values)) + _SEPARATOR + text).encode("utf-8")
    return np.frombuffer(encoded, dtype=np.uint8)


def _split(array: npt.NDArray[np.generic]) -> list[str]:
    count, _, text = array.tobytes().decode("utf-8").partition(_SEPARATOR)
    values = text.split(_SEPARATOR) if int(count) else []
    if len(values) != int(count):
        raise ValueError("the snapshot's text columns are damaged")
    return values


def _claim_column(
    arrays: Mapping[str, npt.NDArray[np.generic]], start: int, end: int
) -> ClaimColumn:
    def part(name: str) -> npt.NDArray[np.generic]:
        return arrays[f"claim_{name}"][start:end]

    return ClaimColumn.of(
        part("rows"),
        part("levels"),
        part("ranks"),
        part("assessed"),
        part("valid_until"),
        rows_sorted=True,
    )


@dataclass(frozen=True)
class IndexSnapshot:
    """An index state, the graph it was taken of (its fingerprint) and the
    change feed's watermark then: changes from there on are not in it."""

    state: IndexState
    graph: str
    watermark_ms: int
