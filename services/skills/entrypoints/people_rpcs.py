"""The RPCs of people and their levels: proto in, use case, proto out."""

from __future__ import annotations

from collections.abc import AsyncIterator

import grpc

from lps.skills.v1 import skills_pb2
from services.skills.domain import model
from services.skills.entrypoints import mapping
from services.skills.service.levels import LevelService
from services.skills.service.people import PeopleService


class PeopleRpcs:
    def __init__(self, people: PeopleService, levels: LevelService) -> None:
        self.people = people
        self.levels = levels

    async def upsert_person(self, request: skills_pb2.UpsertPersonRequest) -> skills_pb2.Person:
        person = await self.people.upsert_person(mapping.person_of(request.person), request.actor)
        return mapping.person_message(person)

    async def get_person(
        self, request: skills_pb2.GetPersonRequest, context: grpc.aio.ServicerContext
    ) -> skills_pb2.Person:
        person = await self.people.get_person(request.id, mapping.time_left(context))
        return mapping.person_message(person)

    async def list_people(
        self, request: skills_pb2.ListPeopleRequest, context: grpc.aio.ServicerContext
    ) -> skills_pb2.ListPeopleResponse:
        page = await self.people.list_people(
            mapping.filter_of(request.filter),
            request.page_size,
            request.page_token,
            mapping.time_left(context),
        )
        return skills_pb2.ListPeopleResponse(
            people=[mapping.person_message(p) for p in page.items],
            next_page_token=page.next_page_token,
        )

    async def erase_person(
        self, request: skills_pb2.ErasePersonRequest
    ) -> skills_pb2.ErasePersonResponse:
        await self.people.erase_person(request.id, request.actor, exact_id=request.exact_id)
        return skills_pb2.ErasePersonResponse()

    async def list_malformed_ids(self) -> skills_pb2.ListMalformedIdsResponse:
        found = await self.people.list_malformed_ids()
        return skills_pb2.ListMalformedIdsResponse(
            ids=[skills_pb2.MalformedId(kind=m.kind, id=m.id, reason=m.reason) for m in found]
        )

    async def import_people(
        self, request_iterator: AsyncIterator[skills_pb2.PersonImportRow]
    ) -> skills_pb2.ImportSummary:
        async def rows() -> AsyncIterator[model.PersonImport]:
            async for row in request_iterator:
                yield mapping.person_import_of(row)

        return mapping.import_summary_message(await self.people.import_people(rows()))

    async def set_level(self, request: skills_pb2.SetLevelRequest) -> skills_pb2.PersonSkill:
        claim = await self.levels.set_level(
            request.person_id, mapping.claim_of(request), request.actor
        )
        return mapping.person_skill_message(claim)

    async def remove_level(
        self, request: skills_pb2.RemoveLevelRequest
    ) -> skills_pb2.RemoveLevelResponse:
        await self.levels.remove_level(
            request.person_id, request.skill_id, mapping.source_of(request.source), request.actor
        )
        return skills_pb2.RemoveLevelResponse()

    async def level_history(
        self, request: skills_pb2.GetLevelHistoryRequest
    ) -> skills_pb2.GetLevelHistoryResponse:
        changes = await self.levels.level_history(request.person_id, request.skill_id)
        return skills_pb2.GetLevelHistoryResponse(
            changes=[mapping.level_change_message(c) for c in changes]
        )
