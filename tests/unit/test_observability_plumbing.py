"""The shared server plumbing without a graph: status codes as metrics see
them, the readiness gate, request ids on every kind of call, the metrics
endpoint, route templates, solver metrics."""

from __future__ import annotations

import asyncio
import socket
import urllib.request
from collections.abc import AsyncIterator
from typing import Any

import grpc
import pytest
from fastapi import FastAPI
from prometheus_client import REGISTRY

from services.common.errors import NotFound
from services.common.grpc_server import GrpcServer, forwarding_request_ids, insecure_channel
from services.common.logging import request_id_var
from services.common.metrics import host_of, split_method, start_metrics_server
from services.gateway.config import GatewaySettings
from services.gateway.entrypoints.http.app import create_app
from services.gateway.entrypoints.http.deps import Gateway
from services.gateway.entrypoints.http.metrics import route_template
from services.matching.adapters.solver_metrics import metered_solver
from services.matching.domain.model import SolveStatus, StaffingRequest, StaffingResult

SERVICE = "t.Probe"


def handled(method: str, code: str) -> float:
    value = REGISTRY.get_sample_value(
        "grpc_server_handled_total",
        {"grpc_service": SERVICE, "grpc_method": method, "grpc_code": code},
    )
    return value or 0.0


async def echo_request_id(_: bytes, context: grpc.aio.ServicerContext) -> bytes:
    return str(dict(context.invocation_metadata() or ()).get("x-request-id", "")).encode()


async def stream_request_id(_: bytes, context: grpc.aio.ServicerContext) -> AsyncIterator[bytes]:
    yield await echo_request_id(b"", context)


async def missing(_: bytes, __: grpc.aio.ServicerContext) -> bytes:
    raise NotFound("no such thing")


async def broken(_: bytes, __: grpc.aio.ServicerContext) -> bytes:
    raise RuntimeError("a bug")


@pytest.fixture
async def probe() -> AsyncIterator[tuple[GrpcServer, grpc.aio.Channel]]:
    server = GrpcServer([SERVICE])
    handlers = {
        "Echo": grpc.unary_unary_rpc_method_handler(echo_request_id),
        "Stream": grpc.unary_stream_rpc_method_handler(stream_request_id),
        "Missing": grpc.unary_unary_rpc_method_handler(missing),
        "Broken": grpc.unary_unary_rpc_method_handler(broken),
    }
    server.server.add_generic_rpc_handlers(
        (grpc.method_handlers_generic_handler(SERVICE, handlers),)
    )
    port = server.bind("127.0.0.1:0")
    await server.start()
    await server.set_serving(True)
    channel = insecure_channel(f"127.0.0.1:{port}")
    try:
        yield server, channel
    finally:
        await channel.close()
        await server.stop(0)


async def call(channel: grpc.aio.Channel, method: str) -> Any:
    return await channel.unary_unary(f"/{SERVICE}/{method}")(b"", timeout=5)


async def test_metrics_count_each_call_under_the_status_the_client_got(
    probe: tuple[GrpcServer, grpc.aio.Channel],
) -> None:
    _, channel = probe
    before = {code: handled("Missing", code) for code in ("NOT_FOUND", "UNKNOWN")}
    broken_before = handled("Broken", "UNKNOWN")

    with pytest.raises(grpc.aio.AioRpcError) as not_found:
        await call(channel, "Missing")
    with pytest.raises(grpc.aio.AioRpcError) as unknown:
        await call(channel, "Broken")

    assert not_found.value.code() == grpc.StatusCode.NOT_FOUND
    assert unknown.value.code() == grpc.StatusCode.UNKNOWN
    assert handled("Missing", "NOT_FOUND") == before["NOT_FOUND"] + 1
    assert handled("Missing", "UNKNOWN") == before["UNKNOWN"]
    assert handled("Broken", "UNKNOWN") == broken_before + 1


