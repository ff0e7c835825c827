"""Solve a staffing request: build the CP-SAT model, solve it, read and explain the result.

Status rule: OPTIMAL when CP-SAT proves it (or the pure-assignment fast
path answers, which is exact); TIMED_OUT when the time limit stopped the
search, with the best solution found, or, when the search found none, with
the seed team if it keeps every rule (soft mode; the bound is then the
optimistic one of `optimistic_bound`), or with none (then every slot is
reported unfilled); FEASIBLE when a solution was found but the search
stopped short of the limit for another reason; INFEASIBLE only when proven,
or when a pin is impossible on its face, always with the minimal set of
conflicting rules. `solve_seconds` is the wall time of the whole call,
model building included.

Optimality: `optimality_proven` is True only for an optimal answer over the
full candidate set; after pruning it holds over the kept candidates only.

Large portfolios: when pruning is on, the mode is soft and there are
several outcomes, each outcome is first solved on its own in priority order
among the people with time left (`sequential`); that portfolio is the hint,
so the whole model starts near the optimum and spends its time proving the
bound.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from time import perf_counter

from ortools.sat.python import cp_model

from services.matching.domain import explanation, reasons
from services.matching.domain.assignment import solve_assignment
from services.matching.domain.eligibility import CandidatePool, build_pool, keep_pairs
from services.matching.domain.fast_path import is_pure_assignment, solve_pure_assignment
from services.matching.domain.greedy import evaluate_objective, greedy_pairs
from services.matching.domain.model import (
    Conflict,
    Mode,
    SolveStatus,
    StaffingRequest,
    StaffingResult,
    Unfilled,
)
from services.matching.domain.objective import ObjectiveTerms, to_reported
from services.matching.domain.rules import fairness, pooled_budget
from services.matching.domain.sequential import sequential_pairs
from services.matching.domain.staffing_model import (
    PairKey,
    StaffingVariables,
    build_model,
    max_pair_cost,
)

TIMED_OUT_SHARE = 0.95
EXPLAIN_TIME_SHARE = 0.5
SEQUENTIAL_TIME_SHARE = 0.5
NUM_WORKERS = 2

__all__ = ["StaffingVariables", "build_model", "relative_gap", "solve", "solve_assignment"]


def _solver(time_limit_s: float, *, seeded: bool = False) -> cp_model.CpSolver:
    """`seeded`: the model arrives with a near-optimal hint (a pruned portfolio,
    solved outcome by outcome first). What it lacks then is the bound, which one
    LP-driven worker without presolve gives soonest; presolving ten thousand
    decisions and sharing two cores with an LNS worker delay it by seconds."""
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.01, time_limit_s)
    solver.parameters.num_workers = 1 if seeded else NUM_WORKERS
    solver.parameters.cp_model_presolve = not seeded
    return solver


def _empty_result(status: SolveStatus, started: float, **extra: object) -> StaffingResult:
    return StaffingResult(
        status=status,
        objective=0.0,
        bound=0.0,
        gap=0.0,
        solve_seconds=perf_counter() - started,
        assignments=(),
        **extra,  # type: ignore[arg-type]
    )


@dataclass(frozen=True)
class _Reading:
    """What a solve settled: the status to report, the figures, each variable's value."""

    status: SolveStatus
    objective: float
    bound: float
    value_of: Callable[[cp_model.IntVar], int]
    proven: bool


def solve(request: StaffingRequest) -> StaffingResult:
    """Propose staffing for every outcome of the request at once."""
    started = perf_counter()
    pool = build_pool(request)
    pin_conflicts = tuple(explanation.impossible_pin_conflicts(request, pool))
    if pool.impossible_pins and request.mode is Mode.STRICT:
        return _empty_result(
            SolveStatus.INFEASIBLE, started, conflicts=pin_conflicts, pruned=pool.pruned
        )
    if is_pure_assignment(request, pool):
        return solve_pure_assignment(request, pool, started)
    terms = ObjectiveTerms(weights=request.weights, max_pair_cost=max_pair_cost(request))
    seed, seeded = _seed(request, pool, terms, started)
    model, variables = build_model(request, pool=pool, terms=terms)
    seed_values = hint(request, model, variables, seed)
    remaining = request.time_limit_s - (perf_counter() - started)
    solver = _solver(remaining, seeded=seeded)
    status = solver.solve(model)
    if status == cp_model.INFEASIBLE:
        deadline = started + request.time_limit_s * (1 + EXPLAIN_TIME_SHARE)
        conflicts = explanation.explain_infeasible(request, pool, deadline)
        return _empty_result(
            SolveStatus.INFEASIBLE,
            started,
            conflicts=pin_conflicts + tuple(conflicts),
            pruned=pool.pruned,
        )
    if status == cp_model.MODEL_INVALID:
        raise RuntimeError(f"staffing model invalid: {model.validate()}")
    if status != cp_model.UNKNOWN:
        reading = _solver_reading(solver, status, remaining)
    elif request.mode is Mode.SOFT and satisfies(model, seed_values):
        reading = _seed_reading(request, variables, seed, seed_values)
    else:
        return _nothing_found(request, pool, started)
    return _result(request, pool, variables, reading, pin_conflicts, started)


