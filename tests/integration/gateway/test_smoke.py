from __future__ import annotations

import httpx
import pytest

pytestmark = [pytest.mark.neo4j, pytest.mark.integration]


async def test_people_round_trip(admin: httpx.AsyncClient) -> None:
    ready = await admin.get("/readyz")
    assert ready.status_code == 200, ready.text
    created = await admin.post(
        "/v1/people",
        json={"id": "p1", "name": "Ada", "sector": "public", "locality": "Northfield"},
    )
    assert created.status_code == 201, created.text
    fetched = await admin.get("/v1/people/p1")
    assert fetched.json()["name"] == "Ada"
    roles = await admin.get("/v1/roles")
    print(roles.json())
