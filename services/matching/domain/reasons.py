"""Short reasons a manager reads beside each assignment and each unfilled slot."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from time import perf_counter

import numpy as np

from services.matching.domain.candidate_table import fte_units, money_units, pair_cost
from services.matching.domain.eligibility import CandidatePool, SlotPool, describe_slot_requirements
from services.matching.domain.model import (
    Assignment,
    Candidate,
    Outcome,
    Sector,
    Slot,
    SolveStatus,
    StaffingRequest,
    StaffingResult,
    Unfilled,
)
from services.matching.domain.rules import (
    budget,
    capacity,
    clearance,
    collaboration,
    development,
    locality,
    pooled_budget,
    sector_share,
)

PairKey = tuple[str, str, str]


def assignments_with_reasons(
    request: StaffingRequest, pool: CandidatePool, chosen: Sequence[PairKey]
) -> list[Assignment]:
    table = pool.table
    outcomes = {o.id: o for o in request.outcomes}
    pinned = {(p.person_id, p.outcome_id, p.role_id) for p in request.pins}
    order = {o.id: i for i, o in enumerate(request.outcomes)}
    result = []
    for person_id, outcome_id, role_id in sorted(chosen, key=lambda k: (order[k[1]], k[2], k[0])):
        candidate = table.candidates[table.index[person_id]]
        outcome = outcomes[outcome_id]
        slot = next(s for s in outcome.slots if s.role_id == role_id)
        fit = candidate.fits.get(role_id, 0.0)
        cost = pair_cost(candidate, outcome, slot)
        reasons = [f"fit {fit:.2f} for {role_id} (min {slot.min_fit:.2f})"]
        if (person_id, outcome_id, role_id) in pinned:
            reasons.append("pinned by the manager")
        if locality.is_local(candidate, outcome):
            reasons.append(locality.assignment_reason(outcome))
        if candidate.sector is Sector.COMMUNITY:
            reasons.append("community member (co-production)")
            reasons.append("volunteer: costs nothing")
        else:
            reasons.append(f"cost {budget.money(cost)} of budget {budget.money(outcome.budget)}")
        if slot.clearance:
            reasons.append(clearance.assignment_reason(outcome, slot))
        result.append(
            Assignment(
                outcome_id=outcome_id,
                person_id=person_id,
                role_id=role_id,
                fte=slot.fte,
                fit=fit,
                cost=cost,
                sector=candidate.sector,
                reasons=tuple(reasons),
            )
        )
    return collaboration.annotate(request, development.annotate(request, result))


def open_places(request: StaffingRequest, chosen: Sequence[PairKey]) -> dict[tuple[str, str], int]:
    """(outcome id, role id) -> places the proposal leaves open."""
    filled = Counter((outcome_id, role_id) for _, outcome_id, role_id in chosen)
    return {
        (o.id, s.role_id): s.count - filled[(o.id, s.role_id)]
        for o in request.outcomes
        for s in o.slots
    }


def settled_result(
    request: StaffingRequest,
    pool: CandidatePool,
    chosen: Sequence[PairKey],
    *,
    status: SolveStatus,
    objective: float,
    started: float,
    solver: str,
    pruned: bool,
    optimality_proven: bool,
) -> StaffingResult:
    """A result that is its own bound (no search left open), with reasons for every line."""
    assignments = tuple(assignments_with_reasons(request, pool, chosen))
    return StaffingResult(
        status=status,
        objective=objective,
        bound=objective,
        gap=0.0,
        solve_seconds=perf_counter() - started,
        assignments=assignments,
        contribution_uses=pooled_budget.contribution_uses(request.outcomes, assignments),
        unfilled=tuple(unfilled_with_reasons(request, pool, chosen, open_places(request, chosen))),
        solver=solver,
        pruned=pruned,
        optimality_proven=optimality_proven,
    )


class _Proposal:
    """What a proposal already takes: each person's FTE by outcome, each team's spend."""

    def __init__(
        self, request: StaffingRequest, pool: CandidatePool, chosen: Sequence[PairKey]
    ) -> None:
        self.request = request
        self.pool = pool
        self.chosen = chosen
        outcome_index = {o.id: i for i, o in enumerate(request.outcomes)}
        # person row -> [(outcome index, fte units)]
        self.used: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for person_id, outcome_id, role_id in chosen:
            o_index = outcome_index[outcome_id]
            slot = next(s for s in request.outcomes[o_index].slots if s.role_id == role_id)
            self.used[pool.table.index[person_id]].append((o_index, fte_units(slot.fte)))

    def team(self, outcome: Outcome) -> set[int]:
        return {self.pool.table.index[p] for p, o, _ in self.chosen if o == outcome.id}

    def members(self, outcome: Outcome) -> list[tuple[Candidate, Slot]]:
        table = self.pool.table
        slots = {slot.role_id: slot for slot in outcome.slots}
        return [
            (table.candidates[table.index[p]], slots[r])
            for p, o, r in self.chosen
            if o == outcome.id
        ]

    def spent_units(self, outcome: Outcome) -> int:
        table = self.pool.table
        return sum(
            money_units(pair_cost(table.candidates[table.index[p]], outcome, s))
            for p, o, r in self.chosen
            if o == outcome.id
            for s in outcome.slots
            if s.role_id == r
        )

    def with_room(self, people: Sequence[int], outcome: Outcome, slot: Slot) -> list[int]:
        """The people with the slot's FTE left beside what the proposal gives them."""
        free = self.pool.table.free_fte_units
        outcomes = self.request.outcomes
        units = fte_units(slot.fte)
        return [
            p
            for p in people
            if capacity.has_room(outcomes, self.used.get(p, []), outcome, units, int(free[p]))
        ]


