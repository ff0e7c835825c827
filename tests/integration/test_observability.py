"""Observability through the real gateway, matching and skills on the real
Neo4j: one request id in every log line of every service a request touches
and in its problem+json answer; metrics per route template, per RPC, per
Neo4j transaction and per solver run; one trace across the processes when
tracing is on."""

from __future__ import annotations

import io
import json
import logging
import secrets
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from prometheus_client.parser import text_string_to_metric_families

from services.common import tracing
from services.common.logging import configure_logging
from services.common.settings import Neo4jSettings
from tests.integration.gateway.data import create_outcome, seed_team_pool
from tests.support.services import (  # noqa: F401
    RunningGateway,
    admin,
    gateway,
    gateway_settings,
    http_client,
    matching_server,
    running_gateway,
    running_matching,
    running_skills,
    skills_server,
)

pytestmark = [pytest.mark.neo4j, pytest.mark.integration]

SKILLS = "lps.skills.v1.SkillsService"
MATCHING = "lps.matching.v1.MatchingService"


@pytest.fixture
def json_logs() -> Iterator[io.StringIO]:
    """Every log line of this process, as the services write them, into a buffer."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    stream = io.StringIO()
    configure_logging("lps", "INFO", "json", stream=stream)
    try:
        yield stream
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


def log_lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def samples(text: str, name: str) -> list[tuple[dict[str, str], float]]:
    return [
        (sample.labels, sample.value)
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == name
    ]


async def test_one_request_id_reaches_every_service_and_log_line(
    admin: httpx.AsyncClient,  # noqa: F811
    json_logs: io.StringIO,
) -> None:
    await seed_team_pool(admin)
    outcome_id = await create_outcome(admin, "o-trace")
    json_logs.truncate(0)
    json_logs.seek(0)

    response = await admin.post(
        "/v1/staffing/proposals",
        json={"outcome_ids": [outcome_id], "time_limit_s": 2},
        headers={"X-Request-ID": "req-propose-1"},
    )

    assert response.status_code == 201, response.text
    assert response.headers["x-request-id"] == "req-propose-1"
    lines = log_lines(json_logs)
    rpcs = [line for line in lines if "rpc" in line]
    methods = {line["rpc"] for line in rpcs}
    # The gateway called matching, and matching called skills on the same request.
    assert f"/{MATCHING}/ProposeStaffing" in methods
    assert f"/{SKILLS}/StreamSlotCandidates" in methods
    # Every line the gateway and the services wrote for this request carries its id.
    # (Lines of other, earlier calls still finishing in this process are not this request's.)
    served = [
        line
        for line in lines
        if line["logger"].startswith("services.gateway")
        or line.get("rpc", "").startswith((f"/{MATCHING}/", f"/{SKILLS}/StreamSlotCandidates"))
    ]
    assert served
    strays = [line for line in served if line["request_id"] != "req-propose-1"]
    assert strays == [], json.dumps(strays)


async def test_problem_answers_and_service_logs_carry_the_request_id(
    admin: httpx.AsyncClient,  # noqa: F811
    json_logs: io.StringIO,
) -> None:
    response = await admin.get("/v1/people/nobody-here", headers={"X-Request-ID": "req-404"})

    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["request_id"] == "req-404"
    get_person = [
        line for line in log_lines(json_logs) if line.get("rpc") == f"/{SKILLS}/GetPerson"
    ]
    assert [(line["code"], line["request_id"]) for line in get_person] == [("NOT_FOUND", "req-404")]


async def test_a_request_without_an_id_gets_one_that_the_services_log(
    admin: httpx.AsyncClient,  # noqa: F811
    json_logs: io.StringIO,
) -> None:
    response = await admin.get("/v1/people/nobody-either")

    request_id = response.headers["x-request-id"]
    assert len(request_id) >= 16
    assert response.json()["request_id"] == request_id
    get_person = [
        line for line in log_lines(json_logs) if line.get("rpc") == f"/{SKILLS}/GetPerson"
    ]
    assert [line["request_id"] for line in get_person] == [request_id]


async def test_metrics_count_routes_rpcs_graph_transactions_and_solver_runs(
    gateway: RunningGateway,  # noqa: F811
    admin: httpx.AsyncClient,  # noqa: F811
) -> None:
    await seed_team_pool(admin)
    outcome_id = await create_outcome(admin, "o-metrics")
    proposal = await admin.post(
        "/v1/staffing/proposals", json={"outcome_ids": [outcome_id], "time_limit_s": 2}
    )
    assert proposal.status_code == 201, proposal.text
    assert (await admin.get("/v1/people/ghost-4711")).status_code == 404

    async with http_client(gateway) as anonymous:
        scraped = await anonymous.get("/metrics")

    assert scraped.status_code == 200
    assert scraped.headers["content-type"].startswith("text/plain")
    text = scraped.text
    # Routes by template: an id never becomes a label value.
    assert "ghost-4711" not in text
    requests = samples(text, "http_server_requests_total")
    assert any(
        labels == {"method": "GET", "route": "/v1/people/{person_id}", "status": "404"}
        and value >= 1
        for labels, value in requests
    )
    assert any(
        labels == {"method": "POST", "route": "/v1/staffing/proposals", "status": "201"}
        for labels, _ in requests
    )
    errors = samples(text, "http_server_errors_total")
    assert any(labels["route"] == "/v1/people/{person_id}" for labels, _ in errors)
    assert any(labels["route"] == "/v1/people/{person_id}" for labels, _ in requests)
    assert samples(text, "http_server_request_duration_seconds_count")

    handled = samples(text, "grpc_server_handled_total")
    assert any(
        labels == {"grpc_service": SKILLS, "grpc_method": "GetPerson", "grpc_code": "NOT_FOUND"}
        for labels, _ in handled
    )
    assert any(
        labels == {"grpc_service": MATCHING, "grpc_method": "ProposeStaffing", "grpc_code": "OK"}
        for labels, _ in handled
    )
    assert any(
        labels["grpc_method"] == "GetPerson" and labels["grpc_code"] == "NOT_FOUND"
        for labels, _ in samples(text, "grpc_server_errors_total")
    )
    latency = samples(text, "grpc_server_handling_seconds_count")
    assert any(labels["grpc_method"] == "StreamSlotCandidates" for labels, _ in latency)

    runs = samples(text, "matching_solver_runs_total")
    assert sum(value for _, value in runs) >= 1
    assert {labels["status"] for labels, _ in runs} <= {
        "optimal",
        "feasible",
        "infeasible",
        "timed_out",
    }
    assert samples(text, "matching_solver_seconds_count")
    assert samples(text, "matching_solver_gap_count")

    graph = samples(text, "neo4j_query_seconds_count")
    assert any(labels["mode"] == "write" and value >= 1 for labels, value in graph)
    assert any(labels["mode"] == "read" and value >= 1 for labels, value in graph)


@pytest.fixture
async def traced(
    graph: Neo4jSettings,
) -> AsyncIterator[tuple[InMemorySpanExporter, httpx.AsyncClient]]:
    """The three services built while an in-memory tracer provider is installed."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracing.install(provider)
    try:
        async with (
            running_skills(graph) as skills_address,
            running_matching(graph, skills_address) as matching_address,
        ):
            settings = gateway_settings(
                skills_address, matching_address, "admin-" + secrets.token_hex(16)
            )
            async with (
                running_gateway(graph, settings) as running,
                http_client(running, running.admin_key) as client,
            ):
                yield exporter, client
    finally:
        tracing.install(None)
        provider.shutdown()


