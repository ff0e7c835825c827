"""Ask the CP-SAT model about one rule for one fixed team, to compare it with
the rule's plain predicate on hand-made teams."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from itertools import combinations

from ortools.sat.python import cp_model

from services.matching.domain.model import Candidate, Mode, Outcome, Slot, StaffingRequest
from services.matching.domain.rules.outcome_rule import Team
from services.matching.domain.staffing_model import build_model

PairKey = tuple[str, str, str]


def subsets(people: Sequence[Candidate]) -> Iterator[tuple[Candidate, ...]]:
    for size in range(len(people) + 1):
        yield from combinations(people, size)


def as_team(outcome: Outcome, members: Sequence[Candidate]) -> Team:
    """Members of a one-slot outcome as a team."""
    slot = outcome.slots[0]
    return [(person, slot) for person in members]


def keys(outcome: Outcome, team: Team) -> set[PairKey]:
    return {(person.person_id, outcome.id, slot.role_id) for person, slot in team}


def _fixed(
    model: cp_model.CpModel, assign: dict[PairKey, cp_model.IntVar], chosen: set[PairKey]
) -> None:
    missing = chosen - set(assign)
    assert not missing, f"no decision for {missing}"
    for key, var in assign.items():
        model.add(var == int(key in chosen))


def model_allows(request: StaffingRequest, chosen: set[PairKey], rule_name: str) -> bool:
    """Whether the strict model with only `rule_name` enforced accepts exactly this team."""
    model, variables = build_model(replace(request, mode=Mode.STRICT), explain=True)
    _fixed(model, variables.assign, chosen)
    if rule_name in variables.assumptions:
        model.add_assumptions([variables.assumptions[rule_name]])
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    return solver.solve(model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def model_shortfall(request: StaffingRequest, chosen: set[PairKey], rule_name: str) -> int:
    """How short the soft model counts this team on `rule_name`."""
    model, variables = build_model(replace(request, mode=Mode.SOFT))
    _fixed(model, variables.assign, chosen)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(model) == cp_model.OPTIMAL
    fixed = variables.fixed_shortfalls.get(rule_name, 0)
    if rule_name not in variables.shortfalls:
        return fixed
    return int(solver.value(variables.shortfalls[rule_name])) + fixed


def assert_minimum_rule_agrees(
    request: StaffingRequest,
    target: Outcome,
    rule_name: str,
    holds: Callable[[Outcome, Team], bool],
    shortfalls: Callable[[Outcome, Team], dict[str, int]],
    max_team: int | None = None,
) -> None:
    """For every team of the request's people (up to `max_team`), the strict model
    accepts it exactly when the predicate holds, the soft model counts the same
    shortfall, and both verdicts occur."""
    verdicts = set()
    for members in subsets(request.candidates):
        if max_team is not None and len(members) > max_team:
            continue
        team = as_team(target, members)
        chosen = keys(target, team)
        allowed = model_allows(request, chosen, rule_name)
        assert allowed == holds(target, team), [p.person_id for p in members]
        assert model_shortfall(request, chosen, rule_name) == shortfalls(target, team)[rule_name]
        verdicts.add(allowed)
    assert verdicts == {True, False}


def open_slot(count: int, fte: float = 0.5) -> Slot:
    return Slot("navigator", count, fte)


def model_objective(request: StaffingRequest, chosen: set[PairKey]) -> int:
    """The soft model's objective (integer units) for exactly this proposal."""
    model, variables = build_model(replace(request, mode=Mode.SOFT))
    _fixed(model, variables.assign, chosen)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(model) == cp_model.OPTIMAL
    return round(solver.objective_value)
