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

from services.matching.domain.eligibility import (
    SECTORS,
    CandidatePool,
    describe_slot_requirements,
    pair_cost,
    slot_filters,
)
from services.matching.domain.model import (
    Conflict,
    LocalityRule,
    Outcome,
    Sector,
    StaffingRequest,
)
from services.matching.domain.staffing_model import (
    budget_rule,
    build_model,
    community_rule,
    count_rule,
    coverage_rule,
    max_share_rule,
    min_sectors_rule,
    pin_rule,
)

MIN_SOLVE_SECONDS = 0.05

_FILTER_WORDS = {
    "not excluded": "is excluded from this proposal",
    "available": "is not available for the outcome's dates",
    "capacity": "has no free capacity left for it",
    "no conflict of interest": "works for the organisation the outcome commissions",
}


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


class _Explainer:
    def __init__(self, request: StaffingRequest, pool: CandidatePool) -> None:
        self.request = request
        self.pool = pool
        table = pool.table
        self.eligible_people: dict[str, set[int]] = {}
        for slot_pool in pool.slots:
            outcome = request.outcomes[slot_pool.ref.outcome_index]
            people = self.eligible_people.setdefault(outcome.id, set())
            people.update(int(p) for p in slot_pool.eligible)
        self.details: dict[str, str] = {}
        for o_index, outcome in enumerate(request.outcomes):
            for s_index, slot in enumerate(outcome.slots):
                self.details[count_rule(outcome.id, slot.role_id)] = self._count(o_index, s_index)
            for coverage in outcome.skill_coverage:
                levels = table.level_column(coverage.skill_id)
                holders = [
                    p for p in self.eligible_people[outcome.id] if levels[p] >= coverage.min_level
                ]
                self.details[coverage_rule(outcome.id, coverage.skill_id)] = (
                    f"outcome '{outcome.title}' needs {coverage.min_people} members at level "
                    f"{coverage.min_level} or above in {coverage.skill_id}; only "
                    f"{_plural(len(holders), 'eligible candidate')} "
                    f"{'has' if len(holders) == 1 else 'have'} it"
                )

    def sectors_of(self, outcome: Outcome) -> dict[Sector, int]:
        counts: dict[Sector, int] = {}
        for person in self.eligible_people[outcome.id]:
            sector = SECTORS[int(self.pool.table.sector[person])]
            counts[sector] = counts.get(sector, 0) + 1
        return counts

    def _count(self, o_index: int, s_index: int) -> str:
        outcome = self.request.outcomes[o_index]
        slot = outcome.slots[s_index]
        eligible = self.pool.slot(o_index, s_index).eligible.size
        need = f"outcome '{outcome.title}' needs {slot.count} {slot.role_id}(s) with " + (
            describe_slot_requirements(outcome, slot)
        )
        if eligible < slot.count:
            verb = "is" if eligible == 1 else "are"
            return f"{need}; only {_plural(eligible, 'eligible candidate')} {verb} available"
        return (
            f"{need}; its {eligible} eligible candidates cannot all be placed under the rules below"
        )

    def describe(self, rule: str) -> str:
        if rule in self.details:
            return self.details[rule]
        outcomes = {o.id: o for o in self.request.outcomes}
        for outcome in self.request.outcomes:
            if rule == budget_rule(outcome.id):
                return self._budget(outcome)
            if rule == min_sectors_rule(outcome.id):
                sectors = self.sectors_of(outcome)
                names = ", ".join(sorted(s.value for s in sectors))
                return (
                    f"outcome '{outcome.title}' needs people from {outcome.rules.min_sectors} "
                    f"sectors; eligible candidates come from {len(sectors)} ({names or 'none'})"
                )
            if rule == max_share_rule(outcome.id):
                counts = ", ".join(
                    f"{s.value} {n}" for s, n in sorted(self.sectors_of(outcome).items())
                )
                share = outcome.rules.max_sector_share or 1.0
                return (
                    f"outcome '{outcome.title}' allows at most {share:.0%} of its team from one "
                    f"sector; eligible candidates by sector: {counts or 'none'}"
                )
            if rule == community_rule(outcome.id):
                return self._community(outcome)
        for pin in self.request.pins:
            if rule == pin_rule(pin.person_id, pin.outcome_id, pin.role_id):
                title = outcomes[pin.outcome_id].title
                return f"pin: {self._person(pin.person_id)} fills {pin.role_id} in '{title}'"
        prefix, suffix = "person:", ":capacity"
        if rule.startswith(prefix) and rule.endswith(suffix):
            return self._capacity(rule[len(prefix) : -len(suffix)])
        return rule

    def _person(self, person_id: str) -> str:
        index = self.pool.table.index.get(person_id)
        if index is None:
            return person_id
        return f"{self.pool.table.candidates[index].name} ({person_id})"

    def _community(self, outcome: Outcome) -> str:
        members = self.sectors_of(outcome).get(Sector.COMMUNITY, 0)
        where = (
            f"lives in {outcome.locality} and is available"
            if outcome.rules.locality is LocalityRule.LOCAL_ONLY
            else "is available"
        )
        if members != 1:
            where = where.replace("lives", "live").replace("is available", "are available")
        noun = "eligible community member" + ("" if members == 1 else "s")
        return (
            f"outcome '{outcome.title}' needs {outcome.rules.min_community_members} community "
            f"members, only {members} {noun} {where}"
        )

    def _budget(self, outcome: Outcome) -> str:
        o_index = self.request.outcomes.index(outcome)
        table = self.pool.table
        cheapest = 0.0
        for s_index, slot in enumerate(outcome.slots):
            eligible = self.pool.slot(o_index, s_index).eligible
            costs = sorted(pair_cost(table.candidates[int(p)], outcome, slot) for p in eligible)
            cheapest += sum(costs[: slot.count])
        return (
            f"outcome '{outcome.title}' has a budget of {outcome.budget:,.0f}; its slots filled "
            f"with the cheapest eligible candidates cost at least {cheapest:,.0f}"
        )

    def _capacity(self, person_id: str) -> str:
        table = self.pool.table
        person = table.index[person_id]
        candidate = table.candidates[person]
        wanted = []
        for slot_pool in self.pool.slots:
            if person in slot_pool.kept:
                outcome = self.request.outcomes[slot_pool.ref.outcome_index]
                slot = outcome.slots[slot_pool.ref.slot_index]
                wanted.append(f"{slot.fte:.2f} FTE as {slot.role_id} in '{outcome.title}'")
        free = int(table.free_fte_units[person]) / 100
        committed = int(table.committed_fte_units[person]) / 100
        return (
            f"{self._person(person_id)} has {free:.2f} FTE free ({candidate.capacity_fte:.2f} "
            f"capacity, {committed:.2f} committed) but is wanted for "
            + " and ".join(dict.fromkeys(wanted))
            + " at the same time"
        )


