"""Pure assignment: one outcome, no team rules, no pins, a budget that cannot bind.

Then nobody can take two places (one role per outcome) and every place is
independent, so the soft-mode CP-SAT optimum is a maximum-value assignment
of people to places (a slot of count c is c identical places). Each place
is worth the pair's objective value plus the unfilled penalty it avoids; a
pair that is not eligible is worth nothing and means the place stays empty.
Keeping each slot's best `places` candidates loses nothing: at most
places - 1 of them can be taken elsewhere.
"""

from __future__ import annotations

import numpy as np

from services.matching.domain.assignment import max_value_assignment
from services.matching.domain.candidate_table import IntArray, money_units, pair_cost
from services.matching.domain.eligibility import CandidatePool
from services.matching.domain.model import Mode, SolveStatus, StaffingRequest, StaffingResult
from services.matching.domain.objective import ObjectiveTerms, to_reported
from services.matching.domain.reasons import open_places, settled_result
from services.matching.domain.rules import budget, collaboration, development, fairness
from services.matching.domain.staffing_model import OUTCOME_RULES, max_pair_cost


def is_pure_assignment(request: StaffingRequest, pool: CandidatePool) -> bool:
    if request.mode is not Mode.SOFT or len(request.outcomes) != 1 or request.pins:
        return False
    outcome = request.outcomes[0]
    if any(rule.is_set(outcome) for rule in OUTCOME_RULES if rule is not budget.RULE):
        return False
    if (
        development.is_set(outcome)
        or collaboration.is_active(request)
        or fairness.is_active(request)
    ):
        return False
    table = pool.table
    worst_cost = 0
    for slot_pool in pool.slots:
        slot = outcome.slots[slot_pool.ref.slot_index]
        costs = [
            money_units(pair_cost(table.candidates[int(p)], outcome, slot))
            for p in slot_pool.eligible
        ]
        worst_cost += slot.count * max(costs, default=0)
    return budget.within_budget(outcome, [worst_cost])


def _value_matrix(
    request: StaffingRequest, pool: CandidatePool, terms: ObjectiveTerms
) -> tuple[list[int], list[int], IntArray]:
    """(slot index of each place, table row of each person, person x place values):
    a place is worth the pair's value plus the unfilled penalty it avoids."""
    outcome = request.outcomes[0]
    table = pool.table
    penalty = terms.shortfall_penalty(outcome)
    places: list[int] = [s for s, slot in enumerate(outcome.slots) for _ in range(slot.count)]
    slot_values: list[dict[int, int]] = []
    rows: set[int] = set()
    for slot_pool in pool.slots:
        slot = outcome.slots[slot_pool.ref.slot_index]
        values = {
            int(p): terms.assignment_value(
                table.candidates[int(p)],
                outcome,
                slot,
                pair_cost(table.candidates[int(p)], outcome, slot),
            )
            + penalty
            for p in slot_pool.eligible
        }
        best = sorted(values, key=lambda p: -values[p])[: len(places)]
        slot_values.append({p: values[p] for p in best if values[p] > 0})
        rows.update(slot_values[-1])
    people = sorted(rows)
    matrix = np.zeros((len(people), len(places)), dtype=np.int64)
    for column, s_index in enumerate(places):
        for row, person in enumerate(people):
            matrix[row, column] = slot_values[s_index].get(person, 0)
    return places, people, matrix


def solve_pure_assignment(
    request: StaffingRequest, pool: CandidatePool, started: float
) -> StaffingResult:
    outcome = request.outcomes[0]
    table = pool.table
    terms = ObjectiveTerms(weights=request.weights, max_pair_cost=max_pair_cost(request))
    penalty = terms.shortfall_penalty(outcome)
    places, people, matrix = _value_matrix(request, pool, terms)
    mate = max_value_assignment(matrix)

    chosen = []
    total = 0
    for row, column in enumerate(mate.tolist()):
        if column < 0 or matrix[row, column] <= 0:
            continue
        s_index = places[column]
        chosen.append(
            (table.candidates[people[row]].person_id, outcome.id, outcome.slots[s_index].role_id)
        )
        total += int(matrix[row, column]) - penalty
    total -= penalty * sum(open_places(request, chosen).values())
    return settled_result(
        request,
        pool,
        chosen,
        status=SolveStatus.OPTIMAL,
        objective=to_reported(total),
        started=started,
        solver="linear-assignment",
        # Exact over every eligible candidate it was given; skills may have sent
        # only the best of a large pool.
        pruned=request.pruned_upstream,
        optimality_proven=not request.pruned_upstream,
    )
