"""Use cases of staffing: propose (or try a what-if), commit, release, list,
forget a person. The solver is handed in, so these stay testable and the
CP-SAT model stays pure."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime

from services.common.errors import FailedPrecondition, InvalidArgument, Violations
from services.matching.domain.eligibility import InvalidStaffingRequest
from services.matching.domain.learning import closed_outcome_refusal
from services.matching.domain.model import (
    Candidate,
    Collaboration,
    CommittedWork,
    EssentialSkill,
    Mode,
    ObjectiveWeights,
    Outcome,
    Pin,
    SlotPoolFigures,
    StaffingRequest,
    StaffingResult,
    TeamRules,
)
from services.matching.domain.outcomes import MAX_LEVEL, MIN_LEVEL, check_rules
from services.matching.domain.proposals import AssignmentRecord, ProposalRecord
from services.matching.domain.rules import min_fit
from services.matching.domain.slot_queries import (
    SlotCandidates,
    SlotCandidatesQuery,
    pruning_k,
    slot_key,
    staffing_query,
)
from services.matching.domain.time_budget import (
    DEFAULT_TIME_LIMIT_S,
    MAX_TIME_LIMIT_S,
    solve_time_limit,
)
from services.matching.domain.whatif import StaffingDiff, diff_results
from services.matching.service.ports import (
    CollaborationSource,
    LevelOverride,
    OutcomeRepository,
    SkillsPort,
    StaffingRepository,
)

Solver = Callable[[StaffingRequest], StaffingResult]


@dataclass(frozen=True)
class StaffingLimits:
    default_time_limit_s: float = DEFAULT_TIME_LIMIT_S
    max_time_limit_s: float = MAX_TIME_LIMIT_S
    # Candidates kept per slot before solving (0: no pruning).
    max_candidates_per_slot: int = 0

    def time_limit(self, asked_s: float) -> float:
        return solve_time_limit(asked_s, self.default_time_limit_s, self.max_time_limit_s)


@dataclass(frozen=True)
class WhatIfChange:
    remove_person_ids: tuple[str, ...] = ()
    level_changes: tuple[LevelOverride, ...] = ()
    # outcome id -> the rules to staff it with instead.
    rule_overrides: tuple[tuple[str, TeamRules], ...] = ()

    @property
    def is_empty(self) -> bool:
        return not (self.remove_person_ids or self.level_changes or self.rule_overrides)


@dataclass(frozen=True)
class ProposeCommand:
    outcome_ids: tuple[str, ...]
    pins: tuple[Pin, ...] = ()
    exclusions: tuple[str, ...] = ()
    time_limit_s: float = 0.0
    mode: Mode = Mode.SOFT
    weights: ObjectiveWeights = field(default_factory=ObjectiveWeights)
    what_if: WhatIfChange | None = None
    # Nobody above this share of their capacity while others who fit stay idle (None: off).
    fairness_max_share: float | None = None


@dataclass(frozen=True)
class ProposalView:
    """A stored proposal, or (with `diff`) an unstored what-if against the current one."""

    proposal: ProposalRecord
    diff: StaffingDiff | None = None


def _unique(values: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(value.strip() for value in values))


def validate_command(command: ProposeCommand, outcomes: Sequence[Outcome]) -> None:
    """Pins, what-ifs, weights and limits, against what the request staffs."""
    violations = Violations()
    roles_of = {outcome.id: {slot.role_id for slot in outcome.slots} for outcome in outcomes}
    violations.check(command.time_limit_s >= 0, "time_limit_s", "must not be negative")
    for weight in fields(ObjectiveWeights):
        violations.check(
            getattr(command.weights, weight.name) >= 0,
            f"weights.{weight.name}",
            "must not be negative",
        )
    share = command.fairness_max_share
    violations.check(
        share is None or 0 < share <= 1, "fairness.max_share_of_capacity", "must be in (0, 1]"
    )
    for index, pin in enumerate(command.pins):
        where = f"pins[{index}]"
        violations.check(bool(pin.person_id.strip()), f"{where}.person_id", "is required")
        if pin.outcome_id not in roles_of:
            violations.add(f"{where}.outcome_id", "is not one of the outcomes being staffed")
        elif pin.role_id not in roles_of[pin.outcome_id]:
            violations.add(f"{where}.role_id", f"outcome {pin.outcome_id!r} has no slot for it")
        if pin.person_id in command.exclusions:
            violations.add(f"{where}.person_id", "is both pinned and excluded")
    if command.what_if is not None:
        _check_what_if(command.what_if, roles_of, violations)
    violations.raise_if_any()


def _check_what_if(
    what_if: WhatIfChange, roles_of: dict[str, set[str]], violations: Violations
) -> None:
    for index, change in enumerate(what_if.level_changes):
        where = f"what_if.level_changes[{index}]"
        violations.check(bool(change.person_id.strip()), f"{where}.person_id", "is required")
        violations.check(bool(change.skill_id.strip()), f"{where}.skill_id", "is required")
        violations.check(
            MIN_LEVEL <= change.level <= MAX_LEVEL,
            f"{where}.level",
            f"must be in {MIN_LEVEL}..{MAX_LEVEL}",
        )
    for index, (outcome_id, rules) in enumerate(what_if.rule_overrides):
        where = f"what_if.rule_overrides[{index}]"
        violations.check(
            outcome_id in roles_of,
            f"{where}.outcome_id",
            "is not one of the outcomes being staffed",
        )
        check_rules(rules, f"{where}.rules", violations)


def apply_what_if(
    outcomes: Sequence[Outcome], candidates: Sequence[Candidate], what_if: WhatIfChange
) -> tuple[list[Outcome], list[Candidate]]:
    """Rules replaced, leavers dropped, raised levels written into the levels the
    team-coverage rules read. Fits come recomputed from skills (level overrides)."""
    rules = dict(what_if.rule_overrides)
    changed_outcomes = [
        replace(outcome, rules=rules[outcome.id]) if outcome.id in rules else outcome
        for outcome in outcomes
    ]
    leaving = set(what_if.remove_person_ids)
    raised: dict[str, dict[str, int]] = {}
    for change in what_if.level_changes:
        raised.setdefault(change.person_id, {})[change.skill_id] = change.level
    changed_candidates = [
        replace(candidate, levels={**candidate.levels, **raised[candidate.person_id]})
        if candidate.person_id in raised
        else candidate
        for candidate in candidates
        if candidate.person_id not in leaving
    ]
    return changed_outcomes, changed_candidates


def matrix_scope(outcomes: Sequence[Outcome]) -> tuple[list[str], list[str], float]:
    """Roles, coverage skills and the lowest fit any slot accepts."""
    role_ids = sorted({slot.role_id for outcome in outcomes for slot in outcome.slots})
    skill_ids = sorted({item.skill_id for outcome in outcomes for item in outcome.skill_coverage})
    lowest = [min_fit.threshold(slot) for outcome in outcomes for slot in outcome.slots]
    return role_ids, skill_ids, min(lowest, default=0.0)


async def essential_skills(
    skills: SkillsPort, outcomes: Sequence[Outcome]
) -> tuple[EssentialSkill, ...]:
    """What a development placement learns, asked only of the roles of slots that
    take one (`rules.development`)."""
    role_ids = sorted(
        {
            slot.role_id
            for outcome in outcomes
            for slot in outcome.slots
            if slot.development_floor is not None
        }
    )
    return tuple(await skills.essential_skills(role_ids)) if role_ids else ()


async def slot_candidates(
    skills: SkillsPort,
    outcomes: Sequence[Outcome],
    committed: Sequence[CommittedWork],
    configured_k: int,
    pins: Sequence[Pin] = (),
    exclusions: Sequence[str] = (),
    level_overrides: Sequence[LevelOverride] = (),
    essentials: Sequence[EssentialSkill] = (),
) -> SlotCandidates:
    """The candidates of a staffing request, asked for slot by slot, with their
    levels in the coverage skills and the essential skills development placements
    learn. Pruned as eligibility would prune the whole workforce: without a
    configured `k`, the pool's size (counted first, no rows) decides whether to prune."""

    def query(k: int, counts_only: bool) -> SlotCandidatesQuery:
        asked = staffing_query(
            outcomes, committed, k, pins, exclusions, level_overrides, counts_only
        )
        skill_ids = sorted({*asked.skill_ids, *(e.skill_id for e in essentials)})
        return replace(asked, skill_ids=tuple(skill_ids))

    k = configured_k
    if k <= 0:
        counts = await skills.slot_candidates(query(0, counts_only=True))
        k = pruning_k(sum(pool.eligible for pool in counts.pools), configured_k)
    return await skills.slot_candidates(query(k, counts_only=False))


