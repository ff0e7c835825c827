"""Issue 5, test 2: the matching service dies in the middle of a proposal."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
from neo4j import Driver

from deploy.demo_data import TOWN_WARDS, make_outcomes
from deploy.run_local import wait_for_grpc_serving, wait_for_http_ok
from services.common.settings import Neo4jSettings
from tests.reliability.conftest import System

pytestmark = [pytest.mark.neo4j, pytest.mark.reliability]

# Enough outcomes that CP-SAT is still searching when matching is killed
# (measured: 25 outcomes of 8 seats over the 300 demo people run to the limit).
SLOW_OUTCOMES = 25
SOLVER_LIMIT_S = 20.0
KILL_AFTER_S = 2.0
# A dead peer closes the connection at once; the gateway must not wait out the deadline.
QUICK_S = 3.0


@pytest.fixture
def slow_outcomes(system: System) -> Iterator[list[str]]:
    template = make_outcomes()[0]
    roles = ("architect", "navigator", "storyteller", "weaver")
    ids = [f"slow-{n}" for n in range(SLOW_OUTCOMES)]
    with system.client("manager") as manager:
        for n, outcome_id in enumerate(ids):
            outcome = {
                **template,
                "id": outcome_id,
                "locality": TOWN_WARDS[n % len(TOWN_WARDS)],
                "slots": [{"role_id": r, "count": 2, "fte": 0.3, "min_fit": 0.3} for r in roles],
            }
            answer = manager.post("/v1/outcomes", json=outcome)
            assert answer.status_code == 201, answer.text
        yield ids
        # The load and fuzz tests share this system: leave only the demo outcomes.
        for outcome_id in ids:
            assert manager.delete(f"/v1/outcomes/{outcome_id}").status_code == 204


def proposal_states(driver: Driver, database: str) -> list[tuple[str, bool, list[str]]]:
    with driver.session(database=database, default_access_mode="READ") as session:
        records = session.run(
            "MATCH (p:Proposal) OPTIONAL MATCH (p)-[:PROPOSES]->(a:Assignment) "
            "RETURN p.id AS id, p.committed AS committed, collect(a.state) AS states"
        )
        return [(r["id"], bool(r["committed"]), list(r["states"])) for r in records]


def orphan_assignments(driver: Driver, database: str) -> int:
    with driver.session(database=database, default_access_mode="READ") as session:
        record = session.run(
            "MATCH (a:Assignment) WHERE NOT ()-[:PROPOSES]->(a) RETURN count(a) AS n"
        ).single()
        assert record is not None
        return int(record["n"])


def test_killing_matching_mid_proposal_gives_a_quick_503_and_no_half_commit(
    system: System,
    slow_outcomes: list[str],
    neo4j_settings: Neo4jSettings,
    neo4j_admin_driver: Driver,
) -> None:
    before = {p[0] for p in proposal_states(neo4j_admin_driver, neo4j_settings.database)}
    answers: list[httpx.Response] = []
    answered_at: list[float] = []

    def propose() -> None:
        with system.client("manager", timeout_s=SOLVER_LIMIT_S + 30) as manager:
            answers.append(
                manager.post(
                    "/v1/staffing/proposals",
                    json={"outcome_ids": slow_outcomes, "time_limit_s": SOLVER_LIMIT_S},
                )
            )
        answered_at.append(time.monotonic())

    caller = threading.Thread(target=propose)
    caller.start()
    time.sleep(KILL_AFTER_S)
    assert not answers, "the proposal finished before matching could be killed"
    matching = system.stack.processes["matching"]
    matching.send_signal(signal.SIGKILL)
    killed_at = time.monotonic()
    matching.wait()
    caller.join(timeout=SOLVER_LIMIT_S + 30)

    assert answers, "the gateway never answered"
    answer = answers[0]
    assert answer.status_code == 503, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["status"] == 503
    assert answered_at[0] - killed_at < QUICK_S

    with system.client("planner") as planner:
        started = time.monotonic()
        while_down = planner.get("/v1/outcomes")
        assert while_down.status_code == 503, while_down.text
        assert time.monotonic() - started < QUICK_S
        assert planner.get("/v1/people", params={"page_size": 1}).status_code == 200

    # Nothing of the killed proposal was stored.
    after_kill = proposal_states(neo4j_admin_driver, neo4j_settings.database)
    assert {p[0] for p in after_kill} == before
    system.stack.processes.pop("matching")
    system.stack.start_service("matching")
    wait_for_grpc_serving(f"127.0.0.1:{system.stack.ports.matching}", time.monotonic() + 60)
    # The gateway finds the new process by itself; its readiness says when.
    wait_for_http_ok(f"{system.url}/readyz", time.monotonic() + 30)

    demo = [o["id"] for o in make_outcomes()]
    with system.client("manager", timeout_s=60) as manager:
        proposed = manager.post(
            "/v1/staffing/proposals", json={"outcome_ids": demo[:2], "time_limit_s": 5}
        )
        assert proposed.status_code == 201, proposed.text
        proposal_id = proposed.json()["id"]
        committed = manager.post(f"/v1/staffing/proposals/{proposal_id}/commit")
        assert committed.status_code == 200, committed.text
        assert committed.json()["committed"] is True

    states = proposal_states(neo4j_admin_driver, neo4j_settings.database)
    half = [
        (proposal, is_committed, lines)
        for proposal, is_committed, lines in states
        if (is_committed and any(s != "committed" for s in lines))
        or (not is_committed and "committed" in lines)
    ]
    assert half == []
    assert proposal_id in {p[0] for p in states if p[1]}
    assert orphan_assignments(neo4j_admin_driver, neo4j_settings.database) == 0
