"""ASGI middleware, outermost first: request id, authentication, body limits,
audit, idempotency. Pure ASGI (not BaseHTTPMiddleware) so that the request
id context variable reaches the route handlers and the gRPC metadata."""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.common.errors import FieldViolation
from services.common.graph import GRAPH_ERRORS
from services.common.logging import REQUEST_ID_HEADER, new_request_id, request_id_var
from services.gateway.domain.audit import WRITE_METHODS, AuditEntry
from services.gateway.domain.auth import ApiKey
from services.gateway.domain.idempotency import (
    IDEMPOTENCY_HEADER,
    StoredResponse,
    is_valid_key,
    request_fingerprint,
)
from services.gateway.entrypoints.http.problems import (
    INTERNAL_DETAIL,
    SERVICE_UNAVAILABLE_DETAIL,
    UNAUTHENTICATED,
    UNAUTHENTICATED_HEADERS,
    BodyTooLarge,
    Problem,
)
from services.gateway.service import idempotency
from services.gateway.service.keys import authenticate
from services.gateway.service.ports import AuditLog, IdempotencyStore, KeyStore

logger = logging.getLogger(__name__)

API_KEY_STATE = "api_key"
MAX_REQUEST_ID_LENGTH = 64
_REQUEST_ID_UNSAFE = re.compile(r"[^A-Za-z0-9._:\-]")
# The interactive docs cannot send a bearer token to fetch themselves. Prometheus
# scrapes carry no API key, and /metrics holds only counts and latencies per
# route template and status: no ids, no personal data (restrict it at the network).
PUBLIC_PATHS = frozenset(
    {"/healthz", "/readyz", "/metrics", "/openapi.json", "/docs", "/docs/oauth2-redirect"}
)
MAX_REPLAYABLE_BYTES = 1024 * 1024


def header(scope: Scope, name: str) -> str | None:
    wanted = name.lower().encode("latin-1")
    for key, value in scope.get("headers", ()):
        if key.lower() == wanted:
            return bytes(value).decode("latin-1")
    return None


def sanitise_request_id(raw: str | None) -> str:
    cleaned = _REQUEST_ID_UNSAFE.sub("", raw or "")[:MAX_REQUEST_ID_LENGTH]
    return cleaned or new_request_id()


def api_key_of(scope: Scope) -> ApiKey | None:
    key = scope.get("state", {}).get(API_KEY_STATE)
    return key if isinstance(key, ApiKey) else None


