"""The helpers that build constraints and filter candidates."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np

from services.matching.domain.candidate_table import build_table, clearance_valid_until, pair_cost
from services.matching.domain.eligibility import build_pool, slot_filters, top_by
from services.matching.domain.model import (
    Clearance,
    LocalityRule,
    Sector,
    Slot,
    SolveStatus,
    TeamRules,
)
from services.matching.domain.rules.capacity import capacity_groups
from services.matching.domain.rules.sector_share import share_limit as sector_share_limit
from services.matching.domain.whatif import diff_results
from tests.unit.matching.builders import outcome, person, request

NAVIGATOR = Slot("navigator", 1, 0.5)


def test_capacity_groups_are_the_outcomes_running_on_the_same_day() -> None:
    january_february = outcome("a", (), start=date(2026, 1, 1), end=date(2026, 2, 28))
    february_march = outcome("b", (), start=date(2026, 2, 1), end=date(2026, 3, 31))
    march_april = outcome("c", (), start=date(2026, 3, 31), end=date(2026, 4, 30))
    later = outcome("d", (), start=date(2026, 6, 1), end=date(2026, 6, 30))

    groups = capacity_groups([january_february, february_march, march_april, later])

    # b and c share 31 March, so a day in common counts; a and c never meet.
    assert sorted(sorted(g) for g in groups) == [[0, 1], [1, 2], [3]]


def test_sector_share_limit_is_whole_percent() -> None:
    assert sector_share_limit(0.5) == 50
    assert sector_share_limit(0.333) == 33
    assert sector_share_limit(1.0) == 100


def test_top_by_keeps_the_best_scores_first() -> None:
    scores = np.array([0.2, 0.9, 0.5, 0.9, 0.1])
    members = np.array([0, 1, 2, 3, 4], dtype=np.int64)

    assert top_by(scores, members, 3).tolist() == [1, 3, 2]
    assert top_by(scores, members, 0).tolist() == []


def test_clearance_validity_takes_the_latest_of_a_kind_and_none_means_no_expiry() -> None:
    holder = person(
        "a",
        {},
        clearances=(
            Clearance("dbs", date(2025, 1, 1)),
            Clearance("dbs", date(2027, 1, 1)),
            Clearance("nppv", None),
        ),
    )

    assert clearance_valid_until(holder, "dbs") == date(2027, 1, 1).toordinal()
    assert clearance_valid_until(holder, "nppv") > date(2100, 1, 1).toordinal()
    assert clearance_valid_until(holder, "sc") == -1


def test_volunteers_cost_nothing_and_others_pay_rate_days_and_fte() -> None:
    slot = Slot("navigator", 1, 0.4)
    staff = person("a", {}, day_rate=250)
    volunteer = person("b", {}, day_rate=250, sector=Sector.COMMUNITY)
    target = outcome("o1", (slot,), days=20)

    assert pair_cost(staff, target, slot) == 250 * 20 * 0.4
    assert pair_cost(volunteer, target, slot) == 0


def test_slot_filters_check_availability_against_the_outcome_dates() -> None:
    people = [
        person("whole", {"navigator": 0.9}),
        person("leaves", {"navigator": 0.9}, available_until=date(2026, 2, 1)),
        person("arrives", {"navigator": 0.9}, available_from=date(2025, 12, 1)),
    ]
    staffing = request([outcome("o1", (NAVIGATOR,))], people)
    table = build_table(staffing)

    filters = slot_filters(table, staffing.outcomes[0], NAVIGATOR)

    assert filters["available"].tolist() == [True, False, True]


def test_pruning_keeps_reserves_for_the_team_rules() -> None:
    people = [person(f"p{i}", {"navigator": 0.9 - i / 100}) for i in range(6)] + [
        person("vol", {"navigator": 0.3}, sector=Sector.COMMUNITY),
        person("far", {"navigator": 0.2}, locality="ward-9"),
    ]
    rules = TeamRules(min_community_members=1, locality=LocalityRule.PREFER_LOCAL)
    staffing = request(
        [outcome("o1", (NAVIGATOR,), rules=rules)], people, max_candidates_per_slot=2
    )

    pool = build_pool(staffing)
    kept = {pool.table.candidates[p].person_id for p in pool.slots[0].kept.tolist()}

    assert pool.pruned
    assert {"p0", "p1", "vol"} <= kept
    assert "far" not in kept


def test_diff_results_lists_what_moved() -> None:
    from services.matching.domain.staffing import solve

    people = [person("ann", {"navigator": 0.9}), person("bob", {"navigator": 0.6})]
    staffing = request([outcome("o1", (NAVIGATOR,), rules=TeamRules(min_sectors=1))], people)
    before = solve(staffing)
    after = solve(replace(staffing, exclusions=frozenset({"ann"})))

    diff = diff_results(before, after)

    assert [a.person_id for a in diff.added] == ["bob"]
    assert [a.person_id for a in diff.removed] == ["ann"]
    assert diff.objective_delta < 0
    assert diff.unfilled_delta == 0
    assert diff.status_after is SolveStatus.OPTIMAL
