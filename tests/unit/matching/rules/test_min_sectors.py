"""Minimum sectors: the model (hard and soft), the predicate and the wording agree."""

from __future__ import annotations

from services.matching.domain.eligibility import build_pool
from services.matching.domain.model import Conflict, Mode, Sector, SolveStatus, TeamRules
from services.matching.domain.rules import min_sectors
from services.matching.domain.rules.facts import PoolFacts
from services.matching.domain.staffing import solve
from tests.unit.matching.builders import outcome, person, request
from tests.unit.matching.rules.harness import (
    as_team,
    keys,
    model_allows,
    model_shortfall,
    open_slot,
    subsets,
)

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
    verdicts = set()

    for members in subsets(PEOPLE):
        team = as_team(target, members)
        chosen = keys(target, team)
        allowed = model_allows(staffing, chosen, NAME)
        assert allowed == min_sectors.RULE.holds(target, team), [p.person_id for p in members]
        assert model_shortfall(staffing, chosen, NAME) == min_sectors.shortfalls(target, team)[NAME]
        verdicts.add(allowed)

    assert verdicts == {True, False}


def test_too_few_sectors_among_the_eligible_is_told_in_the_rules_words() -> None:
    target = outcome("o1", (open_slot(2),), rules=TeamRules(min_sectors=2))
    staffing = request([target], PEOPLE[:2], mode=Mode.STRICT)

    result = solve(staffing)

    assert result.status is SolveStatus.INFEASIBLE
    wording = min_sectors.describe(PoolFacts(staffing, build_pool(staffing)), target)
    assert result.conflicts == (Conflict(NAME, wording),)
    assert "eligible candidates come from 1 (public)" in wording
