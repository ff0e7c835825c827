"""The CP-SAT staffing model: who fills which role slot of which outcome.

`build_model` is pure and inspectable; `solve` builds, solves, explains.

Rule names (stable; conflicts and assumption literals use them):
  outcome:<o>:slot:<role>:count         strict mode: the slot is filled exactly
  outcome:<o>:budget                    cost of the team within the budget
  outcome:<o>:min_sectors               distinct sectors in the team
  outcome:<o>:max_sector_share          no sector above its share of the team
  outcome:<o>:min_community_members     co-production
  outcome:<o>:coverage:<skill>          k members at level L in the skill
  person:<p>:capacity                   FTE across overlapping outcomes
  pin:<p>:<o>:<role>                    the manager's pin

In soft mode slot counts and the minimum team rules (sectors, community,
coverage) are soft: each missing unit costs weights.unfilled_penalty x
priority, and a rule left short is reported in `conflicts`. Budget,
capacity, maximum share and pins are hard in both modes.

Status rule: OPTIMAL when CP-SAT proves it; TIMED_OUT when the time limit
stopped the search (with the best solution found, or with none: then every
slot is reported unfilled); FEASIBLE when a solution was found but the
search stopped for another reason; INFEASIBLE only when proven (or a pin is
impossible on its face), always with the minimal set of conflicting rules.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from services.matching.domain.eligibility import (
    SECTORS,
    CandidatePool,
    SlotPool,
    build_pool,
    fte_units,
    money_units,
    pair_cost,
)
from services.matching.domain.model import Mode, Outcome, Sector, StaffingRequest
from services.matching.domain.objective import ObjectiveTerms

PairKey = tuple[str, str, str]

COMMUNITY = SECTORS.index(Sector.COMMUNITY)


def count_rule(outcome_id: str, role_id: str) -> str:
    return f"outcome:{outcome_id}:slot:{role_id}:count"


def budget_rule(outcome_id: str) -> str:
    return f"outcome:{outcome_id}:budget"


def min_sectors_rule(outcome_id: str) -> str:
    return f"outcome:{outcome_id}:min_sectors"


def max_share_rule(outcome_id: str) -> str:
    return f"outcome:{outcome_id}:max_sector_share"


def community_rule(outcome_id: str) -> str:
    return f"outcome:{outcome_id}:min_community_members"


def coverage_rule(outcome_id: str, skill_id: str) -> str:
    return f"outcome:{outcome_id}:coverage:{skill_id}"


def capacity_rule(person_id: str) -> str:
    return f"person:{person_id}:capacity"


def pin_rule(person_id: str, outcome_id: str, role_id: str) -> str:
    return f"pin:{person_id}:{outcome_id}:{role_id}"


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


def capacity_groups(outcomes: Sequence[Outcome]) -> list[frozenset[int]]:
    """Maximal sets of outcomes (by index) that are all running on some day.

    In an interval graph every maximal clique is the set of intervals alive at
    some interval's start, so checking each start date finds them all.
    """
    groups: set[frozenset[int]] = set()
    for outcome in outcomes:
        alive = frozenset(
            index
            for index, other in enumerate(outcomes)
            if other.start <= outcome.start <= other.end
        )
        groups.add(alive)
    return [group for group in groups if not any(group < other for other in groups)]


def sector_share_limit(share: float) -> int:
    """Share as whole percent; the linear form is count_s * 100 <= limit * team_size."""
    return round(share * 100)


def max_pair_cost(request: StaffingRequest) -> float:
    """An upper bound on any pair's cost, used to normalise the cost tie-break."""
    rates = [c.day_rate for c in request.candidates if c.sector is not Sector.COMMUNITY]
    efforts = [o.days * s.fte for o in request.outcomes for s in o.slots]
    return max(rates, default=0.0) * max(efforts, default=0.0)


