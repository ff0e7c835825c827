"""End-to-end: Neo4j, skills, matching and the gateway as separate processes
on free ports, driven over HTTP only."""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import httpx
import pytest
from neo4j import Driver

from deploy.run_local import LocalStack, Ports
from services.common.settings import Neo4jSettings
from tests.e2e.contract import Contract, checking_hook


@pytest.fixture(scope="module")
def stack(
    neo4j_settings: Neo4jSettings,
    neo4j_admin_driver: Driver,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[LocalStack]:
    with neo4j_admin_driver.session(database=neo4j_settings.database) as session:
        session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS").consume()
    stack = LocalStack(
        run_dir=tmp_path_factory.mktemp("stack"),
        ports=Ports.free(),
        admin_key="e2e_admin_" + secrets.token_urlsafe(24),
        neo4j_uri=neo4j_settings.uri,
        extra_env={
            "NEO4J_USER": neo4j_settings.user,
            "NEO4J_PASSWORD": neo4j_settings.password,
            "NEO4J_DATABASE": neo4j_settings.database,
            # Any free port: stacks of parallel test sessions must not fight over 9101/9102.
            "SKILLS_METRICS_PORT": "0",
            "MATCHING_METRICS_PORT": "0",
            # This tier tests behaviour, not latency (tests/reliability does): on a busy
            # machine a query's first planning alone can pass the 5 s default deadline.
            "GATEWAY_CALL_DEADLINE_S": "30",
        },
    )
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()


_CONTRACTS: dict[str, Contract] = {}


def contract_of(stack: LocalStack) -> Contract:
    """The stack's own /openapi.json, fetched once."""
    if stack.gateway_url not in _CONTRACTS:
        document = httpx.get(f"{stack.gateway_url}/openapi.json", timeout=60).json()
        _CONTRACTS[stack.gateway_url] = Contract(document)
    return _CONTRACTS[stack.gateway_url]


def client_with_key(stack: LocalStack, key: str) -> httpx.Client:
    """A client whose every answer is checked against the OpenAPI document."""
    return httpx.Client(
        base_url=stack.gateway_url,
        headers={"Authorization": f"Bearer {key}"},
        timeout=60,
        event_hooks={"response": [checking_hook(contract_of(stack))]},
    )


@pytest.fixture(scope="module")
def admin(stack: LocalStack) -> Iterator[httpx.Client]:
    with client_with_key(stack, stack.admin_key) as client:
        yield client


def issue_key(admin: httpx.Client, *scopes: str) -> str:
    answer = admin.post(
        "/v1/keys", json={"name": "e2e " + "+".join(scopes), "scopes": list(scopes)}
    )
    assert answer.status_code == 201, answer.text
    key: str = answer.json()["key"]
    return key
