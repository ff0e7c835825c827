"""The one gRPC servicer of SkillsService. Each RPC is mapped by the handler
of its aggregate (people and levels, catalogue and roles, scoring, courses);
this class only routes. Domain errors raised below become statuses in the
shared ServiceInterceptor."""

from __future__ import annotations

from collections.abc import AsyncIterator

from grpc.aio import ServicerContext as Context

from lps.skills.v1 import skills_pb2 as pb
from lps.skills.v1 import skills_pb2_grpc
from services.skills.entrypoints.catalogue_rpcs import CatalogueRpcs
from services.skills.entrypoints.course_rpcs import CourseRpcs
from services.skills.entrypoints.people_rpcs import PeopleRpcs
from services.skills.entrypoints.scoring_rpcs import ScoringRpcs


class SkillsServicer(skills_pb2_grpc.SkillsServiceServicer):
    def __init__(
        self,
        people: PeopleRpcs,
        catalogue: CatalogueRpcs,
        scoring: ScoringRpcs,
        courses: CourseRpcs,
    ) -> None:
        self.people = people
        self.catalogue = catalogue
        self.scoring = scoring
        self.courses = courses

    # People and levels

    async def UpsertPerson(  # noqa: N802
        self, request: pb.UpsertPersonRequest, context: Context
    ) -> pb.Person:
        return await self.people.upsert_person(request)

    async def GetPerson(  # noqa: N802
        self, request: pb.GetPersonRequest, context: Context
    ) -> pb.Person:
        return await self.people.get_person(request, context)

    async def ListPeople(  # noqa: N802
        self, request: pb.ListPeopleRequest, context: Context
    ) -> pb.ListPeopleResponse:
        return await self.people.list_people(request, context)

    async def ErasePerson(  # noqa: N802
        self, request: pb.ErasePersonRequest, context: Context
    ) -> pb.ErasePersonResponse:
        return await self.people.erase_person(request)

    async def ListMalformedIds(  # noqa: N802
        self, request: pb.ListMalformedIdsRequest, context: Context
    ) -> pb.ListMalformedIdsResponse:
        return await self.people.list_malformed_ids()

    async def ImportPeople(  # noqa: N802
        self, request_iterator: AsyncIterator[pb.PersonImportRow], context: Context
    ) -> pb.ImportSummary:
        return await self.people.import_people(request_iterator)

    async def SetLevel(  # noqa: N802
        self, request: pb.SetLevelRequest, context: Context
    ) -> pb.PersonSkill:
        return await self.people.set_level(request)

    async def RemoveLevel(  # noqa: N802
        self, request: pb.RemoveLevelRequest, context: Context
    ) -> pb.RemoveLevelResponse:
        return await self.people.remove_level(request)

    async def GetLevelHistory(  # noqa: N802
        self, request: pb.GetLevelHistoryRequest, context: Context
    ) -> pb.GetLevelHistoryResponse:
        return await self.people.level_history(request)

    # Catalogue and roles

    async def UpsertSkill(  # noqa: N802
        self, request: pb.UpsertSkillRequest, context: Context
    ) -> pb.Skill:
        return await self.catalogue.upsert_skill(request)

    async def GetSkill(  # noqa: N802
        self, request: pb.GetSkillRequest, context: Context
    ) -> pb.Skill:
        return await self.catalogue.get_skill(request)

    async def SearchSkills(  # noqa: N802
        self, request: pb.SearchSkillsRequest, context: Context
    ) -> pb.SearchSkillsResponse:
        return await self.catalogue.search_skills(request)

    async def ResolveSkills(  # noqa: N802
        self, request: pb.ResolveSkillsRequest, context: Context
    ) -> pb.ResolveSkillsResponse:
        return await self.catalogue.resolve_skills(request)

    async def RelateSkills(  # noqa: N802
        self, request: pb.RelateSkillsRequest, context: Context
    ) -> pb.RelateSkillsResponse:
        return await self.catalogue.relate_skills(request)

    async def ImportSkills(  # noqa: N802
        self, request_iterator: AsyncIterator[pb.SkillImportRow], context: Context
    ) -> pb.ImportSummary:
        return await self.catalogue.import_skills(request_iterator)

    async def UpsertRole(  # noqa: N802
        self, request: pb.UpsertRoleRequest, context: Context
    ) -> pb.Role:
        return await self.catalogue.upsert_role(request)

    async def GetRole(  # noqa: N802
        self, request: pb.GetRoleRequest, context: Context
    ) -> pb.Role:
        return await self.catalogue.get_role(request)

    async def ListRoles(  # noqa: N802
        self, request: pb.ListRolesRequest, context: Context
    ) -> pb.ListRolesResponse:
        return await self.catalogue.list_roles()

    # Scoring

    async def GetFit(  # noqa: N802
        self, request: pb.GetFitRequest, context: Context
    ) -> pb.Fit:
        return await self.scoring.get_fit(request)

    async def RankCandidates(  # noqa: N802
        self, request: pb.RankCandidatesRequest, context: Context
    ) -> pb.RankCandidatesResponse:
        return await self.scoring.rank_candidates(request)

    async def GetGaps(  # noqa: N802
        self, request: pb.GetGapsRequest, context: Context
    ) -> pb.GapReport:
        return await self.scoring.get_gaps(request)

    async def StreamCandidateMatrix(  # noqa: N802
        self, request: pb.CandidateMatrixRequest, context: Context
    ) -> AsyncIterator[pb.CandidateRow]:
        async for item in self.scoring.candidate_matrix(request):
            yield item

    async def StreamSlotCandidates(  # noqa: N802
        self, request: pb.SlotCandidatesRequest, context: Context
    ) -> AsyncIterator[pb.SlotCandidatesChunk]:
        async for item in self.scoring.slot_candidates(request):
            yield item

    # Courses

    async def UpsertCourse(  # noqa: N802
        self, request: pb.UpsertCourseRequest, context: Context
    ) -> pb.Course:
        return await self.courses.upsert_course(request)

    async def GetCourse(  # noqa: N802
        self, request: pb.GetCourseRequest, context: Context
    ) -> pb.Course:
        return await self.courses.get_course(request)

    async def ListCourses(  # noqa: N802
        self, request: pb.ListCoursesRequest, context: Context
    ) -> pb.ListCoursesResponse:
        return await self.courses.list_courses(request)

    async def DeleteCourse(  # noqa: N802
        self, request: pb.DeleteCourseRequest, context: Context
    ) -> pb.DeleteCourseResponse:
        return await self.courses.delete_course(request)

    async def ImportCourses(  # noqa: N802
        self, request: pb.ImportCoursesRequest, context: Context
    ) -> pb.ImportSummary:
        return await self.courses.import_courses(request)
