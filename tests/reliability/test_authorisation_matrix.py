"""Issue 5, test 6: every route of the gateway against no key, an unknown key,
a revoked key and each scope.

The routes are walked from the app's OpenAPI document (and its hidden routes
from the app itself), so a new route fails here until its line is added to the
matrix. Requests carry placeholder ids and an empty body: an allowed scope gets
past authorisation (a 404 or 422 is fine, nothing is created), a refused one
gets 403. tests/integration/gateway/test_authorisation.py sends real writes.
"""

from __future__ import annotations

from collections.abc import Iterable

import httpx
import pytest

from services.gateway.config import GatewaySettings
from services.gateway.entrypoints.http.app import create_app
from services.gateway.entrypoints.http.deps import Gateway
from tests.reliability.conftest import System

pytestmark = [pytest.mark.neo4j, pytest.mark.reliability]

ALL = frozenset({"hr", "manager", "planner", "admin"})
HR = frozenset({"hr", "admin"})
MANAGER = frozenset({"manager", "admin"})
PLANNER = frozenset({"planner", "admin"})
READERS_OF_OUTCOMES = frozenset({"manager", "planner", "admin"})
HR_OR_PLANNER = frozenset({"hr", "planner", "admin"})
ADMIN = frozenset({"admin"})

# The scopes each route lets through, as README and the /docs description promise.
MATRIX: dict[tuple[str, str], frozenset[str]] = {
    ("GET", "/v1/people"): ALL,
    ("POST", "/v1/people"): HR,
    ("GET", "/v1/people/{person_id}"): ALL,
    ("PUT", "/v1/people/{person_id}"): HR,
    ("DELETE", "/v1/people/{person_id}"): HR,
    ("PUT", "/v1/people/{person_id}/skills/{skill_id}"): HR,
    ("DELETE", "/v1/people/{person_id}/skills/{skill_id}"): HR,
    ("GET", "/v1/people/{person_id}/fit"): ALL,
    ("GET", "/v1/skills"): ALL,
    ("POST", "/v1/skills"): HR,
    ("GET", "/v1/skills/{skill_id}"): ALL,
    ("PUT", "/v1/skills/{skill_id}"): HR,
    ("GET", "/v1/roles"): ALL,
    ("GET", "/v1/roles/{role_id}"): ALL,
    ("PUT", "/v1/roles/{role_id}"): HR,
    ("GET", "/v1/roles/{role_id}/candidates"): ALL,
    ("POST", "/v1/outcomes"): MANAGER,
    ("GET", "/v1/outcomes"): READERS_OF_OUTCOMES,
    ("GET", "/v1/outcomes/{outcome_id}"): READERS_OF_OUTCOMES,
    ("PUT", "/v1/outcomes/{outcome_id}"): MANAGER,
    ("DELETE", "/v1/outcomes/{outcome_id}"): MANAGER,
    ("POST", "/v1/staffing/proposals"): MANAGER,
    ("GET", "/v1/staffing/proposals/{proposal_id}"): READERS_OF_OUTCOMES,
    ("POST", "/v1/staffing/proposals/{proposal_id}/commit"): MANAGER,
    ("GET", "/v1/gaps"): READERS_OF_OUTCOMES,
    ("GET", "/v1/gaps/outcomes/{outcome_id}"): READERS_OF_OUTCOMES,
    ("POST", "/v1/imports/people"): HR,
    ("POST", "/v1/imports/skills"): HR,
    ("POST", "/v1/imports/courses"): HR,
    ("GET", "/v1/exports/people.csv"): HR_OR_PLANNER,
    ("GET", "/v1/exports/gaps.csv"): READERS_OF_OUTCOMES,
    ("GET", "/v1/keys"): ADMIN,
    ("GET", "/v1/keys/current"): ALL,
    ("POST", "/v1/keys"): ADMIN,
    ("DELETE", "/v1/keys/{key_id}"): ADMIN,
    ("GET", "/v1/audit"): ADMIN,
    ("GET", "/v1/admin/unreachable-ids"): ADMIN,
    ("POST", "/v1/admin/erasures"): ADMIN,
    ("GET", "/v1/training/courses"): ALL,
    ("POST", "/v1/training/courses"): HR,
    ("GET", "/v1/training/courses/{course_id}"): ALL,
    ("PUT", "/v1/training/courses/{course_id}"): HR,
    ("DELETE", "/v1/training/courses/{course_id}"): HR,
    ("POST", "/v1/training/plans"): PLANNER,
    ("GET", "/v1/training/plans"): READERS_OF_OUTCOMES,
    ("GET", "/v1/training/plans/{plan_id}"): READERS_OF_OUTCOMES,
    ("GET", "/v1/training/plans/{plan_id}/export"): READERS_OF_OUTCOMES,
    ("POST", "/v1/training/plans/{plan_id}/completions"): HR_OR_PLANNER,
    ("GET", "/v1/outcomes/{outcome_id}/assignments"): READERS_OF_OUTCOMES,
    ("GET", "/v1/people/{person_id}/assignments"): READERS_OF_OUTCOMES,
    ("DELETE", "/v1/outcomes/{outcome_id}/assignments/{person_id}"): MANAGER,
    ("GET", "/v1/people/{person_id}/history"): ALL,
    ("PUT", "/v1/skill-relations"): HR,
    ("POST", "/v1/outcomes/{outcome_id}/results"): MANAGER,
    ("GET", "/v1/outcomes/{outcome_id}/results"): READERS_OF_OUTCOMES,
    ("POST", "/v1/outcomes/{outcome_id}/close"): MANAGER,
    ("GET", "/v1/outcomes/{outcome_id}/team-history"): READERS_OF_OUTCOMES,
    ("GET", "/v1/people/{person_id}/team-history"): READERS_OF_OUTCOMES,
    ("GET", "/v1/learning"): READERS_OF_OUTCOMES,
    ("GET", "/v1/exports/learning.csv"): READERS_OF_OUTCOMES,
}
# Served but not in the OpenAPI document and behind the keys: none since both docs
# pages (/docs and /redoc, with their assets under /docs-assets/) are public.
HIDDEN: dict[tuple[str, str], frozenset[str]] = {}
MATRIX |= HIDDEN
# Answered without a key: probes, the scrape and the API's own description.
PUBLIC = {
    ("GET", "/healthz"),
    ("GET", "/readyz"),
    ("GET", "/metrics"),
    ("GET", "/openapi.json"),
    ("GET", "/docs"),
    ("GET", "/docs/oauth2-redirect"),
    ("GET", "/redoc"),
}
PLACEHOLDER = "matrix-placeholder"


