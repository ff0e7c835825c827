from __future__ import annotations

import pytest
from neo4j import Driver

from services.common.settings import Neo4jSettings

pytestmark = pytest.mark.neo4j


def test_the_graph_is_real_and_starts_empty(graph: Neo4jSettings, neo4j_admin_driver: Driver):
    records, _, _ = neo4j_admin_driver.execute_query(
        "CREATE (n:Probe {text: $text}) RETURN n.text AS text",
        text="MATCH (n) DETACH DELETE n",
        database_=graph.database,
    )
    assert records[0]["text"] == "MATCH (n) DETACH DELETE n"
    count, _, _ = neo4j_admin_driver.execute_query(
        "MATCH (n) RETURN count(n) AS n", database_=graph.database
    )
    assert count[0]["n"] == 1