def _seed(
    request: StaffingRequest, pool: CandidatePool, terms: ObjectiveTerms, started: float
) -> tuple[list[PairKey], bool]:
    """The better of the greedy baseline and (for pruned soft portfolios) the
    outcome-by-outcome solve seeds the search as a hint; when pruning, both
    stay in the pool, so the answer is never worse than either. A strict
    request would mostly reject a soft seed, and needs its time for the search.
    Returns the seed and whether the search starts from the sequential one's."""
    seed = greedy_pairs(request, pool)
    seeded = pool.pruned and len(request.outcomes) > 1 and request.mode is Mode.SOFT
    if pool.pruned:
        keep_pairs(request, pool, seed)
    if seeded:
        deadline = started + SEQUENTIAL_TIME_SHARE * request.time_limit_s
        teams = sequential_pairs(request, pool, terms, deadline)
        keep_pairs(request, pool, teams)
        if evaluate_objective(request, teams) > evaluate_objective(request, seed):
            seed = teams
    return seed, seeded


def _solver_reading(
    solver: cp_model.CpSolver, status: cp_model.CpSolverStatus, remaining: float
) -> _Reading:
    if status == cp_model.OPTIMAL:
        result_status = SolveStatus.OPTIMAL
    elif solver.wall_time >= TIMED_OUT_SHARE * max(remaining, 0.01):
        result_status = SolveStatus.TIMED_OUT
    else:
        result_status = SolveStatus.FEASIBLE

    def value_of(var: cp_model.IntVar) -> int:
        return int(solver.value(var))

    return _Reading(
        status=result_status,
        objective=solver.objective_value,
        bound=solver.best_objective_bound,
        value_of=value_of,
        proven=status == cp_model.OPTIMAL,
    )


def _seed_reading(
    request: StaffingRequest,
    variables: StaffingVariables,
    seed: list[PairKey],
    seed_values: Mapping[int, int],
) -> _Reading:
    """No solution from the search: the seed still answers when it keeps every
    rule, against a bound no team can beat."""

    def value_of(var: cp_model.IntVar) -> int:
        return seed_values[var.index]

    return _Reading(
        status=SolveStatus.TIMED_OUT,
        objective=float(evaluate_objective(request, seed)),
        bound=float(optimistic_bound(request, variables)),
        value_of=value_of,
        proven=False,
    )


def _nothing_found(request: StaffingRequest, pool: CandidatePool, started: float) -> StaffingResult:
    unfilled = tuple(
        Unfilled(o.id, s.role_id, s.count, "no solution found within the time limit")
        for o in request.outcomes
        for s in o.slots
    )
    return _empty_result(SolveStatus.TIMED_OUT, started, unfilled=unfilled, pruned=pool.pruned)


def _result(
    request: StaffingRequest,
    pool: CandidatePool,
    variables: StaffingVariables,
    reading: _Reading,
    pin_conflicts: tuple[Conflict, ...],
    started: float,
) -> StaffingResult:
    value_of = reading.value_of
    chosen = [key for key, var in variables.assign.items() if value_of(var)]
    unfilled_counts = {key: value_of(var) for key, var in variables.unfilled.items()}
    shortfalls = {
        name: value_of(var) + variables.fixed_shortfalls.get(name, 0)
        for name, var in variables.shortfalls.items()
    }
    assignments = tuple(reasons.assignments_with_reasons(request, pool, chosen))
    fairness_notes = fairness.report(request, pool, chosen, assignments, solve)
    return StaffingResult(
        status=reading.status,
        objective=to_reported(reading.objective),
        bound=to_reported(reading.bound),
        gap=relative_gap(reading.objective, reading.bound),
        solve_seconds=perf_counter() - started,
        assignments=assignments,
        contribution_uses=pooled_budget.contribution_uses(request.outcomes, assignments),
        fairness_notes=fairness_notes,
        unfilled=tuple(reasons.unfilled_with_reasons(request, pool, chosen, unfilled_counts)),
        conflicts=pin_conflicts + tuple(explanation.shortfall_conflicts(request, pool, shortfalls)),
        solver="cp-sat",
        pruned=pool.pruned,
        optimality_proven=reading.proven and not pool.pruned,
    )


