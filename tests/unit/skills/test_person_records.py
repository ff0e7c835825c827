"""GetPerson and ListPeople over the person-record cache, on the fakes and the
real index keeper: what they ask of storage, and that no write is hidden."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import date
from typing import Any, cast

import pytest

from services.common.errors import NotFound
from services.skills.domain.model import LevelClaim, PeopleFilter, Person, Role
from services.skills.service.clock import Clock
from services.skills.service.index_keeper import IndexKeeper
from services.skills.service.people import PeopleService
from services.skills.service.person_cache import PersonCache
from services.skills.service.ports import IndexChange, IndexRecords, ScoringReads
from tests.unit.skills.fakes import FakePeopleRepository, FakeSkills, FakeStore, skills_over


async def with_people(*ids: str, person_cache_size: int = 100) -> FakeSkills:
    skills = await skills_over(FakeStore(), person_cache_size=person_cache_size)
    for person_id in ids:
        await skills.people.upsert_person(Person(id=person_id, name=person_id, sector="public"))
    # Nothing cached to start with (an upsert answers with the record it read).
    skills.people.records.drop_all()
    skills.store.calls.clear()
    return skills


def levels_of(person: Person) -> dict[str, int]:
    return {c.skill_id: c.level for c in person.skills}


async def test_a_second_get_person_makes_no_repository_read() -> None:
    skills = await with_people("ann")
    first = await skills.people.get_person("ann")
    second = await skills.people.get_person("ann")
    assert first == second
    assert skills.store.calls == ["get_person"]


async def test_with_the_cache_off_every_get_person_reads_the_repository() -> None:
    skills = await with_people("ann", person_cache_size=0)
    await skills.people.get_person("ann")
    await skills.people.get_person("ann")
    assert skills.store.calls == ["get_person", "get_person"]


async def test_a_level_written_here_is_answered_from_what_the_index_reload_read() -> None:
    skills = await with_people("ann")
    await skills.people.get_person("ann")
    await skills.levels.set_level("ann", LevelClaim("empathy", 3, evidence="review"))
    assert skills.store.calls == ["get_person", "set_level", "people_for_index"]
    skills.store.calls.clear()
    answer = await skills.people.get_person("ann")
    assert [(c.level, c.evidence) for c in answer.skills] == [(3, "review")]
    assert skills.store.calls == []


async def test_a_record_dropped_without_a_reload_is_read_again() -> None:
    skills = await with_people("ann")
    await skills.people.get_person("ann")
    skills.keeper.mark_stale(["ann"])
    await skills.people.get_person("ann")
    assert skills.store.calls == ["get_person", "get_person"]


async def test_a_level_removed_and_a_record_rewritten_here_are_seen_at_once() -> None:
    skills = await with_people("ann")
    await skills.levels.set_level("ann", LevelClaim("empathy", 3))
    await skills.people.get_person("ann")
    await skills.levels.remove_level("ann", "empathy")
    assert levels_of(await skills.people.get_person("ann")) == {}
    await skills.people.upsert_person(Person(id="ann", name="Ann Lee", sector="private"))
    answer = await skills.people.get_person("ann")
    assert (answer.name, answer.sector) == ("Ann Lee", "private")


async def test_claims_expire_on_the_day_of_the_request_even_when_cached() -> None:
    today = [date(2026, 12, 1)]
    store = FakeStore()
    skills = await skills_over(store, today=date(2026, 12, 1))
    skills.people.clock = Clock(today=lambda: today[0])
    await skills.people.upsert_person(Person(id="ann", name="ann", sector="public"))
    await skills.levels.set_level("ann", LevelClaim("empathy", 3, valid_until="2026-12-02"))
    assert levels_of(await skills.people.get_person("ann")) == {"empathy": 3}
    today[0] = date(2026, 12, 3)
    store.calls.clear()
    assert levels_of(await skills.people.get_person("ann")) == {}
    assert store.calls == []


async def test_an_erased_person_is_not_served_from_the_cache() -> None:
    skills = await with_people("ann", "bob")
    await skills.people.get_person("ann")
    await skills.people.list_people(PeopleFilter(), 10, "")
    await skills.people.erase_person("ann")
    with pytest.raises(NotFound):
        await skills.people.get_person("ann")
    page = await skills.people.list_people(PeopleFilter(), 10, "")
    assert [p.id for p in page.items] == ["bob"]


async def test_list_people_reads_only_the_people_not_cached_in_one_read() -> None:
    skills = await with_people("a1", "a2", "a3", "a4")
    await skills.people.get_person("a2")
    await skills.people.get_person("a4")
    reads: list[list[str]] = []
    original = skills.people.people.people_by_ids

    async def recorded(ids: Sequence[str], time_left_s: float | None = None) -> list[Person]:
        reads.append(list(ids))
        return await original(ids, time_left_s)

    skills.people.people.people_by_ids = recorded  # type: ignore[method-assign]
    page = await skills.people.list_people(PeopleFilter(), 3, "")
    assert ([p.id for p in page.items], page.next_page_token != "") == (["a1", "a2", "a3"], True)
    assert reads == [["a1", "a3"]]
    again = await skills.people.list_people(PeopleFilter(), 3, "")
    assert (again, reads) == (page, [["a1", "a3"]])


class HeldPeopleRepository(FakePeopleRepository):
    """Reads the record at once, then holds the answer until released."""

    def __init__(self, store: FakeStore) -> None:
        super().__init__(store)
        self.release = asyncio.Event()
        self.reading = asyncio.Event()

    async def get_person(self, person_id: str, time_left_s: float | None = None) -> Person:
        person = await super().get_person(person_id, time_left_s)
        self.reading.set()
        await self.release.wait()
        return person


async def test_a_read_begun_before_a_write_does_not_leave_its_record_cached() -> None:
    skills = await with_people("ann")
    held = HeldPeopleRepository(skills.store)
    racing = PeopleService(held, skills.keeper, skills.people.clock, skills.people.records)
    read = asyncio.create_task(racing.get_person("ann"))
    await held.reading.wait()
    await skills.levels.set_level("ann", LevelClaim("empathy", 3))
    held.release.set()
    assert levels_of(await read) == {}
    # What the read saw before the write is not what the cache holds now.
    assert levels_of(await skills.people.get_person("ann")) == {"empathy": 3}


class FeedReads:
    """The index's reads of a graph another replica writes to; `changes` is its feed."""

    def __init__(self, people: dict[str, int]) -> None:
        self.levels = people
        self.changes: list[IndexChange] = []

    async def person_ids(self) -> list[str]:
        return sorted(self.levels)

    async def people_for_index(
        self, person_ids: Sequence[str], with_records: bool = False
    ) -> IndexRecords:
        found = [p for p in person_ids if p in self.levels]
        return IndexRecords(
            people=[Person(id=p, name=p, sector="public") for p in found],
            claims=[(p, "empathy", self.levels[p], "self", "", "") for p in found],
        )

    async def catalogue_for_index(self) -> tuple[list[Role], dict[str, Any]]:
        return [], {}

    async def changes_since(self, since_ms: int) -> tuple[int, list[IndexChange]]:
        return 1_000 + len(self.changes), list(self.changes)

    def write_elsewhere(self, change: IndexChange) -> None:
        self.changes.append(change)


