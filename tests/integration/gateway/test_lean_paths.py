"""Lean request paths: API keys held briefly in each gateway and revoked
within that bound, fit with its gap steps in one call, and the candidate
filters reaching the skills service."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from services.common.settings import Neo4jSettings
from tests.integration.gateway.conftest import KeyMaker
from tests.integration.gateway.data import create_person
from tests.support.services import (
    RunningGateway,
    gateway_settings,
    http_client,
    running_gateway,
)

pytestmark = [pytest.mark.neo4j, pytest.mark.integration]

# Generous: other replicas must refuse the key within their cache bound; the
# test only says they do so eventually, never how fast.
EVENTUALLY_S = 60.0
SHORT_CACHE_S = 1.0


async def key_id_of(admin: httpx.AsyncClient, token_name: str) -> str:
    keys = (await admin.get("/v1/keys")).json()["items"]
    return str(next(k["id"] for k in keys if k["name"] == token_name))


async def test_a_key_revoked_through_this_gateway_is_refused_at_once(
    admin: httpx.AsyncClient, issue_key: KeyMaker, gateway: RunningGateway
) -> None:
    assert gateway.gateway.settings.key_cache_s > 0
    token = await issue_key("hr", name="revoked-here")
    async with http_client(gateway, token) as client:
        assert (await client.get("/v1/roles")).status_code == 200
        assert (await client.get("/v1/roles")).status_code == 200
        revoked = await admin.delete(f"/v1/keys/{await key_id_of(admin, 'revoked-here')}")
        assert revoked.status_code == 204
        refused = await client.get("/v1/roles")
    assert refused.status_code == 401
    assert refused.headers["content-type"].startswith("application/problem+json")


async def test_a_key_revoked_through_another_replica_is_refused_within_its_bound(
    graph: Neo4jSettings,
    skills_server: str,
    matching_server: str,
    admin: httpx.AsyncClient,
    issue_key: KeyMaker,
    gateway: RunningGateway,
) -> None:
    token = await issue_key("planner", name="revoked-elsewhere")
    settings = gateway_settings(skills_server, matching_server, gateway.admin_key).model_copy(
        update={"key_cache_s": SHORT_CACHE_S}
    )
    async with (
        running_gateway(graph, settings) as replica,
        http_client(replica, token) as client,
    ):
        assert (await client.get("/v1/roles")).status_code == 200
        revoked = await admin.delete(f"/v1/keys/{await key_id_of(admin, 'revoked-elsewhere')}")
        assert revoked.status_code == 204
        deadline = asyncio.get_running_loop().time() + EVENTUALLY_S
        status = 200
        while status != 401 and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.2)
            status = (await client.get("/v1/roles")).status_code
    assert status == 401


class CountingStub:
    """The gateway's skills stub, noting each method the gateway calls."""

    def __init__(self, stub: Any) -> None:
        self.stub = stub
        self.calls: list[str] = []

    def __getattr__(self, name: str) -> Any:
        self.calls.append(name)
        return getattr(self.stub, name)


async def test_fit_with_its_steps_is_one_call_to_skills(
    admin: httpx.AsyncClient, gateway: RunningGateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    person_id = await create_person(admin, "fit-one-call")
    level = await admin.put(
        f"/v1/people/{person_id}/skills/empathy", json={"level": 3, "source": "assessment"}
    )
    assert level.status_code == 200, level.text
    counting = CountingStub(gateway.gateway.skills.stub)
    monkeypatch.setattr(gateway.gateway.skills, "stub", counting)

    answer = await admin.get(f"/v1/people/{person_id}/fit", params={"role": "navigator"})

    assert answer.status_code == 200, answer.text
    assert counting.calls == ["GetFit"]
    fit = answer.json()
    steps = {step["skill_id"]: step for step in fit["steps"]}
    # Everything below its level is a step; empathy is met on fresh evidence.
    assert set(steps) == {"local-services-knowledge", "advice-and-signposting", "case-work"}
    assert steps["local-services-knowledge"]["to_level"] == 3
    assert all(step["fit_after"] > fit["fit"] for step in steps.values())


async def test_candidates_filter_by_clearance_and_availability(
    admin: httpx.AsyncClient,
) -> None:
    people: dict[str, dict[str, Any]] = {
        "cleared-free": {"clearances": [{"kind": "dbs", "expires": "2030-01-01"}]},
        "cleared-expiring": {"clearances": [{"kind": "dbs", "expires": "2027-02-01"}]},
        "uncleared": {},
        "away-in-spring": {
            "clearances": [{"kind": "dbs", "expires": "2030-01-01"}],
            "available_from": "2027-05-01",
        },
    }
    for person_id, extra in people.items():
        body = {"name": person_id, "sector": "public", "locality": "Northfield", **extra}
        assert (await admin.put(f"/v1/people/{person_id}", json=body)).status_code == 200
        level = await admin.put(
            f"/v1/people/{person_id}/skills/empathy", json={"level": 2, "source": "manager"}
        )
        assert level.status_code == 200, level.text

    async def ranked(**params: str) -> set[str]:
        answer = await admin.get("/v1/roles/navigator/candidates", params=params)
        assert answer.status_code == 200, answer.text
        return {c["person"]["id"] for c in answer.json()["items"]}

    assert await ranked() == set(people)
    assert await ranked(clearance="dbs") == {"cleared-free", "cleared-expiring", "away-in-spring"}
    assert await ranked(clearance="dbs", clearance_valid_until="2027-06-30") == {
        "cleared-free",
        "away-in-spring",
    }
    assert await ranked(
        clearance="dbs",
        clearance_valid_until="2027-06-30",
        available_from="2027-01-04",
        available_until="2027-03-31",
    ) == {"cleared-free"}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"available_from": "2027-13-01"}, "available_from"),
        ({"available_from": "2027-06-30", "available_until": "2027-01-04"}, "available_until"),
        ({"clearance_valid_until": "2027-01-04"}, "clearance_valid_until"),
        ({"clearance": "dbs", "clearance_valid_until": "someday"}, "clearance_valid_until"),
        ({"clearance": ""}, "clearance"),
    ],
)
async def test_bad_candidate_filters_are_problems_naming_the_field(
    admin: httpx.AsyncClient, params: dict[str, str], field: str
) -> None:
    answer = await admin.get("/v1/roles/navigator/candidates", params=params)
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert [e["field"] for e in answer.json()["errors"]] == [field]
