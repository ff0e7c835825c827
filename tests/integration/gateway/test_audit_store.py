"""The gateway's audit entries on the real Neo4j."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from neo4j import AsyncGraphDatabase

from services.common.settings import Neo4jSettings
from services.gateway.adapters.neo4j_store import Neo4jGatewayStore
from services.gateway.domain.audit import AuditEntry

pytestmark = [pytest.mark.neo4j, pytest.mark.integration]


def entry(entry_id: str) -> AuditEntry:
    at = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    return AuditEntry(entry_id, "key-1", "PUT /v1/people/{id}", "ash-001", at, "req-1", 200)


async def test_an_entry_stored_again_is_kept_once_without_an_error(graph: Neo4jSettings) -> None:
    """A retry after a commit whose answer was lost stores the same entries again."""
    async with AsyncGraphDatabase.driver(graph.uri, auth=graph.auth) as driver:
        store = Neo4jGatewayStore(driver, graph.database)
        await store.prepare()
        await store.record_all([entry("a-1"), entry("a-2")])
        await store.record_all([entry("a-1"), entry("a-2"), entry("a-3")])
        stored = await store.list_entries(10, None, None)

    assert sorted(e.id for e in stored) == ["a-1", "a-2", "a-3"]
    assert {e.target for e in stored} == {"ash-001"}
