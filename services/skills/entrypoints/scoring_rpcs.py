"""The RPCs answered from the scoring index: fit, gaps, ranking, the
candidate matrix and slot candidates."""

from __future__ import annotations

from collections.abc import AsyncIterator

from lps.skills.v1 import skills_pb2
from services.skills.domain.model import SlotCandidates
from services.skills.entrypoints import mapping
from services.skills.service.scoring import ScoringService

# Rows per streamed chunk: well under the 4 MiB a client takes by default.
SLOT_ROWS_PER_CHUNK = 500


class ScoringRpcs:
    def __init__(self, scoring: ScoringService) -> None:
        self.scoring = scoring

    async def get_fit(self, request: skills_pb2.GetFitRequest) -> skills_pb2.Fit:
        fit = await self.scoring.get_fit(request.person_id, request.role_id, request.include_gaps)
        return mapping.fit_message(fit)

    async def get_gaps(self, request: skills_pb2.GetGapsRequest) -> skills_pb2.GapReport:
        report = await self.scoring.get_gaps(request.person_id, request.role_id)
        return mapping.gap_report_message(report)

    async def rank_candidates(
        self, request: skills_pb2.RankCandidatesRequest
    ) -> skills_pb2.RankCandidatesResponse:
        ranked = await self.scoring.rank_candidates(
            request.role_id,
            mapping.filter_of(request.filter),
            request.limit,
            include_gaps=request.include_gaps,
            below_fit=request.below_fit,
        )
        return skills_pb2.RankCandidatesResponse(
            candidates=[
                skills_pb2.Candidate(
                    person=mapping.person_message(person), fit=mapping.fit_message(fit)
                )
                for person, fit in ranked
            ]
        )

    async def candidate_matrix(
        self, request: skills_pb2.CandidateMatrixRequest
    ) -> AsyncIterator[skills_pb2.CandidateRow]:
        batches = await self.scoring.candidate_matrix(
            list(request.role_ids),
            list(request.skill_ids),
            mapping.filter_of(request.filter),
            request.min_fit,
            mapping.level_overrides_of(request),
        )
        async for batch in batches:
            for row in batch:
                yield mapping.candidate_row_message(row)

    async def slot_candidates(
        self, request: skills_pb2.SlotCandidatesRequest
    ) -> AsyncIterator[skills_pb2.SlotCandidatesChunk]:
        """The rows in chunks; the pools and supply counts ride on the last one."""
        answer = await self.scoring.slot_candidates(mapping.slot_request_of(request))
        rows = answer.rows
        for start in range(0, len(rows), SLOT_ROWS_PER_CHUNK):
            chunk = skills_pb2.SlotCandidatesChunk(
                rows=[
                    mapping.candidate_row_message(r)
                    for r in rows[start : start + SLOT_ROWS_PER_CHUNK]
                ]
            )
            if start + SLOT_ROWS_PER_CHUNK >= len(rows):
                _add_totals(chunk, answer)
            yield chunk
        if not rows:
            chunk = skills_pb2.SlotCandidatesChunk()
            _add_totals(chunk, answer)
            yield chunk


def _add_totals(chunk: skills_pb2.SlotCandidatesChunk, answer: SlotCandidates) -> None:
    chunk.pools.extend(mapping.slot_pool_message(p) for p in answer.pools)
    chunk.skill_supply.extend(mapping.supply_messages(answer.supply))
    chunk.group_supply.extend(mapping.supply_messages(answer.group_supply))
