"""Maximum sector share: the model, the predicate and the wording agree."""

from __future__ import annotations

import pytest

from services.matching.domain.eligibility import build_pool
from services.matching.domain.model import Conflict, Mode, Sector, SolveStatus, TeamRules
from services.matching.domain.rules import sector_share
from services.matching.domain.rules.facts import PoolFacts
from services.matching.domain.staffing import solve
from tests.unit.matching.builders import outcome, person, request
from tests.unit.matching.rules.harness import as_team, keys, model_allows, open_slot, subsets

FIT = {"navigator": 0.8}
PEOPLE = [
    person("a", FIT, sector=Sector.PUBLIC),
    person("b", FIT, sector=Sector.PUBLIC),
    person("c", FIT, sector=Sector.PUBLIC),
    person("d", FIT, sector=Sector.PRIVATE),
    person("e", FIT, sector=Sector.COMMUNITY),
]


@pytest.mark.parametrize("share", [0.34, 0.5, 0.67])
def test_the_model_accepts_exactly_the_teams_the_predicate_accepts(share: float) -> None:
    target = outcome("o1", (open_slot(5),), rules=TeamRules(max_sector_share=share))
    staffing = request([target], PEOPLE)
    verdicts = set()

    for members in subsets(PEOPLE):
        team = as_team(target, members)
        allowed = model_allows(staffing, keys(target, team), sector_share.rule_name("o1"))
        assert allowed == sector_share.holds(target, team), [p.person_id for p in members]
        verdicts.add(allowed)

    assert verdicts == {True, False}


def test_no_share_or_a_share_of_one_or_more_means_no_limit() -> None:
    for share in (None, 1.0, 1.5):
        assert not sector_share.is_limited(share)
        assert sector_share.within([3, 0], share)
    assert sector_share.within([1, 1], 0.5)
    assert not sector_share.within([2, 1], 0.5)
    # Whole percent: 0.67 allows two of three (200 <= 67 x 3).
    assert sector_share.allows(2, 3, 0.67)
    assert not sector_share.allows(2, 3, 0.66)


def test_a_team_that_cannot_keep_the_share_is_told_in_the_rules_words() -> None:
    public = [p for p in PEOPLE if p.sector is Sector.PUBLIC]
    target = outcome("o1", (open_slot(2),), rules=TeamRules(max_sector_share=0.5))
    staffing = request([target], public, mode=Mode.STRICT)

    result = solve(staffing)

    assert result.status is SolveStatus.INFEASIBLE
    wording = sector_share.describe(PoolFacts(staffing, build_pool(staffing)), target)
    assert Conflict(sector_share.rule_name("o1"), wording) in result.conflicts
    assert "at most 50% of its team from one sector" in wording