def impossible_pin_conflicts(request: StaffingRequest, pool: CandidatePool) -> list[Conflict]:
    conflicts = []
    outcomes = {o.id: o for o in request.outcomes}
    for pin, failing in pool.impossible_pins:
        outcome = outcomes[pin.outcome_id]
        index = pool.table.index.get(pin.person_id)
        who = pin.person_id
        if index is None:
            words = ["is not among the candidates"]
        else:
            who = f"{pool.table.candidates[index].name} ({pin.person_id})"
            slot = next(s for s in outcome.slots if s.role_id == pin.role_id)
            filters = slot_filters(pool.table, outcome, slot)
            words = []
            for name, column in filters.items():
                if name in ("fit", "local") or column[index]:
                    continue
                if name == "clearance":
                    words.append(f"holds no {slot.clearance} valid to {outcome.end.isoformat()}")
                elif name == "capacity":
                    free = int(pool.table.free_fte_units[index]) / 100
                    words.append(f"has {free:.2f} FTE free, the slot needs {slot.fte:.2f}")
                else:
                    words.append(_FILTER_WORDS.get(name, failing))
        conflicts.append(
            Conflict(
                rule=pin_rule(pin.person_id, pin.outcome_id, pin.role_id),
                detail=f"pin: {who} cannot fill {pin.role_id} in '{outcome.title}': "
                + "; ".join(words),
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
