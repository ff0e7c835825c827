"""The audit middleware: what a write leaves in the trail, and when."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from starlette.types import ASGIApp, Message, Receive, Send
from starlette.types import Scope as AsgiScope

from services.gateway.domain.audit import AuditCursor, AuditEntry
from services.gateway.domain.auth import ApiKey, Scope
from services.gateway.entrypoints.http.middleware.audit import AuditMiddleware
from services.gateway.entrypoints.http.middleware.authentication import API_KEY_STATE

KEY = ApiKey("key_1", "k", frozenset({Scope.MANAGER}), "hash", datetime.now(UTC))


class MemoryAuditLog:
    def __init__(self) -> None:
        self.entries: list[AuditEntry] = []

    async def record(self, entry: AuditEntry) -> None:
        self.entries.append(entry)

    async def list_entries(
        self, page_size: int, after: AuditCursor | None, key_id: str | None
    ) -> list[AuditEntry]:
        return self.entries[:page_size]


def responding(status: int, headers: list[tuple[bytes, bytes]]) -> ASGIApp:
    async def app(scope: AsgiScope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": b"{}"})

    return app


def post(path: str) -> AsgiScope:
    return {"type": "http", "method": "POST", "path": path, "state": {API_KEY_STATE: KEY}}


async def receive() -> Message:
    return {"type": "http.request", "body": b"", "more_body": False}


async def test_a_write_is_recorded_before_the_client_has_its_answer() -> None:
    log = MemoryAuditLog()
    app = responding(201, [(b"location", b"/v1/outcomes/o-1")])
    middleware = AuditMiddleware(app, log)
    entries_at_start: list[int] = []

    async def client(message: Message) -> None:
        if message["type"] == "http.response.start":
            entries_at_start.append(len(log.entries))

    await middleware(post("/v1/outcomes"), receive, client)
    assert entries_at_start == [1]
    [entry] = log.entries
    assert (entry.key_id, entry.target, entry.status) == ("key_1", "/v1/outcomes/o-1", 201)


async def test_a_replayed_answer_is_told_apart() -> None:
    log = MemoryAuditLog()
    app = responding(201, [(b"idempotent-replayed", b"true")])
    await AuditMiddleware(app, log)(post("/v1/outcomes"), receive, client_ignoring)
    assert log.entries[0].action.endswith("(replayed)")
    assert log.entries[0].target == "/v1/outcomes"


async def test_a_failure_before_any_answer_is_recorded_as_500() -> None:
    log = MemoryAuditLog()

    async def broken(scope: AsgiScope, receive: Receive, send: Send) -> None:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        await AuditMiddleware(broken, log)(post("/v1/people"), receive, client_ignoring)
    assert [e.status for e in log.entries] == [500]


async def client_ignoring(message: Message) -> None:
    return None
