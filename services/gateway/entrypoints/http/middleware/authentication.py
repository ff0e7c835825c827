"""Every path but the public ones needs an active key; which key it is goes in the state."""

from __future__ import annotations

import logging

from starlette.types import ASGIApp, Receive, Scope, Send

from services.common.graph import GRAPH_ERRORS
from services.gateway.domain.auth import ApiKey
from services.gateway.entrypoints.http.middleware.asgi import header, send_problem
from services.gateway.entrypoints.http.problems import (
    SERVICE_UNAVAILABLE_DETAIL,
    UNAUTHENTICATED,
    UNAUTHENTICATED_HEADERS,
    Problem,
)
from services.gateway.service.keys import authenticate
from services.gateway.service.ports import KeyStore

logger = logging.getLogger(__name__)

API_KEY_STATE = "api_key"
# The interactive docs cannot send a bearer token to fetch themselves. Prometheus
# scrapes carry no API key, and /metrics holds only counts and latencies per
# route template and status: no ids, no personal data (restrict it at the network).
PUBLIC_PATHS = frozenset(
    {
        "/healthz",
        "/readyz",
        "/metrics",
        "/openapi.json",
        "/docs",
        "/docs/oauth2-redirect",
        "/redoc",
    }
)
# Swagger UI's and ReDoc's own files, served by the gateway (no CDN).
DOCS_ASSETS_PREFIX = "/docs-assets/"


def api_key_of(scope: Scope) -> ApiKey | None:
    key = scope.get("state", {}).get(API_KEY_STATE)
    return key if isinstance(key, ApiKey) else None


def is_public(path: str) -> bool:
    return path in PUBLIC_PATHS or path.startswith(DOCS_ASSETS_PREFIX)


class AuthenticationMiddleware:
    """Every path but the public ones needs an active key; which key it is goes in the state."""

    def __init__(self, app: ASGIApp, keys: KeyStore) -> None:
        self.app = app
        self.keys = keys

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or is_public(scope["path"]):
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
