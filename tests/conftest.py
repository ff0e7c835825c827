"""Fixtures shared by every tier. Graph tests run on a real Neo4j and each
starts from an empty graph."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from neo4j import Driver, GraphDatabase

from services.common.settings import Neo4jSettings
from tests.support.neo4j_runtime import neo4j_for_tests


@pytest.fixture(scope="session")
def neo4j_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Neo4jSettings]:
    with neo4j_for_tests(tmp_path_factory.mktemp("neo4j")) as settings:
        yield settings


@pytest.fixture(scope="session")
def neo4j_admin_driver(neo4j_settings: Neo4jSettings) -> Iterator[Driver]:
    with GraphDatabase.driver(
        neo4j_settings.uri, auth=neo4j_settings.auth, notifications_min_severity="OFF"
    ) as driver:
        yield driver


@pytest.fixture
def graph(neo4j_settings: Neo4jSettings, neo4j_admin_driver: Driver) -> Neo4jSettings:
    """An empty graph (constraints and indexes stay: services create them idempotently)."""
    with neo4j_admin_driver.session(database=neo4j_settings.database) as session:
        # Batched in auto-commit transactions so that large graphs (benchmarks) clear too.
        session.run(
            "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"
        ).consume()
    return neo4j_settings
