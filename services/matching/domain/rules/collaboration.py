"""Worked-with network: two soft, named objective terms over pairs of team members.

`weights.collaboration` rewards each pair placed on the same outcome who have
worked together on an outcome that was met: a pair's credit is that of their
best shared outcome, met 1, partly met one half (MET_CREDIT,
PARTLY_MET_CREDIT), not met or still open nothing. `weights.new_connections`
rewards each pair placed together who have never worked together (any shared
outcome, whatever its result). Both are per pair and per priority point, in
the objective's units (weights.fit is per unit of fit): a pair is worth
weight x credit x priority, a new connection weight x priority. Weight 0
adds no variable, so default models are unchanged.

CP-SAT form, per outcome. A person's membership is the sum of their decisions
in the outcome (0 or 1: one role per person per outcome). Pairs that worked
together get one product literal each, only when both are in the outcome's
slot pools, bounded by MAX_PAIR_TERMS per outcome (the strongest pairs first,
then by person ids). A rewarded pair's literal is held below both memberships,
and, for each slot of one place both could fill, below the two memberships
outside that slot (valid: two people never share one place; it keeps the LP
relaxation from earning half a pair with two halves of one place, which on the
L portfolio took the bound from 4.9% above the best team to 0.6%). A penalised
pair's literal is held above their memberships' sum minus one. New connections
are counted as C(team size, 2) minus the pairs that worked together, the team
size through one literal per possible size, so no literal is needed for the
(many) pairs that never met. Beyond the bound, a pair that worked together
carries no term in the model (its credit is lost, or it counts as a new
connection): the bound holds every literal count below MAX_PAIR_TERMS + places
+ 1 per outcome whatever the pool size. `objective` scores a proposal with the
same bounded choice over its team, so the two agree unless a team holds a pair
the bound left out of its pool's model.

The variables are named after the terms (NAME, NEW_CONNECTIONS_NAME), so a
model dump shows which term a literal serves.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from ortools.sat.python import cp_model

from services.matching.domain.model import (
    Assessment,
    Assignment,
    Collaboration,
    Outcome,
    StaffingRequest,
)
from services.matching.domain.objective import OBJECTIVE_SCALE as SCALE
from services.matching.domain.rules.context import ModelContext

NAME = "collaboration"
NEW_CONNECTIONS_NAME = "new_connections"
MET_CREDIT = 1.0
PARTLY_MET_CREDIT = 0.5
MAX_PAIR_TERMS = 400

PairKey = tuple[str, str, str]


def credit(assessment: Assessment | None) -> float:
    if assessment is Assessment.MET:
        return MET_CREDIT
    if assessment is Assessment.PARTLY_MET:
        return PARTLY_MET_CREDIT
    return 0.0


def is_active(request: StaffingRequest) -> bool:
    weights = request.weights
    rewards_history = bool(request.collaborations) and weights.collaboration > 0
    return rewards_history or weights.new_connections > 0


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


@dataclass(frozen=True)
class History:
    """Who worked with whom: the best shared outcome of each pair."""

    best: dict[tuple[str, str], Collaboration]
    # person -> the people they worked with
    partners_of: dict[str, set[str]]

    @staticmethod
    def of(collaborations: Iterable[Collaboration]) -> History:
        best: dict[tuple[str, str], Collaboration] = {}
        partners_of: dict[str, set[str]] = {}
        for record in collaborations:
            if record.person_a == record.person_b:
                continue
            key = _pair(record.person_a, record.person_b)
            held = best.get(key)
            if held is None or (credit(record.assessment), held.outcome_id) > (
                credit(held.assessment),
                record.outcome_id,
            ):
                best[key] = record
            partners_of.setdefault(key[0], set()).add(key[1])
            partners_of.setdefault(key[1], set()).add(key[0])
        return History(best, partners_of)

    def partners(self, people: Iterable[str]) -> list[tuple[tuple[str, str], Collaboration]]:
        """Pairs among these people who worked together, in a stable order."""
        present = set(people)
        keys = {
            (person, other)
            for person in present
            for other in self.partners_of.get(person, ())
            if person < other and other in present
        }
        return [(key, self.best[key]) for key in sorted(keys)]


# The last history built, by the identity of its records: one request's parts (the
# outcome-by-outcome seed, the evaluations) share the tuple, and building the
# index of tens of thousands of records for each would cost seconds.
_last_history: tuple[tuple[Collaboration, ...], History] | None = None


def history_of(collaborations: tuple[Collaboration, ...]) -> History:
    global _last_history
    held = _last_history
    if held is not None and held[0] is collaborations:
        return held[1]
    history = History.of(collaborations)
    _last_history = (collaborations, history)
    return history


def pair_value(request: StaffingRequest, outcome: Outcome, record: Collaboration) -> int:
    """A pair that worked together, placed together: the collaboration reward minus the
    new connection it is not (objective units)."""
    weights = request.weights
    value = weights.collaboration * credit(record.assessment) - weights.new_connections
    return round(value * outcome.priority * SCALE)


def new_connection_value(request: StaffingRequest, outcome: Outcome) -> int:
    return round(request.weights.new_connections * outcome.priority * SCALE)


def pair_terms(
    request: StaffingRequest,
    outcome: Outcome,
    people: Iterable[str],
    history: History,
    limit: int = MAX_PAIR_TERMS,
) -> list[tuple[tuple[str, str], int]]:
    """The pairs among `people` that carry a term, with their value: the `limit`
    largest in size, ties by person ids."""
    valued = [
        (key, pair_value(request, outcome, record)) for key, record in history.partners(people)
    ]
    valued = [(key, value) for key, value in valued if value != 0]
    valued.sort(key=lambda item: (-abs(item[1]), item[0]))
    return valued[:limit]


def objective(request: StaffingRequest, chosen: Sequence[PairKey]) -> int:
    """Both terms for a proposal (objective units), as the model counts them."""
    if not is_active(request):
        return 0
    history = history_of(request.collaborations)
    total = 0
    for outcome in request.outcomes:
        team = sorted({p for p, o, _ in chosen if o == outcome.id})
        total += sum(value for _, value in pair_terms(request, outcome, team, history))
        pairs = len(team) * (len(team) - 1) // 2
        total += new_connection_value(request, outcome) * pairs
    return total


@dataclass
class PairVariables:
    """The literals this term adds, with what each is derived from (for hints)."""

    # (product literal, decisions of the first person, decisions of the second)
    products: list[tuple[cp_model.IntVar, list[cp_model.IntVar], list[cp_model.IntVar]]] = field(
        default_factory=list
    )
    # (literal "the team has this many members", size, every decision of the outcome)
    sizes: list[tuple[cp_model.IntVar, int, list[cp_model.IntVar]]] = field(default_factory=list)
    # Objective terms (literal, coefficient).
    objective: list[tuple[cp_model.IntVar, int]] = field(default_factory=list)
    # Per outcome, the most its team size can earn in new connections.
    size_most: list[int] = field(default_factory=list)

    def hint_values(self, values: Mapping[int, int]) -> dict[int, int]:
        """The value of each added literal, given the decisions' values."""
        derived: dict[int, int] = {}
        for product, first, second in self.products:
            both = any(values[v.index] for v in first) and any(values[v.index] for v in second)
            derived[product.index] = int(both)
        for literal, size, members in self.sizes:
            derived[literal.index] = int(sum(values[v.index] for v in members) == size)
        return derived

    def most(self) -> int:
        """No team earns more from these terms (for an optimistic bound)."""
        products = {product.index for product, _, _ in self.products}
        rewards = sum(max(0, c) for var, c in self.objective if var.index in products)
        return rewards + sum(self.size_most)


