"""Per-route request metrics and the `/metrics` endpoint of the gateway.

Routes are labelled by their template (`/v1/people/{person_id}`), never the
raw path, so that ids do not become label values: Prometheus keeps one time
series per label combination.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from fastapi import Request
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.common.metrics import observe_http

METRICS_PATH = "/metrics"
UNMATCHED_ROUTE = "unmatched"


def route_template(routes: Sequence[BaseRoute], scope: Scope) -> str:
    """The template of the route the request went to; for a request answered
    before routing (401, 413), the route its path would have gone to."""
    routed = getattr(scope.get("route"), "path", None)
    if isinstance(routed, str) and routed:
        return routed
    full, partial = _matching(routes, scope)
    return full or partial or UNMATCHED_ROUTE


def _matching(routes: Sequence[BaseRoute], scope: Scope) -> tuple[str, str]:
    """(template matching path and method, template matching the path only)."""
    partial = ""
    for route in routes:
        # FastAPI keeps an included router as one entry holding the router's own routes.
        nested = getattr(getattr(route, "original_router", None), "routes", None)
        if nested is not None:
            full, nested_partial = _matching(nested, scope)
            if full:
                return full, ""
            partial = partial or nested_partial
            continue
        match, _ = route.matches(scope)
        path = str(getattr(route, "path", ""))
        if match is Match.FULL and path:
            return path, ""
        if match is Match.PARTIAL and not partial:
            partial = path
    return "", partial


class MetricsMiddleware:
    """Outermost: counts and times every request, including those that
    authentication or body limits answer before any route runs."""

    def __init__(self, app: ASGIApp, routes: Sequence[BaseRoute]) -> None:
        self.app = app
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, watch)
        finally:
            observe_http(
                scope["method"],
                route_template(self.routes, scope),
                status,
                time.perf_counter() - started,
            )


async def metrics_endpoint(_: Request) -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
