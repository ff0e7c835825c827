"""The greedy baseline honours capacity and budget, and serves minimum rules first."""

from __future__ import annotations

from services.matching.domain.greedy import greedy
from services.matching.domain.model import Sector, Slot, TeamRules
from tests.unit.matching.builders import outcome, person, request, team


def test_greedy_never_overbooks_a_person_or_a_budget() -> None:
    slot = Slot("navigator", 1, 0.6)
    people = [
        person("ann", {"navigator": 0.9}, day_rate=100),
        person("bob", {"navigator": 0.8}, day_rate=300),
        person("cat", {"navigator": 0.5}, day_rate=50),
    ]
    # Bob costs 300 x 10 x 0.6 = 1,800, over o2's budget; Ann cannot do both.
    staffing = request(
        [outcome("o1", (slot,), priority=5), outcome("o2", (slot,), budget=1000)], people
    )

    result = greedy(staffing)

    assert team(result, "o1") == {"ann": "navigator"}
    assert team(result, "o2") == {"cat": "navigator"}


def test_greedy_takes_a_community_member_first_when_the_outcome_needs_one() -> None:
    slot = Slot("navigator", 2, 0.2)
    people = [
        person("a", {"navigator": 0.9}),
        person("b", {"navigator": 0.8}),
        person("vol", {"navigator": 0.4}, sector=Sector.COMMUNITY),
    ]
    rules = TeamRules(min_community_members=1)

    result = greedy(request([outcome("o1", (slot,), rules=rules)], people))

    assert team(result, "o1") == {"a": "navigator", "vol": "navigator"}