def add_to_model(ctx: ModelContext, limit: int = MAX_PAIR_TERMS) -> None:
    """Both terms for every outcome of the request (nothing when both weights are 0)."""
    request = ctx.request
    if ctx.explain or not is_active(request):
        return
    history = history_of(request.collaborations)
    variables = PairVariables()
    candidates = ctx.pool.table.candidates
    for o_index, outcome in enumerate(request.outcomes):
        members = {
            candidates[person].person_id: decisions
            for person, decisions in ctx.members[o_index].items()
        }
        single_places = {
            slot.role_id: {
                candidates[person].person_id: ctx.vars.assign[
                    (candidates[person].person_id, outcome.id, slot.role_id)
                ]
                for person in ctx.members[o_index]
                if (candidates[person].person_id, outcome.id, slot.role_id) in ctx.vars.assign
            }
            for slot in outcome.slots
            if slot.count == 1
        }
        add_pair_terms(
            ctx.model, request, outcome, members, variables, history, limit, single_places
        )
        add_new_connection_terms(ctx.model, request, outcome, members, variables)
    ctx.objective.extend(variables.objective)
    ctx.vars.derived.append(variables)


def add_pair_terms(
    model: cp_model.CpModel,
    request: StaffingRequest,
    outcome: Outcome,
    members: Mapping[str, list[cp_model.IntVar]],
    variables: PairVariables,
    history: History,
    limit: int,
    single_places: Mapping[str, Mapping[str, cp_model.IntVar]] | None,
) -> None:
    """One product literal per credited pair of the outcome, both people in
    its team; `members`: person id -> their decisions in the outcome;
    `single_places`: per slot of one place, person id -> their decision for it."""
    for (a, b), value in pair_terms(request, outcome, members, history, limit):
        product = model.new_bool_var(f"{NAME}[{outcome.id},{a},{b}]")
        first, second = members[a], members[b]
        if value > 0:
            model.add(product <= cp_model.LinearExpr.sum(first))
            model.add(product <= cp_model.LinearExpr.sum(second))
            # Two people never share one place: without this, the LP relaxation fills a
            # one-place slot with half of each and earns half the pair.
            for place in (single_places or {}).values():
                if a in place and b in place:
                    model.add(
                        product
                        <= cp_model.LinearExpr.sum(first)
                        - place[a]
                        + cp_model.LinearExpr.sum(second)
                        - place[b]
                    )
        else:
            model.add(
                product >= cp_model.LinearExpr.sum(first) + cp_model.LinearExpr.sum(second) - 1
            )
        variables.products.append((product, first, second))
        variables.objective.append((product, value))


