"""A greedy baseline for the benchmark: outcomes by priority, best available fit first.

It does what a careful planner with a spreadsheet would: eligibility, pins,
one role per person per outcome, capacity across overlapping outcomes and
the budget are honoured; the minimum team rules are served first (best-fit
skill holders, community members, people of missing sectors), and the
weakest members of an over-represented sector are dropped at the end. It
never revisits a choice; shortfalls are penalised by the same objective as
the CP-SAT model's, so the two scores compare.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from time import perf_counter

from services.matching.domain.candidate_table import fte_units, pair_cost
from services.matching.domain.eligibility import CandidatePool, build_pool
from services.matching.domain.model import (
    Candidate,
    SkillCoverage,
    Slot,
    SolveStatus,
    StaffingRequest,
    StaffingResult,
)
from services.matching.domain.objective import ObjectiveTerms, to_reported
from services.matching.domain.reasons import settled_result
from services.matching.domain.rules import (
    capacity,
    collaboration,
    community,
    coverage,
    development,
    fairness,
    min_sectors,
    sector_share,
    slot_count,
)
from services.matching.domain.staffing_model import OUTCOME_RULES, max_pair_cost

GROWING_RULES = tuple(rule for rule in OUTCOME_RULES if rule.grows)

PairKey = tuple[str, str, str]


def evaluate_objective(request: StaffingRequest, chosen: Sequence[PairKey]) -> int:
    """The CP-SAT objective of any proposal, in integer units (soft-mode penalties included)."""
    terms = ObjectiveTerms(weights=request.weights, max_pair_cost=max_pair_cost(request))
    people = {c.person_id: c for c in request.candidates}
    total = 0
    for outcome in request.outcomes:
        slots = {slot.role_id: slot for slot in outcome.slots}
        team = [(people[p], slots[r]) for p, o, r in chosen if o == outcome.id]
        penalty = terms.shortfall_penalty(outcome)
        for slot in outcome.slots:
            members = [candidate for candidate, s in team if s.role_id == slot.role_id]
            for candidate in members:
                cost = pair_cost(candidate, outcome, slot)
                total += terms.assignment_value(candidate, outcome, slot, cost)
            total -= penalty * slot_count.unfilled(slot, len(members))
        for rule in OUTCOME_RULES:
            if rule.shortfalls is not None:
                total -= penalty * sum(rule.shortfalls(outcome, team).values())
    return total + collaboration.objective(request, chosen) + fairness.objective(request, chosen)


class _TeamBuilder:
    """One outcome's team, grown one best-fit person at a time."""

    def __init__(
        self,
        request: StaffingRequest,
        pool: CandidatePool,
        o_index: int,
        used: dict[int, list[tuple[int, int]]],
    ) -> None:
        self.request = request
        self.pool = pool
        self.o_index = o_index
        self.outcome = request.outcomes[o_index]
        self.used = used
        self.slot_pools = [p for p in pool.slots if p.ref.outcome_index == o_index]
        # Each slot's eligible people, best fit first, as plain ints (asked many times).
        self.eligible = {p.ref.slot_index: p.eligible.tolist() for p in self.slot_pools}
        self.growing = [rule for rule in GROWING_RULES if rule.is_set(self.outcome)]
        self.in_team: dict[int, tuple[int, float]] = {}
        self.filled: dict[int, int] = defaultdict(int)

    def fits_capacity(self, person: int, units: int) -> bool:
        free = int(self.pool.table.free_fte_units[person])
        return capacity.has_room(
            self.request.outcomes, self.used[person], self.outcome, units, free
        )

    def team(self) -> list[tuple[Candidate, Slot]]:
        candidates = self.pool.table.candidates
        return [(candidates[p], self.outcome.slots[s]) for p, (s, _) in self.in_team.items()]

    def keeps_growing_rules(
        self, team: list[tuple[Candidate, Slot]], person: int, slot: Slot
    ) -> bool:
        """A newcomer who would break a rule no later member can mend (a budget) is refused."""
        candidate = self.pool.table.candidates[person]
        grown = [*team, (candidate, slot)]
        return all(rule.holds(self.outcome, grown) for rule in self.growing) and (
            development.may_join(self.request, self.outcome, candidate, slot, team)
        )

    def add(self, person: int, s_index: int, fit: float) -> None:
        self.in_team[person] = (s_index, fit)
        self.filled[s_index] += 1

    def best(self, wanted: Callable[[int], bool]) -> tuple[int, int, float] | None:
        """The best-fit (person, slot, fit) that may still join and satisfies `wanted`."""
        table = self.pool.table
        team = self.team()
        found: tuple[int, int, float] | None = None
        for slot_pool in self.slot_pools:
            s_index = slot_pool.ref.slot_index
            slot = self.outcome.slots[s_index]
            if self.filled[s_index] >= slot.count:
                continue
            units = fte_units(slot.fte)
            fits = table.fit_column(slot.role_id)
            for person in self.eligible[s_index]:
                if found is not None and fits[person] <= found[2]:
                    break
                if person in self.in_team or not wanted(person):
                    continue
                if not self.fits_capacity(person, units):
                    continue
                if not self.keeps_growing_rules(team, person, slot):
                    continue
                found = (person, s_index, float(fits[person]))
                break
        return found

    def fill_while(self, short: Callable[[], bool], wanted: Callable[[int], bool]) -> None:
        while short():
            pick = self.best(wanted)
            if pick is None:
                return
            self.add(*pick)

    def sector_counts(self) -> dict[int, int]:
        counts: dict[int, int] = defaultdict(int)
        for person in self.in_team:
            counts[int(self.pool.table.sector[person])] += 1
        return counts

    def _coverage_tests(
        self, needed: SkillCoverage
    ) -> tuple[Callable[[], bool], Callable[[int], bool]]:
        holders = coverage.holders_mask(self.pool.table, needed)

        def holds(person: int) -> bool:
            return bool(holders[person])

        def short() -> bool:
            return coverage.shortfall(needed, sum(1 for p in self.in_team if holds(p))) > 0

        return short, holds

    def build(self, pinned: Sequence[tuple[int, int]]) -> None:
        table = self.pool.table
        outcome = self.outcome
        for person, s_index in pinned:
            if person not in self.in_team:
                self.add(person, s_index, float("inf"))
        for needed in outcome.skill_coverage:
            self.fill_while(*self._coverage_tests(needed))
        members = community.COMMUNITY
        self.fill_while(
            lambda: community.shortfall(outcome, self.sector_counts().get(members, 0)) > 0,
            lambda p: int(table.sector[p]) == members,
        )
        self.fill_while(
            lambda: min_sectors.shortfall(outcome, self.sector_counts()) > 0,
            lambda p: int(table.sector[p]) not in self.sector_counts(),
        )
        self.fill_while(lambda: True, lambda p: True)
        counts = self.sector_counts()
        while not sector_share.within(counts.values(), outcome.rules.max_sector_share):
            largest = max(counts, key=lambda s: counts[s])
            weakest = min(
                (p for p in self.in_team if int(table.sector[p]) == largest),
                key=lambda p: self.in_team[p][1],
            )
            s_index, _ = self.in_team.pop(weakest)
            self.filled[s_index] -= 1
            counts[largest] -= 1
        for person_id in development.unbacked(self.request, outcome, self.team()):
            s_index, _ = self.in_team.pop(table.index[person_id])
            self.filled[s_index] -= 1