def operations(openapi: dict[str, object]) -> set[tuple[str, str]]:
    paths = openapi["paths"]
    assert isinstance(paths, dict)
    return {(method.upper(), path) for path, ops in paths.items() for method in ops}


def app_routes() -> set[tuple[str, str]]:
    """Every route the app serves, documented or not (HEAD comes free with GET)."""
    settings = GatewaySettings(admin_key=None)
    app = create_app(Gateway(settings=settings, skills=None, matching=None, store=None))  # type: ignore[arg-type]
    found: set[tuple[str, str]] = set()

    def walk(routes: Iterable[object], prefix: str) -> None:
        for route in routes:
            included = getattr(route, "original_router", None)
            if included is not None:
                walk(included.routes, prefix + route.include_context.prefix)  # type: ignore[attr-defined]
                continue
            path = prefix + str(getattr(route, "path", "")).replace(":path}", "}")
            methods: set[str] = getattr(route, "methods", None) or set()
            found.update((m, path) for m in methods if m != "HEAD")

    walk(app.routes, "")
    return found


def request(client: httpx.Client, method: str, template: str) -> httpx.Response:
    path = template
    while "{" in path:
        start, end = path.index("{"), path.index("}")
        path = path[:start] + PLACEHOLDER + path[end + 1 :]
    return client.request(method, path, json={} if method in ("POST", "PUT") else None)


def test_every_route_is_in_the_matrix(system: System) -> None:
    with system.client(None) as anonymous:
        documented = operations(anonymous.get("/openapi.json").json())
    assert documented - PUBLIC == set(MATRIX) - set(HIDDEN), "a route is missing from the matrix"
    assert app_routes() - set(MATRIX) == PUBLIC, "a hidden route is missing from the matrix"
    assert set(HIDDEN) <= set(MATRIX) and not set(HIDDEN) & documented


def test_without_a_valid_key_every_route_but_the_public_ones_is_401(system: System) -> None:
    with system.client("admin") as admin:
        issued = admin.post("/v1/keys", json={"name": "to revoke", "scopes": ["admin"]})
        assert issued.status_code == 201, issued.text
        revoked = issued.json()["key"]
        assert admin.delete(f"/v1/keys/{issued.json()['id']}").status_code == 204
    identities = {
        "no key": {},
        "unknown key": {"Authorization": "Bearer lps_" + "x" * 43},
        "revoked key": {"Authorization": f"Bearer {revoked}"},
        "not bearer": {"Authorization": f"Basic {system.keys['admin']}"},
    }
    wrong: list[tuple[str, str, str, int]] = []
    with httpx.Client(base_url=system.url, timeout=30) as client:
        for method, path in sorted(MATRIX):
            for identity, headers in identities.items():
                client.headers.clear()
                client.headers.update(headers)
                answer = request(client, method, path)
                if (
                    answer.status_code != 401
                    or answer.headers.get("content-type") != "application/problem+json"
                    or not answer.headers.get("www-authenticate", "").startswith("Bearer")
                ):
                    wrong.append((method, path, identity, answer.status_code))
        client.headers.clear()
        for method, path in sorted(PUBLIC):
            if client.request(method, path).status_code in (401, 403):
                wrong.append((method, path, "public", 401))
    assert wrong == []


def test_each_scope_passes_exactly_the_routes_granted_to_it(system: System) -> None:
    wrong: list[tuple[str, str, str, int]] = []
    for scope in sorted(ALL):
        with system.client(scope) as client:
            for (method, path), allowed in sorted(MATRIX.items()):
                status = request(client, method, path).status_code
                if scope in allowed:
                    if status in (401, 403) or status >= 500:
                        wrong.append((method, path, scope, status))
                elif status != 403:
                    wrong.append((method, path, scope, status))
    assert wrong == []
