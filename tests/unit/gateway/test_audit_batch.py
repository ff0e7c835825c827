"""Audit entries of concurrent writes stored together: each caller returns once
its own entry is stored, or with the error that stopped the write it was in."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime

import pytest

from services.gateway.domain.audit import AuditCursor, AuditEntry
from services.gateway.service.audit_batch import GroupedAuditLog


def entry(number: int) -> AuditEntry:
    return AuditEntry(
        id=f"e{number}",
        key_id="key_1",
        action="set_level",
        target=f"/v1/people/p{number}",
        at=datetime(2030, 1, 1, tzinfo=UTC),
        request_id=f"r{number}",
        status=200,
    )


class GatedStore:
    """Stores entries when let through, one gate per write, noting each write."""

    def __init__(self) -> None:
        self.writes: list[list[str]] = []
        self.gates: dict[int, asyncio.Event] = {}
        self.started = 0
        self.failure: Exception | None = None

    def gate(self, write: int) -> asyncio.Event:
        return self.gates.setdefault(write, asyncio.Event())

    async def record_all(self, entries: Sequence[AuditEntry]) -> None:
        gate = self.gate(self.started)
        self.started += 1
        await gate.wait()
        if self.failure is not None:
            raise self.failure
        self.writes.append([e.id for e in entries])

    async def record(self, entry: AuditEntry) -> None:
        await self.record_all([entry])

    async def list_entries(
        self, page_size: int, after: AuditCursor | None, key_id: str | None
    ) -> list[AuditEntry]:
        return []


async def let_through(store: GatedStore, write: int) -> None:
    store.gate(write).set()


async def test_entries_arriving_during_a_write_are_stored_together_in_the_next() -> None:
    store = GatedStore()
    log = GroupedAuditLog(store)
    first = asyncio.create_task(log.record(entry(1)))
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    waiting = [asyncio.create_task(log.record(entry(n))) for n in (2, 3, 4)]
    await asyncio.sleep(0)
    assert not first.done()

    await let_through(store, 0)
    await first
    assert store.writes == [["e1"]]
    assert not any(task.done() for task in waiting)

    await let_through(store, 1)
    await asyncio.gather(*waiting)
    assert store.writes == [["e1"], ["e2", "e3", "e4"]]


async def test_a_write_holds_at_most_its_bound_and_the_rest_follow() -> None:
    store = GatedStore()
    log = GroupedAuditLog(store, max_entries=2)
    tasks = [asyncio.create_task(log.record(entry(n))) for n in range(5)]
    for write in range(3):
        await let_through(store, write)
    await asyncio.gather(*tasks)
    assert store.writes == [["e0", "e1"], ["e2", "e3"], ["e4"]]


async def test_every_caller_of_a_failed_write_gets_its_error_and_later_ones_are_written() -> None:
    store = GatedStore()
    log = GroupedAuditLog(store)
    store.failure = ConnectionError("graph away")
    failing = [asyncio.create_task(log.record(entry(n))) for n in (1, 2)]
    await let_through(store, 0)
    for task in failing:
        with pytest.raises(ConnectionError):
            await task
    store.failure = None
    later = asyncio.create_task(log.record(entry(3)))
    await let_through(store, 1)
    await later
    assert store.writes == [["e3"]]
