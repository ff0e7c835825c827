"""The FastAPI application: routers, problem handlers and middleware."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

from fastapi import FastAPI
from fastapi_offline import FastAPIOffline

from services.common import tracing
from services.common.graph import GRAPH_ERRORS
from services.gateway.entrypoints.http.deps import Gateway
from services.gateway.entrypoints.http.metrics import (
    METRICS_PATH,
    MetricsMiddleware,
    metrics_endpoint,
)
from services.gateway.entrypoints.http.middleware.audit import AuditMiddleware
from services.gateway.entrypoints.http.middleware.authentication import (
    DOCS_ASSETS_PREFIX,
    AuthenticationMiddleware,
)
from services.gateway.entrypoints.http.middleware.body_limit import BodyLimitMiddleware
from services.gateway.entrypoints.http.middleware.idempotency import IdempotencyMiddleware
from services.gateway.entrypoints.http.middleware.request_context import (
    RequestContextMiddleware,
)
from services.gateway.entrypoints.http.openapi import install_openapi
from services.gateway.entrypoints.http.problems import install_problem_handlers
from services.gateway.entrypoints.http.routes import (
    admin,
    assignments,
    audit,
    exports,
    gaps,
    health,
    history,
    imports,
    keys,
    learning,
    outcomes,
    people,
    roles,
    skills,
    staffing,
    training,
)
from services.gateway.entrypoints.http.web_page import WebPage
from services.gateway.service.audit_batch import GroupedAuditLog
from services.gateway.service.key_cache import CachedKeyStore
from services.gateway.service.keys import seed_admin_key

logger = logging.getLogger(__name__)

DESCRIPTION = """
The HTTP API of Local Public Support: people and their skills, role fit,
commissioned outcomes, team staffing and skill gaps.

Send `Authorization: Bearer <key>` on every path but `/healthz` and `/readyz`.
Scopes: `hr` writes people, levels, skills, roles and imports; `manager` writes
outcomes, staffs them, records results and closes them; `planner` reads gaps, fit,
outcomes and the learning report, and plans training;
`hr` or `planner` records completed courses; `admin` does all.
Every scope reads people, skills, roles, fit and candidates.
Errors are `application/problem+json` (RFC 9457) naming the fields at fault;
each operation lists the statuses it can answer. A 403 names the scopes needed.
Bodies: at most 1 MB of JSON; CSV imports at most 20 MB (413 beyond).
A POST with an `Idempotency-Key` header is answered once and replayed on retries.
"""


async def prepare_store(gateway: Gateway, retry_s: float = 1.0) -> None:
    """Creates the gateway's schema and seeds the admin key, retrying until the graph answers."""
    while True:
        try:
            await gateway.store.prepare()
            admin_key = gateway.settings.admin_key
            if admin_key is not None:
                seeded = await seed_admin_key(
                    gateway.store, admin_key.get_secret_value(), datetime.now(UTC)
                )
                logger.info("admin key seeded", extra={"key_id": seeded.id})
            return
        except GRAPH_ERRORS as error:
            logger.warning("key store not ready; retrying", extra={"error": str(error)})
            await asyncio.sleep(retry_s)


ROUTERS = (
    health.router,
    people.router,
    skills.router,
    roles.router,
    outcomes.router,
    staffing.router,
    gaps.router,
    imports.router,
    exports.router,
    keys.router,
    audit.router,
    training.router,
    admin.router,
    assignments.router,
    history.router,
    learning.router,
)


def create_app(gateway: Gateway) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await prepare_store(gateway)
        yield

    app = FastAPIOffline(
        title="Local Public Support",
        version="1.0.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        static_url=DOCS_ASSETS_PREFIX.rstrip("/"),
    )
    app.state.gateway = gateway
    key_cache = CachedKeyStore(gateway.store, gateway.settings.key_cache_s)
    app.state.keys = key_cache
    install_problem_handlers(app)
    for router in ROUTERS:
        app.include_router(router)
    settings = gateway.settings
    install_openapi(
        app,
        [route for router in ROUTERS for route in router.routes],
        settings.max_json_bytes,
        settings.max_csv_bytes,
    )
    install_middleware(app, gateway, key_cache)
    app.add_route(METRICS_PATH, metrics_endpoint, methods=["GET"], include_in_schema=False)
    tracing.instrument_app(app)
    return app


def install_middleware(app: FastAPI, gateway: Gateway, keys: CachedKeyStore) -> None:
    settings = gateway.settings
    # Added innermost first: each add_middleware wraps what is there.
    app.add_middleware(
        IdempotencyMiddleware,
        store=gateway.store,
        ttl=timedelta(seconds=settings.idempotency_ttl_s),
        pending_ttl=timedelta(seconds=settings.idempotency_pending_s),
    )
    app.add_middleware(AuditMiddleware, audit=GroupedAuditLog(gateway.store))
    app.add_middleware(
        BodyLimitMiddleware,
        json_limit=settings.max_json_bytes,
        csv_limit=settings.max_csv_bytes,
    )
    app.add_middleware(AuthenticationMiddleware, keys=keys)
    app.add_middleware(WebPage, directory=settings.web_dir)
    app.add_middleware(RequestContextMiddleware)
    app.add_middleware(MetricsMiddleware, routes=app.router.routes)
