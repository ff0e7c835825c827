"""The gRPC face of the skills service: proto in, use case, proto out.

Domain errors raised here become statuses in the shared ServiceInterceptor.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import grpc

from lps.skills.v1 import skills_pb2, skills_pb2_grpc
from services.skills.domain import model
from services.skills.entrypoints import mapping
from services.skills.service.use_cases import SkillsService

# Rows per streamed chunk: well under the 4 MiB a client takes by default.
SLOT_ROWS_PER_CHUNK = 500


def time_left(context: grpc.aio.ServicerContext) -> float | None:
    """Seconds until the caller's deadline, handed to the graph as a query timeout."""
    remaining = context.time_remaining()
    return None if remaining is None else float(remaining)


class SkillsServicer(skills_pb2_grpc.SkillsServiceServicer):
    def __init__(self, service: SkillsService) -> None:
        self.service = service

    # People

    async def UpsertPerson(  # noqa: N802
        self, request: skills_pb2.UpsertPersonRequest, context: grpc.aio.ServicerContext
    ) -> skills_pb2.Person:
        person = await self.service.upsert_person(mapping.person_of(request.person), request.actor)
        return mapping.person_message(person)

    async def GetPerson(  # noqa: N802
        self, request: skills_pb2.GetPersonRequest, context: grpc.aio.ServicerContext
    ) -> skills_pb2.Person:
        person = await self.service.get_person(request.id, time_left(context))
        return mapping.person_message(person)

    async def ListPeople(  # noqa: N802
        self, request: skills_pb2.ListPeopleRequest, context: grpc.aio.ServicerContext
    ) -> skills_pb2.ListPeopleResponse:
        page = await self.service.list_people(
            mapping.filter_of(request.filter),
            request.page_size,
            request.page_token,
            time_left(context),
        )
        return skills_pb2.ListPeopleResponse(
            people=[mapping.person_message(p) for p in page.items],
            next_page_token=page.next_page_token,
        )

    async def ErasePerson(  # noqa: N802
        self, request: skills_pb2.ErasePersonRequest, context: grpc.aio.ServicerContext
    ) -> skills_pb2.ErasePersonResponse:
        await self.service.erase_person(request.id, request.actor, exact_id=request.exact_id)
        return skills_pb2.ErasePersonResponse()

    async def ListMalformedIds(  # noqa: N802
        self, request: skills_pb2.ListMalformedIdsRequest, context: grpc.aio.ServicerContext
    ) -> skills_pb2.ListMalformedIdsResponse:
        found = await self.service.list_malformed_ids()
        return skills_pb2.ListMalformedIdsResponse(
            ids=[skills_pb2.MalformedId(kind=m.kind, id=m.id, reason=m.reason) for m in found]
        )

    async def ImportPeople(  # noqa: N802
        self,
        request_iterator: AsyncIterator[skills_pb2.PersonImportRow],
        context: grpc.aio.ServicerContext,
    ) -> skills_pb2.ImportSummary:
        async def rows() -> AsyncIterator[model.PersonImport]:
            async for row in request_iterator:
                yield model.PersonImport(
                    person=mapping.person_of(row.person),
                    levels=tuple(mapping.claim_of(level) for level in row.levels),
                    actor=row.actor,
                    keep_stored=frozenset(row.keep_stored),
                )

        summary = await self.service.import_people(rows())
        return mapping.import_summary_message(summary)

    # Skills

    async def UpsertSkill(  # noqa: N802
        self, request: skills_pb2.UpsertSkillRequest, context: grpc.aio.ServicerContext
    ) -> skills_pb2.Skill:
        return mapping.skill_message(
            await self.service.upsert_skill(mapping.skill_of(request.skill))
        )

    async def GetSkill(  # noqa: N802
        self, request: skills_pb2.GetSkillRequest, context: grpc.aio.ServicerContext
    ) -> skills_pb2.Skill:
        return mapping.skill_message(await self.service.get_skill(request.id))

    async def RelateSkills(  # noqa: N802
        self, request: skills_pb2.RelateSkillsRequest, context: grpc.aio.ServicerContext
    ) -> skills_pb2.RelateSkillsResponse:
        await self.service.relate_skills(
            request.skill_id, request.related_skill_id, request.similarity
        )
        return skills_pb2.RelateSkillsResponse()

    # Levels

    async def SetLevel(  # noqa: N802
        self, request: skills_pb2.SetLevelRequest, context: grpc.aio.ServicerContext
    ) -> skills_pb2.PersonSkill:
        claim = await self.service.set_level(
            request.person_id, mapping.claim_of(request), request.actor
        )
        return mapping.person_skill_message(claim)

    async def RemoveLevel(  # noqa: N802
        self, request: skills_pb2.RemoveLevelRequest, context: grpc.aio.ServicerContext
    ) -> skills_pb2.RemoveLevelResponse:
        await self.service.remove_level(
            request.person_id, request.skill_id, mapping.source_of(request.source), request.actor
        )
        return skills_pb2.RemoveLevelResponse()

    async def GetLevelHistory(  # noqa: N802
        self, request: skills_pb2.GetLevelHistoryRequest, context: grpc.aio.ServicerContext
    ) -> skills_pb2.GetLevelHistoryResponse:
        changes = await self.service.level_history(request.person_id, request.skill_id)
        return skills_pb2.GetLevelHistoryResponse(
            changes=[mapping.level_change_message(c) for c in changes]
        )

    # Roles

    async def UpsertRole(  # noqa: N802
        self, request: skills_pb2.UpsertRoleRequest, context: grpc.aio.ServicerContext
    ) -> skills_pb2.Role:
        return mapping.role_message(await self.service.upsert_role(mapping.role_of(request.role)))

    async def GetRole(  # noqa: N802
        self, request: skills_pb2.GetRoleRequest, context: grpc.aio.ServicerContext
    ) -> skills_pb2.Role:
        return mapping.role_message(await self.service.get_role(request.id))

    async def ListRoles(  # noqa: N802
        self, request: skills_pb2.ListRolesRequest, context: grpc.aio.ServicerContext
    ) -> skills_pb2.ListRolesResponse:
        roles = await self.service.list_roles()
        return skills_pb2.ListRolesResponse(roles=[mapping.role_message(r) for r in roles])

    # Fit, ranking, gaps

    async def GetFit(  # noqa: N802
        self, request: skills_pb2.GetFitRequest, context: grpc.aio.ServicerContext
    ) -> skills_pb2.Fit:
        fit = await self.service.get_fit(
            request.person_id, request.role_id, time_left(context), request.include_gaps
        )
        return mapping.fit_message(fit)

    async def RankCandidates(  # noqa: N802
        self, request: skills_pb2.RankCandidatesRequest, context: grpc.aio.ServicerContext
    ) -> skills_pb2.RankCandidatesResponse:
        ranked = await self.service.rank_candidates(
            request.role_id,
            mapping.filter_of(request.filter),
            request.limit,
            time_left(context),
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

    async def GetGaps(  # noqa: N802
        self, request: skills_pb2.GetGapsRequest, context: grpc.aio.ServicerContext
    ) -> skills_pb2.GapReport:
        report = await self.service.get_gaps(request.person_id, request.role_id, time_left(context))
        return mapping.gap_report_message(report)

    async def StreamCandidateMatrix(  # noqa: N802
        self, request: skills_pb2.CandidateMatrixRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[skills_pb2.CandidateRow]:
        batches = await self.service.candidate_matrix(
            list(request.role_ids),
            list(request.skill_ids),
            mapping.filter_of(request.filter),
            request.min_fit,
            mapping.level_overrides_of(request),
            time_left(context),
        )
        async for batch in batches:
            for row in batch:
                yield mapping.candidate_row_message(row)

    async def StreamSlotCandidates(  # noqa: N802
        self, request: skills_pb2.SlotCandidatesRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[skills_pb2.SlotCandidatesChunk]:
        answer = await self.service.slot_candidates(mapping.slot_request_of(request))
        rows = answer.rows
        for start in range(0, len(rows), SLOT_ROWS_PER_CHUNK):
            chunk = skills_pb2.SlotCandidatesChunk(
                rows=[
                    mapping.candidate_row_message(r)
                    for r in rows[start : start + SLOT_ROWS_PER_CHUNK]
                ]
            )
            if start + SLOT_ROWS_PER_CHUNK >= len(rows):
                chunk.pools.extend(mapping.slot_pool_message(p) for p in answer.pools)
                chunk.skill_supply.extend(mapping.supply_messages(answer.supply))
                chunk.group_supply.extend(mapping.supply_messages(answer.group_supply))
            yield chunk
        if not rows:
            yield skills_pb2.SlotCandidatesChunk(
                pools=[mapping.slot_pool_message(p) for p in answer.pools],
                skill_supply=mapping.supply_messages(answer.supply),
                group_supply=mapping.supply_messages(answer.group_supply),
            )
