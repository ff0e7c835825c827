"""Pure linear assignment with OR-Tools' SimpleLinearSumAssignment.

A dense n x n instance has n^2 arcs, which the cost-scaling algorithm pays
for on every scaling phase. Most of those arcs never matter, so we solve on
a sparse set (each row's cheapest arcs plus the diagonal, which keeps a
perfect matching possible), then prove the sparse optimum optimal for the
dense matrix: node potentials from shortest paths in the residual graph
must give every dense arc a non-negative reduced cost. Arcs that break the
condition are added and the sparse problem is solved again. The answer is
always exactly optimal; sparsity only changes how fast we get there.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from ortools.graph.python import linear_sum_assignment

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

FIT_SCALE = 1_000_000
DENSE_BELOW = 200
ARCS_PER_ROW = 12
MAX_ROUNDS = 8
MAX_ARCS_ADDED_PER_ROUND = 200_000


class AssignmentError(RuntimeError):
    """OR-Tools refused the instance (overflow or no perfect matching)."""


def _solve_arcs(n: int, rows: IntArray, cols: IntArray, costs: IntArray) -> IntArray:
    """Row -> column of a minimum-cost perfect matching over the given arcs."""
    solver = linear_sum_assignment.SimpleLinearSumAssignment()
    solver.add_arcs_with_cost(rows, cols, costs)
    status = solver.solve()
    if status != solver.OPTIMAL:
        raise AssignmentError(f"linear sum assignment ended with status {status}")
    return np.fromiter((solver.right_mate(row) for row in range(n)), dtype=np.int64, count=n)


def _dense_arcs(cost: IntArray) -> tuple[IntArray, IntArray, IntArray]:
    n = cost.shape[0]
    rows = np.repeat(np.arange(n, dtype=np.int64), n)
    cols = np.tile(np.arange(n, dtype=np.int64), n)
    return rows, cols, cost.ravel()


def residual_potentials(
    n: int, rows: IntArray, cols: IntArray, costs: IntArray, mate: IntArray
) -> tuple[IntArray, IntArray] | None:
    """Shortest-path distances to rows and columns in the residual graph of `mate`.

    Residual arcs: row -> column at cost c for every arc, column -> its matched
    row at cost -c. A virtual source reaches every node at 0. Returns None when
    Bellman-Ford does not settle within n rounds (a negative cycle: `mate` is
    not optimal over these arcs).
    """
    row_of_col = np.empty(n, dtype=np.int64)
    row_of_col[mate] = np.arange(n, dtype=np.int64)
    is_matched = mate[rows] == cols
    matched_cost = np.zeros(n, dtype=np.int64)
    matched_cost[cols[is_matched]] = costs[is_matched]
    to_row = np.zeros(n, dtype=np.int64)
    to_col = np.zeros(n, dtype=np.int64)
    for _ in range(n + 1):
        new_col = to_col.copy()
        np.minimum.at(new_col, cols, to_row[rows] + costs)
        new_row = to_row.copy()
        new_row[row_of_col] = np.minimum(to_row[row_of_col], new_col - matched_cost)
        if np.array_equal(new_col, to_col) and np.array_equal(new_row, to_row):
            return to_row, to_col
        to_row, to_col = new_row, new_col
    return None


def min_cost_assignment(cost: IntArray) -> IntArray:
    """Column of each row in a minimum-cost perfect assignment of a square matrix."""
    n = cost.shape[0]
    if n == 0:
        return np.empty(0, dtype=np.int64)
    if n < DENSE_BELOW:
        return _solve_arcs(n, *_dense_arcs(cost))
    per_row = min(ARCS_PER_ROW, n)
    cheapest = np.argpartition(cost, per_row - 1, axis=1)[:, :per_row].astype(np.int64)
    arc_ids = np.concatenate(
        [
            (np.arange(n, dtype=np.int64)[:, None] * n + cheapest).ravel(),
            np.arange(n, dtype=np.int64) * (n + 1),
        ]
    )
    arc_ids = np.unique(arc_ids)
    flat_cost = cost.ravel()
    for _ in range(MAX_ROUNDS):
        rows, cols = np.divmod(arc_ids, n)
        arc_costs = flat_cost[arc_ids]
        mate = _solve_arcs(n, rows, cols, arc_costs)
        potentials = residual_potentials(n, rows, cols, arc_costs, mate)
        if potentials is None:
            break
        to_row, to_col = potentials
        reduced = cost + to_row[:, None] - to_col[None, :]
        violating = np.flatnonzero(reduced < 0)
        if violating.size == 0:
            return mate
        if violating.size > MAX_ARCS_ADDED_PER_ROUND:
            worst = np.argpartition(reduced.ravel()[violating], MAX_ARCS_ADDED_PER_ROUND)
            violating = violating[worst[:MAX_ARCS_ADDED_PER_ROUND]]
        arc_ids = np.union1d(arc_ids, violating)
    return _solve_arcs(n, *_dense_arcs(cost))


def max_value_assignment(values: IntArray) -> IntArray:
    """Column of each row in a maximum-value assignment of a rectangular integer matrix.

    Rows or columns without a partner come back as -1 (the matrix is padded
    with zero-value dummies to make it square).
    """
    n_rows, n_cols = values.shape
    size = max(n_rows, n_cols)
    square = np.zeros((size, size), dtype=np.int64)
    square[:n_rows, :n_cols] = values
    mate = min_cost_assignment(-square)[:n_rows]
    return np.where(mate < n_cols, mate, -1)


def solve_assignment(fit_matrix: FloatArray) -> tuple[IntArray, IntArray, float]:
    """Maximum total fit, one column per row at most: (rows, cols, total fit).

    Fits are scaled to integers (FIT_SCALE) for OR-Tools; the total is summed
    from the original floats. Same contract as scipy's
    linear_sum_assignment(fit_matrix, maximize=True) for non-negative fits.
    """
    matrix = np.asarray(fit_matrix, dtype=np.float64)
    values = np.rint(matrix * FIT_SCALE).astype(np.int64)
    mate = max_value_assignment(values)
    rows = np.flatnonzero(mate >= 0).astype(np.int64)
    cols = mate[rows]
    return rows, cols, float(matrix[rows, cols].sum())
