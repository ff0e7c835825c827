"""What deploy/k8s's probes rely on: gRPC health "" follows the graph, while
"liveness" stays SERVING until a graceful stop begins."""

from __future__ import annotations

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from services.common.grpc_server import GrpcServer

SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING


async def status(port: int, service: str) -> int:
    async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
        answer = await health_pb2_grpc.HealthStub(channel).Check(
            health_pb2.HealthCheckRequest(service=service), timeout=2
        )
    return int(answer.status)


async def test_liveness_ignores_the_graph_and_ends_with_the_process() -> None:
    server = GrpcServer(["lps.test.v1.Probe"])
    port = server.bind("127.0.0.1:0")
    await server.start()
    try:
        await server.set_serving(False)
        assert await status(port, "") == NOT_SERVING
        assert await status(port, "liveness") == SERVING
        await server.set_serving(True)
        assert await status(port, "") == SERVING
        assert await status(port, "liveness") == SERVING
    finally:
        await server.health.enter_graceful_shutdown()
        assert await status(port, "liveness") == NOT_SERVING
        await server.stop(0)
