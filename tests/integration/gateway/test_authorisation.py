"""Who may write what: every write path against every scope, and the 401s."""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx
import pytest

from tests.integration.gateway.conftest import KeyMaker
from tests.integration.gateway.data import (
    OUTCOME,
    PEOPLE_CSV,
    create_outcome,
    create_person,
    create_skill,
    seed_team_pool,
)

pytestmark = [pytest.mark.neo4j, pytest.mark.integration]

_counter = itertools.count()

WriteCall = Callable[[httpx.AsyncClient, httpx.AsyncClient], Awaitable[httpx.Response]]


@dataclass(frozen=True)
class WritePath:
    name: str
    scopes: frozenset[str]
    call: WriteCall


def fresh(prefix: str) -> str:
    return f"{prefix}-{next(_counter)}"


async def post_person(client: httpx.AsyncClient, admin: httpx.AsyncClient) -> httpx.Response:
    return await client.post("/v1/people", json={"id": fresh("p"), "name": "N", "sector": "public"})


async def put_person(client: httpx.AsyncClient, admin: httpx.AsyncClient) -> httpx.Response:
    return await client.put("/v1/people/px", json={"name": "N", "sector": "private"})


async def delete_person(client: httpx.AsyncClient, admin: httpx.AsyncClient) -> httpx.Response:
    person_id = await create_person(admin, fresh("d"))
    return await client.delete(f"/v1/people/{person_id}")


async def put_level(client: httpx.AsyncClient, admin: httpx.AsyncClient) -> httpx.Response:
    person_id = await create_person(admin, fresh("l"))
    return await client.put(
        f"/v1/people/{person_id}/skills/empathy", json={"level": 2, "source": "manager"}
    )


async def delete_level(client: httpx.AsyncClient, admin: httpx.AsyncClient) -> httpx.Response:
    person_id = await create_person(admin, fresh("r"))
    await admin.put(f"/v1/people/{person_id}/skills/empathy", json={"level": 2})
    return await client.delete(f"/v1/people/{person_id}/skills/empathy")


async def post_skill(client: httpx.AsyncClient, admin: httpx.AsyncClient) -> httpx.Response:
    return await client.post("/v1/skills", json={"id": fresh("s"), "label": "Juggling"})


async def put_skill(client: httpx.AsyncClient, admin: httpx.AsyncClient) -> httpx.Response:
    return await client.put("/v1/skills/juggling", json={"label": "Juggling"})


async def put_role(client: httpx.AsyncClient, admin: httpx.AsyncClient) -> httpx.Response:
    return await client.put(
        "/v1/roles/juggler",
        json={"name": "Juggler", "requirements": [{"skill_id": "empathy", "min_level": 2}]},
    )


async def import_people(client: httpx.AsyncClient, admin: httpx.AsyncClient) -> httpx.Response:
    return await client.post(
        "/v1/imports/people", content=PEOPLE_CSV, headers={"Content-Type": "text/csv"}
    )


async def import_skills(client: httpx.AsyncClient, admin: httpx.AsyncClient) -> httpx.Response:
    return await client.post(
        "/v1/imports/skills",
        content="conceptUri,preferredLabel\nhttp://esco/x,x-ing\n",
        headers={"Content-Type": "text/csv"},
    )


async def post_outcome(client: httpx.AsyncClient, admin: httpx.AsyncClient) -> httpx.Response:
    return await client.post("/v1/outcomes", json={**OUTCOME, "id": fresh("o")})


async def put_outcome(client: httpx.AsyncClient, admin: httpx.AsyncClient) -> httpx.Response:
    outcome_id = await create_outcome(admin, fresh("o"))
    return await client.put(f"/v1/outcomes/{outcome_id}", json={**OUTCOME, "priority": 5})


async def delete_outcome(client: httpx.AsyncClient, admin: httpx.AsyncClient) -> httpx.Response:
    outcome_id = await create_outcome(admin, fresh("o"))
    return await client.delete(f"/v1/outcomes/{outcome_id}")


async def propose(client: httpx.AsyncClient, admin: httpx.AsyncClient) -> httpx.Response:
    outcome_id = await create_outcome(admin, fresh("o"))
    return await client.post(
        "/v1/staffing/proposals", json={"outcome_ids": [outcome_id], "time_limit_s": 2}
    )


