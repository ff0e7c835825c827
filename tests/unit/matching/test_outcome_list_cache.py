"""The outcome list kept in memory (adapters/cached_outcomes.py) over the fake
repository: pages are kept for their time, and every write path of this
replica (create, update, delete, close) drops them before it returns."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field, replace
from datetime import date

import pytest

from services.common.errors import NotFound
from services.matching.adapters.cached_outcomes import CachedOutcomeRepository
from services.matching.domain.learning import ClosingDraft
from services.matching.domain.model import Assessment, Measure, OutcomeState, Slot
from services.matching.service.learning import LearningService
from services.matching.service.outcomes import OutcomeService
from services.matching.service.ports import OutcomePage
from tests.unit.matching.builders import outcome, person
from tests.unit.matching.fake_skills import FakeSkills
from tests.unit.matching.fakes import FakeOutcomeRepository
from tests.unit.matching.test_learning_service import NOW, FakeLearningRepository

TTL_S = 1.0
NAVIGATOR = (Slot("navigator", 1, 1.0),)


@dataclass
class CountingOutcomes(FakeOutcomeRepository):
    """Counts the pages read from the store."""

    pages_read: int = 0

    async def page(self, locality: str, page_size: int, after_id: str) -> OutcomePage:
        self.pages_read += 1
        return await super().page(locality, page_size, after_id)


@dataclass
class Clock:
    now: float = 100.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Replica:
    store: CountingOutcomes
    cached: CachedOutcomeRepository
    clock: Clock = field(default_factory=Clock)

    @property
    def outcomes(self) -> OutcomeService:
        return OutcomeService(self.cached, FakeSkills([person("ann", {"navigator": 1.0})]))

    async def titles(self) -> list[str]:
        listed, _ = await self.outcomes.list("", 0, "")
        return [o.title for o in listed]


@pytest.fixture
def replica() -> Replica:
    past = outcome(
        "past",
        NAVIGATOR,
        start=date(2030, 1, 1),
        end=date(2030, 6, 30),
        measures=(Measure("lonely", "Lonely", "people", 40.0, 20.0),),
    )
    store = CountingOutcomes({"riverside": outcome("riverside", NAVIGATOR), "past": past})
    clock = Clock()
    return Replica(store, CachedOutcomeRepository(store, TTL_S, clock=clock), clock)


async def test_a_page_is_read_once_within_its_time_and_again_after(replica: Replica) -> None:
    assert await replica.titles() == ["Past", "Riverside"]
    replica.clock.now += TTL_S / 2
    assert await replica.titles() == ["Past", "Riverside"]
    assert replica.store.pages_read == 1
    replica.clock.now += TTL_S
    await replica.titles()
    assert replica.store.pages_read == 2


async def test_another_replicas_write_shows_once_the_page_has_had_its_time(
    replica: Replica,
) -> None:
    await replica.titles()
    # Written past this replica: straight into the store.
    await replica.store.add(outcome("hillcrest", NAVIGATOR))
    assert await replica.titles() == ["Past", "Riverside"]
    replica.clock.now += TTL_S
    assert await replica.titles() == ["Hillcrest", "Past", "Riverside"]


async def test_pages_differ_by_locality_size_and_position(replica: Replica) -> None:
    await replica.store.add(outcome("hillcrest", NAVIGATOR, locality="hillcrest"))
    everything, _ = await replica.outcomes.list("", 0, "")
    local, _ = await replica.outcomes.list("hillcrest", 0, "")
    first, token = await replica.outcomes.list("", 1, "")
    second, _ = await replica.outcomes.list("", 1, token)
    assert [o.id for o in everything] == ["hillcrest", "past", "riverside"]
    assert [o.id for o in local] == ["hillcrest"]
    assert [o.id for o in first + second] == ["hillcrest", "past"]
    assert replica.store.pages_read == 4


async def test_creating_an_outcome_lists_it_at_once(replica: Replica) -> None:
    await replica.titles()
    await replica.outcomes.create(outcome("hillcrest", NAVIGATOR))
    assert await replica.titles() == ["Hillcrest", "Past", "Riverside"]


async def test_updating_an_outcome_lists_the_change_at_once(replica: Replica) -> None:
    await replica.titles()
    await replica.outcomes.update(outcome("riverside", NAVIGATOR, title="Riverside, renamed"))
    assert await replica.titles() == ["Past", "Riverside, renamed"]


async def test_deleting_an_outcome_drops_it_from_the_list_at_once(replica: Replica) -> None:
    await replica.titles()
    await replica.outcomes.delete("riverside")
    assert await replica.titles() == ["Past"]


async def test_closing_an_outcome_lists_it_closed_at_once(replica: Replica) -> None:
    listed, _ = await replica.outcomes.list("", 0, "")
    assert {o.id: o.state for o in listed}["past"] is OutcomeState.OPEN
    # Closing writes through the learning repository, past the cached outcomes.
    learning = LearningService(
        replica.cached, FakeLearningRepository(replica.store), clock=lambda: NOW
    )
    await learning.close(ClosingDraft("past", Assessment.MET, "reviewed", ""))
    listed, _ = await replica.outcomes.list("", 0, "")
    assert {o.id: o.state for o in listed}["past"] is OutcomeState.CLOSED


async def test_a_failed_write_drops_the_pages_too(replica: Replica) -> None:
    await replica.titles()
    with pytest.raises(NotFound):
        await replica.cached.delete("nowhere")
    await replica.titles()
    assert replica.store.pages_read == 2


@dataclass
class SlowOutcomes(CountingOutcomes):
    """A read that waits, holding what the store had when it began."""

    release: asyncio.Event = field(default_factory=asyncio.Event)

    async def page(self, locality: str, page_size: int, after_id: str) -> OutcomePage:
        before = await super().page(locality, page_size, after_id)
        await self.release.wait()
        return before


async def test_a_read_that_a_write_overlapped_is_not_kept() -> None:
    store = SlowOutcomes({"riverside": outcome("riverside", NAVIGATOR)})
    cached = CachedOutcomeRepository(store, TTL_S, clock=Clock())
    reading = asyncio.create_task(cached.page("", 10, ""))
    await asyncio.sleep(0)
    await cached.replace(replace(store.items["riverside"], title="Renamed"))
    store.release.set()
    assert [o.title for o in (await reading).outcomes] == ["Riverside"]
    assert [o.title for o in (await cached.page("", 10, "")).outcomes] == ["Renamed"]


async def test_no_time_keeps_nothing() -> None:
    store = CountingOutcomes({"riverside": outcome("riverside", NAVIGATOR)})
    cached = CachedOutcomeRepository(store, 0.0, clock=Clock())
    await cached.page("", 10, "")
    await cached.page("", 10, "")
    assert store.pages_read == 2
