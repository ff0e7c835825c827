"""What a rule's CP-SAT form is given: the model, its decisions, and the
helpers every team rule states itself with (enforce by name, a minimum that
soft mode turns into a penalised shortfall, the team's size)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from services.matching.domain.model import Mode, Outcome, StaffingRequest
from services.matching.domain.objective import ObjectiveTerms
from services.matching.domain.rules.derived import DerivedLiterals

if TYPE_CHECKING:
    from services.matching.domain.eligibility import CandidatePool, SlotPool

PairKey = tuple[str, str, str]


@dataclass(frozen=True)
class Pair:
    """One decision: person (row of the candidate table) fills a slot."""

    person: int
    outcome_index: int
    slot_index: int
    fit: float
    cost_units: int
    value: int


@dataclass
class StaffingVariables:
    pool: CandidatePool
    terms: ObjectiveTerms
    assign: dict[PairKey, cp_model.IntVar] = field(default_factory=dict)
    pairs: dict[PairKey, Pair] = field(default_factory=dict)
    unfilled: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)
    # Soft team rules: rule name -> how many units short.
    shortfalls: dict[str, cp_model.IntVar] = field(default_factory=dict)
    # Soft team rules: the part of the shortfall no team could avoid.
    fixed_shortfalls: dict[str, int] = field(default_factory=dict)
    # Rule name -> assumption literal (only when built for an explanation).
    assumptions: dict[str, cp_model.IntVar] = field(default_factory=dict)
    # Sector-present literal of a team -> the decisions that put that sector in it.
    presence: list[tuple[cp_model.IntVar, list[cp_model.IntVar]]] = field(default_factory=list)
    # Soft rule name -> (the 0/1 terms counted, the target they must reach with the shortfall).
    shortfall_terms: dict[str, tuple[list[cp_model.IntVar], int]] = field(default_factory=dict)
    # Literals rules derive from the decisions (pair products, idle flags), for hints and bounds.
    derived: list[DerivedLiterals] = field(default_factory=list)


class ModelContext:
    def __init__(
        self,
        request: StaffingRequest,
        pool: CandidatePool,
        explain: bool,
        terms: ObjectiveTerms,
    ) -> None:
        self.request = request
        self.pool = pool
        self.explain = explain
        self.model = cp_model.CpModel()
        self.vars = StaffingVariables(pool=pool, terms=terms)
        self.objective: list[tuple[cp_model.IntVar, int]] = []
        self.objective_offset = 0
        # outcome index -> person -> that person's decision variables in the outcome
        self.members: dict[int, dict[int, list[cp_model.IntVar]]] = defaultdict(
            lambda: defaultdict(list)
        )
        # outcome index -> (cost in money units, decision) of every paid decision
        self.costs: dict[int, list[tuple[int, cp_model.IntVar]]] = defaultdict(list)

    @property
    def strict(self) -> bool:
        return self.request.mode is Mode.STRICT

    def rule(self, name: str) -> list[cp_model.IntVar]:
        if not self.explain:
            return []
        if name not in self.vars.assumptions:
            self.vars.assumptions[name] = self.model.new_bool_var(name)
        return [self.vars.assumptions[name]]

    def enforce(self, constraint: cp_model.Constraint, rule_name: str) -> None:
        """A hard rule; built for an explanation, it holds only under its assumption literal."""
        literals = self.rule(rule_name)
        if literals:
            constraint.only_enforce_if(literals)

    def member_vars(self, outcome_index: int, people: Sequence[int]) -> list[cp_model.IntVar]:
        chosen = self.members[outcome_index]
        return [var for person in people for var in chosen.get(person, ())]

    def slot_vars(self, slot_pool: SlotPool) -> list[cp_model.IntVar]:
        outcome = self.request.outcomes[slot_pool.ref.outcome_index]
        role_id = outcome.slots[slot_pool.ref.slot_index].role_id
        candidates = self.pool.table.candidates
        return [
            self.vars.assign[(candidates[p].person_id, outcome.id, role_id)]
            for p in slot_pool.kept.tolist()
        ]

    def people_by_sector(self, o_index: int) -> dict[int, list[int]]:
        sectors: dict[int, list[int]] = defaultdict(list)
        for person in self.members[o_index]:
            sectors[int(self.pool.table.sector[person])].append(person)
        return sectors

    def places(self, outcome: Outcome) -> int:
        return sum(slot.count for slot in outcome.slots)

    def team_size(self, outcome: Outcome) -> cp_model.LinearExpr:
        """Places minus unfilled places: a handful of terms instead of every decision."""
        unfilled = [self.vars.unfilled[(outcome.id, slot.role_id)] for slot in outcome.slots]
        return self.places(outcome) - cp_model.LinearExpr.sum(unfilled)

    def add_minimum(
        self,
        outcome: Outcome,
        terms: list[cp_model.IntVar],
        minimum: int,
        reachable: int,
        name: str,
    ) -> None:
        """sum(terms) >= minimum: hard in strict mode; in soft mode with a penalised shortfall.

        `reachable` bounds what the sum can ever reach (places in the team, people
        who qualify). The part of a soft minimum beyond it is a constant
        shortfall: stating it outright keeps the LP bound tight.
        """
        if minimum <= 0:
            return
        expr = cp_model.LinearExpr.sum(terms)
        if self.strict:
            self.enforce(self.model.add(expr >= minimum), name)
            return
        penalty = self.vars.terms.shortfall_penalty(outcome)
        unreachable = max(0, minimum - max(0, reachable))
        target = minimum - unreachable
        self.vars.fixed_shortfalls[name] = unreachable
        self.objective_offset -= unreachable * penalty
        short = self.model.new_int_var(0, target, f"short[{name}]")
        if target > 0:
            self.model.add(expr + short >= target)
            self.objective.append((short, -penalty))
        self.vars.shortfalls[name] = short
        self.vars.shortfall_terms[name] = (terms, target)
