"""Prometheus metrics of every solver run: time, status and gap."""

from __future__ import annotations

from collections.abc import Callable

from prometheus_client import Counter, Histogram

from services.common.metrics import LATENCY_BUCKETS
from services.matching.domain.model import StaffingRequest, StaffingResult

Solver = Callable[[StaffingRequest], StaffingResult]

SOLVER_RUNS = Counter(
    "matching_solver_runs_total", "Solver runs, by the status they ended with.", ["status"]
)
SOLVER_SECONDS = Histogram(
    "matching_solver_seconds",
    "Solve time reported by the solver, by status.",
    ["status"],
    buckets=LATENCY_BUCKETS,
)
# A relative gap: 0 is proven optimal; 1 or more means no useful bound.
SOLVER_GAP = Histogram(
    "matching_solver_gap",
    "Relative gap between the objective found and the best bound.",
    buckets=(0.0, 0.0001, 0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0),
)


def metered_solver(solver: Solver) -> Solver:
    def solve(request: StaffingRequest) -> StaffingResult:
        result = solver(request)
        status = str(result.status.value)
        SOLVER_RUNS.labels(status).inc()
        SOLVER_SECONDS.labels(status).observe(result.solve_seconds)
        SOLVER_GAP.observe(result.gap)
        return result

    return solve
