"""The driver every service opens, on the real Neo4j: queries answer as the
neo4j driver's would, are timed, and stop at the deadline of the call they serve."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import pytest
from neo4j import AsyncDriver, AsyncResult, Query, RoutingControl
from prometheus_client import REGISTRY

from services.common.graph import (
    CallDeadlineExceeded,
    call_deadline_var,
    open_driver,
    set_call_deadline,
)
from services.common.settings import Neo4jSettings

pytestmark = [pytest.mark.neo4j, pytest.mark.integration]

# Counts to a billion: far longer than any deadline below.
ENDLESS = "UNWIND range(1, 1000000000) AS i RETURN count(i) AS n"


@pytest.fixture
async def driver(graph: Neo4jSettings) -> AsyncIterator[AsyncDriver]:
    opened = open_driver(graph)
    try:
        yield opened
    finally:
        await opened.close()


def timed(operation: str, mode: str) -> float:
    value = REGISTRY.get_sample_value(
        "neo4j_query_seconds_count", {"operation": operation, "mode": mode}
    )
    return value or 0.0


async def test_execute_query_answers_as_the_driver_does_and_is_timed(
    driver: AsyncDriver, graph: Neo4jSettings
) -> None:
    reads_before = timed("execute_query", "read")
    written = await driver.execute_query(
        "CREATE (p:Probe {id: $id}) RETURN p.id AS id", {"id": "p1"}, database_=graph.database
    )
    read = await driver.execute_query(
        Query("MATCH (p:Probe) RETURN p.id AS id", timeout=5),
        routing_=RoutingControl.READ,
        database_=graph.database,
    )
    single = await driver.execute_query(
        "RETURN $x AS x", x=7, database_=graph.database, result_transformer_=AsyncResult.single
    )

    assert [r["id"] for r in written.records] == ["p1"]
    assert [r["id"] for r in read.records] == ["p1"]
    assert read.keys == ["id"]
    assert single is not None and single["x"] == 7
    assert timed("execute_query", "read") == reads_before + 1


async def test_graph_work_stops_at_the_deadline_of_the_call_it_serves(
    driver: AsyncDriver, graph: Neo4jSettings
) -> None:
    token = set_call_deadline(0.5)
    started = time.monotonic()
    try:
        with pytest.raises(CallDeadlineExceeded):
            await driver.execute_query(
                ENDLESS, routing_=RoutingControl.READ, database_=graph.database
            )
        with pytest.raises(CallDeadlineExceeded):
            async with driver.session(database=graph.database) as session:
                await session.execute_read(_endless)
    finally:
        call_deadline_var.reset(token)
    assert time.monotonic() - started < 3.0


async def _endless(tx: object) -> int:
    result = await tx.run(ENDLESS)  # type: ignore[attr-defined]
    record = await result.single()
    return int(record["n"])
