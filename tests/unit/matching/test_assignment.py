"""The linear-assignment solver and the pure-assignment fast path."""

from __future__ import annotations

from itertools import permutations

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment

from services.matching.domain.assignment import (
    DENSE_BELOW,
    max_value_assignment,
    min_cost_assignment,
    residual_potentials,
    solve_assignment,
)
from services.matching.domain.model import Slot, SolveStatus, TeamRules
from services.matching.domain.staffing import solve
from tests.unit.matching.builders import outcome, person, request


def test_min_cost_assignment_matches_brute_force_on_a_small_matrix() -> None:
    cost = np.random.default_rng(7).integers(-50, 50, size=(6, 6)).astype(np.int64)
    best = min(sum(cost[r, c] for r, c in enumerate(p)) for p in permutations(range(6)))

    mate = min_cost_assignment(cost)

    assert sorted(mate.tolist()) == list(range(6))
    assert int(cost[np.arange(6), mate].sum()) == best


@pytest.mark.parametrize("shape", [(DENSE_BELOW + 50, DENSE_BELOW + 50), (40, 90), (90, 40)])
def test_solve_assignment_reaches_scipys_optimum(shape: tuple[int, int]) -> None:
    # The first shape is large enough to go through the sparse path and its proof.
    fits = np.round(np.random.default_rng(11).random(shape), 4)
    rows, cols = linear_sum_assignment(fits, maximize=True)

    _, our_cols, total = solve_assignment(fits)

    assert len(set(our_cols.tolist())) == len(our_cols) == min(shape)
    assert total == pytest.approx(float(fits[rows, cols].sum()), abs=1e-9)


def test_sparse_path_survives_a_matrix_where_every_row_wants_the_same_columns() -> None:
    # Every row's cheapest arcs point at the same few columns, so the first sparse
    # solve is far from optimal and the potentials must pull in the missing arcs.
    n = DENSE_BELOW + 20
    rng = np.random.default_rng(3)
    fits = np.round(rng.random((n, n)) * 0.1, 4)
    fits[:, :5] += 0.9
    rows, cols = linear_sum_assignment(fits, maximize=True)

    _, _, total = solve_assignment(fits)

    assert total == pytest.approx(float(fits[rows, cols].sum()), abs=1e-9)


def test_residual_potentials_certify_an_optimal_matching() -> None:
    cost = np.array([[4, 1, 3], [2, 0, 5], [3, 2, 2]], dtype=np.int64)
    mate = min_cost_assignment(cost)
    rows = np.repeat(np.arange(3), 3).astype(np.int64)
    cols = np.tile(np.arange(3), 3).astype(np.int64)

    potentials = residual_potentials(3, rows, cols, cost.ravel(), mate)

    assert potentials is not None
    to_row, to_col = potentials
    reduced = cost + to_row[:, None] - to_col[None, :]
    assert (reduced >= 0).all()
    assert (reduced[np.arange(3), mate] == 0).all()


def test_max_value_assignment_marks_rows_without_a_column() -> None:
    values = np.array([[5, 1], [4, 2], [9, 9]], dtype=np.int64)

    mate = max_value_assignment(values)

    assert sorted(mate.tolist()) == [-1, 0, 1]
    assert int(sum(values[r, c] for r, c in enumerate(mate.tolist()) if c >= 0)) == 14


def test_fast_path_agrees_with_cp_sat_and_scipy_on_a_random_pure_assignment() -> None:
    rng = np.random.default_rng(5)
    roles = [f"r{i}" for i in range(6)]
    fits = np.round(rng.random((25, len(roles))), 3)
    people = [
        person(f"p{i}", {role: float(fits[i, j]) for j, role in enumerate(roles)}, day_rate=0)
        for i in range(25)
    ]
    slots = tuple(Slot(role, 1, 0.5) for role in roles)
    pure = request([outcome("o1", slots)], people)
    # A rule that cannot bind (every team has one sector or more) sends the same
    # request through CP-SAT.
    general = request([outcome("o1", slots, rules=TeamRules(min_sectors=1))], people)

    fast = solve(pure)
    reference = solve(general)
    rows, cols = linear_sum_assignment(fits, maximize=True)

    assert fast.solver == "linear-assignment"
    assert reference.solver == "cp-sat"
    assert fast.status is SolveStatus.OPTIMAL and fast.optimality_proven
    assert fast.objective == pytest.approx(reference.objective)
    assert sum(a.fit for a in fast.assignments) == pytest.approx(float(fits[rows, cols].sum()))