@pytest.mark.parametrize(
    ("change", "kept"),
    [
        (IndexChange("c1", 1_000, ("ann",), False), {"bob"}),
        (IndexChange("c1", 1_000, (), True), set()),
        (IndexChange("c1", 1_000, (), False, erasure=True), set()),
    ],
    ids=["a person changed", "the catalogue changed", "someone was erased"],
)
async def test_another_replicas_change_drops_what_it_may_have_changed(
    change: IndexChange, kept: set[str]
) -> None:
    reads = FeedReads({"ann": 1, "bob": 2})
    records = PersonCache(10)
    keeper = IndexKeeper(cast(ScoringReads, reads), lambda: date(2026, 12, 1), None, None, records)
    await keeper.build()
    for person_id in ("ann", "bob"):
        records.put(Person(id=person_id, name=person_id, sector="public"), records.ticket())
    reads.write_elsewhere(change)
    await keeper.poll_once()
    assert {p for p in ("ann", "bob") if records.get(p) is not None} == kept


async def test_a_rebuild_and_people_marked_stale_drop_their_records() -> None:
    reads = FeedReads({"ann": 1, "bob": 2})
    records = PersonCache(10)
    keeper = IndexKeeper(cast(ScoringReads, reads), lambda: date(2026, 12, 1), None, None, records)
    await keeper.build()
    for person_id in ("ann", "bob"):
        records.put(Person(id=person_id, name=person_id, sector="public"), records.ticket())
    keeper.mark_stale(["ann"])
    assert (records.get("ann"), len(records)) == (None, 1)
    await keeper.build_from_graph()
    assert len(records) == 0
