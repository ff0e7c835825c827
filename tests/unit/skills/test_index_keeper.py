"""The keeper's write-through: concurrent writers share one graph read."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import date
from typing import Any, cast

import pytest

from services.skills.domain.model import Person
from services.skills.service.index_keeper import IndexKeeper
from services.skills.service.ports import IndexRecords, ScoringReads


class SlowPeopleReads:
    """Serves `people_for_index` only; the first read waits until released."""

    def __init__(self) -> None:
        self.reads: list[list[str]] = []
        self.release = asyncio.Event()
        self.fail_next = False

    async def people_for_index(
        self, person_ids: Sequence[str], with_records: bool = False
    ) -> IndexRecords:
        self.reads.append(sorted(person_ids))
        await self.release.wait()
        if self.fail_next:
            self.fail_next = False
            raise ConnectionError("graph went away")
        people = [Person(id=p, name=p, sector="public") for p in person_ids]
        return IndexRecords(
            people=people, claims=[(p, "empathy", 2, "self", "", "") for p in person_ids]
        )


def keeper_over(reads: SlowPeopleReads) -> IndexKeeper:
    keeper = IndexKeeper(cast(ScoringReads, cast(Any, reads)), lambda: date(2026, 12, 1))
    keeper.ready = True
    return keeper


async def test_writers_waiting_behind_a_reload_are_served_by_one_more_read() -> None:
    reads = SlowPeopleReads()
    keeper = keeper_over(reads)
    first = asyncio.create_task(keeper.refresh_people(["p0"]))
    await asyncio.sleep(0)
    waiting = [asyncio.create_task(keeper.refresh_people([f"p{i}"])) for i in range(1, 11)]
    await asyncio.sleep(0)
    reads.release.set()
    await asyncio.gather(first, *waiting)
    assert reads.reads == [["p0"], sorted(f"p{i}" for i in range(1, 11))]
    assert sorted(keeper.index.person_ids()) == sorted(f"p{i}" for i in range(11))


async def test_a_failed_reload_reaches_its_writers_and_is_retried_by_the_next_poll() -> None:
    reads = SlowPeopleReads()
    reads.fail_next = True
    reads.release.set()
    keeper = keeper_over(reads)
    with pytest.raises(ConnectionError):
        await keeper.refresh_people(["p1", "p2"])
    assert keeper._stale == {"p1", "p2"}
    await keeper.refresh_people(["p3"])
    assert keeper.index.person_ids() == ["p3"]