class _Builder:
    def __init__(
        self,
        request: StaffingRequest,
        pool: CandidatePool,
        explain: bool,
        terms: ObjectiveTerms | None,
    ) -> None:
        self.request = request
        self.pool = pool
        self.explain = explain
        self.model = cp_model.CpModel()
        self.vars = StaffingVariables(
            pool=pool,
            terms=terms
            or ObjectiveTerms(weights=request.weights, max_pair_cost=max_pair_cost(request)),
        )
        self.objective: list[tuple[cp_model.IntVar, int]] = []
        self.objective_offset = 0
        # outcome index -> person -> that person's decision variables in the outcome
        self.members: dict[int, dict[int, list[cp_model.IntVar]]] = defaultdict(
            lambda: defaultdict(list)
        )
        # outcome index -> (cost in money units, decision) of every paid decision
        self.costs: dict[int, list[tuple[int, cp_model.IntVar]]] = defaultdict(list)

    def rule(self, name: str) -> list[cp_model.IntVar]:
        if not self.explain:
            return []
        if name not in self.vars.assumptions:
            self.vars.assumptions[name] = self.model.new_bool_var(name)
        return [self.vars.assumptions[name]]

    def enforce(self, constraint: cp_model.Constraint, rule_name: str) -> None:
        literals = self.rule(rule_name)
        if literals:
            constraint.only_enforce_if(literals)

    def member_vars(self, outcome_index: int, people: Sequence[int]) -> list[cp_model.IntVar]:
        chosen = self.members[outcome_index]
        return [var for person in people for var in chosen.get(person, ())]

    def build(self) -> tuple[cp_model.CpModel, StaffingVariables]:
        self.add_decisions()
        self.add_one_role_per_outcome()
        self.add_slot_counts()
        self.add_pins()
        self.add_capacity()
        for o_index, outcome in enumerate(self.request.outcomes):
            self.add_budget(o_index, outcome)
            self.add_sector_rules(o_index, outcome)
            self.add_community_rule(o_index, outcome)
            self.add_coverage(o_index, outcome)
        if not self.explain:
            variables = [var for var, _ in self.objective]
            coefficients = [coef for _, coef in self.objective]
            self.model.maximize(
                cp_model.LinearExpr.weighted_sum(variables, coefficients) + self.objective_offset
            )
        return self.model, self.vars

    # Decision variables: person fills (outcome, role); only kept candidates get one.
    def add_decisions(self) -> None:
        table = self.pool.table
        for slot_pool in self.pool.slots:
            outcome = self.request.outcomes[slot_pool.ref.outcome_index]
            slot = outcome.slots[slot_pool.ref.slot_index]
            for person in slot_pool.kept.tolist():
                candidate = table.candidates[person]
                key = (candidate.person_id, outcome.id, slot.role_id)
                cost = pair_cost(candidate, outcome, slot)
                value = self.vars.terms.assignment_value(candidate, outcome, slot, cost)
                var = self.model.new_bool_var(f"x[{key[0]},{key[1]},{key[2]}]")
                pair = Pair(
                    person=person,
                    outcome_index=slot_pool.ref.outcome_index,
                    slot_index=slot_pool.ref.slot_index,
                    fit=candidate.fits.get(slot.role_id, 0.0),
                    cost_units=money_units(cost),
                    value=value,
                )
                self.vars.assign[key] = var
                self.vars.pairs[key] = pair
                self.members[pair.outcome_index][person].append(var)
                if pair.cost_units > 0:
                    self.costs[pair.outcome_index].append((pair.cost_units, var))
                self.objective.append((var, value))

    # One role per person per outcome.
    def add_one_role_per_outcome(self) -> None:
        for people in self.members.values():
            for variables in people.values():
                if len(variables) > 1:
                    self.model.add_at_most_one(variables)

    # Slot counts: filled + unfilled = count; strict mode forbids unfilled places,
    # soft mode penalises them. The unfilled counts also give the team size cheaply.
    def add_slot_counts(self) -> None:
        for slot_pool in self.pool.slots:
            outcome = self.request.outcomes[slot_pool.ref.outcome_index]
            slot = outcome.slots[slot_pool.ref.slot_index]
            filled = cp_model.LinearExpr.sum(self.slot_vars(slot_pool))
            unfilled = self.model.new_int_var(
                0, slot.count, f"unfilled[{outcome.id},{slot.role_id}]"
            )
            self.model.add(filled + unfilled == slot.count)
            self.vars.unfilled[(outcome.id, slot.role_id)] = unfilled
            if self.request.mode is Mode.STRICT:
                self.enforce(self.model.add(unfilled == 0), count_rule(outcome.id, slot.role_id))
            else:
                self.objective.append((unfilled, -self.vars.terms.shortfall_penalty(outcome)))

    def slot_vars(self, slot_pool: SlotPool) -> list[cp_model.IntVar]:
        outcome = self.request.outcomes[slot_pool.ref.outcome_index]
        role_id = outcome.slots[slot_pool.ref.slot_index].role_id
        candidates = self.pool.table.candidates
        return [
            self.vars.assign[(candidates[p].person_id, outcome.id, role_id)]
            for p in slot_pool.kept.tolist()
        ]

    # Pins: the manager's choice is forced.
    def add_pins(self) -> None:
        candidates = self.pool.table.candidates
        for person, ref in self.pool.pins:
            outcome = self.request.outcomes[ref.outcome_index]
            role_id = outcome.slots[ref.slot_index].role_id
            person_id = candidates[person].person_id
            var = self.vars.assign[(person_id, outcome.id, role_id)]
            self.enforce(self.model.add(var == 1), pin_rule(person_id, outcome.id, role_id))

    # Capacity: FTE over outcomes running at the same time within what is left after
    # committed work.
    def add_capacity(self) -> None:
        outcomes = self.request.outcomes
        by_person: dict[int, list[tuple[int, int, cp_model.IntVar]]] = defaultdict(list)
        for key, pair in self.vars.pairs.items():
            slot = outcomes[pair.outcome_index].slots[pair.slot_index]
            by_person[pair.person].append(
                (pair.outcome_index, fte_units(slot.fte), self.vars.assign[key])
            )
        groups_cache: dict[frozenset[int], list[frozenset[int]]] = {}
        table = self.pool.table
        for person, entries in by_person.items():
            involved = frozenset(o for o, _, _ in entries)
            if len(involved) < 2:
                continue
            if involved not in groups_cache:
                ordered = sorted(involved)
                local_groups = capacity_groups([outcomes[o] for o in ordered])
                groups_cache[involved] = [frozenset(ordered[i] for i in g) for g in local_groups]
            free = int(table.free_fte_units[person])
            name = capacity_rule(table.candidates[person].person_id)
            for group in groups_cache[involved]:
                if len(group) < 2:
                    continue
                terms = [(units, var) for o, units, var in entries if o in group]
                if sum(units for units, _ in terms) <= free:
                    continue
                self.enforce(
                    self.model.add(
                        cp_model.LinearExpr.weighted_sum(
                            [v for _, v in terms], [u for u, _ in terms]
                        )
                        <= free
                    ),
                    name,
                )

    # Budget per outcome: day rate x days x FTE, volunteers free.
    def add_budget(self, o_index: int, outcome: Outcome) -> None:
        terms = self.costs[o_index]
        budget = money_units(outcome.budget)
        if not terms or sum(cost for cost, _ in terms) <= budget:
            return
        self.enforce(
            self.model.add(
                cp_model.LinearExpr.weighted_sum([v for _, v in terms], [c for c, _ in terms])
                <= budget
            ),
            budget_rule(outcome.id),
        )

    def people_by_sector(self, o_index: int) -> dict[int, list[int]]:
        sectors: dict[int, list[int]] = defaultdict(list)
        for person in self.members[o_index]:
            sectors[int(self.pool.table.sector[person])].append(person)
        return sectors

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
        if self.request.mode is Mode.STRICT:
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

    def places(self, outcome: Outcome) -> int:
        return sum(slot.count for slot in outcome.slots)

    def team_size(self, o_index: int, outcome: Outcome) -> cp_model.LinearExpr:
        """Places minus unfilled places: a handful of terms instead of every decision."""
        unfilled = [self.vars.unfilled[(outcome.id, slot.role_id)] for slot in outcome.slots]
        return self.places(outcome) - cp_model.LinearExpr.sum(unfilled)

    # Plural provision: distinct sectors and the largest sector's share of the team.
    def add_sector_rules(self, o_index: int, outcome: Outcome) -> None:
        rules = outcome.rules
        sectors = self.people_by_sector(o_index)
        if rules.min_sectors > 0:
            used = []
            for code, people in sectors.items():
                present = self.model.new_bool_var(f"sector[{outcome.id},{SECTORS[code].value}]")
                members = self.member_vars(o_index, people)
                self.model.add(present <= cp_model.LinearExpr.sum(members))
                self.vars.presence.append((present, members))
                used.append(present)
            self.add_minimum(
                outcome,
                used,
                rules.min_sectors,
                min(self.places(outcome), len(used)),
                min_sectors_rule(outcome.id),
            )
        if rules.max_sector_share is not None and rules.max_sector_share < 1:
            limit = sector_share_limit(rules.max_sector_share)
            team = self.team_size(o_index, outcome)
            for people in sectors.values():
                count = cp_model.LinearExpr.sum(self.member_vars(o_index, people))
                self.enforce(
                    self.model.add(count * 100 <= limit * team), max_share_rule(outcome.id)
                )

    # Co-production: community members in the team.
    def add_community_rule(self, o_index: int, outcome: Outcome) -> None:
        community = self.people_by_sector(o_index).get(COMMUNITY, [])
        self.add_minimum(
            outcome,
            self.member_vars(o_index, community),
            outcome.rules.min_community_members,
            min(self.places(outcome), len(community)),
            community_rule(outcome.id),
        )

    # Team-level skill coverage: at least k members at level L in skill S.
    def add_coverage(self, o_index: int, outcome: Outcome) -> None:
        for coverage in outcome.skill_coverage:
            levels = self.pool.table.level_column(coverage.skill_id)
            holders = [p for p in self.members[o_index] if levels[p] >= coverage.min_level]
            self.add_minimum(
                outcome,
                self.member_vars(o_index, holders),
                coverage.min_people,
                min(self.places(outcome), len(holders)),
                coverage_rule(outcome.id, coverage.skill_id),
            )


def build_model(
    request: StaffingRequest,
    *,
    pool: CandidatePool | None = None,
    explain: bool = False,
    terms: ObjectiveTerms | None = None,
) -> tuple[cp_model.CpModel, StaffingVariables]:
    """The CP-SAT model of a request; with explain=True every named rule gets an
    assumption literal and there is no objective. `terms` lets a part of a larger
    request be scored exactly as the whole would score it."""
    return _Builder(request, pool or build_pool(request), explain, terms).build()
