"""Pruned portfolios: the outcome-by-outcome seed and what the whole solve makes of it."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import replace

from services.matching.domain.eligibility import build_pool
from services.matching.domain.greedy import evaluate_objective, greedy
from services.matching.domain.model import Sector, Slot, SolveStatus, StaffingRequest, TeamRules
from services.matching.domain.objective import OBJECTIVE_SCALE, ObjectiveTerms
from services.matching.domain.sequential import sequential_pairs
from services.matching.domain.staffing import solve
from services.matching.domain.staffing_model import max_pair_cost
from tests.unit.matching.builders import outcome, person, request, team

NAVIGATOR = Slot("navigator", 1, 0.6)
ARCHITECT = Slot("architect", 1, 0.6)


def contested() -> StaffingRequest:
    # Tom, the best navigator, can serve one outcome (0.6 + 0.6 FTE > 1.0) and goes
    # to the priority-5 one. Pruning to two per slot keeps Tom and Ann as navigators
    # everywhere, so the whole model never sees Bob as a navigator; greedy then gives
    # Ann the navigator place of "low" and Bob the architect place he barely fits.
    return request(
        [
            outcome("high", (NAVIGATOR,), priority=5),
            outcome("low", (NAVIGATOR, ARCHITECT), priority=3),
        ],
        [
            person("tom", {"navigator": 0.95}),
            person("ann", {"navigator": 0.9, "architect": 0.85}),
            person("bob", {"navigator": 0.8, "architect": 0.1}),
        ],
        max_candidates_per_slot=2,
    )


def test_each_outcome_is_solved_among_the_people_with_time_left() -> None:
    staffing = contested()
    pool = build_pool(staffing)
    terms = ObjectiveTerms(staffing.weights, max_pair_cost(staffing))

    pairs = sequential_pairs(staffing, pool, terms, deadline=float("inf"))

    assert pool.pruned
    assert sorted(pairs) == [
        ("ann", "low", "architect"),
        ("bob", "low", "navigator"),
        ("tom", "high", "navigator"),
    ]


def test_the_seeded_solve_finds_the_swap_pruning_hid_and_beats_greedy() -> None:
    staffing = contested()

    result = solve(staffing)
    baseline = greedy(staffing)

    assert team(baseline, "low") == {"ann": "navigator", "bob": "architect"}
    assert team(result, "high") == {"tom": "navigator"}
    assert team(result, "low") == {"ann": "architect", "bob": "navigator"}
    assert result.pruned and not result.optimality_proven
    assert result.status is SolveStatus.OPTIMAL
    assert result.objective > baseline.objective


def random_portfolio(seed: int) -> StaffingRequest:
    rng = random.Random(seed)
    sectors = list(Sector)
    people = [
        person(
            f"p{i}",
            {role: round(rng.random(), 2) for role in ("navigator", "architect", "weaver")},
            sector=sectors[i % len(sectors)],
            capacity_fte=rng.choice([0.3, 0.5, 1.0]),
            day_rate=rng.choice([100.0, 300.0]),
            locality=f"ward-{rng.randrange(3)}",
        )
        for i in range(60)
    ]
    rules = TeamRules(min_sectors=2, max_sector_share=0.6, min_community_members=1)
    outcomes = [
        outcome(
            f"o{i}",
            (
                Slot("navigator", 2, 0.3, min_fit=0.2),
                Slot(rng.choice(["architect", "weaver"]), 1, 0.2),
            ),
            priority=rng.randint(1, 5),
            budget=rng.choice([1_500.0, 1_000_000.0]),
            rules=rules,
        )
        for i in range(6)
    ]
    return request(outcomes, people, max_candidates_per_slot=3, time_limit_s=5.0)


def test_a_pruned_portfolio_is_consistent_within_capacity_and_no_worse_than_greedy() -> None:
    for seed in range(3):
        staffing = random_portfolio(seed)
        result = solve(staffing)
        baseline = greedy(staffing)
        chosen = [(a.person_id, a.outcome_id, a.role_id) for a in result.assignments]
        given: dict[str, float] = defaultdict(float)
        for line in result.assignments:
            given[line.person_id] += line.fte
        capacity = {p.person_id: p.capacity_fte for p in staffing.candidates}

        assert result.pruned
        assert round(result.objective * OBJECTIVE_SCALE) == evaluate_objective(staffing, chosen)
        assert result.objective >= baseline.objective
        # Every outcome runs on the same dates, so a person's lines all add up.
        assert all(fte <= capacity[p] + 1e-9 for p, fte in given.items())
        unpruned = solve(replace(staffing, max_candidates_per_slot=0))
        assert unpruned.status is SolveStatus.OPTIMAL
        assert result.objective <= unpruned.objective + 1e-6