def add_new_connection_terms(
    model: cp_model.CpModel,
    request: StaffingRequest,
    outcome: Outcome,
    members: Mapping[str, list[cp_model.IntVar]],
    variables: PairVariables,
) -> None:
    """One literal per possible team size, worth the pairs of that size: new
    connections counted from the team's size, not pair by pair."""
    per_pair = new_connection_value(request, outcome)
    if per_pair <= 0:
        return
    decisions = [var for people in members.values() for var in people]
    places = sum(slot.count for slot in outcome.slots)
    most = min(places, len(members))
    variables.size_most.append(per_pair * (most * (most - 1) // 2))
    literals = []
    for size in range(most + 1):
        literal = model.new_bool_var(f"{NEW_CONNECTIONS_NAME}[{outcome.id}]:size=={size}")
        literals.append(literal)
        variables.sizes.append((literal, size, decisions))
        pairs = size * (size - 1) // 2
        if pairs:
            variables.objective.append((literal, per_pair * pairs))
    # Linear, not add_exactly_one: the seed check reads linear constraints only.
    model.add(cp_model.LinearExpr.sum(literals) == 1)
    model.add(
        cp_model.LinearExpr.weighted_sum(literals, list(range(most + 1)))
        == cp_model.LinearExpr.sum(decisions)
    )


def reasons(
    request: StaffingRequest,
    outcome: Outcome,
    person_id: str,
    team: Iterable[str],
    history: History | None = None,
) -> list[str]:
    """'worked with ash-0042 on riverside-isolation, met' for each credited partner in
    the team; 'new connection with ...' for the partners never met."""
    if not is_active(request):
        return []
    history = history or history_of(request.collaborations)
    words: list[str] = []
    fresh: list[str] = []
    for other in sorted(set(team) - {person_id}):
        record = history.best.get(_pair(person_id, other))
        if record is None:
            fresh.append(other)
        elif request.weights.collaboration > 0 and credit(record.assessment) > 0:
            assessment = record.assessment.value.replace("_", " ") if record.assessment else ""
            words.append(f"worked with {other} on {record.outcome_id}, {assessment}")
    if request.weights.new_connections > 0 and fresh:
        words.append("new connection with " + ", ".join(fresh))
    return words


def annotate(request: StaffingRequest, assignments: Sequence[Assignment]) -> list[Assignment]:
    """Add the worked-with reasons to each assignment of a proposal (when a term is on)."""
    if not is_active(request):
        return list(assignments)
    teams: dict[str, list[str]] = {}
    for assignment in assignments:
        teams.setdefault(assignment.outcome_id, []).append(assignment.person_id)
    outcomes = {o.id: o for o in request.outcomes}
    history = history_of(request.collaborations)
    return [
        replace(
            assignment,
            reasons=(
                *assignment.reasons,
                *reasons(
                    request,
                    outcomes[assignment.outcome_id],
                    assignment.person_id,
                    teams[assignment.outcome_id],
                    history,
                ),
            ),
        )
        for assignment in assignments
    ]
