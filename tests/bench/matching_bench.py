"""Matching benchmark: CP-SAT staffing against a greedy baseline, and the
linear-assignment fast path against scipy's Hungarian-style solver.

Run with `.venv/bin/python -m tests.bench.matching_bench` (or `make bench-matching`).
Writes the `matching` section of BENCHMARKS.md and prints one JSON object as
the last line.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
from dataclasses import dataclass, replace
from datetime import date, timedelta
from time import perf_counter

import numpy as np
from scipy.optimize import linear_sum_assignment

from services.matching.domain.assignment import solve_assignment
from services.matching.domain.eligibility import build_pool
from services.matching.domain.greedy import greedy
from services.matching.domain.model import (
    Assessment,
    Candidate,
    Clearance,
    Collaboration,
    LocalityRule,
    ObjectiveWeights,
    Outcome,
    Sector,
    SkillCoverage,
    Slot,
    StaffingRequest,
    StaffingResult,
    TeamRules,
)
from services.matching.domain.rules import collaboration
from services.matching.domain.slot_queries import pruning_k, staffing_query
from services.matching.domain.staffing import solve
from tests.bench.report import write_section
from tests.unit.matching.fake_skills import select

ROLES = ("storyteller", "weaver", "architect", "navigator")
SKILLS = ("safeguarding", "welfare-rights", "service-design")
SECTOR_WEIGHTS = {
    Sector.PUBLIC: 0.4,
    Sector.PRIVATE: 0.2,
    Sector.THIRD_SECTOR: 0.2,
    Sector.COMMUNITY: 0.2,
}
DAY_RATES = {
    Sector.PUBLIC: (300, 500),
    Sector.PRIVATE: (500, 900),
    Sector.THIRD_SECTOR: (250, 400),
    Sector.COMMUNITY: (0, 0),
}
ORGANISATIONS = 40
WARDS = 20
YEAR_START = date(2026, 1, 1)
TIME_LIMIT_S = 10.0
ASSIGNMENT_SIZE = 2000
ASSIGNMENT_REPEATS = 3
UNPRUNED_TIME_LIMIT_S = 60.0
# Synthetic worked-with history: one past team per PAST_TEAM_EVERY people, drawn
# from one ward, with these assessments.
PAST_TEAM_EVERY = 4
PAST_TEAM_SIZES = (3, 6)
PAST_ASSESSMENTS = (Assessment.MET, Assessment.PARTLY_MET, Assessment.NOT_MET)
PAST_ASSESSMENT_SHARES = (0.5, 0.3, 0.2)
# A pair that worked together on a met outcome is worth a tenth of a unit of fit.
COLLABORATION_WEIGHT = 100.0


@dataclass(frozen=True)
class Size:
    name: str
    outcomes: int
    people: int


SIZES = (Size("S", 5, 500), Size("M", 30, 5_000), Size("L", 100, 20_000))


def synthetic_people(rng: np.random.Generator, count: int) -> list[Candidate]:
    sectors = list(SECTOR_WEIGHTS)
    sector_draws = rng.choice(len(sectors), size=count, p=list(SECTOR_WEIGHTS.values()))
    fits = np.round(rng.beta(2.0, 2.5, size=(count, len(ROLES))), 3)
    levels = rng.integers(0, 5, size=(count, len(SKILLS)))
    people = []
    for i in range(count):
        sector = sectors[int(sector_draws[i])]
        low, high = DAY_RATES[sector]
        community = sector is Sector.COMMUNITY
        clearances: tuple[Clearance, ...] = ()
        if rng.random() < 0.5:
            expires = YEAR_START + timedelta(days=int(rng.integers(-200, 900)))
            clearances = (Clearance("dbs-enhanced", expires),)
        people.append(
            Candidate(
                person_id=f"p{i}",
                name=f"Person {i}",
                sector=sector,
                organisation=f"org-{int(rng.integers(ORGANISATIONS))}",
                locality=f"ward-{int(rng.integers(WARDS))}",
                capacity_fte=round(
                    float(rng.uniform(0.1, 0.4) if community else rng.uniform(0.5, 1.0)), 2
                ),
                day_rate=float(rng.integers(low, high + 1)) if high else 0.0,
                clearances=clearances,
                fits={role: float(fits[i, j]) for j, role in enumerate(ROLES)},
                levels={skill: int(levels[i, j]) for j, skill in enumerate(SKILLS)},
            )
        )
    return people


def synthetic_outcomes(rng: np.random.Generator, count: int) -> list[Outcome]:
    outcomes = []
    localities = list(LocalityRule)
    for i in range(count):
        start = YEAR_START + timedelta(days=int(rng.integers(0, 300)))
        end = start + timedelta(days=int(rng.integers(60, 180)))
        roles = rng.choice(len(ROLES), size=int(rng.integers(3, 5)), replace=False)
        slots = {}
        for role_index in sorted(roles.tolist()):
            role = ROLES[role_index]
            slots[role] = Slot(
                role_id=role,
                count=int(rng.integers(1, 3)),
                fte=float(rng.choice([0.1, 0.2, 0.3])),
                min_fit=float(rng.choice([0.3, 0.4, 0.5])),
                clearance="dbs-enhanced" if rng.random() < 0.2 else "",
            )
        places = sum(s.count for s in slots.values())
        days = float(rng.integers(20, 60))
        rules = TeamRules(
            min_sectors=min(places, int(rng.integers(2, 4))),
            max_sector_share=float(rng.choice([0.5, 0.6, 0.75])),
            min_community_members=int(rng.integers(0, 2)),
            locality=localities[int(rng.integers(len(localities)))],
            exclude_commissioned_organisation=bool(rng.random() < 0.5),
        )
        coverage = (
            (SkillCoverage(SKILLS[int(rng.integers(len(SKILLS)))], 3, 1),)
            if rng.random() < 0.5
            else ()
        )
        outcomes.append(
            Outcome(
                id=f"o{i}",
                title=f"Outcome {i}",
                locality=f"ward-{int(rng.integers(WARDS))}",
                priority=int(rng.integers(1, 6)),
                budget=round(float(rng.uniform(0.5, 1.0)) * places * 600 * days * 0.2, -2),
                start=start,
                end=end,
                days=days,
                slots=tuple(slots.values()),
                skill_coverage=coverage,
                rules=rules,
                commissioned_organisation=f"org-{int(rng.integers(ORGANISATIONS))}",
            )
        )
    return outcomes


def portfolio(size: Size, seed: int) -> StaffingRequest:
    rng = np.random.default_rng(seed)
    return StaffingRequest(
        outcomes=tuple(synthetic_outcomes(rng, size.outcomes)),
        candidates=tuple(synthetic_people(rng, size.people)),
        time_limit_s=TIME_LIMIT_S,
    )


@dataclass(frozen=True)
class PortfolioRun:
    slots: int
    places: int
    status: str
    gap: float
    seconds: float
    objective: float
    greedy_objective: float
    vs_greedy: float
    pruned: bool
    filled: int
    greedy_filled: int


@dataclass(frozen=True)
class AssignmentRun:
    scipy_seconds: float
    our_seconds: float
    scipy_total: float
    our_total: float
    same_optimum: bool
    time_ratio: float


def run_portfolio(size: Size, seed: int) -> PortfolioRun:
    staffing = portfolio(size, seed)
    result = solve(staffing)
    baseline = greedy(staffing)
    return PortfolioRun(
        slots=sum(len(o.slots) for o in staffing.outcomes),
        places=sum(s.count for o in staffing.outcomes for s in o.slots),
        status=result.status.value,
        gap=result.gap,
        seconds=result.solve_seconds,
        objective=result.objective,
        greedy_objective=baseline.objective,
        vs_greedy=result.objective / baseline.objective if baseline.objective > 0 else float("nan"),
        pruned=result.pruned,
        filled=len(result.assignments),
        greedy_filled=len(baseline.assignments),
    )


@dataclass(frozen=True)
class SlotPruningRun:
    """The M portfolio staffed from slot candidates (as skills prunes them) against
    the whole workforce: matching's own pruning, and no pruning at all."""

    people_kept: int
    people: int
    eligible_pairs: int
    slot_pruned_objective: float
    whole_objective: float
    same_assignments: bool
    unpruned_status: str
    unpruned_objective: float
    unpruned_bound: float

    @property
    def equal(self) -> bool:
        return abs(self.slot_pruned_objective - self.whole_objective) < 1e-6


