"""A skills process restarting from its index snapshot on the real Neo4j:
writes made while it was down (through another replica) arrive through the
change feed before it reports SERVING; a graph changed behind the feed's back
makes it build from the graph instead."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import grpc
import pytest
from neo4j import AsyncDriver

from lps.skills.v1 import skills_pb2, skills_pb2_grpc
from services.common.grpc_server import insecure_channel
from services.common.settings import Neo4jSettings
from services.skills.config import SkillsSettings
from services.skills.entrypoints.server import create_server
from tests.integration.skills.conftest import wait_until_serving
from tests.integration.skills.support import TIMEOUT_S, add_person, set_level
from tests.integration.skills.test_scoring_index import Stub, ranked

pytestmark = pytest.mark.neo4j

KEEPER_LOG = "services.skills.service.index_keeper"


@asynccontextmanager
async def skills_process(
    graph: Neo4jSettings, driver: AsyncDriver, snapshot: Path | None = None
) -> AsyncIterator[Stub]:
    settings = SkillsSettings(
        neo4j=graph,
        graph_check_interval_s=0.2,
        index_poll_interval_s=0.2,
        index_snapshot_path=str(snapshot or ""),
    )
    server, port = await create_server(settings, driver, "127.0.0.1:0")
    channel: grpc.aio.Channel = insecure_channel(f"127.0.0.1:{port}")
    try:
        await wait_until_serving(channel)
        yield skills_pb2_grpc.SkillsServiceStub(channel)  # type: ignore[no-untyped-call]
    finally:
        await channel.close()
        await server.stop(0)


def started_from(caplog: pytest.LogCaptureFixture) -> list[str]:
    messages = [r.getMessage() for r in caplog.records if r.name == KEEPER_LOG]
    return [
        "snapshot" if m == "scoring index loaded from its snapshot" else "graph"
        for m in messages
        if m in ("scoring index loaded from its snapshot", "scoring index built")
    ]


async def test_a_restart_loads_the_snapshot_and_ranks_what_was_written_while_down(
    graph: Neo4jSettings, driver: AsyncDriver, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=KEEPER_LOG)
    snapshot = tmp_path / "skills-index.npz"
    async with skills_process(graph, driver, snapshot) as skills:
        for person_id, level in (("ann", 2), ("bob", 3), ("dan", 1)):
            await add_person(skills, person_id)
            await set_level(skills, person_id, "empathy", level)
        assert await ranked(skills) == ["bob", "ann", "dan"]
    # Written on the clean stop.
    assert snapshot.exists()
    async with skills_process(graph, driver) as other_replica:
        await add_person(other_replica, "cat")
        await set_level(other_replica, "cat", "empathy", 4)
        await set_level(other_replica, "dan", "empathy", 3)
        await other_replica.ErasePerson(skills_pb2.ErasePersonRequest(id="bob"), timeout=TIMEOUT_S)
    async with skills_process(graph, driver, snapshot) as restarted:
        # SERVING already means caught up: the first answer holds every write.
        assert await ranked(restarted) == ["cat", "dan", "ann"]
        fit = await restarted.GetFit(
            skills_pb2.GetFitRequest(person_id="dan", role_id="navigator"), timeout=TIMEOUT_S
        )
        assert fit.fit > 0
    assert started_from(caplog) == ["graph", "graph", "snapshot"]


async def test_a_graph_changed_behind_the_feeds_back_is_built_from_the_graph(
    graph: Neo4jSettings, driver: AsyncDriver, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=KEEPER_LOG)
    snapshot = tmp_path / "skills-index.npz"
    async with skills_process(graph, driver, snapshot) as skills:
        for person_id, level in (("ann", 2), ("bob", 3)):
            await add_person(skills, person_id)
            await set_level(skills, person_id, "empathy", level)
    # Written by hand: no change record, so the feed cannot tell.
    await driver.execute_query(
        "CREATE (:Person {id: 'eve', name: 'Eve', sector: 'public', capacity_fte: 1.0})"
    )
    async with skills_process(graph, driver, snapshot) as restarted:
        assert await ranked(restarted) == ["bob", "ann", "eve"]
    assert started_from(caplog) == ["graph", "graph"]
