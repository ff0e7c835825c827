from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from starlette.types import Message, Receive, Send
from starlette.types import Scope as Scope_

from services.gateway.domain.auth import ApiKey, Scope
from services.gateway.domain.idempotency import (
    IdempotencyRecord,
    RecordState,
    StoredResponse,
    is_valid_key,
    record_id,
    request_fingerprint,
)
from services.gateway.entrypoints.http.middleware.authentication import API_KEY_STATE
from services.gateway.entrypoints.http.middleware.idempotency import IdempotencyMiddleware
from services.gateway.service import idempotency

TTL = timedelta(hours=24)
PENDING = timedelta(minutes=10)


def test_json_bodies_are_compared_by_content() -> None:
    first = request_fingerprint("POST", "/v1/people", "", b'{"id": "p1", "name": "Ada"}')
    reordered = request_fingerprint("POST", "/v1/people", "", b'{"name":"Ada","id":"p1"}')
    assert first == reordered


def test_a_different_body_path_or_query_is_a_different_request() -> None:
    base = request_fingerprint("POST", "/v1/people", "", b'{"id": "p1"}')
    assert base != request_fingerprint("POST", "/v1/people", "", b'{"id": "p2"}')
    assert base != request_fingerprint("POST", "/v1/outcomes", "", b'{"id": "p1"}')
    assert base != request_fingerprint("POST", "/v1/people", "x=1", b'{"id": "p1"}')
    assert request_fingerprint("POST", "/a", "", b"raw,csv") != request_fingerprint(
        "POST", "/a", "", b"raw,csv2"
    )


def test_keys_are_scoped_per_api_key_and_validated() -> None:
    assert record_id("k1", "abc") != record_id("k2", "abc")
    assert is_valid_key("order-2026-001")
    assert not is_valid_key("")
    assert not is_valid_key("has space")
    assert not is_valid_key("x" * 256)


class MemoryIdempotencyStore:
    """The store port in memory, with the same replacement rules as the Neo4j one."""

    def __init__(self) -> None:
        self.records: dict[str, IdempotencyRecord] = {}

    async def claim(
        self,
        record_id: str,
        fresh: IdempotencyRecord,
        replace_if_older_than: datetime,
        replace_pending_if_older_than: datetime,
    ) -> IdempotencyRecord:
        held = self.records.get(record_id)
        stale = held is not None and (
            held.created_at < replace_if_older_than
            or (
                held.state is RecordState.PENDING
                and held.created_at < replace_pending_if_older_than
            )
        )
        if held is None or stale:
            self.records[record_id] = fresh
        return self.records[record_id]

    async def complete(self, record_id: str, claim: str, response: StoredResponse) -> None:
        held = self.records[record_id]
        if held.claim == claim:
            self.records[record_id] = replace(held, state=RecordState.DONE, response=response)

    async def release(self, record_id: str, claim: str) -> None:
        if self.records.get(record_id, None) and self.records[record_id].claim == claim:
            del self.records[record_id]


async def test_first_request_proceeds_and_a_retry_is_replayed() -> None:
    store = MemoryIdempotencyStore()
    now = datetime.now(UTC)
    first = await idempotency.begin(store, "k1", "key", "h1", now, TTL, PENDING)
    assert isinstance(first, idempotency.Proceed)
    in_flight = await idempotency.begin(store, "k1", "key", "h1", now, TTL, PENDING)
    assert isinstance(in_flight, idempotency.InProgress)
    created = StoredResponse(201, b'{"id":"p1"}', "application/json", "/v1/people/p1")
    await idempotency.finish(store, first, created)
    retry = await idempotency.begin(store, "k1", "key", "h1", now, TTL, PENDING)
    assert retry == idempotency.Replay(created)
    other = await idempotency.begin(store, "k1", "key", "h2", now, TTL, PENDING)
    assert isinstance(other, idempotency.Mismatch)


async def test_a_failed_request_is_forgotten_so_a_retry_runs_again() -> None:
    store = MemoryIdempotencyStore()
    now = datetime.now(UTC)
    first = await idempotency.begin(store, "k1", "key", "h1", now, TTL, PENDING)
    assert isinstance(first, idempotency.Proceed)
    await idempotency.finish(store, first, StoredResponse(503, b"{}", "application/problem+json"))
    again = await idempotency.begin(store, "k1", "key", "h1", now, TTL, PENDING)
    assert isinstance(again, idempotency.Proceed)


async def test_an_expired_record_and_an_abandoned_pending_one_are_taken_over() -> None:
    store = MemoryIdempotencyStore()
    start = datetime.now(UTC)
    first = await idempotency.begin(store, "k1", "key", "h1", start, TTL, PENDING)
    assert isinstance(first, idempotency.Proceed)
    later = start + PENDING + timedelta(seconds=1)
    taken = await idempotency.begin(store, "k1", "key", "h1", later, TTL, PENDING)
    assert isinstance(taken, idempotency.Proceed)
    await idempotency.finish(store, taken, StoredResponse(200, b"{}", "application/json"))
    much_later = later + TTL + timedelta(seconds=1)
    fresh = await idempotency.begin(store, "k1", "key", "other", much_later, TTL, PENDING)
    assert isinstance(fresh, idempotency.Proceed)


async def test_the_answer_is_stored_before_the_client_sees_it() -> None:
    """A client that retries the instant it has the answer must get a replay, not a 409."""
    store = MemoryIdempotencyStore()
    api_key = ApiKey("key_1", "k", frozenset({Scope.MANAGER}), "hash", datetime.now(UTC))

    async def created(scope: Scope_, receive: Receive, send: Send) -> None:
        await receive()
        await send({"type": "http.response.start", "status": 201, "headers": []})
        await send({"type": "http.response.body", "body": b'{"id": "o1"}'})

    middleware = IdempotencyMiddleware(created, store, TTL, PENDING)
    seen_at_start: list[RecordState] = []

    async def client(message: Message) -> None:
        if message["type"] == "http.response.start":
            seen_at_start.extend(record.state for record in store.records.values())

    async def receive() -> Message:
        return {"type": "http.request", "body": b"{}", "more_body": False}

    scope: Scope_ = {
        "type": "http",
        "method": "POST",
        "path": "/v1/outcomes",
        "query_string": b"",
        "headers": [(b"idempotency-key", b"retry-1")],
        "state": {API_KEY_STATE: api_key},
    }
    await middleware(scope, receive, client)
    assert seen_at_start == [RecordState.DONE]
