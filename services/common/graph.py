"""The Neo4j driver as every service opens it, and the watch that ties a
service's health to whether the graph answers.

The driver handed to the repositories is wrapped so that every transaction is
timed for the `neo4j_query_seconds` metric and ends with the deadline of the
gRPC call it serves: the driver's own retries (30 s) would otherwise outlive
the caller during a Neo4j outage."""

from __future__ import annotations

import asyncio
import contextvars
import functools
import logging
import time
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any, LiteralString, TypeVar, cast

from neo4j import (
    AsyncDriver,
    AsyncGraphDatabase,
    AsyncManagedTransaction,
    AsyncSession,
    EagerResult,
    Query,
    RoutingControl,
    unit_of_work,
)
from neo4j.exceptions import Neo4jError, ServiceUnavailable, SessionExpired, TransientError

from services.common.metrics import timed_graph_call
from services.common.settings import Neo4jSettings

logger = logging.getLogger(__name__)

T = TypeVar("T")

GRAPH_ERRORS: tuple[type[Exception], ...] = (
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
    ConnectionError,
    OSError,
)
# The graph is down or briefly unable to answer: the caller may retry, unlike a
# constraint or a query error, which retrying would not fix.
GRAPH_UNAVAILABLE: tuple[type[Exception], ...] = (
    ServiceUnavailable,
    SessionExpired,
    TransientError,
    ConnectionError,
    OSError,
)


def open_driver(settings: Neo4jSettings) -> AsyncDriver:
    driver = AsyncGraphDatabase.driver(
        settings.uri,
        auth=settings.auth,
        max_connection_pool_size=settings.max_connection_pool_size,
        connection_timeout=settings.connection_timeout_s,
        connection_acquisition_timeout=settings.connection_timeout_s * 2,
        max_transaction_retry_time=settings.max_transaction_retry_time_s,
        # "Unknown label or property" hints fire on every query against an
        # empty graph; they are noise for a service whose schema grows with its data.
        notifications_min_severity="OFF",
    )
    return cast(AsyncDriver, ServiceDriver(driver))


# When the call being served must have answered, on the monotonic clock; None for no deadline.
call_deadline_var: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "call_deadline", default=None
)


def set_call_deadline(time_remaining_s: float | None) -> contextvars.Token[float | None]:
    deadline = None if time_remaining_s is None else time.monotonic() + time_remaining_s
    return call_deadline_var.set(deadline)


def time_left_s() -> float | None:
    deadline = call_deadline_var.get()
    return None if deadline is None else max(0.0, deadline - time.monotonic())


class CallDeadlineExceeded(Exception):
    """The call's deadline passed while the graph was still working for it.

    Not a TimeoutError: that is an OSError, which would read as a lost graph."""


async def within_call_deadline(work: Awaitable[T]) -> T:
    """Runs `work` no longer than the call it serves may last: past that the
    caller has gone, and the driver's retries (up to 30 s, sleeps included)
    would only hold a connection and a thread of work for nobody."""
    left = time_left_s()
    if left is None:
        return await work
    try:
        async with asyncio.timeout(left):
            return await work
    except TimeoutError as error:
        raise CallDeadlineExceeded from error


def _operation_of(work: Callable[..., Any]) -> str:
    return getattr(work, "__name__", "transaction").lstrip("_") or "transaction"


class ServiceSession:
    """An AsyncSession whose transactions are timed; the rest passes through."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def __aenter__(self) -> ServiceSession:
        await self._session.__aenter__()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self._session.__aexit__(exc_type, exc, traceback)  # type: ignore[no-untyped-call]

    async def execute_read(self, work: Callable[..., Awaitable[Any]], *args: Any, **kw: Any) -> Any:
        async with timed_graph_call(_operation_of(work), "read"):
            return await within_call_deadline(self._session.execute_read(work, *args, **kw))

    async def execute_write(
        self, work: Callable[..., Awaitable[Any]], *args: Any, **kw: Any
    ) -> Any:
        async with timed_graph_call(_operation_of(work), "write"):
            return await within_call_deadline(self._session.execute_write(work, *args, **kw))

    async def run(self, *args: Any, **kw: Any) -> Any:
        async with timed_graph_call("run", "auto"):
            return await within_call_deadline(self._session.run(*args, **kw))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._session, name)


class ServiceDriver:
    """An AsyncDriver whose sessions and queries are timed and whose retries
    end with the deadline of the call being served."""

    def __init__(self, driver: AsyncDriver) -> None:
        self._driver = driver

    def session(self, **config: Any) -> ServiceSession:
        return ServiceSession(self._driver.session(**config))

    async def execute_query(
        self,
        query: LiteralString | Query,
        parameters: dict[str, Any] | None = None,
        routing_: RoutingControl = RoutingControl.WRITE,
        database_: str | None = None,
        **kwargs: Any,
    ) -> EagerResult:
        """The driver's execute_query (same bookmarks, same retries) run in a
        session of ours, so that it is timed and ends with the call's deadline."""
        if any(name.endswith("_") for name in kwargs):
            # Options this wrapper does not model (auth_, result_transformer_, ...).
            async with timed_graph_call("execute_query", "auto"):
                return cast(
                    EagerResult,
                    await self._driver.execute_query(
                        query, parameters, routing_, database_, **kwargs
                    ),
                )
        text: LiteralString = query.text if isinstance(query, Query) else query
        params = dict(parameters or {}, **kwargs)

        # Named for the `operation` label of the metrics.
        async def execute_query(tx: AsyncManagedTransaction) -> EagerResult:
            result = await tx.run(text, params)
            return await result.to_eager_result()

        work = execute_query
        if isinstance(query, Query):
            work = functools.wraps(execute_query)(
                unit_of_work(query.metadata, query.timeout)(execute_query)
            )
        async with self.session(
            database=database_, bookmark_manager=self._driver.execute_query_bookmark_manager
        ) as session:
            if routing_ == RoutingControl.READ:
                return cast(EagerResult, await session.execute_read(work))
            return cast(EagerResult, await session.execute_write(work))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._driver, name)


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
