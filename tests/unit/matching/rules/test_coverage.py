"""Skill coverage: the model (hard and soft), the predicate and the wording agree."""

from __future__ import annotations

from services.matching.domain.candidate_table import build_table
from services.matching.domain.eligibility import build_pool
from services.matching.domain.model import Conflict, Mode, SkillCoverage, SolveStatus
from services.matching.domain.rules import coverage
from services.matching.domain.rules.facts import PoolFacts
from services.matching.domain.staffing import solve
from tests.unit.matching.builders import outcome, person, request
from tests.unit.matching.rules.harness import assert_minimum_rule_agrees, open_slot

FIT = {"navigator": 0.8}
PEOPLE = [
    person("a", FIT, levels={"welsh": 3}),
    person("b", FIT, levels={"welsh": 2}),
    person("c", FIT, levels={"welsh": 4}),
    person("d", FIT),
]
WELSH = SkillCoverage("welsh", min_level=3, min_people=2)
NAME = coverage.rule_name("o1", "welsh")


def test_the_model_and_the_predicate_agree_on_every_team() -> None:
    target = outcome("o1", (open_slot(4),), skill_coverage=(WELSH,))
    staffing = request([target], PEOPLE)

    assert_minimum_rule_agrees(staffing, target, NAME, coverage.RULE.holds, coverage.shortfalls)


def test_the_column_and_the_candidate_count_the_same_holders() -> None:
    table = build_table(request([], PEOPLE))

    assert coverage.holders_mask(table, WELSH).tolist() == [
        coverage.counts_for(p, WELSH) for p in PEOPLE
    ]


def test_too_few_holders_is_told_in_the_rules_words() -> None:
    target = outcome("o1", (open_slot(2),), skill_coverage=(WELSH,))
    staffing = request([target], PEOPLE[:2], mode=Mode.STRICT)

    result = solve(staffing)

    assert result.status is SolveStatus.INFEASIBLE
    wording = coverage.describe_coverage(PoolFacts(staffing, build_pool(staffing)), target, WELSH)
    assert result.conflicts == (Conflict(NAME, wording),)
    assert "only 1 eligible candidate has it" in wording
