"""What the use cases need from storage, in the gateway's own terms."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from services.gateway.domain.audit import AuditCursor, AuditEntry
from services.gateway.domain.auth import ApiKey
from services.gateway.domain.idempotency import IdempotencyRecord, StoredResponse


class KeyStore(Protocol):
    async def add_key(self, key: ApiKey) -> None: ...

    async def seed_key(self, key: ApiKey) -> ApiKey:
        """Stores the key unless one with its hash exists; returns the stored one."""
        ...

    async def find_key_by_hash(self, token_hash: str) -> ApiKey | None: ...

    async def revoke_key(self, key_id: str, at: datetime) -> ApiKey | None: ...

    async def list_keys(self) -> list[ApiKey]: ...


class AuditLog(Protocol):
    async def record(self, entry: AuditEntry) -> None: ...

    async def list_entries(
        self, page_size: int, after: AuditCursor | None, key_id: str | None
    ) -> list[AuditEntry]: ...


class AuditStore(AuditLog, Protocol):
    async def record_all(self, entries: Sequence[AuditEntry]) -> None:
        """Stores every entry in one statement."""
        ...


class IdempotencyStore(Protocol):
    async def claim(
        self,
        record_id: str,
        fresh: IdempotencyRecord,
        replace_if_older_than: datetime,
        replace_pending_if_older_than: datetime,
    ) -> IdempotencyRecord:
        """Stores `fresh` unless a live record has the id; returns the record that holds it."""
        ...

    async def complete(self, record_id: str, claim: str, response: StoredResponse) -> None: ...

    async def release(self, record_id: str, claim: str) -> None: ...