async def test_calls_are_refused_at_once_while_the_service_is_not_ready(
    probe: tuple[GrpcServer, grpc.aio.Channel],
) -> None:
    server, channel = probe
    await server.set_serving(False)
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await call(channel, "Echo")
    assert refused.value.code() == grpc.StatusCode.UNAVAILABLE
    await server.set_serving(True)
    assert await call(channel, "Echo") == b""


async def test_the_request_id_travels_on_unary_and_streaming_calls(
    probe: tuple[GrpcServer, grpc.aio.Channel],
) -> None:
    _, channel = probe
    forwarding = forwarding_request_ids(channel)
    token = request_id_var.set("rid-42")
    try:
        unary = await call(forwarding, "Echo")
        streamed = [
            item async for item in forwarding.unary_stream(f"/{SERVICE}/Stream")(b"", timeout=5)
        ]
    finally:
        request_id_var.reset(token)
    assert unary == b"rid-42"
    assert streamed == [b"rid-42"]


async def test_the_metrics_endpoint_serves_on_a_free_port_and_can_be_off() -> None:
    assert start_metrics_server("127.0.0.1", -1) is None
    metrics = start_metrics_server("127.0.0.1", 0)
    assert metrics is not None
    try:
        url = f"http://127.0.0.1:{metrics.port}/metrics"
        body = await asyncio.to_thread(lambda: urllib.request.urlopen(url, timeout=5).read())
        assert b"grpc_server_handled_total" in body
    finally:
        metrics.stop()


async def test_a_taken_metrics_port_costs_the_metrics_not_the_service() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        server = GrpcServer([SERVICE])
        assert server.serve_metrics("127.0.0.1", taken.getsockname()[1]) is None
        assert server.metrics is None


def test_addresses_and_method_names_split() -> None:
    assert host_of("0.0.0.0:50051") == "0.0.0.0"
    assert host_of("[::]:50051") == "::"
    assert split_method("/lps.skills.v1.SkillsService/GetPerson") == (
        "lps.skills.v1.SkillsService",
        "GetPerson",
    )


@pytest.fixture(scope="module")
def app() -> FastAPI:
    # Route templates need only the routing table, not working clients.
    return create_app(Gateway(settings=GatewaySettings(), skills=None, matching=None, store=None))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("method", "path", "template"),
    [
        ("GET", "/v1/people/ada-7", "/v1/people/{person_id}"),
        # A wrong method (405) or a request refused before routing (401) still names its route.
        ("PATCH", "/v1/people/ada-7", "/v1/people/{person_id}"),
        (
            "POST",
            "/v1/staffing/proposals/p-1/commit",
            "/v1/staffing/proposals/{proposal_id}/commit",
        ),
        ("GET", "/metrics", "/metrics"),
        ("GET", "/no/such/path", "unmatched"),
    ],
)
def test_routes_are_labelled_by_template(
    app: FastAPI, method: str, path: str, template: str
) -> None:
    scope = {"type": "http", "method": method, "path": path, "root_path": "", "headers": []}
    assert route_template(app.router.routes, scope) == template


def test_solver_runs_are_counted_with_status_time_and_gap() -> None:
    result = StaffingResult(
        status=SolveStatus.FEASIBLE,
        objective=10.0,
        bound=10.5,
        gap=0.05,
        solve_seconds=1.5,
        assignments=(),
    )
    before = REGISTRY.get_sample_value("matching_solver_runs_total", {"status": "feasible"}) or 0
    seconds_before = (
        REGISTRY.get_sample_value("matching_solver_seconds_sum", {"status": "feasible"}) or 0
    )

    def solver(_: StaffingRequest) -> StaffingResult:
        return result

    assert metered_solver(solver)(StaffingRequest(outcomes=(), candidates=())) is result
    assert REGISTRY.get_sample_value("matching_solver_runs_total", {"status": "feasible"}) == (
        before + 1
    )
    seconds = REGISTRY.get_sample_value("matching_solver_seconds_sum", {"status": "feasible"})
    assert seconds == pytest.approx(seconds_before + 1.5)
