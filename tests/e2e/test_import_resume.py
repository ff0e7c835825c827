"""`lps people import` against the running stack: interrupted part way, it
says where it stopped; run again it finishes without duplicates; and a whole
rerun leaves the graph exactly as one clean run does."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from neo4j import Driver

from deploy.run_local import LocalStack
from services.common.settings import Neo4jSettings
from services.gateway.cli.people_import import (
    ImportInterrupted,
    import_people_file,
    state_path_for,
)
from tests.e2e.conftest import client_with_key

pytestmark = [pytest.mark.e2e, pytest.mark.neo4j]

SKILLS = ("resume-empathy", "resume-casework")
PEOPLE = 7
PER_CHUNK = 2  # four chunks: 2, 2, 2 and 1 people


def people_csv() -> str:
    lines = ["id,name,sector,locality,skill_id,level,source,evidence"]
    for number in range(PEOPLE):
        for skill_id, level in zip(SKILLS, (2, 3), strict=True):
            lines.append(
                f"rs-{number},Person {number},community,Riverside,{skill_id},{level},manager,"
                f"review {number}"
            )
    return "\n".join(lines) + "\n"


class CountingTransport(httpx.BaseTransport):
    """The real HTTP transport, failing the `fail_at`-th import like a dropped network."""

    def __init__(self, fail_at: int | None = None) -> None:
        self.inner = httpx.HTTPTransport()
        self.fail_at = fail_at
        self.imports = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/imports/people":
            self.imports += 1
            if self.imports == self.fail_at:
                raise httpx.ConnectError("connection reset", request=request)
        return self.inner.handle_request(request)


@pytest.fixture(scope="module")
def hr_key(stack: LocalStack) -> str:
    with client_with_key(stack, stack.admin_key) as admin:
        for skill_id in SKILLS:
            answer = admin.put(f"/v1/skills/{skill_id}", json={"label": skill_id})
            assert answer.status_code == 200, answer.text
        issued = admin.post("/v1/keys", json={"name": "resume hr", "scopes": ["hr"]})
        assert issued.status_code == 201, issued.text
        key: str = issued.json()["key"]
        return key


@pytest.fixture
def client(stack: LocalStack, hr_key: str) -> Iterator[httpx.Client]:
    with client_with_key(stack, hr_key) as plain:
        yield plain


def run(
    stack: LocalStack, key: str, file: Path, transport: CountingTransport, **options: Any
) -> Any:
    with httpx.Client(
        base_url=stack.gateway_url,
        headers={"Authorization": f"Bearer {key}"},
        transport=transport,
        timeout=60,
    ) as client:
        return import_people_file(
            client, file.read_text(encoding="utf-8"), state_path_for(file), PER_CHUNK, **options
        )


def graph_snapshot(client: httpx.Client, driver: Driver, settings: Neo4jSettings) -> Any:
    exported = client.get("/v1/exports/people.csv")
    assert exported.status_code == 200, exported.text
    rows = sorted(line for line in exported.text.splitlines()[1:] if line.startswith("rs-"))
    with driver.session(database=settings.database) as session:
        record = session.run(
            "MATCH (p:Person) WHERE p.id STARTS WITH 'rs-' "
            "OPTIONAL MATCH (p)-[:LEVEL_CHANGED]->(c:LevelChange) "
            "RETURN count(DISTINCT p) AS people, count(c) AS changes"
        ).single()
    assert record is not None
    return rows, record["people"], record["changes"]


def erase_imported(driver: Driver, settings: Neo4jSettings) -> None:
    with driver.session(database=settings.database) as session:
        session.run(
            "MATCH (p:Person) WHERE p.id STARTS WITH 'rs-' "
            "OPTIONAL MATCH (p)-[:LEVEL_CHANGED]->(c:LevelChange) DETACH DELETE c, p"
        ).consume()


def test_an_interrupted_import_says_where_it_stopped_and_resumes_there(
    stack: LocalStack,
    hr_key: str,
    client: httpx.Client,
    tmp_path: Path,
    neo4j_admin_driver: Driver,
    neo4j_settings: Neo4jSettings,
) -> None:
    erase_imported(neo4j_admin_driver, neo4j_settings)
    file = tmp_path / "staff.csv"
    file.write_text(people_csv(), encoding="utf-8")

    with pytest.raises(ImportInterrupted) as stopped:
        run(stack, hr_key, file, CountingTransport(fail_at=3))

    # Chunk 3 holds people 4 and 5: lines 10-13 of the file.
    assert stopped.value.chunk_number == 3
    assert (stopped.value.chunk.first_line, stopped.value.chunk.last_line) == (10, 13)
    assert "chunk 3 of 4" in str(stopped.value) and "lines 10-13" in str(stopped.value)
    assert state_path_for(file).exists()
    assert graph_snapshot(client, neo4j_admin_driver, neo4j_settings)[1] == 4

    resumed = CountingTransport()
    state, started_at = run(stack, hr_key, file, resumed)

    assert started_at == 3
    assert resumed.imports == 2
    assert state.accepted == PEOPLE
    assert state.errors == []
    assert not state_path_for(file).exists()
    after_resume = graph_snapshot(client, neo4j_admin_driver, neo4j_settings)
    assert after_resume[1] == PEOPLE

    # The whole file again: every row idempotent, nothing changes, nothing is recorded.
    run(stack, hr_key, file, CountingTransport(), restart=True)
    assert graph_snapshot(client, neo4j_admin_driver, neo4j_settings) == after_resume

    # And one clean run of the file leaves the graph just so.
    erase_imported(neo4j_admin_driver, neo4j_settings)
    run(stack, hr_key, file, CountingTransport())
    assert graph_snapshot(client, neo4j_admin_driver, neo4j_settings) == after_resume


def test_a_changed_file_starts_over_rather_than_skip_rows_it_never_sent(
    stack: LocalStack, hr_key: str, tmp_path: Path
) -> None:
    file = tmp_path / "staff.csv"
    file.write_text(people_csv(), encoding="utf-8")
    with pytest.raises(ImportInterrupted):
        run(stack, hr_key, file, CountingTransport(fail_at=2))

    file.write_text(people_csv().replace("Person 0", "Person Zero"), encoding="utf-8")
    transport = CountingTransport()
    _, started_at = run(stack, hr_key, file, transport)

    assert started_at == 1
    assert transport.imports == 4
