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

The parts: `people.PeopleTable` (rows of coded attributes), `claim_table.
ClaimTable` (claims per skill, effective levels per day), `credit.CreditTable`
(a role's credit), `candidates` (the candidate matrix, slot pools, supply)
and `state.IndexState` (the arrays of a snapshot).

Not thread-safe: one event loop owns it (reads and write-through are
synchronous, so a request never sees half a change).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import date

import numpy as np

from services.common.errors import NotFound
from services.skills.domain.fit import Fit, GapReport, Held, RoleScorer, SkillNeighbourhood
from services.skills.domain.model import (
    CandidateRow,
    CommittedLoad,
    LevelOverride,
    PeopleFilter,
    Person,
    Role,
    SlotCandidates,
    SlotCandidatesRequest,
    SlotQuery,
)
from services.skills.domain.scoring_index import candidates
from services.skills.domain.scoring_index.claim_table import ClaimRow, ClaimTable
from services.skills.domain.scoring_index.columns import (
    NO_FILTER,
    BoolArray,
    ClaimColumns,
    FloatArray,
    Int32Array,
    IntArray,
    PeopleColumns,
    day_of,
)
from services.skills.domain.scoring_index.credit import CreditTable
from services.skills.domain.scoring_index.people import PeopleTable
from services.skills.domain.scoring_index.state import IndexState


class ScoringIndex:
    """See the module docstring."""

    def __init__(self, today: date) -> None:
        self.people = PeopleTable()
        self.claims = ClaimTable(today)
        self._roles: dict[str, Role] = {}
        self._neighbourhoods: dict[str, SkillNeighbourhood] = {}
        self._credit_tables: dict[str, CreditTable] = {}

    @property
    def today(self) -> date:
        return self.claims.today

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
        return IndexState(
            **self.people.capture(),
            skill_ids=self.claims.skill_ids(),
            claims=dict(self.claims.columns),
        )

    @classmethod
    def from_state(cls, state: IndexState, today: date) -> ScoringIndex:
        """The index `capture_state` described, on `today`'s date."""
        index = cls(today)
        index.people = PeopleTable.restore(state)
        index.claims = ClaimTable.restore(state.skill_ids, dict(state.claims), today)
        return index

    def add_people(self, people: PeopleColumns) -> Int32Array:
        """Adds (or replaces the attributes of) these people; returns their rows."""
        return self.people.add(people)

    def add_claims(self, claims: ClaimColumns, skill_ids: Sequence[str] | None = None) -> None:
        """Adds claims of people already added (rows as `add_people` returned,
        or positions in the PeopleColumns of `from_arrays`). `claims.skill`
        indexes `skill_ids`; without them it holds codes from `encode_claims`."""
        self.claims.add(claims, skill_ids)

    def encode_claims(self, claims: Sequence[ClaimRow]) -> ClaimColumns:
        """Claims of people already added, as (person id, skill id, level,
        source, assessed_at, valid_until), in columns for `add_claims`."""
        return self.claims.encode(claims, self.people.row_of)

    def replace_people(self, people: Sequence[Person], claims: Iterable[ClaimRow]) -> None:
        """Write-through: these people with exactly these claims, as
        (person id, skill id, level, source, assessed_at, valid_until)."""
        if not people:
            return
        rows = self.add_people(PeopleColumns.of(people))
        self.claims.replace(rows, self.encode_claims(list(claims)))

    def remove_people(self, person_ids: Iterable[str]) -> None:
        """Erasure: the people leave every answer (their rows stay, empty)."""
        row_of = self.people.row_of
        rows = np.array([row_of[p] for p in person_ids if p in row_of], dtype=np.int32)
        if rows.size == 0:
            return
        self.people.remove(rows)
        self.claims.replace(rows, None)

    def set_catalogue(
        self, roles: Iterable[Role], neighbourhoods: Mapping[str, SkillNeighbourhood]
    ) -> None:
        """Roles and skill neighbourhoods; drops every cached credit table."""
        self._roles = {role.id: role for role in roles}
        self._neighbourhoods = dict(neighbourhoods)
        self._credit_tables.clear()

    def set_today(self, today: date) -> None:
        """A new day: effective levels (expiry, evidence age) are derived again."""
        self.claims.set_today(today)

    # Reading

    @property
    def size(self) -> int:
        """People in the index (erased ones left out)."""
        return int(np.count_nonzero(self.people.alive[: self.people.size]))

    def person_ids(self) -> list[str]:
        """Every person in the index (erased ones left out)."""
        ids = self.people.ids
        return [ids[row] for row in np.flatnonzero(self.people.alive_mask()).tolist()]

    def has_person(self, person_id: str) -> bool:
        return self.people.alive_row(person_id) is not None

    def row_of(self, person_id: str) -> int:
        """The person's row; NotFound when absent or erased."""
        row = self.people.alive_row(person_id)
        if row is None:
            raise NotFound.of("person", person_id)
        return row

    def person(self, person_id: str) -> Person:
        """The person's attributes as the index holds them (no levels)."""
        return self.people.person_at(self.row_of(person_id))

    def role(self, role_id: str) -> Role:
        role = self._roles.get(role_id)
        if role is None:
            raise NotFound.of("role", role_id)
        return role

    @property
    def nbytes(self) -> int:
        """Bytes of the arrays (Python strings of ids and names not counted)."""
        return self.people.nbytes + self.claims.nbytes

    def effective_column(self, skill_id: str) -> tuple[Int32Array, FloatArray, FloatArray]:
        """(rows, levels, age factors) of today's holders of the skill."""
        column = self.claims.effective_of(skill_id)
        return column.rows, column.levels, column.ages

    def level_column(self, skill_id: str) -> FloatArray:
        """Every row's effective level in the skill (0 when not held)."""
        return self.claims.level_column(skill_id, self.people.size)

    def id_rank(self) -> IntArray:
        """Each row's position in id order."""
        return self.people.id_rank()

    def credit_table(self, role_id: str) -> CreditTable:
        table = self._credit_tables.get(role_id)
        if table is None:
            table = CreditTable.of(self.role(role_id), self._neighbourhoods, self.claims.code)
            self._credit_tables[role_id] = table
        return table

    def scorer(self, role_id: str) -> RoleScorer:
        return self.credit_table(role_id).scorer

    def fits(self, role_id: str) -> FloatArray:
        """Every row's fit for the role (erased rows included, as 0 or stale)."""
        return self.credit_table(role_id).fits(self.claims.effective, self.people.size)

    def held(self, person_id: str, skill_ids: Iterable[str]) -> dict[str, Held]:
        """The person's effective levels in these skills today."""
        return self.claims.held_at(self.row_of(person_id), skill_ids)

    def people_with_levels(
        self, person_ids: Sequence[str], skill_ids: Iterable[str]
    ) -> list[Person]:
        """These people (absent ones left out) with their counting claims in
        these skills: level, source and dates (the index keeps no evidence text)."""
        found = [self.people.alive_row(p) for p in person_ids]
        rows = np.array([row for row in found if row is not None], dtype=np.int32)
        claims = self.claims.counting_claims(rows, skill_ids)
        return [
            replace(self.people.person_at(row), skills=tuple(claims[row])) for row in rows.tolist()
        ]

    def fit_of(self, person_id: str, role_id: str) -> Fit:
        """One person's fit with its explanation (RoleScorer.explain on their levels)."""
        scorer = self.scorer(role_id)
        return scorer.explain(person_id, self.held(person_id, scorer.relevant_skill_ids))

    def gaps_of(self, person_id: str, role_id: str) -> GapReport:
        scorer = self.scorer(role_id)
        return scorer.gaps(person_id, self.held(person_id, scorer.relevant_skill_ids))

    def mask(self, people_filter: PeopleFilter) -> BoolArray:
        """Rows passing the filter (alive ones only)."""
        people = self.people
        mask = people.alive_mask()
        if people_filter.sector:
            mask &= people.sector_is(people_filter.sector)
        if people_filter.organisation:
            mask &= people.organisation_is(people_filter.organisation)
        if people_filter.locality:
            mask &= people.locality_is(people_filter.locality)
        if people_filter.skill_id:
            # A skill without a level: holders at any level.
            floor = max(people_filter.min_level, 1)
            mask &= self.level_column(people_filter.skill_id) >= floor
        if people_filter.available_from or people_filter.available_until:
            start = day_of(people_filter.available_from or people_filter.available_until)
            end = day_of(people_filter.available_until or people_filter.available_from)
            mask &= people.available_mask(start, end)
        if people_filter.clearance:
            until = day_of(people_filter.clearance_valid_until, self.claims.today_day)
            mask &= people.clearance_mask(people_filter.clearance, until)
        return mask

    def available_mask(self, start: int, end: int) -> BoolArray:
        return self.people.available_mask(start, end)

    def clearance_mask(self, kind: str, until: int) -> BoolArray:
        return self.people.clearance_mask(kind, until)

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
        return [(self.people.ids[row], float(fits[row])) for row in rows.tolist()]

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
        ids = self.people.ids
        start = (
            bisect.bisect_right(
                range(ordered.size), after_id, key=lambda position: ids[ordered[position]]
            )
            if after_id
            else 0
        )
        return [ids[row] for row in ordered[start : start + limit].tolist()]

    # The candidate matrix and slot candidates (see `candidates`)

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
        return candidates.candidate_rows(
            self, role_ids, skill_ids, people_filter, min_fit, level_overrides, batch
        )

    def slot_candidates(self, request: SlotCandidatesRequest) -> SlotCandidates:
        """Per slot the eligible people and, where `keep` asks for it, the kept
        ones; the rows of everyone kept (each once, by id); supply counts."""
        return candidates.slot_candidates(self, request)

    def slot_filters(
        self,
        slot: SlotQuery,
        fits: FloatArray,
        excluded: BoolArray,
        committed: Sequence[CommittedLoad],
    ) -> dict[str, BoolArray]:
        """Each eligibility filter of the slot as its own mask, named as
        matching names them, so a reason can say which one bites."""
        return candidates.slot_filters(self, slot, fits, excluded, committed)

    def free_units(self, committed: Sequence[CommittedLoad], start: str, end: str) -> IntArray:
        """Capacity in FTE hundredths less the committed work overlapping start..end."""
        return self.people.free_units(committed, start, end)