def run_slot_pruning(size: Size, seed: int) -> SlotPruningRun:
    """Slot candidates come from the contract's reference semantics (the fake
    skills service of the unit tests): the synthetic fits are not levels the
    scoring index could recompute."""
    staffing = portfolio(size, seed)
    counts = select(staffing.candidates, staffing_query(staffing.outcomes, (), 0, counts_only=True))
    pairs = sum(pool.eligible for pool in counts.pools)
    slots = select(staffing.candidates, staffing_query(staffing.outcomes, (), pruning_k(pairs, 0)))
    pruned = solve(replace(staffing, candidates=slots.candidates, pruned_upstream=slots.pruned))
    whole = solve(staffing)
    unpruned = solve(
        replace(staffing, max_candidates_per_slot=10**9, time_limit_s=UNPRUNED_TIME_LIMIT_S)
    )

    def lines(result: StaffingResult) -> set[tuple[str, str, str]]:
        return {(a.person_id, a.outcome_id, a.role_id) for a in result.assignments}

    return SlotPruningRun(
        people_kept=len(slots.candidates),
        people=len(staffing.candidates),
        eligible_pairs=pairs,
        slot_pruned_objective=pruned.objective,
        whole_objective=whole.objective,
        same_assignments=lines(pruned) == lines(whole),
        unpruned_status=unpruned.status.value,
        unpruned_objective=unpruned.objective,
        unpruned_bound=unpruned.bound,
    )