def _reason(proposal: _Proposal, slot_pool: SlotPool, outcome: Outcome, slot: Slot) -> str:
    requirement = describe_slot_requirements(outcome, slot)
    eligible = slot_pool.eligible
    if eligible.size == 0:
        return f"no eligible candidate with {requirement}"
    if eligible.size < slot.count:
        return f"only {eligible.size} eligible candidate(s) with {requirement}"
    in_team = proposal.team(outcome)
    others = [int(p) for p in eligible if int(p) not in in_team]
    free = proposal.with_room(others, outcome, slot)
    if not free:
        return capacity.UNFILLED_REASON
    table = proposal.pool.table
    left = money_units(outcome.budget) - proposal.spent_units(outcome)
    cheapest = min(money_units(pair_cost(table.candidates[p], outcome, slot)) for p in free)
    if cheapest > left:
        return budget.exhausted_reason(outcome, left, cheapest)
    if pooled_budget.is_set(outcome) and not any(
        pooled_budget.holds(outcome, [*proposal.members(outcome), (table.candidates[p], slot)])
        for p in free
    ):
        return pooled_budget.no_room_reason(outcome)
    if sector_share.is_set(outcome):
        return sector_share.no_room_reason(outcome)
    if proposal.pool.pruned and np.setdiff1d(eligible, slot_pool.kept).size:
        return f"not filled among the {slot_pool.kept.size} best candidates kept"
    if locality.prefers_local(outcome):
        return "the team rules and the preference for local people leave no room"
    return "the team rules leave no room"


def unfilled_with_reasons(
    request: StaffingRequest,
    pool: CandidatePool,
    chosen: Sequence[PairKey],
    unfilled_counts: Mapping[tuple[str, str], int],
) -> list[Unfilled]:
    proposal = _Proposal(request, pool, chosen)
    result = []
    for slot_pool in pool.slots:
        outcome = request.outcomes[slot_pool.ref.outcome_index]
        slot = outcome.slots[slot_pool.ref.slot_index]
        missing = unfilled_counts.get((outcome.id, slot.role_id), 0)
        if missing > 0:
            reason = _reason(proposal, slot_pool, outcome, slot)
            result.append(Unfilled(outcome.id, slot.role_id, missing, reason))
    return result
