"""Budget: the model, the predicate and the wording agree."""

from __future__ import annotations

from services.matching.domain.eligibility import build_pool
from services.matching.domain.model import Conflict, Mode, Sector, SolveStatus
from services.matching.domain.rules import budget
from services.matching.domain.rules.facts import PoolFacts
from services.matching.domain.staffing import solve
from tests.unit.matching.builders import outcome, person, request
from tests.unit.matching.rules.harness import as_team, keys, model_allows, open_slot, subsets

FIT = {"navigator": 0.8}
# Ten days at half time: 500, 1,000 and 1,500; volunteers cost nothing.
PEOPLE = [
    person("a", FIT, day_rate=100),
    person("b", FIT, day_rate=200),
    person("c", FIT, day_rate=300),
    person("d", FIT, day_rate=300, sector=Sector.COMMUNITY),
]


def test_the_model_accepts_exactly_the_teams_the_predicate_accepts() -> None:
    target = outcome("o1", (open_slot(4),), budget=1_500, days=10)
    staffing = request([target], PEOPLE)
    verdicts = set()

    for members in subsets(PEOPLE):
        team = as_team(target, members)
        allowed = model_allows(staffing, keys(target, team), budget.rule_name("o1"))
        assert allowed == budget.holds(target, team), [p.person_id for p in members]
        verdicts.add(allowed)

    assert verdicts == {True, False}


def test_the_budget_is_whole_hundredths_and_inclusive() -> None:
    target = outcome("o1", (open_slot(1),), budget=10.0)

    assert budget.within_budget(target, [1000])
    assert not budget.within_budget(target, [1001])


def test_a_budget_no_team_keeps_is_told_in_the_rules_words() -> None:
    target = outcome("o1", (open_slot(2),), budget=900, days=10)
    staffing = request([target], PEOPLE[:3], mode=Mode.STRICT)

    result = solve(staffing)

    assert result.status is SolveStatus.INFEASIBLE
    wording = budget.describe(PoolFacts(staffing, build_pool(staffing)), target)
    assert Conflict(budget.rule_name("o1"), wording) in result.conflicts
    assert "cost at least 1,500" in wording
