"""The Neo4j driver as every service opens it, and the watch that ties a
service's health to whether the graph answers."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from neo4j import AsyncDriver, AsyncGraphDatabase
from neo4j.exceptions import Neo4jError, ServiceUnavailable, SessionExpired

from services.common.metrics import metered
from services.common.settings import Neo4jSettings

logger = logging.getLogger(__name__)

GRAPH_ERRORS: tuple[type[Exception], ...] = (
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
    ConnectionError,
    OSError,
)


def open_driver(settings: Neo4jSettings) -> AsyncDriver:
    """The driver, with every transaction timed for the `neo4j_query_seconds` metric."""
    driver = AsyncGraphDatabase.driver(
        settings.uri,
        auth=settings.auth,
        max_connection_pool_size=settings.max_connection_pool_size,
        connection_timeout=settings.connection_timeout_s,
        connection_acquisition_timeout=settings.connection_timeout_s * 2,
        # "Unknown label or property" hints fire on every query against an
        # empty graph; they are noise for a service whose schema grows with its data.
        notifications_min_severity="OFF",
    )
    return metered(driver)


async def graph_answers(driver: AsyncDriver) -> bool:
    try:
        await driver.verify_connectivity()
    except GRAPH_ERRORS:
        return False
    return True


async def watch_graph(
    driver: AsyncDriver,
    on_change: Callable[[bool], Awaitable[None]],
    on_first_up: Callable[[], Awaitable[None]] | None = None,
    interval_s: float = 1.0,
) -> None:
    """Calls `on_change` whenever the graph starts or stops answering.

    `on_first_up` (schema creation, seeding) runs once the graph first answers,
    and again after a failure of its own, before the service reports SERVING.
    """
    answering: bool | None = None
    prepared = on_first_up is None
    while True:
        up = await graph_answers(driver)
        if up and not prepared and on_first_up is not None:
            try:
                await on_first_up()
                prepared = True
            except GRAPH_ERRORS as error:
                logger.warning("graph preparation failed; will retry", extra={"error": str(error)})
                up = False
        if up != answering:
            logger.info("graph %s", "answers" if up else "does not answer")
            await on_change(up)
            answering = up
        await asyncio.sleep(interval_s)
