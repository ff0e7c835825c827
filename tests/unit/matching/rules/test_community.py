"""Minimum community members: the model (hard and soft), the predicate and the wording agree."""

from __future__ import annotations

from services.matching.domain.eligibility import build_pool
from services.matching.domain.model import Conflict, Mode, Sector, SolveStatus, TeamRules
from services.matching.domain.rules import community
from services.matching.domain.rules.facts import PoolFacts
from services.matching.domain.staffing import solve
from tests.unit.matching.builders import outcome, person, request
from tests.unit.matching.rules.harness import assert_minimum_rule_agrees, open_slot

FIT = {"navigator": 0.8}
PEOPLE = [
    person("a", FIT, sector=Sector.PUBLIC),
    person("b", FIT, sector=Sector.COMMUNITY),
    person("c", FIT, sector=Sector.COMMUNITY),
    person("d", FIT, sector=Sector.PRIVATE),
]
NAME = community.rule_name("o1")


def test_the_model_and_the_predicate_agree_on_every_team() -> None:
    target = outcome("o1", (open_slot(3),), rules=TeamRules(min_community_members=2))
    staffing = request([target], PEOPLE)

    assert_minimum_rule_agrees(
        staffing, target, NAME, community.RULE.holds, community.shortfalls, max_team=3
    )


def test_too_few_community_members_is_told_in_the_rules_words() -> None:
    target = outcome("o1", (open_slot(3),), rules=TeamRules(min_community_members=3))
    staffing = request([target], PEOPLE, mode=Mode.STRICT)

    result = solve(staffing)

    assert result.status is SolveStatus.INFEASIBLE
    wording = community.describe(PoolFacts(staffing, build_pool(staffing)), target)
    assert result.conflicts == (Conflict(NAME, wording),)
    assert "only 2 eligible community members are available" in wording