async def commit(client: httpx.AsyncClient, admin: httpx.AsyncClient) -> httpx.Response:
    outcome_id = await create_outcome(admin, fresh("o"))
    proposal = await admin.post(
        "/v1/staffing/proposals", json={"outcome_ids": [outcome_id], "time_limit_s": 2}
    )
    assert proposal.status_code == 201, proposal.text
    return await client.post(f"/v1/staffing/proposals/{proposal.json()['id']}/commit")


# Started in the past: an outcome closes, and a result is recorded, only on a day it has begun.
MEASURED_OUTCOME = {
    **OUTCOME,
    "start": "2026-01-05",
    "measures": [{"id": "visits", "name": "Visits", "baseline": 0, "target": 100}],
}


async def measured_outcome(admin: httpx.AsyncClient) -> str:
    outcome_id = fresh("m")
    response = await admin.post("/v1/outcomes", json={**MEASURED_OUTCOME, "id": outcome_id})
    assert response.status_code == 201, response.text
    return outcome_id


async def record_result(client: httpx.AsyncClient, admin: httpx.AsyncClient) -> httpx.Response:
    outcome_id = await measured_outcome(admin)
    result = {"measure_id": "visits", "value": 12, "date": "2026-02-01"}
    return await client.post(f"/v1/outcomes/{outcome_id}/results", json=result)


async def close_outcome(client: httpx.AsyncClient, admin: httpx.AsyncClient) -> httpx.Response:
    outcome_id = await measured_outcome(admin)
    return await client.post(f"/v1/outcomes/{outcome_id}/close", json={"assessment": "met"})


async def post_key(client: httpx.AsyncClient, admin: httpx.AsyncClient) -> httpx.Response:
    return await client.post("/v1/keys", json={"name": "k", "scopes": ["planner"]})


async def delete_key(client: httpx.AsyncClient, admin: httpx.AsyncClient) -> httpx.Response:
    issued = await admin.post("/v1/keys", json={"name": "k", "scopes": ["planner"]})
    return await client.delete(f"/v1/keys/{issued.json()['id']}")


HR = frozenset({"hr", "admin"})
MANAGER = frozenset({"manager", "admin"})
ADMIN = frozenset({"admin"})
WRITE_PATHS = [
    WritePath("POST /v1/people", HR, post_person),
    WritePath("PUT /v1/people/{id}", HR, put_person),
    WritePath("DELETE /v1/people/{id}", HR, delete_person),
    WritePath("PUT /v1/people/{id}/skills/{skill_id}", HR, put_level),
    WritePath("DELETE /v1/people/{id}/skills/{skill_id}", HR, delete_level),
    WritePath("POST /v1/skills", HR, post_skill),
    WritePath("PUT /v1/skills/{id}", HR, put_skill),
    WritePath("PUT /v1/roles/{id}", HR, put_role),
    WritePath("POST /v1/imports/people", HR, import_people),
    WritePath("POST /v1/imports/skills", HR, import_skills),
    WritePath("POST /v1/outcomes", MANAGER, post_outcome),
    WritePath("PUT /v1/outcomes/{id}", MANAGER, put_outcome),
    WritePath("DELETE /v1/outcomes/{id}", MANAGER, delete_outcome),
    WritePath("POST /v1/staffing/proposals", MANAGER, propose),
    WritePath("POST /v1/staffing/proposals/{id}/commit", MANAGER, commit),
    WritePath("POST /v1/outcomes/{id}/results", MANAGER, record_result),
    WritePath("POST /v1/outcomes/{id}/close", MANAGER, close_outcome),
    WritePath("POST /v1/keys", ADMIN, post_key),
    WritePath("DELETE /v1/keys/{id}", ADMIN, delete_key),
]


async def test_each_scope_against_each_write_path(
    admin: httpx.AsyncClient,
    issue_key: KeyMaker,
    client_for: Callable[[str | None], httpx.AsyncClient],
) -> None:
    await create_skill(admin, "empathy")
    await seed_team_pool(admin)
    keys = {scope: await issue_key(scope) for scope in ("hr", "manager", "planner", "admin")}
    outcomes: list[tuple[str, str, int]] = []
    for path in WRITE_PATHS:
        async with client_for(None) as anonymous:
            outcomes.append((path.name, "none", (await path.call(anonymous, admin)).status_code))
        for scope, key in keys.items():
            async with client_for(key) as client:
                response = await path.call(client, admin)
            outcomes.append((path.name, scope, response.status_code))
    wrong = []
    for name, scope, status in outcomes:
        allowed = next(p.scopes for p in WRITE_PATHS if p.name == name)
        if scope == "none":
            expected_ok = status == 401
        elif scope in allowed:
            expected_ok = 200 <= status < 300
        else:
            expected_ok = status == 403
        if not expected_ok:
            wrong.append((name, scope, status))
    assert wrong == []


