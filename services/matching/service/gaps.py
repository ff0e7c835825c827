"""The gap report for training planners."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime

from services.common.errors import InvalidArgument
from services.matching.domain.gaps import (
    ClosePerson,
    GapsReport,
    blocked_slots,
    blocking_skills,
    role_demand,
    roles_of,
    skill_demand,
)
from services.matching.domain.model import Mode, Outcome, StaffingRequest, StaffingResult
from services.matching.service.ports import (
    OutcomeRepository,
    RankedPerson,
    SkillsPort,
    StaffingRepository,
)
from services.matching.service.staffing import Solver, StaffingLimits, matrix_scope, run_solver

DEFAULT_CLOSEST = 5
FULL_FIT = 1.0 - 1e-9
# Asked for beyond the limit, so that people at full fit can be passed over.
FULL_FIT_ALLOWANCE = 20
MAX_CLOSEST = 50


class GapService:
    def __init__(
        self,
        outcomes: OutcomeRepository,
        staffing: StaffingRepository,
        skills: SkillsPort,
        solver: Solver,
        limits: StaffingLimits,
        today: Callable[[], date] = lambda: datetime.now(UTC).date(),
    ) -> None:
        self.outcomes = outcomes
        self.staffing = staffing
        self.skills = skills
        self.solver = solver
        self.limits = limits
        self.today = today

    async def _outcomes(
        self, outcome_ids: Sequence[str], locality: str, role_id: str
    ) -> list[Outcome]:
        if not outcome_ids:
            return await self.outcomes.open_outcomes(locality, role_id, self.today())
        chosen = await self.outcomes.get_many(list(dict.fromkeys(outcome_ids)))
        return [
            outcome
            for outcome in chosen
            if (not locality or outcome.locality == locality)
            and (not role_id or any(slot.role_id == role_id for slot in outcome.slots))
        ]

    async def report(
        self, locality: str, role_id: str, outcome_ids: Sequence[str], closest_limit: int
    ) -> GapsReport:
        if not 0 <= closest_limit <= MAX_CLOSEST:
            raise InvalidArgument.of("closest_limit", f"must be in 0..{MAX_CLOSEST}")
        locality, role_id = locality.strip(), role_id.strip()
        outcomes = await self._outcomes(outcome_ids, locality, role_id)
        if not outcomes:
            return GapsReport(roles=(), skills=(), blocked_slots=(), closest=())
        role_ids, skill_ids, _ = matrix_scope(outcomes)
        # Supply counts everyone, so the matrix is not cut at any minimum fit.
        candidates = await self.skills.candidate_matrix(role_ids, skill_ids, 0.0)
        committed = tuple(await self.staffing.committed_work())
        request = StaffingRequest(
            outcomes=tuple(outcomes),
            candidates=tuple(candidates),
            committed=committed,
            mode=Mode.SOFT,
            time_limit_s=self.limits.default_time_limit_s,
            max_candidates_per_slot=self.limits.max_candidates_per_slot,
        )
        result: StaffingResult = await run_solver(self.solver, request)

        closest: list[ClosePerson] = []
        blocking_by_role: dict[str, list[str]] = {}
        for role in roles_of(outcomes, role_id):
            ranked = await self.closest_to(role, closest_limit or DEFAULT_CLOSEST, locality)
            steps = await asyncio.gather(
                *(self.skills.gap_steps(person.person_id, role) for person in ranked)
            )
            blocking_by_role[role] = blocking_skills(steps)
            closest.extend(
                ClosePerson(person.person_id, person.name, role, person.fit, tuple(person_steps))
                for person, person_steps in zip(ranked, steps, strict=True)
            )
        return GapsReport(
            roles=tuple(role_demand(outcomes, candidates, result.unfilled, role_id)),
            skills=tuple(skill_demand(outcomes, candidates)),
            blocked_slots=tuple(blocked_slots(result.unfilled, blocking_by_role, role_id)),
            closest=tuple(closest),
        )

    async def closest_to(self, role_id: str, limit: int, locality: str) -> list[RankedPerson]:
        """The best-fitting people of the locality who still have something to
        learn for the role: someone already at full fit is supply, not a gap."""
        ranked = await self.skills.rank(role_id, limit + FULL_FIT_ALLOWANCE, locality)
        return [person for person in ranked if person.fit < FULL_FIT][:limit]
