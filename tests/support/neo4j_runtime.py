"""Finds a real Neo4j for the tests, in this order: NEO4J_URI when set; a
testcontainers Neo4j when a Docker engine answers; else the local embedded
launcher in deploy/. Never a fake."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from deploy.local_neo4j import LocalNeo4j, free_port
from services.common.settings import Neo4jSettings

NEO4J_IMAGE = "neo4j:5.26"


def docker_engine_answers() -> bool:
    try:
        import docker

        client = docker.from_env(timeout=3)
        client.ping()
        return True
    except Exception:
        return False


@contextmanager
def neo4j_for_tests(
    scratch: Path, pagecache_mb: int = 128, heap_mb: int = 768
) -> Iterator[Neo4jSettings]:
    """Memory sizes apply to the local launcher only; benchmarks ask for more."""
    if os.environ.get("NEO4J_URI"):
        yield Neo4jSettings()
        return
    if docker_engine_answers():
        from testcontainers.neo4j import Neo4jContainer

        with Neo4jContainer(NEO4J_IMAGE) as container:
            yield Neo4jSettings(
                uri=container.get_connection_url(),
                user="neo4j",
                password=container.password,
            )
        return
    runtime = LocalNeo4j(home=scratch, port=free_port(), pagecache_mb=pagecache_mb, heap_mb=heap_mb)
    runtime.start()
    try:
        yield Neo4jSettings(uri=runtime.uri, password="")
    finally:
        runtime.stop()
