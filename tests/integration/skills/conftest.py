"""A real skills server on an ephemeral port over the real Neo4j, per test."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from neo4j import AsyncDriver

from lps.skills.v1 import skills_pb2_grpc
from services.common.graph import open_driver
from services.common.grpc_server import insecure_channel
from services.common.settings import Neo4jSettings
from services.skills.config import SkillsSettings
from services.skills.entrypoints.server import SERVICE_NAME, create_server


async def wait_until_serving(channel: grpc.aio.Channel, timeout_s: float = 30.0) -> None:
    health = health_pb2_grpc.HealthStub(channel)
    deadline = asyncio.get_running_loop().time() + timeout_s
    while True:
        reply = await health.Check(health_pb2.HealthCheckRequest(service=SERVICE_NAME), timeout=5)
        if reply.status == health_pb2.HealthCheckResponse.SERVING:
            return
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError("the skills service never went SERVING")
        await asyncio.sleep(0.05)


@pytest.fixture
async def driver(graph: Neo4jSettings) -> AsyncIterator[AsyncDriver]:
    neo4j_driver = open_driver(graph)
    try:
        yield neo4j_driver
    finally:
        await neo4j_driver.close()


@pytest.fixture
async def channel(graph: Neo4jSettings, driver: AsyncDriver) -> AsyncIterator[grpc.aio.Channel]:
    settings = SkillsSettings(neo4j=graph, graph_check_interval_s=0.2)
    server, port = await create_server(settings, driver, "127.0.0.1:0")
    client_channel = insecure_channel(f"127.0.0.1:{port}")
    try:
        await wait_until_serving(client_channel)
        yield client_channel
    finally:
        await client_channel.close()
        await server.stop(0)


@pytest.fixture
def skills(channel: grpc.aio.Channel) -> skills_pb2_grpc.SkillsServiceStub:
    return skills_pb2_grpc.SkillsServiceStub(channel)  # type: ignore[no-untyped-call]
