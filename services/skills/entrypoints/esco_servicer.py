"""The skills catalogue's search, ESCO import and reference resolution,
served beside the rest of SkillsService."""

from __future__ import annotations

from collections.abc import AsyncIterator

import grpc

from lps.skills.v1 import skills_pb2
from services.skills.domain import model
from services.skills.entrypoints import mapping
from services.skills.entrypoints.course_servicer import CatalogueServicer
from services.skills.service.catalogue import CatalogueService, EscoRow
from services.skills.service.courses import CourseService
from services.skills.service.use_cases import SkillsService


def esco_row_of(row: skills_pb2.SkillImportRow) -> EscoRow:
    kind = row.WhichOneof("row")
    if kind == "broader":
        return model.EscoBroaderRow(row.broader.concept_uri, row.broader.broader_uri)
    if kind == "relation":
        return model.EscoRelationRow(
            original_skill_uri=row.relation.original_skill_uri,
            related_skill_uri=row.relation.related_skill_uri,
            relation_type=row.relation.relation_type,
        )
    # A row with no kind reads as an empty skill row and is refused as such.
    skill = row.skill
    return model.EscoSkillRow(
        concept_uri=skill.concept_uri,
        preferred_label=skill.preferred_label,
        alt_labels=skill.alt_labels,
        description=skill.description,
        skill_type=skill.skill_type,
        reuse_level=skill.reuse_level,
        concept_type=skill.concept_type,
    )


class EscoServicer(CatalogueServicer):
    def __init__(
        self, service: SkillsService, courses: CourseService, catalogue: CatalogueService
    ) -> None:
        super().__init__(service, courses)
        self.catalogue = catalogue

    async def SearchSkills(  # noqa: N802
        self, request: skills_pb2.SearchSkillsRequest, context: grpc.aio.ServicerContext
    ) -> skills_pb2.SearchSkillsResponse:
        page = await self.catalogue.search_skills(
            request.query, request.page_size, request.page_token
        )
        return skills_pb2.SearchSkillsResponse(
            skills=[mapping.skill_message(s) for s in page.items],
            next_page_token=page.next_page_token,
        )

    async def ImportSkills(  # noqa: N802
        self,
        request_iterator: AsyncIterator[skills_pb2.SkillImportRow],
        context: grpc.aio.ServicerContext,
    ) -> skills_pb2.ImportSummary:
        async def rows() -> AsyncIterator[EscoRow]:
            async for row in request_iterator:
                yield esco_row_of(row)

        return mapping.import_summary_message(await self.catalogue.import_esco(rows()))

    async def ResolveSkills(  # noqa: N802
        self, request: skills_pb2.ResolveSkillsRequest, context: grpc.aio.ServicerContext
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
