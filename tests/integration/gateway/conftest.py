"""The gateway with the real skills and matching services on the real Neo4j."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx
import pytest

from tests.support.services import (  # noqa: F401
    RunningGateway,
    admin,
    gateway,
    http_client,
    matching_server,
    skills_server,
)

KeyMaker = Callable[..., Awaitable[str]]


@pytest.fixture
def issue_key(admin: httpx.AsyncClient) -> KeyMaker:  # noqa: F811
    async def issue(*scopes: str, name: str = "test") -> str:
        response = await admin.post("/v1/keys", json={"name": name, "scopes": list(scopes)})
        assert response.status_code == 201, response.text
        return str(response.json()["key"])

    return issue


@pytest.fixture
def client_for(gateway: RunningGateway) -> Callable[[str | None], httpx.AsyncClient]:  # noqa: F811
    def make(key: str | None) -> httpx.AsyncClient:
        return http_client(gateway, key)

    return make
