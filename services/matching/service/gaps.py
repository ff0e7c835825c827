"""The gap report for training planners, in one pass: supply counted by the
skills service for the open slots (no rows), the closest people with their
gap steps (one ranked call per role), both at once. A staffing solve runs
only when the planner asks for it, once and within a bound."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime

from services.common.errors import InvalidArgument
from services.matching.domain.gaps import (
    ClosePerson,
    GapsReport,
    OpenSlot,
    blocked_slots,
    blocking_skills,
    committed_places,
    counted_reason,
    counted_unfilled,
    coverage_key,
    open_slots,
    role_demand,
    skill_demand,
    slot_gaps,
)
from services.matching.domain.model import (
    CommittedWork,
    LocalityRule,
    Mode,
    Outcome,
    OutcomeState,
    StaffingRequest,
    Unfilled,
)
from services.matching.domain.slot_queries import (
    SkillSupplyQuery,
    SlotCandidates,
    SlotCandidatesQuery,
    dated_loads,
    role_group,
    slot_key,
    slot_query,
)
from services.matching.domain.time_budget import gap_solve_time_limit
from services.matching.service.ports import OutcomeRepository, SkillsPort, StaffingRepository
from services.matching.service.staffing import (
    Solver,
    StaffingLimits,
    essential_skills,
    run_solver,
    slot_candidates,
)

DEFAULT_CLOSEST = 5
# People below this still have something to learn; at full fit they are supply.
FULL_FIT = 1.0 - 1e-9
MAX_CLOSEST = 50


def supply_query(
    slots: Sequence[OpenSlot], committed: Sequence[CommittedWork]
) -> SlotCandidatesQuery:
    """Counts only: per open slot the people who could take one of its places,
    per role the distinct people over its slots, per coverage skill level the
    people holding it who could serve one of the outcomes."""
    outcomes = list({slot.outcome.id: slot.outcome for slot in slots}.values())
    supply = tuple(
        SkillSupplyQuery(
            key=coverage_key(coverage.skill_id, coverage.min_level),
            skill_id=coverage.skill_id,
            min_level=coverage.min_level,
            locality=outcome.locality if outcome.rules.locality is LocalityRule.LOCAL_ONLY else "",
            start=outcome.start,
            end=outcome.end,
        )
        for outcome in outcomes
        for coverage in outcome.skill_coverage
    )
    return SlotCandidatesQuery(
        slots=tuple(slot_query(slot.outcome, slot.slot, 0, group=True) for slot in slots),
        committed=dated_loads(committed),
        counts_only=True,
        skill_supply=supply,
    )


def open_outcomes(slots: Sequence[OpenSlot]) -> list[Outcome]:
    """The outcomes with their open places only, as staffing should see them."""
    by_outcome: dict[str, list[OpenSlot]] = {}
    for slot in slots:
        by_outcome.setdefault(slot.outcome.id, []).append(slot)
    return [
        replace(
            group[0].outcome,
            slots=tuple(replace(slot.slot, count=slot.open) for slot in group),
        )
        for group in by_outcome.values()
    ]


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
            # A closed outcome has no open places, as if it had ended.
            if outcome.state is OutcomeState.OPEN
            and (not locality or outcome.locality == locality)
            and (not role_id or any(slot.role_id == role_id for slot in outcome.slots))
        ]

    async def report(
        self,
        locality: str,
        role_id: str,
        outcome_ids: Sequence[str],
        closest_limit: int,
        solve: bool = False,
    ) -> GapsReport:
        if not 0 <= closest_limit <= MAX_CLOSEST:
            raise InvalidArgument.of("closest_limit", f"must be in 0..{MAX_CLOSEST}")
        locality, role_id = locality.strip(), role_id.strip()
        outcomes = await self._outcomes(outcome_ids, locality, role_id)
        committed = tuple(await self.staffing.committed_work())
        slots = open_slots(outcomes, committed, role_id)
        if not slots:
            return GapsReport(roles=(), skills=(), blocked_slots=(), closest=())
        roles = sorted({slot.slot.role_id for slot in slots})
        counts, closest_by_role = await asyncio.gather(
            self.skills.slot_candidates(supply_query(slots, committed)),
            asyncio.gather(
                *(
                    self.skills.closest(role, closest_limit or DEFAULT_CLOSEST, locality, FULL_FIT)
                    for role in roles
                )
            ),
        )
        supply = {slot.key: counts.pool(slot_key(*slot.key)).eligible for slot in slots}
        if solve:
            unfilled = await self._solved_unfilled(slots, committed)
        else:
            unfilled = counted_unfilled_slots(slots, counts)
        blocking_by_role = {
            role: blocking_skills([person.steps for person in people])
            for role, people in zip(roles, closest_by_role, strict=True)
        }
        gaps = slot_gaps(slots, supply, {(u.outcome_id, u.role_id): u.count for u in unfilled})
        role_supply = {role: counts.group_supply.get(role_group(role), 0) for role in roles}
        staffed = list({slot.outcome.id: slot.outcome for slot in slots}.values())
        closest: list[ClosePerson] = [person for people in closest_by_role for person in people]
        return GapsReport(
            roles=tuple(
                role_demand(gaps, role_supply, committed_places(outcomes, committed, role_id))
            ),
            skills=tuple(skill_demand(staffed, counts.skill_supply)),
            blocked_slots=tuple(blocked_slots(unfilled, blocking_by_role, role_id)),
            closest=tuple(closest),
            slots=tuple(gaps),
            solved=solve,
        )

    async def _solved_unfilled(
        self, slots: Sequence[OpenSlot], committed: Sequence[CommittedWork]
    ) -> list[Unfilled]:
        """Which open places stay empty when staffing tries: one bounded solve."""
        outcomes = open_outcomes(slots)
        essentials = await essential_skills(self.skills, outcomes)
        pool = await slot_candidates(
            self.skills,
            outcomes,
            committed,
            self.limits.max_candidates_per_slot,
            essentials=essentials,
        )
        request = StaffingRequest(
            outcomes=tuple(outcomes),
            candidates=pool.candidates,
            committed=tuple(committed),
            mode=Mode.SOFT,
            time_limit_s=gap_solve_time_limit(self.limits.default_time_limit_s),
            max_candidates_per_slot=self.limits.max_candidates_per_slot,
            pruned_upstream=pool.pruned,
            essential_skills=essentials,
        )
        result = await run_solver(self.solver, request)
        return list(result.unfilled)


def counted_unfilled_slots(slots: Sequence[OpenSlot], counts: SlotCandidates) -> list[Unfilled]:
    unfilled = []
    for slot in slots:
        pool = counts.pool(slot_key(*slot.key))
        missing = counted_unfilled(slot, pool.eligible)
        if missing:
            reason = counted_reason(slot, pool.eligible, pool.passing)
            unfilled.append(Unfilled(slot.outcome.id, slot.slot.role_id, missing, reason))
    return unfilled
