"""The outcome list kept in memory, on the real Neo4j: through the service,
each write of this replica (create, update, close, delete) shows in the very
next list; across two replicas on one graph, another's write shows once the
kept page has had its time."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from lps.matching.v1 import matching_pb2
from services.common.graph import open_driver
from services.common.settings import Neo4jSettings
from services.matching.adapters.cached_outcomes import CachedOutcomeRepository
from services.matching.adapters.neo4j_outcomes import Neo4jOutcomeRepository
from services.matching.domain.model import LocalityRule, Outcome, Slot, TeamRules
from tests.integration.matching.test_learning import Stubs, close, past_outcome, stubs

pytestmark = [pytest.mark.neo4j, pytest.mark.integration]

# The fixture, imported for the tests of this module.
__all__ = ["stubs"]

TTL_S = 1.0


async def listed(stubs: Stubs) -> dict[str, matching_pb2.Outcome]:
    answer = await stubs.matching.ListOutcomes(matching_pb2.ListOutcomesRequest())
    return {item.id: item for item in answer.outcomes}


async def test_each_write_of_this_replica_shows_in_the_next_list(stubs: Stubs, people: Any) -> None:
    assert await listed(stubs) == {}
    await stubs.matching.CreateOutcome(
        matching_pb2.CreateOutcomeRequest(outcome=past_outcome("warm-homes"))
    )
    assert list(await listed(stubs)) == ["warm-homes"]

    renamed = past_outcome("warm-homes", title="Warm and dry homes")
    await stubs.matching.UpdateOutcome(matching_pb2.UpdateOutcomeRequest(outcome=renamed))
    assert (await listed(stubs))["warm-homes"].title == "Warm and dry homes"

    await close(stubs, "warm-homes")
    assert (await listed(stubs))["warm-homes"].state == matching_pb2.OUTCOME_STATE_CLOSED

    await stubs.matching.CreateOutcome(
        matching_pb2.CreateOutcomeRequest(outcome=past_outcome("food-north"))
    )
    await listed(stubs)
    await stubs.matching.DeleteOutcome(matching_pb2.DeleteOutcomeRequest(id="food-north"))
    assert list(await listed(stubs)) == ["warm-homes"]


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def riverside(title: str) -> Outcome:
    return Outcome(
        id="riverside",
        title=title,
        locality="riverside",
        priority=3,
        budget=0.0,
        start=date(2030, 1, 1),
        end=date(2030, 6, 30),
        days=10.0,
        slots=(Slot("caseworker", 1, 1.0),),
        rules=TeamRules(locality=LocalityRule.ANY),
    )


async def test_another_replicas_write_shows_here_once_the_page_has_had_its_time(
    graph: Neo4jSettings,
) -> None:
    driver = open_driver(graph)
    try:
        clock = Clock()
        here = CachedOutcomeRepository(
            Neo4jOutcomeRepository(driver, graph.database), TTL_S, clock=clock
        )
        there = CachedOutcomeRepository(Neo4jOutcomeRepository(driver, graph.database), TTL_S)
        await there.add(riverside("Riverside"))
        assert [o.title for o in (await here.page("", 10, "")).outcomes] == ["Riverside"]

        await there.replace(riverside("Riverside, renamed"))
        clock.now += TTL_S / 2
        assert [o.title for o in (await here.page("", 10, "")).outcomes] == ["Riverside"]
        clock.now += TTL_S / 2
        assert [o.title for o in (await here.page("", 10, "")).outcomes] == ["Riverside, renamed"]
    finally:
        await driver.close()
