"""Use cases answered from this process's scoring index: fit, gaps, ranking,
the candidate matrix and slot candidates. None reads the graph."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import replace

from services.skills.domain.fit import Fit, GapReport
from services.skills.domain.model import (
    CandidateRow,
    LevelOverride,
    PeopleFilter,
    Person,
    SlotCandidates,
    SlotCandidatesRequest,
)
from services.skills.domain.scoring_requests import (
    validate_fit_request,
    validate_matrix_request,
    validate_ranking,
    validate_slot_request,
)
from services.skills.domain.validation import candidate_limit_of
from services.skills.service.ports import IndexWriteThrough

# Rows per batch of a streamed candidate matrix.
MATRIX_BATCH = 500


class ScoringService:
    def __init__(self, index: IndexWriteThrough) -> None:
        self.index = index

    async def get_fit(self, person_id: str, role_id: str, include_gaps: bool = False) -> Fit:
        validate_fit_request(person_id, role_id)
        index = self.index.current()
        index.role(role_id)
        fit = index.fit_of(person_id, role_id)
        if include_gaps:
            fit = replace(fit, steps=index.gaps_of(person_id, role_id).steps)
        return fit

    async def get_gaps(self, person_id: str, role_id: str) -> GapReport:
        validate_fit_request(person_id, role_id)
        index = self.index.current()
        index.role(role_id)
        return index.gaps_of(person_id, role_id)

    async def rank_candidates(
        self,
        role_id: str,
        people_filter: PeopleFilter,
        limit: int,
        include_gaps: bool = False,
        below_fit: float = 0.0,
    ) -> list[tuple[Person, Fit]]:
        """Top `limit` people for the role: fit descending, then id; with
        `below_fit`, only people below that fit. Each person carries their
        counting levels in the skills that count for the role."""
        validate_ranking(role_id, people_filter, below_fit)
        k = candidate_limit_of(limit)
        index = self.index.current()
        best = index.rank(role_id, people_filter, k, below_fit)
        fits = [index.fit_of(person_id, role_id) for person_id, _ in best]
        if include_gaps:
            fits = [replace(fit, steps=index.gaps_of(fit.person_id, role_id).steps) for fit in fits]
        people = index.people_with_levels(
            [i for i, _ in best], index.scorer(role_id).relevant_skill_ids
        )
        return list(zip(people, fits, strict=True))

    async def candidate_matrix(
        self,
        role_ids: Sequence[str],
        skill_ids: Sequence[str],
        people_filter: PeopleFilter,
        min_fit: float,
        level_overrides: Sequence[LevelOverride] = (),
    ) -> AsyncIterator[list[CandidateRow]]:
        """Every filtered person with a fit per role and their levels in the
        skills asked, in batches. Overrides change the levels scored, never the graph."""
        validate_matrix_request(role_ids, skill_ids, people_filter, min_fit, level_overrides)
        index = self.index.current()
        unique_roles = list(dict.fromkeys(role_ids))
        for role_id in unique_roles:
            index.role(role_id)
        batches = index.candidate_rows(
            unique_roles,
            list(dict.fromkeys(skill_ids)),
            people_filter,
            min_fit,
            level_overrides,
            MATRIX_BATCH,
        )
        return _async_batches(batches)

    async def slot_candidates(self, request: SlotCandidatesRequest) -> SlotCandidates:
        """Per slot the eligible people, pruned where asked, their rows and
        the supply counts."""
        validate_slot_request(request)
        index = self.index.current()
        for slot in request.slots:
            index.role(slot.role_id)
        return index.slot_candidates(request)


async def _async_batches(
    batches: Iterator[list[CandidateRow]],
) -> AsyncIterator[list[CandidateRow]]:
    for batch in batches:
        yield batch
        # Let other calls in between batches of a large matrix.
        await asyncio.sleep(0)