def hint(
    request: StaffingRequest,
    model: cp_model.CpModel,
    variables: StaffingVariables,
    chosen: list[PairKey],
) -> dict[int, int]:
    """Hint every variable, not just the decisions: CP-SAT only takes a complete,
    feasible hint as its first solution without search. Returns the hinted value
    of each variable by index."""
    picked = set(chosen)
    values: dict[int, int] = {}
    filled: dict[tuple[str, str], int] = {}
    for key, var in variables.assign.items():
        values[var.index] = int(key in picked)
        if key in picked:
            filled[(key[1], key[2])] = filled.get((key[1], key[2]), 0) + 1
    counts = {(o.id, s.role_id): s.count for o in request.outcomes for s in o.slots}
    for slot_key, var in variables.unfilled.items():
        values[var.index] = counts[slot_key] - filled.get(slot_key, 0)
    for present, members in variables.presence:
        values[present.index] = int(any(values[m.index] for m in members))
    for name, (terms, target) in variables.shortfall_terms.items():
        reached = sum(values[t.index] for t in terms)
        values[variables.shortfalls[name].index] = max(0, target - reached)
    for var in [*variables.assign.values(), *variables.unfilled.values()]:
        model.add_hint(var, values[var.index])
    for present, _ in variables.presence:
        model.add_hint(present, values[present.index])
    for short in variables.shortfalls.values():
        model.add_hint(short, values[short.index])
    for part in variables.derived:
        derived = part.hint_values(values)
        values |= derived
        for index, value in derived.items():
            model.add_hint(model.get_int_var_from_proto_index(index), value)
    return values


def satisfies(model: cp_model.CpModel, values: Mapping[int, int]) -> bool:
    """Whether values for every variable keep each domain and constraint of a
    model built without assumption literals (linear and at-most-one only)."""
    proto = model.proto
    for index, variable in enumerate(proto.variables):
        if index not in values or not _in_domain(values[index], variable.domain):
            return False
    for constraint in proto.constraints:
        if len(constraint.enforcement_literal):
            return False
        if constraint.has_linear():
            linear = constraint.linear
            total = sum(c * values[v] for v, c in zip(linear.vars, linear.coeffs, strict=True))
            if not _in_domain(total, linear.domain):
                return False
        elif constraint.has_at_most_one():
            literals = list(constraint.at_most_one.literals)
            if any(ref < 0 for ref in literals) or sum(values[ref] for ref in literals) > 1:
                return False
        else:
            return False
    return True


def _in_domain(value: int, domain: Sequence[int]) -> bool:
    return any(domain[i] <= value <= domain[i + 1] for i in range(0, len(domain), 2))


def optimistic_bound(request: StaffingRequest, variables: StaffingVariables) -> int:
    """No team scores more: each place taken by its best candidate or left empty
    at its penalty, whichever is worth more, with no person's time, budget or team
    rule in the way (and no unavoidable shortfall charged)."""
    values: dict[tuple[str, str], list[int]] = defaultdict(list)
    for (_, outcome_id, role_id), pair in variables.pairs.items():
        values[(outcome_id, role_id)].append(pair.value)
    total = 0
    for outcome in request.outcomes:
        empty = -variables.terms.shortfall_penalty(outcome)
        for slot in outcome.slots:
            best = sorted(values[(outcome.id, slot.role_id)], reverse=True)[: slot.count]
            total += sum(max(value, empty) for value in best)
            total += empty * (slot.count - len(best))
    return total + sum(part.most() for part in variables.derived)


def relative_gap(objective: float, bound: float) -> float:
    return abs(bound - objective) / max(1.0, abs(objective))