def with_pool_figures(
    result: StaffingResult, outcomes: Sequence[Outcome], slots: SlotCandidates
) -> StaffingResult:
    figures = []
    for outcome in outcomes:
        for slot in outcome.slots:
            pool = slots.pool(slot_key(outcome.id, slot.role_id))
            figures.append(SlotPoolFigures(outcome.id, slot.role_id, pool.eligible, pool.kept))
    return replace(result, pools=tuple(figures))


async def run_solver(solver: Solver, request: StaffingRequest) -> StaffingResult:
    # CP-SAT holds the CPU for up to the time limit; keep the event loop answering.
    try:
        return await asyncio.to_thread(solver, request)
    except InvalidStaffingRequest as error:
        raise InvalidArgument.of("outcome_ids", str(error)) from error


class StaffingService:
    def __init__(
        self,
        outcomes: OutcomeRepository,
        staffing: StaffingRepository,
        skills: SkillsPort,
        solver: Solver,
        limits: StaffingLimits,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        collaborations: CollaborationSource | None = None,
    ) -> None:
        self.outcomes = outcomes
        self.staffing = staffing
        self.skills = skills
        self.solver = solver
        self.limits = limits
        self.clock = clock
        self.collaborations = collaborations

    async def _solve(self, request: StaffingRequest) -> StaffingResult:
        return await run_solver(self.solver, request)

    async def propose(self, command: ProposeCommand) -> ProposalView:
        outcome_ids = _unique(command.outcome_ids)
        if not outcome_ids or not all(outcome_ids):
            raise InvalidArgument.of("outcome_ids", "name at least one outcome, none empty")
        command = replace(command, outcome_ids=outcome_ids, exclusions=_unique(command.exclusions))
        outcomes = await self.outcomes.get_many(outcome_ids)
        refusal = closed_outcome_refusal(outcomes)
        if refusal is not None:
            raise FailedPrecondition(refusal)
        validate_command(command, outcomes)
        what_if = command.what_if if command.what_if and not command.what_if.is_empty else None

        basis, committed_work = await self.staffing.basis_and_committed_work()
        committed = tuple(committed_work)
        request, slots = await self._request(command, outcomes, committed, what_if)
        result = with_pool_figures(await self._solve(request), request.outcomes, slots)
        capacity = {candidate.person_id: candidate.capacity_fte for candidate in request.candidates}
        record = ProposalRecord(
            id="" if what_if else uuid.uuid4().hex,
            outcome_ids=command.outcome_ids,
            result=result,
            created_at=self.clock(),
            basis_sequence=basis,
            capacity_seen={line.person_id: capacity[line.person_id] for line in result.assignments},
        )
        if what_if is None:
            await self.staffing.add_proposal(record)
            return ProposalView(record)
        current = await self.staffing.latest_proposal_for(command.outcome_ids)
        if current is not None:
            before = current.result
        else:
            # Nothing stored yet: the same request without the change stands in for it.
            plain, _ = await self._request(command, outcomes, committed, None)
            before = await self._solve(plain)
        return ProposalView(record, diff_results(before, result))

    async def _request(
        self,
        command: ProposeCommand,
        outcomes: Sequence[Outcome],
        committed: tuple[CommittedWork, ...],
        what_if: WhatIfChange | None,
    ) -> tuple[StaffingRequest, SlotCandidates]:
        leavers = what_if.remove_person_ids if what_if else ()
        # Rules a what-if changes decide who skills sends (a relaxed locality rule).
        staffed_outcomes = list(outcomes)
        if what_if:
            staffed_outcomes, _ = apply_what_if(outcomes, (), what_if)
        essentials = await essential_skills(self.skills, staffed_outcomes)
        slots = await slot_candidates(
            self.skills,
            staffed_outcomes,
            committed,
            self.limits.max_candidates_per_slot,
            pins=command.pins,
            exclusions=(*command.exclusions, *leavers),
            level_overrides=what_if.level_changes if what_if else (),
            essentials=essentials,
        )
        candidates = list(slots.candidates)
        if what_if:
            staffed_outcomes, candidates = apply_what_if(outcomes, candidates, what_if)
        request = StaffingRequest(
            outcomes=tuple(staffed_outcomes),
            candidates=tuple(candidates),
            committed=committed,
            pins=command.pins,
            exclusions=frozenset(command.exclusions),
            mode=command.mode,
            time_limit_s=self.limits.time_limit(command.time_limit_s),
            weights=command.weights,
            max_candidates_per_slot=self.limits.max_candidates_per_slot,
            pruned_upstream=slots.pruned,
            fairness_max_share=command.fairness_max_share,
            collaborations=await self._collaborations(command.weights, candidates),
            essential_skills=essentials,
        )
        return request, slots

    async def _collaborations(
        self, weights: ObjectiveWeights, candidates: Sequence[Candidate]
    ) -> tuple[Collaboration, ...]:
        """Who of the candidates worked together, read only when a term uses it."""
        if self.collaborations is None or not (weights.collaboration or weights.new_connections):
            return ()
        people = [candidate.person_id for candidate in candidates]
        return tuple(await self.collaborations.collaborations(people))

    async def get_proposal(self, proposal_id: str) -> ProposalRecord:
        if not proposal_id.strip():
            raise InvalidArgument.of("id", "is required")
        return await self.staffing.get_proposal(proposal_id)

    async def commit(self, proposal_id: str, actor: str) -> ProposalRecord:
        proposal = await self.get_proposal(proposal_id)
        if proposal.committed:
            raise FailedPrecondition(f"proposal {proposal.id} was already committed")
        people = sorted({line.person_id for line in proposal.result.assignments})
        current_capacity = await self.skills.capacities(people)
        return await self.staffing.commit(proposal_id, actor, current_capacity, self.clock())

    async def assignments(self, outcome_id: str, person_id: str) -> list[AssignmentRecord]:
        return await self.staffing.assignments(outcome_id.strip(), person_id.strip())

    async def release(self, outcome_id: str, person_id: str, actor: str) -> None:
        violations = Violations()
        violations.check(bool(outcome_id.strip()), "outcome_id", "is required")
        violations.check(bool(person_id.strip()), "person_id", "is required")
        violations.raise_if_any()
        await self.staffing.release(outcome_id, person_id, actor, self.clock())
