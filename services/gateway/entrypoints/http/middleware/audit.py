"""The audit trail of writes: who tried what, and the status they got."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.common.graph import GRAPH_ERRORS
from services.common.logging import request_id_var
from services.gateway.domain.audit import WRITE_METHODS, AuditEntry
from services.gateway.entrypoints.http.middleware.asgi import header_of
from services.gateway.entrypoints.http.middleware.authentication import api_key_of
from services.gateway.service.ports import AuditLog

logger = logging.getLogger(__name__)

AuditClock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class AuditMiddleware:
    """Records every write an authenticated key attempted, with the status it got.

    The entry is written before the response starts, so that a client which has
    its answer finds the write in the trail; a created resource is the target.
    """

    def __init__(self, app: ASGIApp, audit: AuditLog, clock: AuditClock = utc_now) -> None:
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
                replayed = header_of(headers, b"idempotent-replayed") == "true"
                location = header_of(headers, b"location")
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