def greedy_team(
    request: StaffingRequest,
    pool: CandidatePool,
    o_index: int,
    used: dict[int, list[tuple[int, int]]],
) -> list[tuple[int, int]]:
    """One outcome's greedy team as (person, slot index), given the FTE units each
    person already gives to other outcomes (`used`: person -> (outcome, units))."""
    builder = _TeamBuilder(request, pool, o_index, used)
    builder.build([(p, ref.slot_index) for p, ref in pool.pins if ref.outcome_index == o_index])
    return [(person, s_index) for person, (s_index, _) in builder.in_team.items()]


def greedy_pairs(request: StaffingRequest, pool: CandidatePool) -> list[PairKey]:
    """Outcomes by priority; in each, pins first, then the best-fit people the minimum
    team rules call for, then the best fit for every remaining place."""
    table = pool.table
    used: dict[int, list[tuple[int, int]]] = defaultdict(list)
    chosen: list[PairKey] = []
    order = sorted(range(len(request.outcomes)), key=lambda i: -request.outcomes[i].priority)
    for o_index in order:
        outcome = request.outcomes[o_index]
        for person, s_index in greedy_team(request, pool, o_index, used):
            slot = outcome.slots[s_index]
            used[person].append((o_index, fte_units(slot.fte)))
            chosen.append((table.candidates[person].person_id, outcome.id, slot.role_id))
    return chosen


def greedy(request: StaffingRequest) -> StaffingResult:
    started = perf_counter()
    pool = build_pool(request)
    chosen = greedy_pairs(request, pool)
    return settled_result(
        request,
        pool,
        chosen,
        status=SolveStatus.FEASIBLE,
        objective=to_reported(evaluate_objective(request, chosen)),
        started=started,
        solver="greedy",
        pruned=False,
        optimality_proven=False,
    )
