"""The request id in, out and in every log line; the last word on unexpected errors."""

from __future__ import annotations

import logging
import re

from starlette.types import ASGIApp, Receive, Scope, Send

from services.common.logging import REQUEST_ID_HEADER, new_request_id, request_id_var
from services.gateway.entrypoints.http.middleware.asgi import ResponseWatch, header, send_problem
from services.gateway.entrypoints.http.problems import INTERNAL_DETAIL, Problem

logger = logging.getLogger(__name__)

MAX_REQUEST_ID_LENGTH = 64
_REQUEST_ID_UNSAFE = re.compile(r"[^A-Za-z0-9._:\-]")


def sanitise_request_id(raw: str | None) -> str:
    cleaned = _REQUEST_ID_UNSAFE.sub("", raw or "")[:MAX_REQUEST_ID_LENGTH]
    return cleaned or new_request_id()


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
