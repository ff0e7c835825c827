"""The skills service as matching calls it: generated stub behind the
`SkillsPort` interface, a deadline on every call, errors turned back into
domain errors."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from datetime import date
from typing import TypeVar

import grpc

from lps.common.v1 import common_pb2
from lps.skills.v1 import skills_pb2, skills_pb2_grpc
from services.common.errors import InvalidArgument, NotFound
from services.common.grpc_errors import domain_error_from_rpc
from services.common.grpc_server import forwarding_request_ids, insecure_channel
from services.matching.adapters.vocabulary import COURSE_KINDS, SECTORS
from services.matching.domain.gaps import ClosePerson, GapStep
from services.matching.domain.model import Candidate, Clearance, EssentialSkill, Sector
from services.matching.domain.slot_queries import (
    PoolCount,
    SlotCandidates,
    SlotCandidatesQuery,
    SlotQuery,
)
from services.matching.domain.training import (
    Course,
    CourseKind,
    CourseRun,
    RoleProfile,
    RoleRequirement,
)
from services.matching.service.ports import LevelOverride, RankedPerson

T = TypeVar("T")

# Calls made side by side when asking about many people at once.
MAX_CONCURRENT_CALLS = 16
COURSE_PAGE = 1_000


def _date_or_none(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def candidate_from_row(row: skills_pb2.CandidateRow) -> Candidate:
    return Candidate(
        person_id=row.person_id,
        name=row.name,
        # Skills requires a sector on every person; an unset one is staffed as public.
        sector=SECTORS.of_proto_or(row.sector, Sector.PUBLIC),
        organisation=row.organisation,
        locality=row.locality,
        capacity_fte=row.capacity_fte,
        day_rate=row.day_rate,
        clearances=tuple(
            Clearance(kind=clearance.kind, expires=_date_or_none(clearance.expires))
            for clearance in row.clearances
        ),
        fits=dict(row.fits),
        levels=dict(row.levels),
        available_from=_date_or_none(row.available_from),
        available_until=_date_or_none(row.available_until),
    )


def gap_step_from(step: skills_pb2.GapStep) -> GapStep:
    return GapStep(
        skill_id=step.skill_id,
        from_level=step.from_level,
        to_level=step.to_level,
        fit_gain=step.fit_gain,
        fit_after=step.fit_after,
        essential=step.essential,
    )


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""


def slot_query_to_proto(slot: SlotQuery) -> skills_pb2.SlotQuery:
    return skills_pb2.SlotQuery(
        key=slot.key,
        role_id=slot.role_id,
        min_fit=slot.min_fit,
        fte=slot.fte,
        locality=slot.locality,
        local_only=slot.local_only,
        prefer_local=slot.prefer_local,
        clearance=slot.clearance,
        start=_iso(slot.start),
        end=_iso(slot.end),
        exclude_organisation=slot.exclude_organisation,
        keep=slot.keep,
        keep_per_sector=slot.keep_per_sector,
        coverage=[
            skills_pb2.SkillAtLevel(skill_id=c.skill_id, min_level=c.min_level)
            for c in slot.coverage
        ],
        always_keep=list(slot.always_keep),
        supply_group=slot.supply_group,
    )


def slot_candidates_request(query: SlotCandidatesQuery) -> skills_pb2.SlotCandidatesRequest:
    return skills_pb2.SlotCandidatesRequest(
        slots=[slot_query_to_proto(slot) for slot in query.slots],
        skill_ids=list(query.skill_ids),
        level_overrides=[
            skills_pb2.LevelOverride(
                person_id=change.person_id, skill_id=change.skill_id, level=change.level
            )
            for change in query.level_overrides
        ],
        exclude_person_ids=list(query.exclude_person_ids),
        committed=[
            skills_pb2.CommittedLoad(
                person_id=load.person_id, fte=load.fte, start=_iso(load.start), end=_iso(load.end)
            )
            for load in query.committed
        ],
        counts_only=query.counts_only,
        skill_supply=[
            skills_pb2.SkillSupplyQuery(
                key=item.key,
                skill_id=item.skill_id,
                min_level=item.min_level,
                locality=item.locality,
                start=_iso(item.start),
                end=_iso(item.end),
            )
            for item in query.skill_supply
        ],
    )


def course_from_message(message: skills_pb2.Course) -> Course:
    """Runs with a date skills would not have stored are left out rather than guessed."""
    runs = []
    for run in message.runs:
        start, end = _date_or_none(run.start), _date_or_none(run.end)
        if start is not None and end is not None:
            runs.append(CourseRun(start, end))
    return Course(
        id=message.id,
        title=message.title,
        kind=COURSE_KINDS.of_proto_or(message.kind, CourseKind.COURSE),
        skill_id=message.skill_id,
        from_level=message.from_level,
        to_level=message.to_level,
        cost=message.cost,
        duration_days=message.duration_days,
        capacity_per_run=message.capacity_per_run,
        runs=tuple(runs),
    )


class SkillsClient:
    def __init__(
        self, channel: grpc.aio.Channel, timeout_s: float = 10.0, matrix_timeout_s: float = 60.0
    ) -> None:
        self.channel = channel
        self.stub = skills_pb2_grpc.SkillsServiceStub(forwarding_request_ids(channel))  # type: ignore[no-untyped-call]
        self.timeout_s = timeout_s
        self.matrix_timeout_s = matrix_timeout_s

    @classmethod
    def connect(
        cls, address: str, timeout_s: float = 10.0, matrix_timeout_s: float = 60.0
    ) -> SkillsClient:
        return cls(insecure_channel(address), timeout_s, matrix_timeout_s)

    async def close(self) -> None:
        await self.channel.close()

    async def _call(self, call: Callable[[], Awaitable[T]]) -> T:
        try:
            return await call()
        except grpc.aio.AioRpcError as error:
            raise domain_error_from_rpc(error) from error

    async def role_ids(self) -> set[str]:
        response = await self._call(
            lambda: self.stub.ListRoles(skills_pb2.ListRolesRequest(), timeout=self.timeout_s)
        )
        return {role.id for role in response.roles}

    async def known_skill_ids(self, skill_ids: Sequence[str]) -> set[str]:
        semaphore = asyncio.Semaphore(MAX_CONCURRENT_CALLS)

        async def known(skill_id: str) -> bool:
            async with semaphore:
                try:
                    await self._call(
                        lambda: self.stub.GetSkill(
                            skills_pb2.GetSkillRequest(id=skill_id), timeout=self.timeout_s
                        )
                    )
                except (NotFound, InvalidArgument):
                    return False
                return True

        found = await asyncio.gather(*(known(skill_id) for skill_id in skill_ids))
        return {skill_id for skill_id, held in zip(skill_ids, found, strict=True) if held}

    async def candidate_matrix(
        self,
        role_ids: Sequence[str],
        skill_ids: Sequence[str],
        min_fit: float,
        level_overrides: Sequence[LevelOverride] = (),
    ) -> list[Candidate]:
        request = skills_pb2.CandidateMatrixRequest(
            role_ids=list(role_ids),
            skill_ids=list(skill_ids),
            min_fit=min_fit,
            level_overrides=[
                skills_pb2.LevelOverride(
                    person_id=change.person_id, skill_id=change.skill_id, level=change.level
                )
                for change in level_overrides
            ],
        )

        async def stream() -> list[Candidate]:
            rows = self.stub.StreamCandidateMatrix(request, timeout=self.matrix_timeout_s)
            return [candidate_from_row(row) async for row in rows]

        return await self._call(stream)

    async def capacities(self, person_ids: Sequence[str]) -> dict[str, float | None]:
        """Each person's capacity now; None for someone skills no longer knows."""
        gate = asyncio.Semaphore(MAX_CONCURRENT_CALLS)

        async def capacity_of(person_id: str) -> float | None:
            async with gate:
                try:
                    person = await self._call(
                        lambda: self.stub.GetPerson(
                            skills_pb2.GetPersonRequest(id=person_id), timeout=self.timeout_s
                        )
                    )
                except NotFound:
                    return None
                return float(person.capacity_fte)

        values = await asyncio.gather(*(capacity_of(person_id) for person_id in person_ids))
        return dict(zip(person_ids, values, strict=True))

    async def rank(self, role_id: str, limit: int, locality: str = "") -> list[RankedPerson]:
        response = await self._call(
            lambda: self.stub.RankCandidates(
                skills_pb2.RankCandidatesRequest(
                    role_id=role_id,
                    filter=common_pb2.PeopleFilter(locality=locality),
                    limit=limit,
                ),
                timeout=self.timeout_s,
            )
        )
        return [
            RankedPerson(candidate.person.id, candidate.person.name, candidate.fit.fit)
            for candidate in response.candidates
        ]

    async def gap_steps(self, person_id: str, role_id: str) -> list[GapStep]:
        report = await self._call(
            lambda: self.stub.GetGaps(
                skills_pb2.GetGapsRequest(person_id=person_id, role_id=role_id),
                timeout=self.timeout_s,
            )
        )
        return [gap_step_from(step) for step in report.steps]

    async def slot_candidates(self, query: SlotCandidatesQuery) -> SlotCandidates:
        request = slot_candidates_request(query)

        async def stream() -> SlotCandidates:
            rows: list[Candidate] = []
            pools: list[PoolCount] = []
            groups: dict[str, int] = {}
            supply: dict[str, int] = {}
            chunks = self.stub.StreamSlotCandidates(request, timeout=self.matrix_timeout_s)
            async for chunk in chunks:
                rows.extend(candidate_from_row(row) for row in chunk.rows)
                pools.extend(
                    PoolCount(pool.key, pool.eligible, pool.kept, dict(pool.passing))
                    for pool in chunk.pools
                )
                groups.update((count.key, count.people) for count in chunk.group_supply)
                supply.update((count.key, count.people) for count in chunk.skill_supply)
            return SlotCandidates(tuple(rows), tuple(pools), groups, supply)

        return await self._call(stream)

    async def closest(
        self, role_id: str, limit: int, locality: str, below_fit: float
    ) -> list[ClosePerson]:
        response = await self._call(
            lambda: self.stub.RankCandidates(
                skills_pb2.RankCandidatesRequest(
                    role_id=role_id,
                    filter=common_pb2.PeopleFilter(locality=locality),
                    limit=limit,
                    include_gaps=True,
                    below_fit=below_fit,
                ),
                timeout=self.timeout_s,
            )
        )
        return [
            ClosePerson(
                person_id=candidate.person.id,
                name=candidate.person.name,
                role_id=role_id,
                fit=candidate.fit.fit,
                steps=tuple(gap_step_from(step) for step in candidate.fit.steps),
            )
            for candidate in response.candidates
        ]

    async def courses(self) -> list[Course]:
        """The whole training catalogue, page by page."""
        found: list[Course] = []
        token = ""
        while True:
            request = skills_pb2.ListCoursesRequest(page_size=COURSE_PAGE, page_token=token)
            response = await self._list_courses(request)
            found.extend(course_from_message(course) for course in response.courses)
            token = response.next_page_token
            if not token:
                return found

    async def _list_courses(
        self, request: skills_pb2.ListCoursesRequest
    ) -> skills_pb2.ListCoursesResponse:
        return await self._call(lambda: self.stub.ListCourses(request, timeout=self.timeout_s))

    async def _roles(self, role_ids: Sequence[str]) -> list[skills_pb2.Role]:
        response = await self._call(
            lambda: self.stub.ListRoles(skills_pb2.ListRolesRequest(), timeout=self.timeout_s)
        )
        wanted = set(role_ids)
        return [role for role in response.roles if role.id in wanted]

    async def role_profiles(self, role_ids: Sequence[str]) -> list[RoleProfile]:
        return [
            RoleProfile(
                role_id=role.id,
                requirements=tuple(
                    RoleRequirement(r.skill_id, r.min_level, r.weight or 1.0)
                    for r in role.requirements
                ),
            )
            for role in await self._roles(role_ids)
        ]

    async def essential_skills(self, role_ids: Sequence[str]) -> list[EssentialSkill]:
        return [
            EssentialSkill(role.id, r.skill_id, r.min_level)
            for role in await self._roles(role_ids)
            for r in role.requirements
            if r.essential
        ]

    async def record_training_level(
        self, person_id: str, skill_id: str, level: int, evidence: str, on: date, actor: str
    ) -> None:
        request = skills_pb2.SetLevelRequest(
            person_id=person_id,
            skill_id=skill_id,
            level=level,
            evidence=evidence,
            source=skills_pb2.LEVEL_SOURCE_TRAINING,
            assessed_by=actor,
            assessed_at=on.isoformat(),
            actor=actor,
        )
        await self._call(lambda: self.stub.SetLevel(request, timeout=self.timeout_s))
