"""Container health probe: `python -m services.common.healthcheck grpc HOST:PORT`
or `... http URL`. Exits 0 when the target reports SERVING (or HTTP 200)."""

from __future__ import annotations

import sys
import urllib.request

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc


def grpc_serving(target: str, timeout_s: float = 2.0) -> bool:
    with grpc.insecure_channel(target) as channel:
        try:
            answer = health_pb2_grpc.HealthStub(channel).Check(
                health_pb2.HealthCheckRequest(service=""), timeout=timeout_s
            )
        except grpc.RpcError:
            return False
    return bool(answer.status == health_pb2.HealthCheckResponse.SERVING)


def http_ok(url: str, timeout_s: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in {"grpc", "http"}:
        print("usage: python -m services.common.healthcheck grpc HOST:PORT | http URL")
        return 2
    kind, target = argv
    healthy = grpc_serving(target) if kind == "grpc" else http_ok(target)
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
