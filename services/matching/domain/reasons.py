"""Short reasons a manager reads beside each assignment and each unfilled slot."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

import numpy as np

from services.matching.domain.eligibility import (
    CandidatePool,
    dates_overlap,
    describe_slot_requirements,
    fte_units,
    money_units,
    pair_cost,
)
from services.matching.domain.model import (
    Assignment,
    LocalityRule,
    Sector,
    StaffingRequest,
    Unfilled,
)

PairKey = tuple[str, str, str]


def _money(amount: float) -> str:
    return f"{amount:,.0f}"


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
        if candidate.locality == outcome.locality:
            reasons.append(f"local to {outcome.locality}")
        if candidate.sector is Sector.COMMUNITY:
            reasons.append("community member (co-production)")
            reasons.append("volunteer: costs nothing")
        else:
            reasons.append(f"cost {_money(cost)} of budget {_money(outcome.budget)}")
        if slot.clearance:
            reasons.append(f"holds {slot.clearance} valid to {outcome.end.isoformat()}")
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
    return result


def _fte_in_use(
    request: StaffingRequest, chosen: Sequence[PairKey], pool: CandidatePool
) -> dict[int, list[tuple[int, int]]]:
    """person row -> [(outcome index, fte units)] of the proposal."""
    outcome_index = {o.id: i for i, o in enumerate(request.outcomes)}
    used: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for person_id, outcome_id, role_id in chosen:
        o_index = outcome_index[outcome_id]
        slot = next(s for s in request.outcomes[o_index].slots if s.role_id == role_id)
        used[pool.table.index[person_id]].append((o_index, fte_units(slot.fte)))
    return used


def unfilled_with_reasons(
    request: StaffingRequest,
    pool: CandidatePool,
    chosen: Sequence[PairKey],
    unfilled_counts: Mapping[tuple[str, str], int],
) -> list[Unfilled]:
    table = pool.table
    used = _fte_in_use(request, chosen, pool)
    result = []
    for slot_pool in pool.slots:
        o_index = slot_pool.ref.outcome_index
        outcome = request.outcomes[o_index]
        slot = outcome.slots[slot_pool.ref.slot_index]
        missing = unfilled_counts.get((outcome.id, slot.role_id), 0)
        if missing <= 0:
            continue
        requirement = describe_slot_requirements(outcome, slot)
        eligible = slot_pool.eligible
        in_team = {table.index[p] for p, o, _ in chosen if o == outcome.id}
        if eligible.size == 0:
            reason = f"no eligible candidate with {requirement}"
        elif eligible.size < slot.count:
            reason = f"only {eligible.size} eligible candidate(s) with {requirement}"
        else:
            others = [int(p) for p in eligible if int(p) not in in_team]
            with_capacity = [
                p
                for p in others
                if int(table.free_fte_units[p])
                - sum(
                    units
                    for other, units in used.get(p, [])
                    if dates_overlap(request.outcomes[other], outcome)
                )
                >= fte_units(slot.fte)
            ]
            spent = sum(
                money_units(pair_cost(table.candidates[table.index[p]], outcome, s))
                for p, o, r in chosen
                if o == outcome.id
                for s in outcome.slots
                if s.role_id == r
            )
            left = money_units(outcome.budget) - spent
            costs = [
                money_units(pair_cost(table.candidates[p], outcome, slot)) for p in with_capacity
            ]
            if not with_capacity:
                reason = "capacity taken by other outcomes"
            elif min(costs) > left:
                reason = (
                    f"budget exhausted ({_money(left / 100)} of {_money(outcome.budget)} left; "
                    f"the cheapest eligible candidate costs {_money(min(costs) / 100)})"
                )
            elif outcome.rules.max_sector_share is not None and outcome.rules.max_sector_share < 1:
                reason = (
                    f"the maximum sector share ({outcome.rules.max_sector_share:.0%}) "
                    "leaves no room"
                )
            elif pool.pruned and np.setdiff1d(eligible, slot_pool.kept).size:
                reason = f"not filled among the {slot_pool.kept.size} best candidates kept"
            elif outcome.rules.locality is LocalityRule.PREFER_LOCAL:
                reason = "the team rules and the preference for local people leave no room"
            else:
                reason = "the team rules leave no room"
        result.append(Unfilled(outcome.id, slot.role_id, missing, reason))
    return result
