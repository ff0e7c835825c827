"""One streamed import of people: each row validated as it arrives, good rows
written in batches.

One batch is written while the next is read and validated, so the graph and
this process work at the same time; never more than one write is in flight,
so batches commit in stream order. The import answers only once this
replica's scoring index holds every row written."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence

from services.skills.domain.model import ImportSummary, PersonImport, RowError
from services.skills.domain.validation import validate_person_import
from services.skills.service.clock import Clock
from services.skills.service.ports import IndexWriteThrough, PeopleRepository

# People per write transaction: with 25 levels each, a few thousand rows.
IMPORT_BATCH_PEOPLE = 200
# Written people reloaded into the index at a time, which touches each level
# column once rather than once per batch.
INDEX_REFRESH_PEOPLE = 2_000


class PeopleImport:
    def __init__(self, people: PeopleRepository, index: IndexWriteThrough, clock: Clock) -> None:
        self.people = people
        self.index = index
        self.clock = clock
        self.summary = ImportSummary()
        self._seen_ids: dict[str, int] = {}
        self._writing: asyncio.Task[None] | None = None
        # Written people not yet reloaded into the index.
        self._written: list[str] = []

    async def run(self, rows: AsyncIterator[PersonImport]) -> ImportSummary:
        batch: list[tuple[int, PersonImport]] = []
        number = 0
        try:
            async for row in rows:
                number += 1
                if self._accepts(number, row):
                    batch.append((number, row))
                if len(batch) >= IMPORT_BATCH_PEOPLE:
                    await self._start_writing(batch)
                    batch = []
            await self._finish_writing()
            if batch:
                self._written.extend(row.person.id for _, row in batch)
                await self._write(batch)
            await self.index.refresh_people(self._written)
            self._written = []
        finally:
            await self._stop_writing()
            # Whatever was written and not yet reloaded reaches the index at the next poll.
            self.index.mark_stale(self._written)
        self.summary.errors.sort(key=lambda e: e.row)
        return self.summary

    def _accepts(self, number: int, row: PersonImport) -> bool:
        problems = validate_person_import(row.person, row.levels, row.keep_stored)
        earlier = self._seen_ids.get(row.person.id)
        if earlier is not None:
            problems.append(("person.id", f"already given in row {earlier}"))
        if problems:
            self.summary.rejected += 1
            self.summary.errors.extend(
                RowError(number, row.person.id[:200], field, reason) for field, reason in problems
            )
            return False
        self._seen_ids[row.person.id] = number
        return True

    async def _start_writing(self, batch: list[tuple[int, PersonImport]]) -> None:
        """Writes the batch in the background once the write before it is done."""
        await self._finish_writing()
        if len(self._written) >= INDEX_REFRESH_PEOPLE:
            await self.index.refresh_people(self._written)
            self._written = []
        self._written.extend(row.person.id for _, row in batch)
        self._writing = asyncio.create_task(self._write(batch))

    async def _finish_writing(self) -> None:
        if self._writing is not None:
            await self._writing
        self._writing = None

    async def _stop_writing(self) -> None:
        """The caller went away or a write failed: stop the write still running."""
        if self._writing is not None and not self._writing.done():
            self._writing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._writing

    async def _write(self, batch: Sequence[tuple[int, PersonImport]]) -> None:
        refused, levels_written, unchanged = await self.people.import_people(
            batch, self.clock.timestamp()
        )
        refused_rows = {e.row for e in refused}
        self.summary.rejected += len(refused_rows)
        self.summary.unchanged += unchanged
        self.summary.accepted += len(batch) - len(refused_rows) - unchanged
        self.summary.errors.extend(refused)
        self.summary.levels_written += levels_written
