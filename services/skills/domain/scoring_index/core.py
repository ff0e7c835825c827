"""The scoring index: what fit and ranking need, in memory, as numpy arrays.

Neo4j stays the source of truth; each skills process keeps this index and
answers fit, ranking, filters, gap steps, the candidate matrix and slot
candidates from it, vectorised, instead of pulling levels through the driver.

What it holds
- People as rows (the order they were added; `id_rank` gives id order):
  sector, organisation and locality as integer codes, capacity, day rate,
  availability and, per clearance kind, the last day it is valid (date
  ordinals; 0 for "no start", NEVER for "no end").
- Every level claim, one column per skill (rows sorted): level, source rank,
  assessed and valid-until days. The effective level of each (person,
  skill) and its evidence age factor are derived per column for the current
  day, by the rule of `fit.effective_claims` / `fit.supersedes`, and cached
  until the column changes or the day does (expiry passing midnight).
- Roles and the skill neighbourhoods; each role's credit table (the skills
  that give credit to each requirement, with their factors, from
  `fit.RoleScorer`) is cached and dropped when the catalogue changes.

Fits equal `RoleScorer.fit_value` bit for bit: the same operations in the
same order, only over arrays. Ranking is fit descending, then id ascending.

Building one without Neo4j (benchmarks, tests)::

    index = ScoringIndex.from_arrays(
        PeopleColumns(ids=ids, sectors=sectors, localities=localities),
        ClaimColumns(person=rows, skill=skill_codes, level=levels),
        skill_ids=skill_ids,
        roles=roles,
        neighbourhoods=neighbourhoods,
        today=date(2026, 12, 1),
    )
    best = index.rank("navigator", PeopleFilter(locality="Ladywood"), k=20)

Not thread-safe: one event loop owns it (reads and write-through are
synchronous, so a request never sees half a change).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import cast

import numpy as np

from services.common.errors import NotFound
from services.skills.domain.fit import (
    Fit,
    GapReport,
    Held,
    RoleScorer,
    SkillNeighbourhood,
)
from services.skills.domain.model import (
    SOURCE_RANK,
    CandidateRow,
    Clearance,
    CommittedLoad,
    LevelClaim,
    LevelOverride,
    PeopleFilter,
    Person,
    Role,
    SkillSupplyQuery,
    SlotCandidates,
    SlotCandidatesRequest,
    SlotPool,
    SlotQuery,
)
from services.skills.domain.scoring_index.claims import (
    ClaimColumn,
    EffectiveColumn,
    effective_column_of,
    no_holders,
)
from services.skills.domain.scoring_index.columns import (
    EMPTY_CLEARANCES,
    FTE_SCALE,
    NEVER,
    NO_DATE,
    NO_FILTER,
    NOT_HELD,
    SECTOR_CODES,
    SECTOR_NAMES,
    SOURCE_OF_RANK,
    BoolArray,
    ClaimColumns,
    DayCodes,
    FloatArray,
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


@dataclass
class _CreditTable:
    """A role's requirements and, per requirement, the skills giving credit."""

    scorer: RoleScorer
    min_levels: list[int]
    weights: list[float]
    total_weight: float
    # Per requirement: (skill code, similarity) pairs.
    sources: list[list[tuple[int, float]]]


_STATE_COLUMNS = (
    "alive",
    "sector",
    "organisation",
    "locality",
    "capacity",
    "day_rate",
    "available_from",
    "available_until",
)