async def test_one_trace_spans_gateway_matching_and_skills(
    traced: tuple[InMemorySpanExporter, httpx.AsyncClient],
) -> None:
    exporter, client = traced
    await seed_team_pool(client)
    outcome_id = await create_outcome(client, "o-traced")
    exporter.clear()

    response = await client.post(
        "/v1/staffing/proposals", json={"outcome_ids": [outcome_id], "time_limit_s": 2}
    )

    assert response.status_code == 201, response.text
    spans = exporter.get_finished_spans()
    http_server = [
        s for s in spans if s.kind is SpanKind.SERVER and "/v1/staffing/proposals" in s.name
    ]
    assert len(http_server) == 1
    trace_id = http_server[0].context.trace_id
    grpc_servers = {
        s.name for s in spans if s.kind is SpanKind.SERVER and s.context.trace_id == trace_id
    }
    grpc_clients = {
        s.name for s in spans if s.kind is SpanKind.CLIENT and s.context.trace_id == trace_id
    }
    assert f"/{MATCHING}/ProposeStaffing" in grpc_servers
    assert f"/{SKILLS}/StreamSlotCandidates" in grpc_servers
    assert f"/{MATCHING}/ProposeStaffing" in grpc_clients
    # Every span the request made belongs to its one trace.
    assert {s.context.trace_id for s in spans} == {trace_id}
    # Health checks stay out of the traces.
    assert not any("grpc.health" in s.name for s in spans)


async def test_no_instrumentation_is_installed_when_tracing_is_off(
    gateway: RunningGateway,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("OTEL_EXPORTER_OTLP_ENDPOINT", raising=False)
    assert tracing.configure_tracing("test", tracing.TracingSettings()) is None
    assert tracing.installed() is None
    assert tracing.server_interceptors() == []
    assert tracing.client_interceptors() == []
    assert not getattr(gateway.app, "_is_instrumented_by_opentelemetry", False)