def synthetic_collaborations(
    rng: np.random.Generator, people: tuple[Candidate, ...]
) -> tuple[Collaboration, ...]:
    """Past teams of 3 to 5 people of one ward, each pair a WORKED_WITH record."""
    by_ward: dict[str, list[str]] = {}
    for candidate in people:
        by_ward.setdefault(candidate.locality, []).append(candidate.person_id)
    wards = sorted(by_ward)
    records: list[Collaboration] = []
    for past in range(len(people) // PAST_TEAM_EVERY):
        members = by_ward[wards[int(rng.integers(len(wards)))]]
        size = min(len(members), int(rng.integers(*PAST_TEAM_SIZES)))
        chosen = sorted(rng.choice(len(members), size=size, replace=False).tolist())
        assessment = PAST_ASSESSMENTS[
            int(rng.choice(len(PAST_ASSESSMENTS), p=PAST_ASSESSMENT_SHARES))
        ]
        for i, a in enumerate(chosen):
            for b in chosen[i + 1 :]:
                records.append(Collaboration(members[a], members[b], f"past-{past}", assessment))
    return tuple(records)


@dataclass(frozen=True)
class CollaborationRun:
    """The L portfolio with the collaboration term on, against the same portfolio without."""

    collaborations: int
    pair_terms: int
    status: str
    gap: float
    seconds: float
    credited_pairs: int
    plain_credited_pairs: int
    fit: float
    plain_fit: float
    filled: int
    plain_filled: int


def credited_pairs(staffing: StaffingRequest, result: StaffingResult) -> int:
    """Pairs placed on one outcome who worked together on an outcome met or partly met."""
    history = collaboration.History.of(staffing.collaborations)
    teams: dict[str, list[str]] = {}
    for assignment in result.assignments:
        teams.setdefault(assignment.outcome_id, []).append(assignment.person_id)
    return sum(
        1
        for team in teams.values()
        for _, record in history.partners(team)
        if collaboration.credit(record.assessment) > 0
    )


def run_collaboration(size: Size, seed: int) -> CollaborationRun:
    plain = portfolio(size, seed)
    history = synthetic_collaborations(np.random.default_rng(seed + 1), plain.candidates)
    staffing = replace(
        plain,
        collaborations=history,
        weights=ObjectiveWeights(collaboration=COLLABORATION_WEIGHT),
    )
    pool = build_pool(staffing)
    index = collaboration.History.of(history)
    candidates = pool.table.candidates
    terms = 0
    for o_index, outcome in enumerate(staffing.outcomes):
        people = {
            candidates[p].person_id
            for slot_pool in pool.slots
            if slot_pool.ref.outcome_index == o_index
            for p in slot_pool.kept.tolist()
        }
        terms += len(collaboration.pair_terms(staffing, outcome, people, index))
    result = solve(staffing)
    baseline = solve(replace(staffing, weights=ObjectiveWeights()))
    return CollaborationRun(
        collaborations=len(history),
        pair_terms=terms,
        status=result.status.value,
        gap=result.gap,
        seconds=result.solve_seconds,
        credited_pairs=credited_pairs(staffing, result),
        plain_credited_pairs=credited_pairs(staffing, baseline),
        fit=sum(a.fit for a in result.assignments),
        plain_fit=sum(a.fit for a in baseline.assignments),
        filled=len(result.assignments),
        plain_filled=len(baseline.assignments),
    )


def collaboration_markdown(size: Size, run: CollaborationRun, load: tuple[float, float]) -> str:
    return "\n".join(
        [
            "## Matching: worked-with term",
            "",
            f"The {size.name} portfolio ({size.outcomes} outcomes, {size.people:,} people) with "
            f"`weights.collaboration` = {COLLABORATION_WEIGHT:.0f} (a pair who worked together on "
            "a met outcome is worth a tenth of a unit of fit, partly met half that) over "
            f"{run.collaborations:,} synthetic WORKED_WITH records (past teams of 3 to 5 people "
            f"of one ward), {TIME_LIMIT_S:.0f} s limit. The model carried {run.pair_terms:,} pair "
            f"literals (at most {collaboration.MAX_PAIR_TERMS} per outcome). Load average "
            f"{load[0]:.1f} before, {load[1]:.1f} after.",
            "",
            "| run | status | gap | seconds | credited pairs placed | total fit | filled |",
            "|---|---|---|---|---|---|---|",
            f"| collaboration on | {run.status} | {run.gap:.4%} | {run.seconds:.2f} "
            f"| {run.credited_pairs} | {run.fit:.2f} | {run.filled} |",
            f"| off (same portfolio) | | | | {run.plain_credited_pairs} | {run.plain_fit:.2f} "
            f"| {run.plain_filled} |",
        ]
    )


def collaboration_summary(size: Size, run: CollaborationRun) -> dict[str, object]:
    prefix = f"{size.name}_collaboration"
    return {
        f"{prefix}_status": run.status,
        f"{prefix}_gap": run.gap,
        f"{prefix}_seconds": run.seconds,
        f"{prefix}_pair_terms": run.pair_terms,
        f"{prefix}_credited_pairs": run.credited_pairs,
        f"{prefix}_plain_credited_pairs": run.plain_credited_pairs,
        f"{prefix}_fit_given_up": run.plain_fit - run.fit,
    }


def main_collaboration() -> None:
    """Only the worked-with run: `python -m tests.bench.matching_bench collaboration`."""
    load_before = os.getloadavg()[0]
    size = SIZES[2]
    run = run_collaboration(size, seed=102)
    print(run, file=sys.stderr, flush=True)
    load = (load_before, os.getloadavg()[0])
    write_section("matching-collaboration", collaboration_markdown(size, run, load))
    print(json.dumps(collaboration_summary(size, run) | {"load_average": list(load)}))


def run_assignment(seed: int) -> AssignmentRun:
    fits = np.round(np.random.default_rng(seed).random((ASSIGNMENT_SIZE, ASSIGNMENT_SIZE)), 4)
    scipy_times, our_times = [], []
    scipy_total = our_total = 0.0
    for _ in range(ASSIGNMENT_REPEATS):
        started = perf_counter()
        rows, cols = linear_sum_assignment(fits, maximize=True)
        scipy_times.append(perf_counter() - started)
        scipy_total = float(fits[rows, cols].sum())
        started = perf_counter()
        _, _, our_total = solve_assignment(fits)
        our_times.append(perf_counter() - started)
    scipy_seconds = statistics.median(scipy_times)
    our_seconds = statistics.median(our_times)
    return AssignmentRun(
        scipy_seconds=scipy_seconds,
        our_seconds=our_seconds,
        scipy_total=scipy_total,
        our_total=our_total,
        same_optimum=abs(scipy_total - our_total) <= 1e-6,
        time_ratio=our_seconds / scipy_seconds,
    )


def markdown(
    portfolios: dict[str, PortfolioRun],
    assignment: AssignmentRun,
    load: tuple[float, float],
    slot_pruning: SlotPruningRun,
) -> str:
    lines = [
        "## Matching",
        "",
        "Seeded synthetic portfolios, soft mode, every team rule in use, "
        f"{TIME_LIMIT_S:.0f} s limit (model building included in the seconds). "
        "'gap' is the distance to CP-SAT's proven bound; on a pruned portfolio that bound "
        "holds over the kept candidates only, so 'optimal' there means optimal among them. "
        "'timed_out' means the limit stopped the search with that gap. "
        "'vs greedy' is the CP-SAT objective over the greedy baseline's on the same "
        "objective (higher is better; soft shortfall penalties make the ratio large when "
        "greedy leaves rules unmet); 'filled' counts places filled (greedy's in brackets). "
        f"The machine is shared: load average {load[0]:.1f} before the run, "
        f"{load[1]:.1f} after.",
        "",
        "| size | outcomes / slots / places / people | status | gap | seconds "
        "| vs greedy | pruned | filled |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for size in SIZES:
        run = portfolios[size.name]
        lines.append(
            f"| {size.name} | {size.outcomes} / {run.slots} / {run.places} / {size.people:,} "
            f"| {run.status} | {run.gap:.4%} | {run.seconds:.2f} | {run.vs_greedy:.3f} "
            f"| {run.pruned} | {run.filled} ({run.greedy_filled}) |"
        )
    lines += [
        "",
        f"Pure assignment, {ASSIGNMENT_SIZE:,} people x {ASSIGNMENT_SIZE:,} slots, dense fits "
        f"(median of {ASSIGNMENT_REPEATS}): OR-Tools linear sum assignment on a sparse arc set "
        "proved optimal by residual potentials, against scipy.optimize.linear_sum_assignment.",
        "",
        "| solver | seconds | total fit |",
        "|---|---|---|",
        f"| ours | {assignment.our_seconds:.3f} | {assignment.our_total:.4f} |",
        f"| scipy | {assignment.scipy_seconds:.3f} | {assignment.scipy_total:.4f} |",
        "",
        f"Same optimum: {assignment.same_optimum}; time ratio (ours / scipy): "
        f"{assignment.time_ratio:.2f}.",
        "",
        "Slot candidates (matching asks skills for the slots of the request, pruned as "
        "matching prunes: best 30 per slot by fit plus sector, community, coverage, local "
        "and pinned reserves), on the M portfolio: the rows skills would send, staffed, "
        "against the whole workforce staffed with matching's own pruning, and against no "
        f"pruning at all ({UNPRUNED_TIME_LIMIT_S:.0f} s limit).",
        "",
        "| candidates | objective | status |",
        "|---|---|---|",
        f"| slot candidates: {slot_pruning.people_kept:,} of {slot_pruning.people:,} people "
        f"| {slot_pruning.slot_pruned_objective:,.1f} | optimal over them |",
        f"| whole workforce, pruned in matching | {slot_pruning.whole_objective:,.1f} "
        f"| {portfolios['M'].status} |",
        f"| whole workforce, unpruned ({slot_pruning.eligible_pairs:,} eligible pairs) "
        f"| {slot_pruning.unpruned_objective:,.1f} (bound {slot_pruning.unpruned_bound:,.1f}) "
        f"| {slot_pruning.unpruned_status} |",
        "",
        f"Pruned answer equals the whole workforce's: {slot_pruning.equal} "
        f"(same assignments: {slot_pruning.same_assignments}). "
        "The unpruned model is too large to settle within its limit: its best team "
        "scores no more than the pruned one, and its bound is "
        f"{(slot_pruning.unpruned_bound / slot_pruning.slot_pruned_objective - 1):.2%} "
        "above the pruned optimum.",
    ]
    return "\n".join(lines)


def main() -> None:
    load_before = os.getloadavg()[0]
    portfolios: dict[str, PortfolioRun] = {}
    for index, size in enumerate(SIZES):
        portfolios[size.name] = run_portfolio(size, seed=100 + index)
        print(size.name, portfolios[size.name], file=sys.stderr, flush=True)
    assignment = run_assignment(seed=7)
    slot_pruning = run_slot_pruning(SIZES[1], seed=101)
    print(slot_pruning, file=sys.stderr, flush=True)
    collaborating = run_collaboration(SIZES[2], seed=102)
    print(collaborating, file=sys.stderr, flush=True)
    load = (load_before, os.getloadavg()[0])
    write_section("matching", markdown(portfolios, assignment, load, slot_pruning))
    write_section("matching-collaboration", collaboration_markdown(SIZES[2], collaborating, load))
    summary: dict[str, object] = {}
    for name, run in portfolios.items():
        summary |= {
            f"{name}_status": run.status,
            f"{name}_gap": run.gap,
            f"{name}_seconds": run.seconds,
            f"{name}_vs_greedy": run.vs_greedy,
        }
    summary["assignment_same_optimum"] = assignment.same_optimum
    summary["assignment_time_ratio"] = assignment.time_ratio
    summary["assignment_seconds"] = assignment.our_seconds
    summary["assignment_scipy_seconds"] = assignment.scipy_seconds
    summary["M_slot_pruned_objective"] = slot_pruning.slot_pruned_objective
    summary["M_whole_objective"] = slot_pruning.whole_objective
    summary["M_unpruned_objective"] = slot_pruning.unpruned_objective
    summary["M_unpruned_bound"] = slot_pruning.unpruned_bound
    summary["M_slot_pruned_equals_whole"] = slot_pruning.equal
    summary |= collaboration_summary(SIZES[2], collaborating)
    summary["load_average"] = list(load)
    print(json.dumps(summary))


if __name__ == "__main__":
    if sys.argv[1:] == ["collaboration"]:
        main_collaboration()
    else:
        main()