async def send_problem(
    send: Send, problem: Problem, headers: Iterable[tuple[str, str]] = ()
) -> None:
    body = problem.encode()
    raw_headers = [
        (b"content-type", b"application/problem+json"),
        (b"content-length", str(len(body)).encode()),
        *((k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers),
    ]
    await send({"type": "http.response.start", "status": problem.status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": body})


@dataclass
class ResponseWatch:
    """Remembers what the inner app sent, passing it on."""

    send: Send
    status: int = 0
    started: bool = False
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)
    extra_headers: list[tuple[bytes, bytes]] = field(default_factory=list)

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.started = True
            self.status = int(message["status"])
            self.headers = list(message.get("headers", []))
            if self.extra_headers:
                message = {**message, "headers": [*self.headers, *self.extra_headers]}
        await self.send(message)


def _header_of(headers: Iterable[tuple[bytes, bytes]], name: bytes) -> str:
    for key, value in headers:
        if key.lower() == name:
            return value.decode("latin-1")
    return ""


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
            content_type=_header_of(headers, b"content-type") or "application/json",
            location=_header_of(headers, b"location"),
        )

    async def release(self, more_body: bool = False) -> None:
        if self.start is None:
            return
        await self.send(self.start)
        await self.send(
            {"type": "http.response.body", "body": bytes(self.body), "more_body": more_body}
        )
        self.body.clear()


class RequestContextMiddleware:
    """Request id in, out and in every log line; the last word on unexpected errors."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = sanitise_request_id(header(scope, REQUEST_ID_HEADER))
        token = request_id_var.set(request_id)
        watch = ResponseWatch(
            send, extra_headers=[(REQUEST_ID_HEADER.encode(), request_id.encode("latin-1"))]
        )
        try:
            await self.app(scope, receive, watch)
        except Exception:
            logger.exception("request failed", extra={"path": scope.get("path")})
            if watch.started:
                raise
            await send_problem(watch, Problem(500, INTERNAL_DETAIL))
        finally:
            request_id_var.reset(token)


class AuthenticationMiddleware:
    """Every path but the public ones needs an active key; which key it is goes in the state."""

    def __init__(self, app: ASGIApp, keys: KeyStore) -> None:
        self.app = app
        self.keys = keys

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in PUBLIC_PATHS:
            await self.app(scope, receive, send)
            return
        scheme, _, token = (header(scope, "authorization") or "").partition(" ")
        key: ApiKey | None = None
        if scheme.lower() == "bearer" and token.strip():
            try:
                key = await authenticate(self.keys, token.strip())
            except GRAPH_ERRORS:
                logger.warning("key store does not answer")
                await send_problem(send, Problem(503, SERVICE_UNAVAILABLE_DETAIL))
                return
        if key is None:
            await send_problem(send, UNAUTHENTICATED, UNAUTHENTICATED_HEADERS.items())
            return
        scope.setdefault("state", {})[API_KEY_STATE] = key
        await self.app(scope, receive, send)


class BodyLimitMiddleware:
    """Refuses bodies over the limit: CSV imports get a larger one than JSON."""

    def __init__(
        self, app: ASGIApp, json_limit: int, csv_limit: int, csv_prefix: str = "/v1/imports/"
    ) -> None:
        self.app = app
        self.json_limit = json_limit
        self.csv_limit = csv_limit
        self.csv_prefix = csv_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.csv_limit if scope["path"].startswith(self.csv_prefix) else self.json_limit
        declared = header(scope, "content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await send_problem(send, BodyTooLarge(limit).problem())
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        watch = ResponseWatch(send)
        try:
            await self.app(scope, limited_receive, watch)
        except BodyTooLarge as error:
            if watch.started:
                raise
            await send_problem(send, error.problem())


AuditClock = Callable[[], datetime]


def _utc_now() -> datetime:
    return datetime.now(UTC)


class AuditMiddleware:
    """Records every write an authenticated key attempted, with the status it got.

    The entry is written before the response starts, so that a client which has
    its answer finds the write in the trail; a created resource is the target.
    """

    def __init__(self, app: ASGIApp, audit: AuditLog, clock: AuditClock = _utc_now) -> None:
        self.app = app
        self.audit = audit
        self.clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in WRITE_METHODS:
            await self.app(scope, receive, send)
            return
        recorded = False

        async def audited_send(message: Message) -> None:
            nonlocal recorded
            if message["type"] == "http.response.start" and not recorded:
                recorded = True
                headers = message.get("headers", [])
                replayed = _header_of(headers, b"idempotent-replayed") == "true"
                location = _header_of(headers, b"location")
                await self._record(scope, int(message["status"]), location, replayed)
            await send(message)

        try:
            await self.app(scope, receive, audited_send)
        finally:
            if not recorded:
                await self._record(scope, 500, "", replayed=False)

    async def _record(self, scope: Scope, status: int, location: str, replayed: bool) -> None:
        key = api_key_of(scope)
        if key is None:
            return
        route = scope.get("route")
        action = getattr(route, "name", None) or f"{scope['method']} {scope['path']}"
        if replayed:
            # The first answer again: nothing was written this time.
            action = f"{action} (replayed)"
        entry = AuditEntry(
            id=uuid.uuid4().hex,
            key_id=key.id,
            action=str(action),
            target=location or scope["path"],
            at=self.clock(),
            request_id=request_id_var.get(),
            status=status,
        )
        try:
            await self.audit.record(entry)
        except GRAPH_ERRORS:
            logger.error("audit entry not recorded", extra={"entry": repr(entry)})


class IdempotencyMiddleware:
    """A POST retried with the same Idempotency-Key gets the first answer again."""

    def __init__(
        self,
        app: ASGIApp,
        store: IdempotencyStore,
        ttl: timedelta,
        pending_ttl: timedelta,
        clock: AuditClock = _utc_now,
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
            violation = FieldViolation(
                "Idempotency-Key", "must be 1 to 255 printable ASCII characters without spaces"
            )
            await send_problem(send, Problem(422, "The Idempotency-Key is not valid.", [violation]))
            return
        body = await _read_body(receive)
        fingerprint = request_fingerprint(
            scope["method"], scope["path"], bytes(scope.get("query_string", b"")).decode(), body
        )
        try:
            decision = await idempotency.begin(
                self.store,
                api_key.id,
                key_text,
                fingerprint,
                self.clock(),
                self.ttl,
                self.pending_ttl,
            )
        except GRAPH_ERRORS:
            logger.warning("idempotency store does not answer")
            await send_problem(send, Problem(503, SERVICE_UNAVAILABLE_DETAIL))
            return
        if isinstance(decision, idempotency.Replay):
            await _replay(send, decision.response)
            return
        if isinstance(decision, idempotency.Mismatch):
            violation = FieldViolation(
                "Idempotency-Key", "was used before with a different request"
            )
            await send_problem(send, Problem(422, "The Idempotency-Key is reused.", [violation]))
            return
        if isinstance(decision, idempotency.InProgress):
            await send_problem(
                send, Problem(409, "A request with this Idempotency-Key is still in progress.")
            )
            return
        held = HeldResponse(send)
        try:
            await self.app(scope, _replaying(body, receive), held)
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
