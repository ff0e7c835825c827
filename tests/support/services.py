"""The real services, in-process on ephemeral ports, for integration and
end-to-end tests: the skills server, the matching server talking to it, and
the gateway app with real gRPC clients and the real Neo4j.

Use the async context managers directly, or pull the fixtures into a
conftest with `from tests.support.services import *  # noqa: F403`.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import grpc
import httpx
import pytest
from fastapi import FastAPI
from grpc_health.v1 import health_pb2, health_pb2_grpc
from pydantic import SecretStr

from services.common.graph import open_driver
from services.common.settings import Neo4jSettings
from services.gateway.adapters.deadlines import Deadlines
from services.gateway.adapters.learning_client import LearningClient
from services.gateway.adapters.matching_client import MatchingClient
from services.gateway.adapters.neo4j_store import Neo4jGatewayStore
from services.gateway.adapters.skills_client import SkillsClient
from services.gateway.config import GatewaySettings
from services.gateway.entrypoints.http.app import create_app, prepare_store
from services.gateway.entrypoints.http.deps import Gateway
from services.matching.adapters.skills_client import SkillsClient as MatchingSkillsClient
from services.matching.config import MatchingSettings
from services.matching.entrypoints.server import create_server as create_matching_server
from services.skills.config import SkillsSettings
from services.skills.entrypoints.server import create_server as create_skills_server

SERVING = health_pb2.HealthCheckResponse.SERVING


# Generous: a skills server builds its scoring index before SERVING, and on a
# shared machine under heavy load that took over 30 s even on a small graph.
SERVING_TIMEOUT_S = 180.0


async def wait_until_serving(address: str, timeout_s: float = SERVING_TIMEOUT_S) -> None:
    async with grpc.aio.insecure_channel(address) as channel:
        health = health_pb2_grpc.HealthStub(channel)
        deadline = asyncio.get_running_loop().time() + timeout_s
        while True:
            try:
                answer = await health.Check(health_pb2.HealthCheckRequest(), timeout=2)
                if answer.status == SERVING:
                    return
            except grpc.aio.AioRpcError:
                pass
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"{address} never reported SERVING")
            await asyncio.sleep(0.1)


@asynccontextmanager
async def running_skills(neo4j: Neo4jSettings) -> AsyncIterator[str]:
    """A skills server on a free port; yields its address once it serves."""
    driver = open_driver(neo4j)
    settings = SkillsSettings(neo4j=neo4j, graph_check_interval_s=0.2)
    server, port = await create_skills_server(settings, driver, "127.0.0.1:0")
    address = f"127.0.0.1:{port}"
    try:
        await wait_until_serving(address)
        yield address
    finally:
        await server.stop(0)
        await driver.close()


@asynccontextmanager
async def running_matching(neo4j: Neo4jSettings, skills_address: str) -> AsyncIterator[str]:
    """A matching server on a free port, calling the given skills server."""
    driver = open_driver(neo4j)
    settings = MatchingSettings(neo4j=neo4j, skills_address=skills_address)
    skills = MatchingSkillsClient.connect(
        skills_address, settings.skills_timeout_s, settings.matrix_timeout_s
    )
    server, port = await create_matching_server(settings, driver, skills, "127.0.0.1:0")
    address = f"127.0.0.1:{port}"
    try:
        await wait_until_serving(address)
        yield address
    finally:
        await server.stop(0)
        await skills.close()
        await driver.close()


@dataclass(frozen=True)
class RunningGateway:
    app: FastAPI
    gateway: Gateway
    admin_key: str


def gateway_settings(skills_address: str, matching_address: str, admin_key: str) -> GatewaySettings:
    return GatewaySettings(
        skills_address=skills_address,
        matching_address=matching_address,
        admin_key=SecretStr(admin_key),
        call_deadline_s=10.0,
    )


@asynccontextmanager
async def running_gateway(
    neo4j: Neo4jSettings, settings: GatewaySettings
) -> AsyncIterator[RunningGateway]:
    """The gateway app with real clients; its store prepared and its admin key seeded."""
    assert settings.admin_key is not None
    driver = open_driver(neo4j)
    deadlines = Deadlines.of(settings)
    gateway = Gateway(
        settings=settings,
        skills=SkillsClient.connect(settings.skills_address, deadlines),
        matching=MatchingClient.connect(settings.matching_address, deadlines),
        store=Neo4jGatewayStore(driver, neo4j.database),
        learning=LearningClient.connect(settings.matching_address, deadlines),
    )
    app = create_app(gateway)
    try:
        await prepare_store(gateway)
        yield RunningGateway(
            app=app, gateway=gateway, admin_key=settings.admin_key.get_secret_value()
        )
    finally:
        await gateway.skills.close()
        await gateway.matching.close()
        if gateway.learning is not None:
            await gateway.learning.close()
        await driver.close()


def http_client(running: RunningGateway, key: str | None = None) -> httpx.AsyncClient:
    """An httpx client calling the app in-process; with `key`, authenticated."""
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=running.app),
        base_url="http://gateway.test",
        headers=headers,
        timeout=60.0,
    )


@pytest.fixture
async def skills_server(graph: Neo4jSettings) -> AsyncIterator[str]:
    async with running_skills(graph) as address:
        yield address


@pytest.fixture
async def matching_server(graph: Neo4jSettings, skills_server: str) -> AsyncIterator[str]:
    async with running_matching(graph, skills_server) as address:
        yield address


@pytest.fixture
async def gateway(
    graph: Neo4jSettings, skills_server: str, matching_server: str
) -> AsyncIterator[RunningGateway]:
    settings = gateway_settings(skills_server, matching_server, "admin-" + secrets.token_hex(16))
    async with running_gateway(graph, settings) as running:
        yield running


@pytest.fixture
async def admin(gateway: RunningGateway) -> AsyncIterator[httpx.AsyncClient]:
    async with http_client(gateway, gateway.admin_key) as client:
        yield client


__all__ = [
    "RunningGateway",
    "admin",
    "gateway",
    "gateway_settings",
    "http_client",
    "matching_server",
    "running_gateway",
    "running_matching",
    "running_skills",
    "skills_server",
    "wait_until_serving",
]
