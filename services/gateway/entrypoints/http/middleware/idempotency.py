"""A POST retried with the same Idempotency-Key gets the first answer again."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.common.errors import FieldViolation
from services.common.graph import GRAPH_ERRORS
from services.gateway.domain.auth import ApiKey
from services.gateway.domain.idempotency import (
    IDEMPOTENCY_HEADER,
    StoredResponse,
    is_valid_key,
    request_fingerprint,
)
from services.gateway.entrypoints.http.middleware.asgi import header, header_of, send_problem
from services.gateway.entrypoints.http.middleware.audit import AuditClock, utc_now
from services.gateway.entrypoints.http.middleware.authentication import api_key_of
from services.gateway.entrypoints.http.problems import SERVICE_UNAVAILABLE_DETAIL, Problem
from services.gateway.service import idempotency
from services.gateway.service.ports import IdempotencyStore

logger = logging.getLogger(__name__)

MAX_REPLAYABLE_BYTES = 1024 * 1024

INVALID_KEY = Problem(
    422,
    "The Idempotency-Key is not valid.",
    (
        FieldViolation(
            "Idempotency-Key", "must be 1 to 255 printable ASCII characters without spaces"
        ),
    ),
)
REUSED_KEY = Problem(
    422,
    "The Idempotency-Key is reused.",
    (FieldViolation("Idempotency-Key", "was used before with a different request"),),
)
KEY_IN_PROGRESS = Problem(409, "A request with this Idempotency-Key is still in progress.")


@dataclass
class HeldResponse:
    """Holds the inner app's response back until it has been stored for replay.

    Were it passed on at once, a client retrying the moment it has the answer
    could find the key still pending and get a 409. A response too large to
    replay is passed on as it comes, and `passing` says so.
    """

    send: Send
    start: Message | None = None
    body: bytearray = field(default_factory=bytearray)
    passing: bool = False

    async def __call__(self, message: Message) -> None:
        if self.passing:
            await self.send(message)
        elif message["type"] == "http.response.start":
            self.start = message
        elif message["type"] == "http.response.body":
            self.body.extend(message.get("body", b""))
            if len(self.body) > MAX_REPLAYABLE_BYTES:
                self.passing = True
                await self.release(more_body=bool(message.get("more_body", False)))

    @property
    def started(self) -> bool:
        return self.start is not None

    def stored(self) -> StoredResponse:
        assert self.start is not None
        headers = list(self.start.get("headers", []))
        return StoredResponse(
            status=int(self.start["status"]),
            body=bytes(self.body),
            content_type=header_of(headers, b"content-type") or "application/json",
            location=header_of(headers, b"location"),
        )

    async def release(self, more_body: bool = False) -> None:
        if self.start is None:
            return
        await self.send(self.start)
        await self.send(
            {"type": "http.response.body", "body": bytes(self.body), "more_body": more_body}
        )
        self.body.clear()


class IdempotencyMiddleware:
    """A POST retried with the same Idempotency-Key gets the first answer again."""

    def __init__(
        self,
        app: ASGIApp,
        store: IdempotencyStore,
        ttl: timedelta,
        pending_ttl: timedelta,
        clock: AuditClock = utc_now,
    ) -> None:
        self.app = app
        self.store = store
        self.ttl = ttl
        self.pending_ttl = pending_ttl
        self.clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key_text = header(scope, IDEMPOTENCY_HEADER) if scope["type"] == "http" else None
        api_key = api_key_of(scope) if scope["type"] == "http" else None
        if key_text is None or api_key is None or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        if not is_valid_key(key_text):
            await send_problem(send, INVALID_KEY)
            return
        body = await _read_body(receive)
        try:
            decision = await self._begin(scope, api_key, key_text, body)
        except GRAPH_ERRORS:
            logger.warning("idempotency store does not answer")
            await send_problem(send, Problem(503, SERVICE_UNAVAILABLE_DETAIL))
            return
        if isinstance(decision, idempotency.Proceed):
            await self._run_first(scope, _replaying(body, receive), send, decision)
        else:
            await _answer_again(send, decision)

    async def _begin(
        self, scope: Scope, api_key: ApiKey, key_text: str, body: bytes
    ) -> idempotency.Decision:
        fingerprint = request_fingerprint(
            scope["method"], scope["path"], bytes(scope.get("query_string", b"")).decode(), body
        )
        return await idempotency.begin(
            self.store,
            api_key.id,
            key_text,
            fingerprint,
            self.clock(),
            self.ttl,
            self.pending_ttl,
        )

    async def _run_first(
        self, scope: Scope, receive: Receive, send: Send, decision: idempotency.Proceed
    ) -> None:
        held = HeldResponse(send)
        try:
            await self.app(scope, receive, held)
        except BaseException:
            await idempotency.abandon(self.store, decision)
            raise
        if held.passing or not held.started:
            await idempotency.abandon(self.store, decision)
            return
        try:
            await idempotency.finish(self.store, decision, held.stored())
        except GRAPH_ERRORS:
            # The work is done: the client gets its answer; a retry will run it again.
            logger.warning("idempotency record not stored")
        await held.release()


async def _answer_again(
    send: Send, decision: idempotency.Replay | idempotency.InProgress | idempotency.Mismatch
) -> None:
    if isinstance(decision, idempotency.Replay):
        await _replay(send, decision.response)
    elif isinstance(decision, idempotency.Mismatch):
        await send_problem(send, REUSED_KEY)
    else:
        await send_problem(send, KEY_IN_PROGRESS)


async def _read_body(receive: Receive) -> bytes:
    chunks = bytearray()
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.extend(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return bytes(chunks)


def _replaying(body: bytes, receive: Receive) -> Receive:
    delivered = False

    async def replay() -> Message:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _replay(send: Send, response: StoredResponse) -> None:
    headers: list[tuple[bytes, bytes]] = [
        (b"content-type", response.content_type.encode("latin-1")),
        (b"content-length", str(len(response.body)).encode()),
        (b"idempotent-replayed", b"true"),
    ]
    if response.location:
        headers.append((b"location", response.location.encode("latin-1")))
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": response.body})
