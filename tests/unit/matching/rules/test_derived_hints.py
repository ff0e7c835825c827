"""Literals derived from the decisions (pair products, team sizes, idle and
over-share flags) get hint values that keep every constraint, so a seed team
is a complete first solution, and the optimistic bound counts what they add."""

from __future__ import annotations

from services.matching.domain.eligibility import build_pool
from services.matching.domain.greedy import evaluate_objective, greedy_pairs
from services.matching.domain.model import (
    Assessment,
    Collaboration,
    ObjectiveWeights,
    Slot,
    StaffingRequest,
)
from services.matching.domain.staffing import build_model, hint, optimistic_bound, satisfies
from tests.unit.matching.builders import outcome, person, request

WEIGHTS = ObjectiveWeights(collaboration=100.0, new_connections=20.0, fairness=50.0)


def portfolio() -> StaffingRequest:
    people = [
        person(f"p{i}", {"navigator": 0.5 + i / 20, "weaver": 0.9 - i / 20}, capacity_fte=1.0)
        for i in range(6)
    ]
    history = (
        Collaboration("p0", "p1", "riverside-isolation", Assessment.MET),
        Collaboration("p2", "p5", "old-town-meals", Assessment.PARTLY_MET),
        Collaboration("p3", "p4", "harbour-advice", Assessment.NOT_MET),
    )
    slots = (Slot("navigator", 2, 0.4), Slot("weaver", 1, 0.4))
    return request(
        [outcome("o1", slots, priority=2), outcome("o2", slots, priority=1)],
        people,
        weights=WEIGHTS,
        collaborations=history,
        fairness_max_share=0.5,
    )


def test_a_greedy_seed_hints_every_derived_literal_feasibly() -> None:
    staffing = portfolio()
    pool = build_pool(staffing)
    seed = greedy_pairs(staffing, pool)
    model, variables = build_model(staffing, pool=pool)

    values = hint(staffing, model, variables, seed)

    assert len(variables.derived) == 2
    assert len(values) == len(model.proto.variables)
    assert satisfies(model, values)
    # CP-SAT keeps a maximisation as the minimisation of its negation.
    objective = model.proto.objective
    raw = sum(c * values[v] for v, c in zip(objective.vars, objective.coeffs, strict=True))
    assert objective.scaling_factor * (raw + objective.offset) == evaluate_objective(staffing, seed)


def test_the_optimistic_bound_counts_the_pair_rewards() -> None:
    staffing = portfolio()
    _, with_terms = build_model(staffing)
    _, without = build_model(
        request(list(staffing.outcomes), list(staffing.candidates), weights=ObjectiveWeights())
    )

    assert optimistic_bound(staffing, with_terms) > optimistic_bound(staffing, without)
