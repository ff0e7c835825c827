"""Audit entries of concurrent writes stored together, one round trip for all.

Every write waits for its audit entry to be stored before its response starts
(AuditMiddleware). Under load many wait at once, and each entry alone would cost
the gateway a statement and a round trip to the graph. Here the first entry is
written at once; entries that arrive while a write is in flight go together in
the next one. Each caller still returns only once its own entry is stored, or
raises the error that stopped the write it was in.
"""

from __future__ import annotations

import asyncio

from services.gateway.domain.audit import AuditCursor, AuditEntry
from services.gateway.service.ports import AuditStore

# Bounds one statement's parameters; more waiting entries go in the next write.
MAX_ENTRIES_PER_WRITE = 500


class GroupedAuditLog:
    """An AuditLog writing the entries waiting at each moment in one statement."""

    def __init__(self, store: AuditStore, max_entries: int = MAX_ENTRIES_PER_WRITE) -> None:
        self.store = store
        self.max_entries = max_entries
        self._waiting: list[tuple[AuditEntry, asyncio.Future[None]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def record(self, entry: AuditEntry) -> None:
        stored = asyncio.get_running_loop().create_future()
        self._waiting.append((entry, stored))
        if self._writer is None:
            self._writer = asyncio.create_task(self._write_while_waiting())
        await stored

    async def _write_while_waiting(self) -> None:
        try:
            while self._waiting:
                batch = self._waiting[: self.max_entries]
                del self._waiting[: self.max_entries]
                try:
                    await self.store.record_all([entry for entry, _ in batch])
                except BaseException as error:
                    _settle(batch, error)
                    if not isinstance(error, Exception):
                        # Cancelled (the gateway stopping): nobody is left to write the rest.
                        _settle(self._waiting, error)
                        self._waiting.clear()
                        raise
                else:
                    _settle(batch, None)
        finally:
            self._writer = None

    async def list_entries(
        self, page_size: int, after: AuditCursor | None, key_id: str | None
    ) -> list[AuditEntry]:
        return await self.store.list_entries(page_size, after, key_id)


def _settle(
    batch: list[tuple[AuditEntry, asyncio.Future[None]]], error: BaseException | None
) -> None:
    for _, stored in batch:
        # A caller that gave up (its request cancelled) has cancelled its future.
        if stored.done():
            continue
        if error is None:
            stored.set_result(None)
        elif isinstance(error, asyncio.CancelledError):
            stored.cancel()
        else:
            stored.set_exception(error)