class ScoringIndex:
    """See the module docstring."""

    def __init__(self, today: date) -> None:
        self.today = today
        self._today_day = today.toordinal()
        self._size = 0
        self._ids: list[str] = []
        self._row_of: dict[str, int] = {}
        self._names: list[str] = []
        self._clearance_lists: list[tuple[Clearance, ...]] = []
        self._alive = np.zeros(0, dtype=bool)
        self._sector = np.zeros(0, dtype=np.int8)
        self._organisation = np.zeros(0, dtype=np.int32)
        self._locality = np.zeros(0, dtype=np.int32)
        self._capacity = np.zeros(0, dtype=np.float64)
        self._day_rate = np.zeros(0, dtype=np.float64)
        self._available_from = np.zeros(0, dtype=np.int32)
        self._available_until = np.zeros(0, dtype=np.int32)
        self._clearance_until: dict[str, Int32Array] = {}
        self._organisations = TextCodes()
        self._localities = TextCodes()
        self._skill_codes: dict[str, int] = {}
        self._claims: dict[int, ClaimColumn] = {}
        self._effective_cache: dict[int, EffectiveColumn] = {}
        self._id_rank: IntArray | None = None
        self._roles: dict[str, Role] = {}
        self._neighbourhoods: dict[str, SkillNeighbourhood] = {}
        self._credit_tables: dict[str, _CreditTable] = {}
        self._days = DayCodes()

    # Building

    @classmethod
    def from_arrays(
        cls,
        people: PeopleColumns,
        claims: ClaimColumns,
        skill_ids: Sequence[str],
        roles: Sequence[Role],
        neighbourhoods: Mapping[str, SkillNeighbourhood],
        today: date,
    ) -> ScoringIndex:
        """An index over these people and claims, in bulk (no Neo4j)."""
        index = cls(today)
        index.set_catalogue(roles, neighbourhoods)
        index.add_people(people)
        index.add_claims(claims, skill_ids)
        return index

    def capture_state(self) -> IndexState:
        """What the index was given, as plain arrays (copied, or immutable and
        shared), so it can be written out while the index moves on."""
        size = self._size
        triples = [
            (row, clearance.kind, clearance.expires)
            for row, held in enumerate(self._clearance_lists)
            for clearance in held
        ]
        return IndexState(
            ids=list(self._ids),
            names=list(self._names),
            alive=self._alive[:size].copy(),
            sector=self._sector[:size].copy(),
            organisation=self._organisation[:size].copy(),
            locality=self._locality[:size].copy(),
            capacity=self._capacity[:size].copy(),
            day_rate=self._day_rate[:size].copy(),
            available_from=self._available_from[:size].copy(),
            available_until=self._available_until[:size].copy(),
            id_rank=self.id_rank().copy(),
            organisation_names=list(self._organisations.names),
            locality_names=list(self._localities.names),
            clearance_rows=np.array([t[0] for t in triples], dtype=np.int32),
            clearance_kinds=[t[1] for t in triples],
            clearance_expires=[t[2] for t in triples],
            skill_ids=sorted(self._skill_codes, key=self._skill_codes.__getitem__),
            claims=dict(self._claims),
        )

    @classmethod
    def from_state(cls, state: IndexState, today: date) -> ScoringIndex:
        """The index `capture_state` described, on `today`'s date."""
        index = cls(today)
        size = len(state.ids)
        index._grow(size)
        index._size = size
        index._ids = list(state.ids)
        index._row_of = {person_id: row for row, person_id in enumerate(index._ids)}
        if len(index._row_of) != size:
            raise ValueError("people ids must be unique")
        index._names = list(state.names)
        for name in _STATE_COLUMNS:
            getattr(index, f"_{name}")[:size] = getattr(state, name)
        index._organisations = TextCodes.of(state.organisation_names)
        index._localities = TextCodes.of(state.locality_names)
        index._skill_codes = {skill_id: code for code, skill_id in enumerate(state.skill_ids)}
        index._claims = dict(state.claims)
        index._id_rank = np.asarray(state.id_rank, dtype=np.int64)
        index._clearance_lists = [EMPTY_CLEARANCES] * size
        held: dict[int, list[Clearance]] = {}
        for row, kind, expires in zip(
            state.clearance_rows.tolist(),
            state.clearance_kinds,
            state.clearance_expires,
            strict=True,
        ):
            held.setdefault(row, []).append(Clearance(kind, expires))
            kind_column = index._clearance_column(kind)
            kind_column[row] = max(int(kind_column[row]), index._days(expires, NEVER))
        for row, clearances in held.items():
            index._clearance_lists[row] = tuple(clearances)
        return index

    def add_people(self, people: PeopleColumns) -> Int32Array:
        """Adds (or replaces the attributes of) these people; returns their rows."""
        count = len(people.ids)
        ids = list(people.ids)
        if len(set(ids)) != count:
            raise ValueError("people ids must be unique")
        row_of = self._row_of
        rows = np.array([row_of.get(i, -1) for i in ids], dtype=np.int32)
        fresh_positions = np.flatnonzero(rows < 0)
        fresh = int(fresh_positions.size)
        if fresh:
            start = self._size
            fresh_ids = [ids[p] for p in fresh_positions.tolist()]
            row_of.update(zip(fresh_ids, range(start, start + fresh), strict=True))
            self._ids.extend(fresh_ids)
            self._names.extend([""] * fresh)
            self._clearance_lists.extend([EMPTY_CLEARANCES] * fresh)
            rows[fresh_positions] = np.arange(start, start + fresh, dtype=np.int32)
            self._grow(start + fresh)
            self._size += fresh
            self._id_rank = None

        def column(values: Sequence[str] | None) -> list[str]:
            return list(values) if values is not None else [""] * count

        self._alive[rows] = True
        sectors = column(people.sectors)
        self._sector[rows] = np.array([SECTOR_CODES.get(s, -1) for s in sectors], dtype=np.int8)
        self._organisation[rows] = coded(column(people.organisations), self._organisations)
        self._locality[rows] = coded(column(people.localities), self._localities)
        self._capacity[rows] = (
            np.asarray(people.capacity_fte, dtype=np.float64)
            if people.capacity_fte is not None
            else 1.0
        )
        self._day_rate[rows] = (
            np.asarray(people.day_rates, dtype=np.float64) if people.day_rates is not None else 0.0
        )
        self._available_from[rows] = self._day_column(people.available_from, NO_DATE)
        self._available_until[rows] = self._day_column(people.available_until, NEVER)
        names = column(people.names)
        clearances = people.clearances
        for kind_column in self._clearance_until.values():
            kind_column[rows] = NOT_HELD
        row_list = rows.tolist()
        for row, name in zip(row_list, names, strict=True):
            self._names[row] = name
        for row in row_list:
            self._clearance_lists[row] = EMPTY_CLEARANCES
        if clearances is not None:
            for row, held in zip(row_list, clearances, strict=True):
                if not held:
                    continue
                self._clearance_lists[row] = tuple(held)
                for clearance in held:
                    kind_column = self._clearance_column(clearance.kind)
                    expires = self._days(clearance.expires, NEVER)
                    kind_column[row] = max(int(kind_column[row]), expires)
        return rows

    def _day_column(self, values: Sequence[str] | None, empty: int) -> Int32Array | int:
        if values is None:
            return empty
        days = self._days
        return np.array([days(v, empty) for v in values], dtype=np.int32)

    def add_claims(self, claims: ClaimColumns, skill_ids: Sequence[str] | None = None) -> None:
        """Adds claims of people already added (rows as `add_people` returned,
        or positions in the PeopleColumns of `from_arrays`). `claims.skill`
        indexes `skill_ids`; without them it holds codes from `encode_claims`."""
        person = np.asarray(claims.person, dtype=np.int32)
        if person.size == 0:
            return
        skill_local = np.asarray(claims.skill, dtype=np.int64)
        if skill_ids is None:
            skill = skill_local
        else:
            skill_map = np.array([self._skill_code(s) for s in skill_ids], dtype=np.int64)
            skill = skill_map[skill_local]
        level = np.asarray(claims.level, dtype=np.int16)
        rank = (
            np.asarray(claims.source_rank, dtype=np.int8)
            if claims.source_rank is not None
            else np.full(person.size, SOURCE_RANK["assessment"], dtype=np.int8)
        )
        assessed = (
            np.asarray(claims.assessed_day, dtype=np.int32)
            if claims.assessed_day is not None
            else np.zeros(person.size, dtype=np.int32)
        )
        valid_until = (
            np.asarray(claims.valid_until_day, dtype=np.int32)
            if claims.valid_until_day is not None
            else np.full(person.size, NEVER, dtype=np.int32)
        )
        order = np.argsort((skill << 32) | person.astype(np.int64), kind="stable")
        skill_sorted = skill[order]
        bounds = np.flatnonzero(skill_sorted[1:] != skill_sorted[:-1]) + 1
        person, level = person[order], level[order]
        rank, assessed, valid_until = rank[order], assessed[order], valid_until[order]
        for begin, end in zip(
            [0, *bounds.tolist()], [*bounds.tolist(), int(person.size)], strict=True
        ):
            code = int(skill_sorted[begin])
            column = ClaimColumn.of(
                person[begin:end],
                level[begin:end],
                rank[begin:end],
                assessed[begin:end],
                valid_until[begin:end],
                rows_sorted=True,
            )
            existing = self._claims.get(code)
            self._claims[code] = column if existing is None else existing.plus(column)
            self._effective_cache.pop(code, None)

    def encode_claims(self, claims: Sequence[tuple[str, str, int, str, str, str]]) -> ClaimColumns:
        """Claims of people already added, as (person id, skill id, level,
        source, assessed_at, valid_until), in columns for `add_claims`."""
        row_of = self._row_of
        days = self._days
        return ClaimColumns(
            person=np.array([row_of[c[0]] for c in claims], dtype=np.int32),
            skill=np.array([self._skill_code(c[1]) for c in claims], dtype=np.int64),
            level=np.array([c[2] for c in claims], dtype=np.int16),
            source_rank=np.array([SOURCE_RANK.get(c[3], 0) for c in claims], dtype=np.int8),
            assessed_day=np.array([days(c[4], NO_DATE) for c in claims], dtype=np.int32),
            valid_until_day=np.array([days(c[5], NEVER) for c in claims], dtype=np.int32),
        )

    def replace_people(
        self,
        people: Sequence[Person],
        claims: Iterable[tuple[str, str, int, str, str, str]],
    ) -> None:
        """Write-through: these people with exactly these claims, as
        (person id, skill id, level, source, assessed_at, valid_until)."""
        if not people:
            return
        rows = self.add_people(PeopleColumns.of(people))
        self._replace_claims(rows, self.encode_claims(list(claims)))

    def remove_people(self, person_ids: Iterable[str]) -> None:
        """Erasure: the people leave every answer (their rows stay, empty)."""
        rows = np.array([self._row_of[p] for p in person_ids if p in self._row_of], dtype=np.int32)
        if rows.size == 0:
            return
        self._alive[rows] = False
        self._replace_claims(rows, None)
        for row in rows.tolist():
            self._names[row] = ""
            self._clearance_lists[row] = EMPTY_CLEARANCES
        for kind_column in self._clearance_until.values():
            kind_column[rows] = NOT_HELD

    def set_catalogue(
        self, roles: Iterable[Role], neighbourhoods: Mapping[str, SkillNeighbourhood]
    ) -> None:
        """Roles and skill neighbourhoods; drops every cached credit table."""
        self._roles = {role.id: role for role in roles}
        self._neighbourhoods = dict(neighbourhoods)
        self._credit_tables.clear()

    def set_today(self, today: date) -> None:
        """A new day: effective levels (expiry, evidence age) are derived again."""
        if today != self.today:
            self.today = today
            self._today_day = today.toordinal()
            self._effective_cache.clear()

    def _replace_claims(self, rows: Int32Array, claims: ClaimColumns | None) -> None:
        """Every claim of these rows leaves; `claims` (skill codes from
        `encode_claims`) come in. One pass over the columns, each touched once."""
        added: dict[int, ClaimColumn] = {}
        if claims is not None and np.asarray(claims.person).size:
            person = np.asarray(claims.person, dtype=np.int32)
            skill = np.asarray(claims.skill, dtype=np.int64)
            order = np.argsort((skill << 32) | person.astype(np.int64), kind="stable")
            skill_sorted = skill[order]
            bounds = np.flatnonzero(skill_sorted[1:] != skill_sorted[:-1]) + 1
            starts, ends = [0, *bounds.tolist()], [*bounds.tolist(), int(order.size)]
            for begin, end in zip(starts, ends, strict=True):
                part = order[begin:end]
                added[int(skill_sorted[begin])] = ClaimColumn.of(
                    person[part],
                    np.asarray(claims.level)[part],
                    np.asarray(claims.source_rank)[part],
                    np.asarray(claims.assessed_day)[part],
                    np.asarray(claims.valid_until_day)[part],
                    rows_sorted=True,
                )
        ordered = np.unique(rows)
        for code, column in list(self._claims.items()):
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
            self._claims[code] = column if incoming is None else column.plus(incoming)
            self._effective_cache.pop(code, None)
        for code, incoming in added.items():
            self._claims[code] = incoming
            self._effective_cache.pop(code, None)

    def _grow(self, needed: int) -> None:
        capacity = self._alive.size
        if needed <= capacity:
            return
        new = max(needed, capacity * 2, 1024)

        def grown(array: GrowableArray, fill: object) -> GrowableArray:
            out = np.full(new, fill, dtype=array.dtype)
            out[:capacity] = array
            return cast(GrowableArray, out)

        self._alive = grown(self._alive, False)
        self._sector = grown(self._sector, -1)
        self._organisation = grown(self._organisation, -1)
        self._locality = grown(self._locality, -1)
        self._capacity = grown(self._capacity, 0.0)
        self._day_rate = grown(self._day_rate, 0.0)
        self._available_from = grown(self._available_from, NO_DATE)
        self._available_until = grown(self._available_until, NEVER)
        for kind, kind_column in self._clearance_until.items():
            self._clearance_until[kind] = grown(kind_column, NOT_HELD)

    def _clearance_column(self, kind: str) -> Int32Array:
        kind_column = self._clearance_until.get(kind)
        if kind_column is None:
            kind_column = np.full(self._alive.size, NOT_HELD, dtype=np.int32)
            self._clearance_until[kind] = kind_column
        return kind_column

    def _skill_code(self, skill_id: str) -> int:
        code = self._skill_codes.get(skill_id)
        if code is None:
            code = len(self._skill_codes)
            self._skill_codes[skill_id] = code
        return code

    # Reading

    @property
    def size(self) -> int:
        """People in the index (erased ones left out)."""
        return int(np.count_nonzero(self._alive[: self._size]))

    def person_ids(self) -> list[str]:
        """Every person in the index (erased ones left out)."""
        return [self._ids[row] for row in np.flatnonzero(self._alive[: self._size]).tolist()]

    def has_person(self, person_id: str) -> bool:
        row = self._row_of.get(person_id)
        return row is not None and bool(self._alive[row])

    def person(self, person_id: str) -> Person:
        """The person's attributes as the index holds them (no levels)."""
        row = self._row_of.get(person_id)
        if row is None or not self._alive[row]:
            raise NotFound.of("person", person_id)
        return self._person_at(row)

    def role(self, role_id: str) -> Role:
        role = self._roles.get(role_id)
        if role is None:
            raise NotFound.of("role", role_id)
        return role

    @property
    def nbytes(self) -> int:
        """Bytes of the arrays (Python strings of ids and names not counted)."""
        arrays = [
            self._alive,
            self._sector,
            self._organisation,
            self._locality,
            self._capacity,
            self._day_rate,
            self._available_from,
            self._available_until,
            *self._clearance_until.values(),
        ]
        total = sum(a.nbytes for a in arrays)
        total += sum(c.nbytes for c in self._claims.values())
        total += sum(
            e.rows.nbytes + e.levels.nbytes + e.ages.nbytes + e.positions.nbytes
            for e in self._effective_cache.values()
        )
        return total

    def effective_column(self, skill_id: str) -> tuple[Int32Array, FloatArray, FloatArray]:
        """(rows, levels, age factors) of today's holders of the skill."""
        code = self._skill_codes.get(skill_id)
        if code is None:
            empty = np.empty(0, dtype=np.float64)
            return np.empty(0, dtype=np.int32), empty, empty
        column = self._effective_of(code)
        return column.rows, column.levels, column.ages

    def _effective_of(self, code: int) -> EffectiveColumn:
        cached = self._effective_cache.get(code)
        if cached is None:
            column = self._claims.get(code)
            if column is None:
                cached = no_holders()
            else:
                cached = effective_column_of(column, self._today_day, self.today)
            self._effective_cache[code] = cached
        return cached

    def id_rank(self) -> IntArray:
        """Each row's position in id order."""
        if self._id_rank is None or self._id_rank.size != self._size:
            order = np.argsort(np.array(self._ids, dtype=object), kind="stable")
            rank = np.empty(self._size, dtype=np.int64)
            rank[order] = np.arange(self._size, dtype=np.int64)
            self._id_rank = rank
        return self._id_rank

    def credit_table(self, role_id: str) -> _CreditTable:
        table = self._credit_tables.get(role_id)
        if table is None:
            role = self.role(role_id)
            scorer = RoleScorer(role, self._neighbourhoods)
            sources: list[list[tuple[int, float]]] = [[] for _ in role.requirements]
            for skill_id, requirement, similarity in scorer.contributions:
                sources[requirement].append((self._skill_code(skill_id), similarity))
            table = _CreditTable(
                scorer=scorer,
                min_levels=scorer.min_levels,
                weights=scorer.weights,
                total_weight=sum(scorer.weights),
                sources=sources,
            )
            self._credit_tables[role_id] = table
        return table

    def scorer(self, role_id: str) -> RoleScorer:
        return self.credit_table(role_id).scorer

    def fits(self, role_id: str) -> FloatArray:
        """Every row's fit for the role (erased rows included, as 0 or stale)."""
        table = self.credit_table(role_id)
        total = np.zeros(self._size, dtype=np.float64)
        if table.total_weight <= 0:
            return total
        for weight, min_level, sources in zip(
            table.weights, table.min_levels, table.sources, strict=True
        ):
            credit = np.zeros(self._size, dtype=np.float64)
            for code, similarity in sources:
                column = self._effective_of(code)
                if column.rows.size == 0:
                    continue
                ratio = np.minimum(column.levels / min_level, 1.0)
                value = similarity * ratio * column.ages
                credit[column.rows] = np.maximum(credit[column.rows], value)
            total += weight * credit
        fits: FloatArray = total / table.total_weight
        return fits

    def held(self, person_id: str, skill_ids: Iterable[str]) -> dict[str, Held]:
        """The person's effective levels in these skills today."""
        row = self._row_of.get(person_id)
        if row is None or not self._alive[row]:
            raise NotFound.of("person", person_id)
        held: dict[str, Held] = {}
        for skill_id in skill_ids:
            code = self._skill_codes.get(skill_id)
            if code is None:
                continue
            column = self._effective_of(code)
            position = int(np.searchsorted(column.rows, row))
            if position < column.rows.size and int(column.rows[position]) == row:
                held[skill_id] = Held(int(column.levels[position]), float(column.ages[position]))
        return held

    def people_with_levels(
        self, person_ids: Sequence[str], skill_ids: Iterable[str]
    ) -> list[Person]:
        """These people (absent ones left out) with their counting claims in
        these skills: level, source and dates (the index keeps no evidence text)."""
        rows = np.array([self._row_of[p] for p in person_ids if self.has_person(p)], dtype=np.int32)
        claims: dict[int, list[LevelClaim]] = {int(row): [] for row in rows.tolist()}
        for skill_id in sorted(set(skill_ids)):
            code = self._skill_codes.get(skill_id)
            if code is None or rows.size == 0:
                continue
            held = self._effective_of(code)
            if held.rows.size == 0:
                continue
            found = np.minimum(np.searchsorted(held.rows, rows), held.rows.size - 1)
            column = self._claims[code]
            for row, position in zip(rows.tolist(), found.tolist(), strict=True):
                if int(held.rows[position]) != row:
                    continue
                claim = int(held.positions[position])
                claims[row].append(
                    LevelClaim(
                        skill_id=skill_id,
                        level=int(column.levels[claim]),
                        source=SOURCE_OF_RANK.get(int(column.ranks[claim]), ""),
                        assessed_at=iso_of(int(column.assessed[claim])),
                        valid_until=iso_of(int(column.valid_until[claim])),
                    )
                )
        return [replace(self._person_at(row), skills=tuple(claims[row])) for row in rows.tolist()]

    def fit_of(self, person_id: str, role_id: str) -> Fit:
        """One person's fit with its explanation (RoleScorer.explain on their levels)."""
        scorer = self.scorer(role_id)
        return scorer.explain(person_id, self.held(person_id, scorer.relevant_skill_ids))

    def gaps_of(self, person_id: str, role_id: str) -> GapReport:
        scorer = self.scorer(role_id)
        return scorer.gaps(person_id, self.held(person_id, scorer.relevant_skill_ids))

    def mask(self, people_filter: PeopleFilter) -> BoolArray:
        """Rows passing the filter (alive ones only)."""
        size = self._size
        mask = self._alive[:size].copy()
        if people_filter.sector:
            mask &= self._sector[:size] == SECTOR_CODES.get(people_filter.sector, -2)
        if people_filter.organisation:
            mask &= self._organisation[:size] == self._organisations.find(
                people_filter.organisation
            )
        if people_filter.locality:
            mask &= self._locality[:size] == self._localities.find(people_filter.locality)
        if people_filter.skill_id:
            # A skill without a level: holders at any level.
            floor = max(people_filter.min_level, 1)
            mask &= self.level_column(people_filter.skill_id) >= floor
        if people_filter.available_from or people_filter.available_until:
            start = day_of(people_filter.available_from or people_filter.available_until)
            end = day_of(people_filter.available_until or people_filter.available_from)
            mask &= self.available_mask(start, end)
        if people_filter.clearance:
            until = day_of(people_filter.clearance_valid_until, self._today_day)
            mask &= self.clearance_mask(people_filter.clearance, until)
        return mask

    def level_column(self, skill_id: str) -> FloatArray:
        """Every row's effective level in the skill (0 when not held)."""
        levels = np.zeros(self._size, dtype=np.float64)
        rows, held, _ = self.effective_column(skill_id)
        levels[rows] = held
        return levels

    def available_mask(self, start: int, end: int) -> BoolArray:
        size = self._size
        available: BoolArray = (self._available_from[:size] <= start) & (
            self._available_until[:size] >= end
        )
        return available

    def clearance_mask(self, kind: str, until: int) -> BoolArray:
        kind_column = self._clearance_until.get(kind)
        if kind_column is None:
            return np.zeros(self._size, dtype=bool)
        valid: BoolArray = kind_column[: self._size] >= until
        return valid

    def rank(
        self,
        role_id: str,
        people_filter: PeopleFilter = NO_FILTER,
        k: int = 20,
        below_fit: float = 0.0,
    ) -> list[tuple[str, float]]:
        """The k best filtered people for the role as (id, fit): fit
        descending, then id ascending. With below_fit > 0 only people whose
        fit is below it."""
        fits = self.fits(role_id)
        mask = self.mask(people_filter)
        if below_fit > 0:
            mask &= fits < below_fit
        rows = self.top_rows(fits, np.flatnonzero(mask), k)
        return [(self._ids[row], float(fits[row])) for row in rows.tolist()]

    def top_rows(self, scores: FloatArray, rows: IntArray, k: int) -> IntArray:
        """The k best of `rows` by score descending, then id ascending."""
        if k <= 0 or rows.size == 0:
            return np.empty(0, dtype=np.int64)
        id_rank = self.id_rank()
        values = scores[rows]
        if rows.size > k:
            kth = np.partition(values, rows.size - k)[rows.size - k]
            above = rows[values > kth]
            tied = rows[values == kth]
            needed = k - above.size
            if tied.size > needed:
                tied = tied[np.argpartition(id_rank[tied], needed - 1)[:needed]]
            rows = np.concatenate([above, tied])
        order = np.lexsort((id_rank[rows], -scores[rows]))
        best: IntArray = rows[order[:k]].astype(np.int64)
        return best

    def ids_after(self, people_filter: PeopleFilter, after_id: str, limit: int) -> list[str]:
        """The first `limit` filtered people with an id above `after_id`, by id."""
        rows = np.flatnonzero(self.mask(people_filter))
        if rows.size == 0 or limit <= 0:
            return []
        ordered = rows[np.argsort(self.id_rank()[rows])]
        ids = self._ids
        start = (
            bisect.bisect_right(
                range(ordered.size), after_id, key=lambda position: ids[ordered[position]]
            )
            if after_id
            else 0
        )
        return [ids[row] for row in ordered[start : start + limit].tolist()]

    def _person_at(self, row: int) -> Person:
        return Person(
            id=self._ids[row],
            name=self._names[row],
            sector=SECTOR_NAMES[self._sector[row]] if self._sector[row] >= 0 else "",
            organisation=name_of(self._organisations, int(self._organisation[row])),
            locality=name_of(self._localities, int(self._locality[row])),
            capacity_fte=float(self._capacity[row]),
            day_rate=float(self._day_rate[row]),
            clearances=self._clearance_lists[row],
            available_from=iso_of(int(self._available_from[row])),
            available_until=iso_of(int(self._available_until[row])),
        )

    # The candidate matrix

    def _fits_with_overrides(
        self, role_ids: Sequence[str], overrides: Mapping[str, dict[str, int]]
    ) -> dict[str, FloatArray]:
        fits = {role_id: self.fits(role_id) for role_id in role_ids}
        for person_id, levels in overrides.items():
            row = self._row_of.get(person_id)
            if row is None or not self._alive[row]:
                continue
            for role_id in role_ids:
                scorer = self.scorer(role_id)
                held = self.held(person_id, scorer.relevant_skill_ids)
                held.update({s: Held(level, 1.0) for s, level in levels.items()})
                fits[role_id][row] = scorer.fit_value(held)
        return fits

    def _levels_with_overrides(
        self, skill_ids: Sequence[str], overrides: Mapping[str, dict[str, int]]
    ) -> dict[str, FloatArray]:
        levels = {skill_id: self.level_column(skill_id) for skill_id in skill_ids}
        for person_id, overridden in overrides.items():
            row = self._row_of.get(person_id)
            if row is None:
                continue
            for skill_id, level in overridden.items():
                if skill_id in levels:
                    levels[skill_id][row] = level
        return levels

    def candidate_rows(
        self,
        role_ids: Sequence[str],
        skill_ids: Sequence[str],
        people_filter: PeopleFilter,
        min_fit: float,
        level_overrides: Sequence[LevelOverride] = (),
        batch: int = 500,
    ) -> Iterator[list[CandidateRow]]:
        """Every filtered person, by id, with a fit per role and their levels in
        the skills asked; overrides change what is scored, nothing stored."""
        for role_id in role_ids:
            self.credit_table(role_id)
        overrides = _overrides_by_person(level_overrides)
        fits = self._fits_with_overrides(role_ids, overrides)
        levels = self._levels_with_overrides(skill_ids, overrides)
        mask = self.mask(people_filter)
        if min_fit > 0:
            best = np.max(np.stack([fits[r] for r in role_ids]), axis=0)
            mask &= best >= min_fit
        rows = np.flatnonzero(mask)
        rows = rows[np.argsort(self.id_rank()[rows], kind="stable")]
        for start in range(0, rows.size, batch):
            yield [
                self._row(row, role_ids, fits, levels)
                for row in rows[start : start + batch].tolist()
            ]

    def _row(
        self,
        row: int,
        role_ids: Sequence[str],
        fits: Mapping[str, FloatArray],
        levels: Mapping[str, FloatArray],
    ) -> CandidateRow:
        return CandidateRow(
            person=self._person_at(row),
            fits={role_id: float(fits[role_id][row]) for role_id in role_ids},
            levels={s: int(column[row]) for s, column in levels.items() if column[row] > 0},
        )

    # Slot candidates and supply

    def slot_candidates(self, request: SlotCandidatesRequest) -> SlotCandidates:
        """Per slot the eligible people and, where `keep` asks for it, the kept
        ones; the rows of everyone kept (each once, by id); supply counts."""
        role_ids = list(dict.fromkeys(slot.role_id for slot in request.slots))
        for role_id in role_ids:
            self.credit_table(role_id)
        overrides = _overrides_by_person(request.level_overrides)
        fits = self._fits_with_overrides(role_ids, overrides)
        skill_ids = list(
            dict.fromkeys(
                [
                    *request.skill_ids,
                    *(c.skill_id for slot in request.slots for c in slot.coverage),
                ]
            )
        )
        levels = self._levels_with_overrides(skill_ids, overrides)
        excluded = np.zeros(self._size, dtype=bool)
        for person_id in request.exclude_person_ids:
            row = self._row_of.get(person_id)
            if row is not None:
                excluded[row] = True
        pools: list[SlotPool] = []
        kept_rows: list[IntArray] = []
        groups: dict[str, BoolArray] = {}
        for slot in request.slots:
            filters = self.slot_filters(slot, fits[slot.role_id], excluded, request.committed)
            eligible_mask = self._alive[: self._size].copy()
            for column in filters.values():
                eligible_mask &= column
            eligible = self.top_rows(
                fits[slot.role_id], np.flatnonzero(eligible_mask), int(eligible_mask.sum())
            )
            kept = (
                self._prune(slot, eligible, fits[slot.role_id], levels)
                if slot.keep > 0
                else eligible
            )
            kept_rows.append(kept)
            kept_rows.append(self._pinned(slot, excluded))
            if slot.supply_group:
                grouped = groups.setdefault(slot.supply_group, np.zeros(self._size, dtype=bool))
                grouped |= eligible_mask
            pools.append(
                SlotPool(
                    key=slot.key,
                    eligible=int(eligible.size),
                    kept=int(kept.size),
                    passing={
                        name: int(np.count_nonzero(column & self._alive[: self._size]))
                        for name, column in filters.items()
                    },
                )
            )
        supply_masks: dict[str, BoolArray] = {}
        for query in request.skill_supply:
            matching = self._supply_mask(query, excluded, request.committed)
            if query.key in supply_masks:
                supply_masks[query.key] |= matching
            else:
                supply_masks[query.key] = matching
        supply = {key: int(np.count_nonzero(mask)) for key, mask in supply_masks.items()}
        rows: list[CandidateRow] = []
        if not request.counts_only and kept_rows:
            union = np.unique(np.concatenate(kept_rows))
            union = union[np.argsort(self.id_rank()[union], kind="stable")]
            rows = [self._row(row, role_ids, fits, levels) for row in union.tolist()]
        return SlotCandidates(
            rows=rows,
            pools=pools,
            supply=supply,
            group_supply={g: int(np.count_nonzero(m)) for g, m in groups.items()},
        )

    def _pinned(self, slot: SlotQuery, excluded: BoolArray) -> IntArray:
        """The slot's pins that are in the index and not excluded."""
        rows = [self._row_of.get(p) for p in slot.always_keep]
        pinned = np.array(
            [r for r in rows if r is not None and self._alive[r] and not excluded[r]],
            dtype=np.int64,
        )
        return pinned

    def slot_filters(
        self,
        slot: SlotQuery,
        fits: FloatArray,
        excluded: BoolArray,
        committed: Sequence[CommittedLoad],
    ) -> dict[str, BoolArray]:
        """Each eligibility filter of the slot as its own mask, named as
        matching names them, so a reason can say which one bites."""
        size = self._size
        start = day_of(slot.start or slot.end)
        end = day_of(slot.end or slot.start, NEVER)
        filters: dict[str, BoolArray] = {
            "not excluded": ~excluded,
            "fit": fits >= slot.min_fit - 1e-9,
        }
        if slot.start or slot.end:
            filters["available"] = self.available_mask(start, end)
        filters["capacity"] = self.free_units(committed, slot.start, slot.end) >= fte_units(
            slot.fte
        )
        if slot.clearance:
            filters["clearance"] = self.clearance_mask(
                slot.clearance, day_of(slot.end, self._today_day)
            )
        if slot.exclude_organisation:
            code = self._organisations.find(slot.exclude_organisation)
            filters["no conflict of interest"] = self._organisation[:size] != code
        if slot.local_only:
            filters["local"] = self._locality[:size] == self._localities.find(slot.locality)
        return filters

    def free_units(self, committed: Sequence[CommittedLoad], start: str, end: str) -> IntArray:
        """Capacity in FTE hundredths less the committed work overlapping start..end."""
        size = self._size
        free: IntArray = np.rint(self._capacity[:size] * FTE_SCALE).astype(np.int64)
        period_start = day_of(start)
        period_end = day_of(end, NEVER)
        for load in committed:
            row = self._row_of.get(load.person_id)
            if row is None:
                continue
            overlaps = day_of(load.start) <= period_end and period_start <= day_of(load.end, NEVER)
            if overlaps:
                free[row] -= fte_units(load.fte)
        return free

    def _prune(
        self,
        slot: SlotQuery,
        eligible: IntArray,
        fits: FloatArray,
        levels: Mapping[str, FloatArray],
    ) -> IntArray:
        """`eligible` is best first, and masks keep that order, so the best of
        any subset are its first ones."""
        parts: list[IntArray] = [eligible[: slot.keep]]
        if slot.keep_per_sector > 0:
            sectors = self._sector[eligible]
            for code in range(len(SECTOR_NAMES)):
                parts.append(eligible[sectors == code][: slot.keep_per_sector])
        for coverage in slot.coverage:
            holders = eligible[levels[coverage.skill_id][eligible] >= coverage.min_level]
            parts.append(holders[: slot.keep])
        if slot.prefer_local:
            local = eligible[self._locality[eligible] == self._localities.find(slot.locality)]
            parts.append(local[: slot.keep])
        if slot.always_keep:
            pinned = [self._row_of[p] for p in slot.always_keep if p in self._row_of]
            parts.append(eligible[np.isin(eligible, np.array(pinned, dtype=np.int64))])
        union = np.unique(np.concatenate(parts))
        # Back to best first.
        order = np.lexsort((self.id_rank()[union], -fits[union]))
        kept: IntArray = union[order].astype(np.int64)
        return kept

    def _supply_mask(
        self, query: SkillSupplyQuery, excluded: BoolArray, committed: Sequence[CommittedLoad]
    ) -> BoolArray:
        mask = self._alive[: self._size] & ~excluded
        mask &= self.level_column(query.skill_id) >= query.min_level
        if query.locality:
            mask &= self._locality[: self._size] == self._localities.find(query.locality)
        if query.start or query.end:
            mask &= self.available_mask(
                day_of(query.start or query.end), day_of(query.end or query.start, NEVER)
            )
        mask &= self.free_units(committed, query.start, query.end) > 0
        return mask


def _overrides_by_person(overrides: Iterable[LevelOverride]) -> dict[str, dict[str, int]]:
    by_person: dict[str, dict[str, int]] = {}
    for override in overrides:
        by_person.setdefault(override.person_id, {})[override.skill_id] = override.level
    return by_person
