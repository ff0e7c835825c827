"""Matching asks skills for the slots of the request: the queries it builds, and
proposals made from the slot candidates (over fakes of skills and the repositories)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np

from services.matching.domain.eligibility import AUTO_K, RESERVE_MARGIN
from services.matching.domain.model import (
    CommittedWork,
    LocalityRule,
    Pin,
    Sector,
    SkillCoverage,
    Slot,
    StaffingRequest,
    TeamRules,
)
from services.matching.domain.slot_queries import (
    CommittedLoad,
    SkillLevel,
    pruning_k,
    slot_query,
    staffing_query,
)
from services.matching.domain.staffing import solve
from services.matching.service.ports import LevelOverride
from services.matching.service.staffing import (
    ProposeCommand,
    StaffingLimits,
    StaffingService,
    WhatIfChange,
)
from tests.unit.matching.builders import END, START, outcome, person
from tests.unit.matching.fake_skills import FakeSkills
from tests.unit.matching.fakes import FakeOutcomeRepository, FakeStaffingRepository

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def test_a_slot_query_carries_every_filter_of_the_slot() -> None:
    item = outcome(
        "o1",
        (Slot("navigator", 2, 0.3, min_fit=0.6, clearance="dbs"),),
        locality="riverside",
        rules=TeamRules(
            min_sectors=2,
            min_community_members=1,
            locality=LocalityRule.LOCAL_ONLY,
            exclude_commissioned_organisation=True,
        ),
        commissioned_organisation="council",
        skill_coverage=(SkillCoverage("listening", 3, 4),),
    )
    pins = [
        Pin("ann", "o1", "navigator"),
        Pin("bob", "o1", "weaver"),
        Pin("cat", "o2", "navigator"),
    ]
    query = slot_query(item, item.slots[0], k=AUTO_K, pins=pins)

    assert (query.key, query.role_id, query.min_fit, query.fte) == (
        "o1/navigator",
        "navigator",
        0.6,
        0.3,
    )
    assert (query.locality, query.local_only, query.prefer_local) == ("riverside", True, False)
    assert (query.clearance, query.start, query.end) == ("dbs", START, END)
    assert query.exclude_organisation == "council"
    assert query.always_keep == ("ann",)
    assert query.coverage == (SkillLevel("listening", 3),)
    # Pruning as eligibility prunes: the best k, and per sector the community rule's reserve.
    assert query.keep == AUTO_K
    assert query.keep_per_sector == 1 + RESERVE_MARGIN


def test_the_organisation_is_excluded_only_when_the_rule_says_so_and_nothing_pruned_at_k_zero() -> (
    None
):
    item = outcome(
        "o1",
        (Slot("navigator", 40, 0.3),),
        rules=TeamRules(locality=LocalityRule.PREFER_LOCAL, max_sector_share=0.5),
        commissioned_organisation="council",
    )
    query = slot_query(item, item.slots[0], k=0)
    assert query.exclude_organisation == "" and query.prefer_local and not query.local_only
    assert (query.keep, query.keep_per_sector) == (0, 0)
    # A slot larger than k keeps its count and the prefer-local reserve.
    assert slot_query(item, item.slots[0], k=AUTO_K).keep == 40 + RESERVE_MARGIN
    assert slot_query(item, item.slots[0], k=AUTO_K).keep_per_sector == RESERVE_MARGIN


def test_committed_work_counts_as_staffing_counts_it() -> None:
    item = outcome("o1", (Slot("navigator", 1, 0.3),))
    committed = [
        CommittedWork("ann", "x", "navigator", 0.5, date(2026, 2, 1), date(2026, 5, 1)),
        CommittedWork("bob", "x", "navigator", 0.5, date(2027, 1, 1), date(2027, 2, 1)),
        CommittedWork("cat", "x", "navigator", 0.2),
    ]
    query = staffing_query([item], committed, 0, exclusions=["dan", "dan", "eve"])
    # Overlapping work takes its FTE for the whole request; work outside it, nothing.
    assert query.committed == (CommittedLoad("ann", 0.5), CommittedLoad("cat", 0.2))
    assert query.exclude_person_ids == ("dan", "eve")


def test_k_follows_eligibility_auto_pruning() -> None:
    assert pruning_k(100, 0) == 0
    assert pruning_k(20_001, 0) == AUTO_K
    assert pruning_k(100, 7) == 7


def town(size: int, seed: int = 3) -> FakeSkills:
    rng = np.random.default_rng(seed)
    sectors = list(Sector)
    people = [
        person(
            f"p{i}",
            {"navigator": round(float(rng.random()), 3), "weaver": round(float(rng.random()), 3)},
            sector=sectors[int(rng.integers(len(sectors)))],
            locality=f"ward-{int(rng.integers(3))}",
            capacity_fte=0.5,
            levels={"listening": int(rng.integers(0, 5))},
        )
        for i in range(size)
    ]
    return FakeSkills(people)


def portfolio() -> FakeOutcomeRepository:
    rules = TeamRules(min_sectors=2, max_sector_share=0.6, min_community_members=1)
    items = [
        outcome(
            f"o{i}",
            (Slot("navigator", 2, 0.3, min_fit=0.3), Slot("weaver", 1, 0.2, min_fit=0.4)),
            locality=f"ward-{i % 3}",
            rules=rules,
            skill_coverage=(SkillCoverage("listening", 3, 1),),
        )
        for i in range(3)
    ]
    return FakeOutcomeRepository({item.id: item for item in items})


def staffing(
    skills: FakeSkills, outcomes: FakeOutcomeRepository, k: int = 0, committed=()
) -> StaffingService:
    return StaffingService(
        outcomes,
        FakeStaffingRepository(list(committed)),
        skills,
        solve,
        StaffingLimits(default_time_limit_s=20.0, max_candidates_per_slot=k),
        clock=lambda: NOW,
    )


async def test_a_small_pool_comes_whole_and_the_proposal_is_not_pruned() -> None:
    skills = town(60)
    view = await staffing(skills, portfolio()).propose(ProposeCommand(("o0", "o1", "o2")))

    counts, rows = skills.queries
    assert counts.counts_only and not rows.counts_only
    assert all(slot.keep == 0 for slot in rows.slots)
    result = view.proposal.result
    assert not result.pruned and result.optimality_proven
    assert all(pool.eligible == pool.kept > 0 for pool in result.pools)
    assert {(p.outcome_id, p.role_id) for p in result.pools} == {
        (f"o{i}", role) for i in range(3) for role in ("navigator", "weaver")
    }


async def test_a_pruned_pool_is_said_and_gives_the_unpruned_answer() -> None:
    skills = town(400)
    outcomes = portfolio()
    view = await staffing(skills, outcomes, k=6).propose(ProposeCommand(("o0", "o1", "o2")))

    [rows] = skills.queries
    assert all(slot.keep >= 6 for slot in rows.slots)
    result = view.proposal.result
    assert result.pruned and not result.optimality_proven
    assert any(pool.kept < pool.eligible for pool in result.pools)
    assert len(rows.slots) == 6 and len(set(c.person_id for c in skills.candidates)) == 400

    whole = solve(
        StaffingRequest(
            outcomes=tuple(outcomes.items.values()),
            candidates=tuple(skills.candidates),
            time_limit_s=20.0,
            max_candidates_per_slot=10**6,
        )
    )
    assert whole.optimality_proven
    assert result.objective == whole.objective


async def test_exclusions_leavers_pins_and_levels_go_to_skills() -> None:
    skills = town(60)
    committed = [CommittedWork("p7", "other", "weaver", 0.5)]
    command = ProposeCommand(
        ("o0",),
        pins=(Pin("p1", "o0", "navigator"),),
        exclusions=("p2",),
        what_if=WhatIfChange(
            remove_person_ids=("p3",), level_changes=(LevelOverride("p4", "listening", 4),)
        ),
    )
    view = await staffing(skills, portfolio(), committed=committed).propose(command)

    # Counts and rows with the change, then the same request without it to compare.
    query = skills.queries[1]
    assert not skills.queries[-1].level_overrides
    assert set(query.exclude_person_ids) == {"p2", "p3"}
    assert query.level_overrides == (LevelOverride("p4", "listening", 4),)
    assert query.committed == (CommittedLoad("p7", 0.5),)
    assert [slot.always_keep for slot in query.slots] == [("p1",), ()]
    assert query.skill_ids == ("listening",)
    people = {line.person_id for line in view.proposal.result.assignments}
    assert "p1" in people and not {"p2", "p3", "p7"} & people


async def test_a_what_if_rule_change_decides_what_skills_filters() -> None:
    skills = town(30)
    outcomes = FakeOutcomeRepository(
        {
            "o0": outcome(
                "o0",
                (Slot("navigator", 1, 0.3),),
                rules=TeamRules(locality=LocalityRule.LOCAL_ONLY),
            )
        }
    )
    relaxed = WhatIfChange(rule_overrides=(("o0", TeamRules(locality=LocalityRule.ANY)),))
    await staffing(skills, outcomes).propose(ProposeCommand(("o0",), what_if=relaxed))

    with_change, without_change = skills.queries[1], skills.queries[-1]
    assert [slot.local_only for slot in with_change.slots] == [False]
    assert [slot.local_only for slot in without_change.slots] == [True]


async def test_a_pin_below_the_minimum_fit_still_holds() -> None:
    skills = town(30)
    low = min(skills.candidates, key=lambda c: c.fits["navigator"])
    outcomes = FakeOutcomeRepository(
        {"o0": outcome("o0", (Slot("navigator", 1, 0.3, min_fit=0.9),))}
    )
    command = ProposeCommand(("o0",), pins=(Pin(low.person_id, "o0", "navigator"),))
    view = await staffing(skills, outcomes).propose(command)

    assert [line.person_id for line in view.proposal.result.assignments] == [low.person_id]


def test_the_exact_fast_path_over_a_pool_pruned_upstream_does_not_claim_proof() -> None:
    people = [person(f"p{i}", {"navigator": 0.5 + i / 100}) for i in range(5)]
    request = StaffingRequest(
        outcomes=(outcome("o0", (Slot("navigator", 1, 0.3),)),),
        candidates=tuple(people),
        pruned_upstream=True,
    )
    result = solve(request)
    assert result.solver == "linear-assignment"
    assert result.pruned and not result.optimality_proven
