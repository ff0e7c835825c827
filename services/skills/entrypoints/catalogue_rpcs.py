"""The RPCs of the catalogue: skills, their relations, ESCO imports and
search, and roles."""

from __future__ import annotations

from collections.abc import AsyncIterator

from lps.skills.v1 import skills_pb2
from services.skills.domain.model import EscoRow
from services.skills.entrypoints import mapping
from services.skills.service.catalogue import CatalogueService
from services.skills.service.roles import RoleService


class CatalogueRpcs:
    def __init__(self, roles: RoleService, catalogue: CatalogueService) -> None:
        self.roles = roles
        self.catalogue = catalogue

    async def upsert_skill(self, request: skills_pb2.UpsertSkillRequest) -> skills_pb2.Skill:
        skill = await self.roles.upsert_skill(mapping.skill_of(request.skill))
        return mapping.skill_message(skill)

    async def get_skill(self, request: skills_pb2.GetSkillRequest) -> skills_pb2.Skill:
        return mapping.skill_message(await self.roles.get_skill(request.id))

    async def relate_skills(
        self, request: skills_pb2.RelateSkillsRequest
    ) -> skills_pb2.RelateSkillsResponse:
        await self.roles.relate_skills(
            request.skill_id, request.related_skill_id, request.similarity
        )
        return skills_pb2.RelateSkillsResponse()

    async def search_skills(
        self, request: skills_pb2.SearchSkillsRequest
    ) -> skills_pb2.SearchSkillsResponse:
        page = await self.catalogue.search_skills(
            request.query, request.page_size, request.page_token
        )
        return skills_pb2.SearchSkillsResponse(
            skills=[mapping.skill_message(s) for s in page.items],
            next_page_token=page.next_page_token,
        )

    async def import_skills(
        self, request_iterator: AsyncIterator[skills_pb2.SkillImportRow]
    ) -> skills_pb2.ImportSummary:
        async def rows() -> AsyncIterator[EscoRow]:
            async for row in request_iterator:
                yield mapping.esco_row_of(row)

        return mapping.import_summary_message(await self.catalogue.import_esco(rows()))

    async def resolve_skills(
        self, request: skills_pb2.ResolveSkillsRequest
    ) -> skills_pb2.ResolveSkillsResponse:
        found = await self.catalogue.resolve_references(list(request.references))
        return skills_pb2.ResolveSkillsResponse(
            matches=[
                skills_pb2.SkillReferenceMatch(
                    reference=reference, skills=[mapping.skill_message(s) for s in skills]
                )
                for reference, skills in zip(request.references, found, strict=True)
            ]
        )

    async def upsert_role(self, request: skills_pb2.UpsertRoleRequest) -> skills_pb2.Role:
        return mapping.role_message(await self.roles.upsert_role(mapping.role_of(request.role)))

    async def get_role(self, request: skills_pb2.GetRoleRequest) -> skills_pb2.Role:
        return mapping.role_message(await self.roles.get_role(request.id))

    async def list_roles(self) -> skills_pb2.ListRolesResponse:
        roles = await self.roles.list_roles()
        return skills_pb2.ListRolesResponse(roles=[mapping.role_message(r) for r in roles])
