"""Why a request cannot be staffed: a minimal set of named rules, worded for a manager.

CP-SAT returns a sufficient set of assumption literals after INFEASIBLE;
the set is not minimal, so a deletion filter re-solves without each member
and drops it when the rest is still infeasible. Explanation solves run on
one worker with presolve off (or-tools issues 5141 and 2563).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from time import perf_counter

from ortools.sat.python import cp_model

from services.matching.domain.eligibility import CandidatePool, failing_facts
from services.matching.domain.model import Conflict, StaffingRequest
from services.matching.domain.rules import capacity, pins, slot_count
from services.matching.domain.rules.facts import PoolFacts, person_label
from services.matching.domain.staffing_model import OUTCOME_RULES, build_model

MIN_SOLVE_SECONDS = 0.05


class _Explainer:
    """Rule name -> its wording, from the rule's own module."""

    def __init__(self, request: StaffingRequest, pool: CandidatePool) -> None:
        self.request = request
        self.facts = PoolFacts(request, pool)
        self.slots = {
            slot_count.rule_name(outcome.id, slot.role_id): (o_index, s_index)
            for o_index, outcome in enumerate(request.outcomes)
            for s_index, slot in enumerate(outcome.slots)
        }
        self.pins = {pins.name_of(pin): pin for pin in request.pins}

    def describe(self, rule: str) -> str:
        if rule in self.slots:
            return slot_count.describe(self.facts, *self.slots[rule])
        if rule in self.pins:
            return pins.describe(self.facts, self.pins[rule])
        person_id = capacity.person_of(rule)
        if person_id is not None:
            return capacity.describe(self.facts, person_id)
        for outcome in self.request.outcomes:
            for outcome_rule in OUTCOME_RULES:
                wording = outcome_rule.describe(self.facts, outcome, rule)
                if wording is not None:
                    return wording
        return rule


def impossible_pin_conflicts(request: StaffingRequest, pool: CandidatePool) -> list[Conflict]:
    conflicts = []
    outcomes = {o.id: o for o in request.outcomes}
    table = pool.table
    for pin, failing in pool.impossible_pins:
        outcome = outcomes[pin.outcome_id]
        index = table.index.get(pin.person_id)
        words = [failing]
        if index is not None:
            slot = next(s for s in outcome.slots if s.role_id == pin.role_id)
            words = [
                f.refusal(table, index, outcome, slot)
                for f in failing_facts(table, index, outcome, slot)
            ]
        who = person_label(table, pin.person_id)
        conflicts.append(
            Conflict(
                rule=pins.name_of(pin),
                detail=pins.describe_impossible(who, pin, outcome.title, words),
            )
        )
    return conflicts


def shortfall_conflicts(
    request: StaffingRequest, pool: CandidatePool, shortfalls: Mapping[str, int]
) -> list[Conflict]:
    """Soft mode: team rules the proposal falls short of, and by how much."""
    short = {name: amount for name, amount in shortfalls.items() if amount > 0}
    if not short:
        return []
    explainer = _Explainer(request, pool)
    return [
        Conflict(rule=name, detail=f"{explainer.describe(name)} (short by {amount})")
        for name, amount in sorted(short.items())
    ]


def _solve_with(
    model: cp_model.CpModel,
    literals: Mapping[str, cp_model.IntVar],
    names: Sequence[str],
    deadline: float,
) -> tuple[bool | None, list[str]]:
    """(infeasible?, core names); None when the time ran out before an answer."""
    model.clear_assumptions()
    model.add_assumptions([literals[name] for name in names])
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(MIN_SOLVE_SECONDS, deadline - perf_counter())
    solver.parameters.num_workers = 1
    solver.parameters.cp_model_presolve = False
    status = solver.solve(model)
    if status == cp_model.INFEASIBLE:
        by_index = {literals[name].index: name for name in names}
        core = [
            by_index[i] for i in solver.sufficient_assumptions_for_infeasibility() if i in by_index
        ]
        return True, core
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return False, []
    return None, []


def minimal_conflict(
    model: cp_model.CpModel, literals: Mapping[str, cp_model.IntVar], deadline: float
) -> list[str] | None:
    """A minimal infeasible set of rule names (deletion filter), or None when feasible."""
    names = sorted(literals)
    infeasible, core = _solve_with(model, literals, names, deadline)
    if not infeasible:
        return None
    in_core = set(core)
    current = [name for name in names if name in in_core]
    position = 0
    while position < len(current):
        trial = current[:position] + current[position + 1 :]
        still_infeasible, trial_core = _solve_with(model, literals, trial, deadline)
        if still_infeasible:
            kept = set(trial_core) or set(trial)
            current = [name for name in trial if name in kept]
        else:
            position += 1
    return current


def explain_infeasible(
    request: StaffingRequest, pool: CandidatePool, deadline: float
) -> list[Conflict]:
    model, variables = build_model(request, pool=pool, explain=True)
    names = minimal_conflict(model, variables.assumptions, deadline)
    if names is None:
        return [Conflict(rule="request", detail="no conflict could be isolated in the time left")]
    if not names:
        return [Conflict(rule="request", detail="the request cannot be staffed as it stands")]
    explainer = _Explainer(request, pool)
    return [Conflict(rule=name, detail=explainer.describe(name)) for name in names]
