"""The two planners: CP-SAT seeded with the greedy plan, and the greedy plan alone."""

from __future__ import annotations

from dataclasses import replace
from math import ceil
from time import perf_counter

from ortools.sat.python import cp_model

from services.matching.domain.model import SolveStatus
from services.matching.domain.staffing import solve
from services.matching.domain.training.assembly import assemble
from services.matching.domain.training.greedy import Greedy
from services.matching.domain.training.model import TrainingModel
from services.matching.domain.training.plan import TrainingPlan
from services.matching.domain.training.preparation import prepare
from services.matching.domain.training.request import TrainingRequest

# The model's own time share when the planner also has to solve the baseline.
MIN_MODEL_SECONDS = 1.0
NUM_WORKERS = 2


def plan_training(request: TrainingRequest) -> TrainingPlan:
    """Choose enrolments that make the most priority-weighted open demand staffable.

    `solve_seconds` counts pruning and search, not the baseline staffing solve."""
    if request.baseline is None:
        request = replace(request, baseline=solve(request.staffing))
    started = perf_counter()
    prep = prepare(request)
    seed = Greedy(prep).run()
    builder = TrainingModel(prep)
    builder.build()
    builder.hint(seed)
    solver = cp_model.CpSolver()
    remaining = request.time_limit_s - (perf_counter() - started)
    solver.parameters.max_time_in_seconds = max(MIN_MODEL_SECONDS, remaining)
    solver.parameters.num_workers = NUM_WORKERS
    code = solver.solve(builder.model)
    if code == cp_model.MODEL_INVALID:
        raise RuntimeError(f"training model invalid: {builder.model.validate()}")
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        # No solution in time: the greedy plan stands (it is always feasible).
        return assemble(prep, seed, SolveStatus.TIMED_OUT, started, 0.0)
    if code == cp_model.OPTIMAL:
        status = SolveStatus.OPTIMAL
    elif solver.wall_time >= 0.95 * solver.parameters.max_time_in_seconds:
        status = SolveStatus.TIMED_OUT
    else:
        status = SolveStatus.FEASIBLE
    plan = assemble(prep, builder.read(solver), status, started, solver.objective_value)
    fallback = assemble(prep, seed, status, started, 0.0)
    # The hint seeds the search, yet a stopped search may not have completed it.
    if (fallback.staffable_demand, -fallback.total_cost) > (
        plan.staffable_demand,
        -plan.total_cost,
    ):
        plan = fallback
    # Savings and spreading are worth less than one unit, so the bound caps demand below
    # bound / unit + 1, and demand comes in whole priority points.
    bound = ceil(solver.best_objective_bound / builder.unit + 1 - 1e-9) - 1
    return replace(plan, staffable_bound=float(max(bound, plan.staffable_demand)))


def greedy_training(request: TrainingRequest) -> TrainingPlan:
    """The baseline: the largest priority-weighted gap first, met by the cheapest training."""
    started = perf_counter()
    prep = prepare(request)
    return assemble(prep, Greedy(prep).run(), SolveStatus.FEASIBLE, started, 0.0)
