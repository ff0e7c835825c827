"""A strong first portfolio for large requests: each outcome solved on its own, by priority.

Outcomes interact only through people's time. Solving each outcome exactly
(every team rule, the objective of the whole request) in priority order,
with each person's capacity reduced by what earlier outcomes and the pins
took, gives a feasible portfolio whose teams meet their rules wherever
anyone with time left can. The whole model then starts from it and only has
to trade people between outcomes.

Each outcome is pruned among the people who still have time, not among the
best overall: under whole-request pruning every slot of a role keeps the
same few top people, who cannot serve them all, and the team rules then go
short for want of a reserve with time left.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from time import perf_counter

import numpy as np
from ortools.sat.python import cp_model

from services.matching.domain.candidate_table import fte_units
from services.matching.domain.eligibility import CandidatePool, SlotPool, SlotRef, prune_slot
from services.matching.domain.greedy import greedy_team
from services.matching.domain.model import Mode, StaffingRequest
from services.matching.domain.objective import ObjectiveTerms
from services.matching.domain.rules import capacity
from services.matching.domain.staffing_model import PairKey, build_model

MIN_PART_SECONDS = 0.05
# Candidates kept per slot when one outcome is solved alone: the best people with
# time left are plenty for a team, and a small model solves in milliseconds.
PART_K = 10


def sequential_pairs(
    request: StaffingRequest, pool: CandidatePool, terms: ObjectiveTerms, deadline: float
) -> list[PairKey]:
    """The teams, outcome by outcome. An outcome reached after the deadline, or
    that its own solve cannot settle in its share of the time, gets the greedy
    team instead, so every outcome gets a team. The portfolio keeps every hard rule
    unless pins alone break one (then the whole model is infeasible anyway)."""
    outcomes = request.outcomes
    table = pool.table
    # person -> (outcome index, FTE units) already given away
    used: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for person, ref in pool.pins:
        slot = outcomes[ref.outcome_index].slots[ref.slot_index]
        used[person].append((ref.outcome_index, fte_units(slot.fte)))
    pinned = set(pool.pins)
    order = sorted(range(len(outcomes)), key=lambda i: -outcomes[i].priority)
    chosen: list[PairKey] = []
    for position, o_index in enumerate(order):
        outcome = outcomes[o_index]
        left = deadline - perf_counter()
        team = None
        if left > 0:
            share = max(MIN_PART_SECONDS, left / (len(order) - position))
            team = _solve_alone(request, pool, terms, o_index, used, share)
        if team is None:
            team = greedy_team(request, pool, o_index, used)
        for person, s_index in team:
            slot = outcome.slots[s_index]
            chosen.append((table.candidates[person].person_id, outcome.id, slot.role_id))
            if (person, SlotRef(o_index, s_index)) not in pinned:
                used[person].append((o_index, fte_units(slot.fte)))
    return chosen


def _solve_alone(
    request: StaffingRequest,
    pool: CandidatePool,
    terms: ObjectiveTerms,
    o_index: int,
    used: dict[int, list[tuple[int, int]]],
    seconds: float,
) -> list[tuple[int, int]] | None:
    """One outcome's best team among the people with time left, as (person, slot index)."""
    outcome = request.outcomes[o_index]
    part_pool = _part_pool(request, pool, o_index, used)
    part_request = replace(
        request,
        outcomes=(outcome,),
        pins=tuple(p for p in request.pins if p.outcome_id == outcome.id),
        mode=Mode.SOFT,
    )
    model, variables = build_model(part_request, pool=part_pool, terms=terms)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = 1
    # Presolve costs more than it saves on a model of one outcome.
    solver.parameters.cp_model_presolve = False
    if solver.solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return [
        (pair.person, pair.slot_index)
        for key, pair in variables.pairs.items()
        if solver.boolean_value(variables.assign[key])
    ]


def _part_pool(
    request: StaffingRequest,
    pool: CandidatePool,
    o_index: int,
    used: dict[int, list[tuple[int, int]]],
) -> CandidatePool:
    """The pool of one outcome alone, among the people with its FTE still free."""
    outcomes = request.outcomes
    outcome = outcomes[o_index]
    table = pool.table
    free = table.free_fte_units.copy()
    for person, entries in used.items():
        others = [(other, units) for other, units in entries if other != o_index]
        free[person] -= capacity.busy_units(outcomes, others, outcome)
    slot_pools = {slot_pool.ref: slot_pool for slot_pool in pool.slots}
    parts: list[SlotPool] = []
    for s_index, slot in enumerate(outcome.slots):
        whole = slot_pools[SlotRef(o_index, s_index)]
        eligible = whole.eligible[free[whole.eligible] >= fte_units(slot.fte)]
        if pool.k > 0:
            kept = prune_slot(table, outcome, slot, eligible, whole.pinned, min(pool.k, PART_K))
        else:
            kept = np.union1d(eligible, whole.pinned).astype(np.int64)
        parts.append(SlotPool(SlotRef(0, s_index), eligible, kept, whole.pinned))
    pins = [(p, SlotRef(0, ref.slot_index)) for p, ref in pool.pins if ref.outcome_index == o_index]
    return CandidatePool(
        table=table, slots=parts, pruned=pool.pruned, impossible_pins=[], pins=pins, k=pool.k
    )
