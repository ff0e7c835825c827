"""The skills service as the gateway calls it: one method per RPC, each with a deadline."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Sequence
from datetime import date
from typing import TypeVar

import grpc

from lps.common.v1 import common_pb2
from lps.skills.v1 import skills_pb2, skills_pb2_grpc
from services.common.grpc_server import forwarding_request_ids
from services.gateway.adapters.channels import service_channel
from services.gateway.adapters.deadlines import Deadlines
from services.gateway.adapters.enums import SECTOR_TO_PROTO, SOURCE_TO_PROTO
from services.gateway.adapters.health import is_serving
from services.gateway.domain.esco_csv import EscoBroader, EscoRelation, EscoRow
from services.gateway.domain.imports import RowFailure, StreamSummary
from services.gateway.domain.people_csv import PersonGroup, SkillMatch

_Message = TypeVar("_Message")

SERVICE = "lps.skills.v1.SkillsService"
# Reads, and writes that set a whole value (a retry leaves the same state).
IDEMPOTENT_METHODS = (
    "GetPerson",
    "ListPeople",
    "GetSkill",
    "SearchSkills",
    "ResolveSkills",
    "GetRole",
    "ListRoles",
    "GetFit",
    "RankCandidates",
    "GetLevelHistory",
    "UpsertPerson",
    "UpsertSkill",
    "UpsertRole",
    "GetCourse",
    "ListCourses",
    "UpsertCourse",
)


class SkillsClient:
    def __init__(self, channel: grpc.aio.Channel, deadlines: Deadlines) -> None:
        self.channel = channel
        self.stub = skills_pb2_grpc.SkillsServiceStub(forwarding_request_ids(channel))  # type: ignore[no-untyped-call]
        self.deadlines = deadlines

    @classmethod
    def connect(cls, target: str, deadlines: Deadlines) -> SkillsClient:
        return cls(service_channel(target, SERVICE, IDEMPOTENT_METHODS), deadlines)

    async def close(self) -> None:
        await self.channel.close()

    async def serving(self) -> bool:
        return await is_serving(self.channel, SERVICE, self.deadlines.health_s)

    async def upsert_person(self, person: skills_pb2.Person, actor: str) -> skills_pb2.Person:
        request = skills_pb2.UpsertPersonRequest(person=person, actor=actor)
        response: skills_pb2.Person = await self.stub.UpsertPerson(
            request, timeout=self.deadlines.call_s
        )
        return response

    async def get_person(self, person_id: str) -> skills_pb2.Person:
        request = skills_pb2.GetPersonRequest(id=person_id)
        response: skills_pb2.Person = await self.stub.GetPerson(
            request, timeout=self.deadlines.call_s
        )
        return response

    async def list_people(
        self, request: skills_pb2.ListPeopleRequest
    ) -> skills_pb2.ListPeopleResponse:
        response: skills_pb2.ListPeopleResponse = await self.stub.ListPeople(
            request, timeout=self.deadlines.call_s
        )
        return response

    async def erase_person(self, person_id: str, actor: str, exact_id: bool = False) -> None:
        request = skills_pb2.ErasePersonRequest(id=person_id, actor=actor, exact_id=exact_id)
        await self.stub.ErasePerson(request, timeout=self.deadlines.call_s)

    async def list_malformed_ids(self) -> list[skills_pb2.MalformedId]:
        response: skills_pb2.ListMalformedIdsResponse = await self.stub.ListMalformedIds(
            skills_pb2.ListMalformedIdsRequest(), timeout=self.deadlines.call_s
        )
        return list(response.ids)

    async def import_people(self, groups: Sequence[PersonGroup], actor: str) -> StreamSummary:
        rows = _stream(person_import_row(group, actor) for group in groups)
        summary = await self.stub.ImportPeople(rows, timeout=self.deadlines.import_s)
        return stream_summary(summary)

    async def upsert_skill(self, skill: skills_pb2.Skill) -> skills_pb2.Skill:
        request = skills_pb2.UpsertSkillRequest(skill=skill)
        response: skills_pb2.Skill = await self.stub.UpsertSkill(
            request, timeout=self.deadlines.call_s
        )
        return response

    async def get_skill(self, skill_id: str) -> skills_pb2.Skill:
        request = skills_pb2.GetSkillRequest(id=skill_id)
        response: skills_pb2.Skill = await self.stub.GetSkill(
            request, timeout=self.deadlines.call_s
        )
        return response

    async def search_skills(
        self, request: skills_pb2.SearchSkillsRequest
    ) -> skills_pb2.SearchSkillsResponse:
        response: skills_pb2.SearchSkillsResponse = await self.stub.SearchSkills(
            request, timeout=self.deadlines.call_s
        )
        return response

    async def relate_skills(self, skill_id: str, related_skill_id: str, similarity: float) -> None:
        request = skills_pb2.RelateSkillsRequest(
            skill_id=skill_id, related_skill_id=related_skill_id, similarity=similarity
        )
        await self.stub.RelateSkills(request, timeout=self.deadlines.call_s)

    async def level_history(self, person_id: str, skill_id: str) -> list[skills_pb2.LevelChange]:
        request = skills_pb2.GetLevelHistoryRequest(person_id=person_id, skill_id=skill_id)
        response: skills_pb2.GetLevelHistoryResponse = await self.stub.GetLevelHistory(
            request, timeout=self.deadlines.call_s
        )
        return list(response.changes)

    async def resolve_skills(self, references: Sequence[str]) -> list[list[SkillMatch]]:
        request = skills_pb2.ResolveSkillsRequest(references=list(references))
        response = await self.stub.ResolveSkills(request, timeout=self.deadlines.call_s)
        return [
            [SkillMatch(s.id, s.label, s.kind or "skill") for s in match.skills]
            for match in response.matches
        ]

    async def import_esco(self, rows: Sequence[EscoRow]) -> StreamSummary:
        stream = _stream(skill_import_row(row) for row in rows)
        summary = await self.stub.ImportSkills(stream, timeout=self.deadlines.import_s)
        return stream_summary(summary)

    async def set_level(self, request: skills_pb2.SetLevelRequest) -> skills_pb2.PersonSkill:
        response: skills_pb2.PersonSkill = await self.stub.SetLevel(
            request, timeout=self.deadlines.call_s
        )
        return response

    async def remove_level(self, request: skills_pb2.RemoveLevelRequest) -> None:
        await self.stub.RemoveLevel(request, timeout=self.deadlines.call_s)

    async def upsert_role(self, role: skills_pb2.Role) -> skills_pb2.Role:
        request = skills_pb2.UpsertRoleRequest(role=role)
        response: skills_pb2.Role = await self.stub.UpsertRole(
            request, timeout=self.deadlines.call_s
        )
        return response

    async def get_role(self, role_id: str) -> skills_pb2.Role:
        request = skills_pb2.GetRoleRequest(id=role_id)
        response: skills_pb2.Role = await self.stub.GetRole(request, timeout=self.deadlines.call_s)
        return response

    async def list_roles(self) -> list[skills_pb2.Role]:
        response = await self.stub.ListRoles(
            skills_pb2.ListRolesRequest(), timeout=self.deadlines.call_s
        )
        return list(response.roles)

    async def get_fit(
        self, person_id: str, role_id: str, include_gaps: bool = False
    ) -> skills_pb2.Fit:
        request = skills_pb2.GetFitRequest(
            person_id=person_id, role_id=role_id, include_gaps=include_gaps
        )
        response: skills_pb2.Fit = await self.stub.GetFit(request, timeout=self.deadlines.call_s)
        return response

    async def rank_candidates(
        self, request: skills_pb2.RankCandidatesRequest
    ) -> list[skills_pb2.Candidate]:
        response = await self.stub.RankCandidates(request, timeout=self.deadlines.call_s)
        return list(response.candidates)

    async def upsert_course(self, course: skills_pb2.Course, actor: str) -> skills_pb2.Course:
        request = skills_pb2.UpsertCourseRequest(course=course, actor=actor)
        response: skills_pb2.Course = await self.stub.UpsertCourse(
            request, timeout=self.deadlines.call_s
        )
        return response

    async def get_course(self, course_id: str) -> skills_pb2.Course:
        request = skills_pb2.GetCourseRequest(id=course_id)
        response: skills_pb2.Course = await self.stub.GetCourse(
            request, timeout=self.deadlines.call_s
        )
        return response

    async def list_courses(
        self, request: skills_pb2.ListCoursesRequest
    ) -> skills_pb2.ListCoursesResponse:
        response: skills_pb2.ListCoursesResponse = await self.stub.ListCourses(
            request, timeout=self.deadlines.call_s
        )
        return response

    async def delete_course(self, course_id: str, exact_id: bool = False) -> None:
        request = skills_pb2.DeleteCourseRequest(id=course_id, exact_id=exact_id)
        await self.stub.DeleteCourse(request, timeout=self.deadlines.call_s)

    async def import_courses(
        self, courses: Sequence[skills_pb2.Course], actor: str
    ) -> StreamSummary:
        request = skills_pb2.ImportCoursesRequest(courses=list(courses), actor=actor)
        summary = await self.stub.ImportCourses(request, timeout=self.deadlines.import_s)
        return stream_summary(summary)


async def _stream(messages: Iterable[_Message]) -> AsyncIterator[_Message]:
    for message in messages:
        yield message


def _date_text(value: date | None) -> str:
    return value.isoformat() if value else ""


def person_import_row(group: PersonGroup, actor: str) -> skills_pb2.PersonImportRow:
    person = group.person
    return skills_pb2.PersonImportRow(
        person=skills_pb2.Person(
            id=person.id,
            name=person.name,
            sector=SECTOR_TO_PROTO[person.sector],  # type: ignore[arg-type]
            organisation=person.organisation,
            locality=person.locality,
            capacity_fte=person.capacity_fte,
            day_rate=person.day_rate,
            clearances=[
                common_pb2.Clearance(kind=c.kind, expires=c.expires.isoformat())
                for c in person.clearances
            ],
            available_from=_date_text(person.available_from),
            available_until=_date_text(person.available_until),
        ),
        levels=[
            skills_pb2.PersonLevelInput(
                skill_id=level.skill_id,
                level=level.level,
                evidence=level.evidence,
                source=SOURCE_TO_PROTO[level.source],  # type: ignore[arg-type]
                assessed_at=_date_text(level.assessed_at),
                valid_until=_date_text(level.valid_until),
            )
            for _, level in group.levels
        ],
        actor=actor,
        keep_stored=sorted(person.kept),
    )


def skill_import_row(row: EscoRow) -> skills_pb2.SkillImportRow:
    if isinstance(row, EscoBroader):
        return skills_pb2.SkillImportRow(
            broader=skills_pb2.EscoBroaderRow(
                concept_uri=row.concept_uri, broader_uri=row.broader_uri
            )
        )
    if isinstance(row, EscoRelation):
        return skills_pb2.SkillImportRow(
            relation=skills_pb2.EscoRelationRow(
                original_skill_uri=row.original_skill_uri,
                related_skill_uri=row.related_skill_uri,
                relation_type=row.relation_type,
            )
        )
    return skills_pb2.SkillImportRow(
        skill=skills_pb2.EscoSkillRow(
            concept_uri=row.concept_uri,
            preferred_label=row.preferred_label,
            alt_labels=row.alt_labels,
            description=row.description,
            skill_type=row.skill_type,
            reuse_level=row.reuse_level,
            concept_type=row.concept_type,
        )
    )


def stream_summary(summary: skills_pb2.ImportSummary) -> StreamSummary:
    return StreamSummary(
        accepted=summary.accepted,
        rejected=summary.rejected,
        levels_written=summary.levels_written,
        relations_written=summary.relations_written,
        relations_pending=summary.relations_pending,
        failures=[RowFailure(e.row, e.id, e.field, e.reason) for e in summary.errors],
        unchanged=summary.unchanged,
    )