async def test_missing_unknown_and_revoked_keys_get_the_same_401(
    admin: httpx.AsyncClient,
    issue_key: KeyMaker,
    client_for: Callable[[str | None], httpx.AsyncClient],
) -> None:
    hr_key = await issue_key("hr")
    async with client_for(hr_key) as hr:
        assert (await hr.get("/v1/people")).status_code == 200
    keys = (await admin.get("/v1/keys")).json()["items"]
    hr_id = next(k["id"] for k in keys if k["scopes"] == ["hr"])
    assert (await admin.delete(f"/v1/keys/{hr_id}")).status_code == 204

    bodies = []
    for key in (None, "lps_not-a-key-anyone-issued", hr_key):
        async with client_for(key) as client:
            response = await client.get("/v1/people")
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"
        assert response.headers["www-authenticate"].startswith("Bearer")
        body = response.json()
        body.pop("request_id")
        bodies.append(body)
    assert bodies[0] == bodies[1] == bodies[2]
    assert (await admin.delete("/v1/keys/key_unknown")).status_code == 404


async def test_reads_follow_the_documented_matrix(
    issue_key: KeyMaker, client_for: Callable[[str | None], httpx.AsyncClient]
) -> None:
    planner = await issue_key("planner")
    hr = await issue_key("hr")
    async with client_for(planner) as client:
        assert (await client.get("/v1/people")).status_code == 200
        assert (await client.get("/v1/gaps")).status_code == 200
        assert (await client.get("/v1/learning")).status_code == 200
        assert (await client.get("/v1/audit")).status_code == 403
        assert (await client.get("/v1/keys")).status_code == 403
    async with client_for(hr) as client:
        assert (await client.get("/v1/roles")).status_code == 200
        assert (await client.get("/v1/gaps")).status_code == 403
        assert (await client.get("/v1/learning")).status_code == 403
        assert (await client.get("/v1/outcomes")).status_code == 403


async def test_health_paths_need_no_key(
    client_for: Callable[[str | None], httpx.AsyncClient],
) -> None:
    async with client_for(None) as client:
        assert (await client.get("/healthz")).json() == {"status": "ok"}
        ready = await client.get("/readyz")
        assert ready.status_code == 200
        assert ready.json()["checks"] == {"skills": True, "matching": True, "neo4j": True}
        openapi = (await client.get("/openapi.json")).json()
        assert openapi["openapi"].startswith("3.1")
        assert "/v1/people/{person_id}/fit" in openapi["paths"]


async def test_a_key_reads_its_own_scopes_and_a_403_names_the_scopes_needed(
    issue_key: KeyMaker, client_for: Callable[[str | None], httpx.AsyncClient]
) -> None:
    hr = await issue_key("hr", name="the web page's hr")
    async with client_for(hr) as client:
        current = await client.get("/v1/keys/current")
        assert current.status_code == 200
        assert current.json()["name"] == "the web page's hr"
        assert current.json()["scopes"] == ["hr"]
        assert "key" not in current.json()
        refused = await client.get("/v1/gaps")
        assert refused.status_code == 403
        assert "admin, manager, planner" in refused.json()["detail"]
    async with client_for(None) as anonymous:
        assert (await anonymous.get("/v1/keys/current")).status_code == 401


async def test_the_web_page_is_served_without_a_key_and_the_api_keeps_its_answers(
    client_for: Callable[[str | None], httpx.AsyncClient],
) -> None:
    async with client_for(None) as anonymous:
        page = await anonymous.get("/")
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        asset = next(part.split('"')[0] for part in page.text.split('src="')[1:])
        assert asset.startswith("/assets/")
        assert (await anonymous.get(asset)).status_code == 200
        missing = await anonymous.get("/assets/no-such-file.js")
        assert missing.status_code == 404
        assert missing.headers["content-type"] == "application/problem+json"
        # Only the page's paths are open: the rest still needs a key.
        assert (await anonymous.get("/v1/people")).status_code == 401
        assert (await anonymous.get("/index.html")).status_code == 401
        assert (await anonymous.post("/")).status_code == 401
