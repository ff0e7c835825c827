"""Replaying a POST retried with the same Idempotency-Key."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from services.gateway.domain.idempotency import (
    IdempotencyRecord,
    RecordState,
    StoredResponse,
    record_id,
)
from services.gateway.service.ports import IdempotencyStore


@dataclass(frozen=True)
class Proceed:
    """First time: run the request, then `finish` or `abandon`."""

    record_id: str
    claim: str


@dataclass(frozen=True)
class Replay:
    response: StoredResponse


@dataclass(frozen=True)
class InProgress:
    """The first request with this key has not finished yet."""


@dataclass(frozen=True)
class Mismatch:
    """The key was used before for a different request."""


Decision = Proceed | Replay | InProgress | Mismatch


async def begin(
    store: IdempotencyStore,
    key_id: str,
    key: str,
    request_hash: str,
    now: datetime,
    ttl: timedelta,
    pending_ttl: timedelta,
) -> Decision:
    identifier = record_id(key_id, key)
    claim = secrets.token_hex(16)
    fresh = IdempotencyRecord(
        key_id=key_id,
        key=key,
        request_hash=request_hash,
        state=RecordState.PENDING,
        created_at=now,
        claim=claim,
    )
    held = await store.claim(identifier, fresh, now - ttl, now - pending_ttl)
    if held.claim == claim:
        return Proceed(record_id=identifier, claim=claim)
    if held.request_hash != request_hash:
        return Mismatch()
    if held.state is RecordState.DONE and held.response is not None:
        return Replay(held.response)
    return InProgress()


async def finish(store: IdempotencyStore, proceed: Proceed, response: StoredResponse) -> None:
    """Successes are kept for replay; anything else is forgotten so a retry runs again."""
    if 200 <= response.status < 300:
        await store.complete(proceed.record_id, proceed.claim, response)
    else:
        await store.release(proceed.record_id, proceed.claim)


async def abandon(store: IdempotencyStore, proceed: Proceed) -> None:
    await store.release(proceed.record_id, proceed.claim)
