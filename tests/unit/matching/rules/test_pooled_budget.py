"""Pooled budgets: contributions restricted to one sector's staff costs, by hand."""

from __future__ import annotations

from services.matching.domain.greedy import greedy
from services.matching.domain.model import (
    BudgetContribution,
    Mode,
    Outcome,
    Sector,
    Slot,
    SolveStatus,
)
from services.matching.domain.rules import pooled_budget
from services.matching.domain.staffing import solve
from tests.unit.matching.builders import outcome, person, request, team
from tests.unit.matching.rules.harness import as_team, keys, model_allows, subsets

COUNCIL = BudgetContribution("council", Sector.PUBLIC, 1_000.0, restricted_to=Sector.PUBLIC)
TRUST = BudgetContribution("trust", Sector.THIRD_SECTOR, 500.0)
NAVIGATORS = Slot("navigator", 2, 0.5)


def pooled(*contributions: BudgetContribution) -> Outcome:
    return outcome(
        "o1",
        (NAVIGATORS,),
        days=10.0,
        budget=sum(c.amount for c in contributions),
        contributions=contributions,
    )


def test_restricted_money_pays_only_its_sector() -> None:
    o = pooled(COUNCIL, TRUST)
    # 1,000 for public staff only, 500 for anyone.
    assert pooled_budget.allows(o, {Sector.PUBLIC: 100_000, Sector.PRIVATE: 50_000})
    assert not pooled_budget.allows(o, {Sector.PRIVATE: 60_000})
    # Public staff beyond their 1,000 eat into the 500, leaving too little for private.
    assert not pooled_budget.allows(o, {Sector.PUBLIC: 120_000, Sector.PRIVATE: 40_000})
    assert pooled_budget.unpaid(o, {Sector.PUBLIC: 120_000, Sector.PRIVATE: 40_000}) == 10_000


def test_without_restrictions_the_rule_never_binds() -> None:
    o = pooled(TRUST, BudgetContribution("fund", Sector.PRIVATE, 300.0))
    assert pooled_budget.allows(o, {Sector.PRIVATE: 10**9})
    assert pooled_budget.cannot_bind(o, 10**9)


def test_uses_are_charged_to_restricted_money_first() -> None:
    o = pooled(TRUST, COUNCIL)
    uses = pooled_budget.allocate(o, {Sector.PUBLIC: 1_200.0, Sector.PRIVATE: 100.0})

    assert [(u.contribution.organisation, u.used) for u in uses] == [
        ("trust", 300.0),
        ("council", 1_000.0),
    ]


def test_solver_keeps_a_team_within_restricted_money() -> None:
    # Two navigators at 0.5 FTE for 10 days: public staff cost 500 each (rate 100),
    # private 600 each (rate 120). The total (1,500) would pay a private and a public
    # navigator, but private staff draw only on the 500 unrestricted.
    o = pooled(COUNCIL, TRUST)
    staffing = request(
        [o],
        [
            person("priv-a", {"navigator": 0.95}, sector=Sector.PRIVATE, day_rate=120.0),
            person("priv-b", {"navigator": 0.9}, sector=Sector.PRIVATE, day_rate=120.0),
            person("pub-a", {"navigator": 0.6}, day_rate=100.0),
            person("pub-b", {"navigator": 0.5}, day_rate=100.0),
        ],
    )
    result = solve(staffing)

    assert team(result, "o1") == {"pub-a": "navigator", "pub-b": "navigator"}
    uses = {u.contribution.organisation: u.used for u in result.contribution_uses}
    assert uses == {"council": 1_000.0, "trust": 0.0}


def test_greedy_respects_restricted_money() -> None:
    o = pooled(COUNCIL, TRUST)
    staffing = request(
        [o],
        [
            person("priv-a", {"navigator": 0.95}, sector=Sector.PRIVATE, day_rate=120.0),
            person("pub-a", {"navigator": 0.6}, day_rate=100.0),
            person("pub-b", {"navigator": 0.5}, day_rate=100.0),
        ],
    )
    result = greedy(staffing)

    assert "priv-a" not in team(result, "o1")
    assert len(result.assignments) == 2


def test_strict_request_names_the_contributions_rule() -> None:
    o = pooled(COUNCIL, TRUST)
    staffing = request(
        [o],
        [
            person("priv-a", {"navigator": 0.95}, sector=Sector.PRIVATE, day_rate=120.0),
            person("priv-b", {"navigator": 0.9}, sector=Sector.PRIVATE, day_rate=120.0),
        ],
        mode=Mode.STRICT,
    )
    result = solve(staffing)

    assert result.status is SolveStatus.INFEASIBLE
    rules = {c.rule: c.detail for c in result.conflicts}
    assert pooled_budget.rule_name("o1") in rules
    detail = rules[pooled_budget.rule_name("o1")]
    assert "1,000 from council for public staff only" in detail
    assert "private 1,200 beyond restricted money" in detail


def test_the_model_accepts_exactly_the_teams_the_predicate_accepts() -> None:
    target = outcome(
        "o1",
        (Slot("navigator", 4, 0.5),),
        days=10.0,
        budget=1_500.0,
        contributions=(COUNCIL, TRUST),
    )
    people = [
        person("pub-a", {"navigator": 0.8}, day_rate=100.0),
        person("pub-b", {"navigator": 0.8}, day_rate=120.0),
        person("priv", {"navigator": 0.8}, sector=Sector.PRIVATE, day_rate=80.0),
        person("third", {"navigator": 0.8}, sector=Sector.THIRD_SECTOR, day_rate=50.0),
    ]
    staffing = request([target], people)
    verdicts = set()

    for members in subsets(people):
        team = as_team(target, members)
        allowed = model_allows(staffing, keys(target, team), pooled_budget.rule_name("o1"))
        assert allowed == pooled_budget.holds(target, team), [p.person_id for p in members]
        verdicts.add(allowed)

    assert verdicts == {True, False}


def test_a_place_left_open_by_restricted_money_says_so() -> None:
    # 1,500 in all would pay one private navigator (600), but only 500 may pay them.
    o = pooled(COUNCIL, TRUST)
    staffing = request(
        [o],
        [
            person("priv-a", {"navigator": 0.95}, sector=Sector.PRIVATE, day_rate=120.0),
            person("priv-b", {"navigator": 0.9}, sector=Sector.PRIVATE, day_rate=120.0),
        ],
    )
    result = solve(staffing)

    assert result.assignments == ()
    assert [u.reason for u in result.unfilled] == [pooled_budget.no_room_reason(o)]
    assert "pays only public staff" in result.unfilled[0].reason
