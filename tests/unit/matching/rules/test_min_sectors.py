"""Minimum sectors: the model (hard and soft), the predicate and the wording agree."""

from __future__ import annotations

from services.matching.domain.eligibility import build_pool
from services.matching.domain.model import Conflict, Mode, Sector, SolveStatus, TeamRules
from services.matching.domain.rules import min_sectors
from services.matching.domain.rules.facts import PoolFacts
from services.matching.domain.staffing import solve
from tests.unit.matching.builders import outcome, person, request
from tests.unit.matching.rules.harness import assert_minimum_rule_agrees, open_slot

FIT = {"navigator": 0.8}
PEOPLE = [
    person("a", FIT, sector=Sector.PUBLIC),
    person("b", FIT, sector=Sector.PUBLIC),
    person("c", FIT, sector=Sector.PRIVATE),
    person("d", FIT, sector=Sector.THIRD_SECTOR),
]
NAME = min_sectors.rule_name("o1")


def test_the_model_and_the_predicate_agree_on_every_team() -> None:
    target = outcome("o1", (open_slot(4),), rules=TeamRules(min_sectors=3))
    staffing = request([target], PEOPLE)

    assert_minimum_rule_agrees(
        staffing, target, NAME, min_sectors.RULE.holds, min_sectors.shortfalls
    )


def test_too_few_sectors_among_the_eligible_is_told_in_the_rules_words() -> None:
    target = outcome("o1", (open_slot(2),), rules=TeamRules(min_sectors=2))
    staffing = request([target], PEOPLE[:2], mode=Mode.STRICT)

    result = solve(staffing)

    assert result.status is SolveStatus.INFEASIBLE
    wording = min_sectors.describe(PoolFacts(staffing, build_pool(staffing)), target)
    assert result.conflicts == (Conflict(NAME, wording),)
    assert "eligible candidates come from 1 (public)" in wording
