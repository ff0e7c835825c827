"""Prometheus metrics every process exposes on `/metrics`: calls per RPC and
per route with latency and errors, and the latency of every Neo4j
transaction (timed by the driver wrapper in services/common/graph.py). The
metrics live in prometheus-client's default registry, so one process serves
all of its own on one endpoint."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from threading import Thread
from wsgiref.simple_server import WSGIServer

from prometheus_client import Counter, Histogram, start_http_server

logger = logging.getLogger(__name__)

# Seconds: from a cached read (a millisecond) to a solver run at its cap (a minute).
LATENCY_BUCKETS = (
    0.001,
    0.0025,
    0.005,
    0.01,
    0.025,
    0.05,
    0.1,
    0.25,
    0.5,
    1.0,
    2.5,
    5.0,
    10.0,
    30.0,
    60.0,
)

GRPC_HANDLED = Counter(
    "grpc_server_handled_total",
    "RPCs completed on the server, by method and status code.",
    ["grpc_service", "grpc_method", "grpc_code"],
)
GRPC_ERRORS = Counter(
    "grpc_server_errors_total",
    "RPCs that ended with a status other than OK.",
    ["grpc_service", "grpc_method", "grpc_code"],
)
GRPC_SECONDS = Histogram(
    "grpc_server_handling_seconds",
    "Time from receiving an RPC to its last response.",
    ["grpc_service", "grpc_method"],
    buckets=LATENCY_BUCKETS,
)

HTTP_REQUESTS = Counter(
    "http_server_requests_total",
    "HTTP requests answered, by route template, method and status.",
    ["method", "route", "status"],
)
HTTP_ERRORS = Counter(
    "http_server_errors_total",
    "HTTP requests answered with a status of 400 or more.",
    ["method", "route", "status"],
)
HTTP_SECONDS = Histogram(
    "http_server_request_duration_seconds",
    "Time from receiving a request to the end of its answer.",
    ["method", "route"],
    buckets=LATENCY_BUCKETS,
)

NEO4J_SECONDS = Histogram(
    "neo4j_query_seconds",
    "Time of one Neo4j transaction or query, retries included.",
    ["operation", "mode"],
    buckets=LATENCY_BUCKETS,
)
NEO4J_ERRORS = Counter(
    "neo4j_query_errors_total",
    "Neo4j transactions or queries that raised.",
    ["operation", "mode"],
)


def split_method(full_method: str) -> tuple[str, str]:
    """`/lps.skills.v1.SkillsService/GetPerson` -> (`lps.skills.v1.SkillsService`, `GetPerson`)."""
    service, _, method = full_method.lstrip("/").rpartition("/")
    return service, method


def observe_rpc(full_method: str, code: str, seconds: float) -> None:
    service, method = split_method(full_method)
    GRPC_HANDLED.labels(service, method, code).inc()
    GRPC_SECONDS.labels(service, method).observe(seconds)
    if code != "OK":
        GRPC_ERRORS.labels(service, method, code).inc()


def observe_http(method: str, route: str, status: int, seconds: float) -> None:
    HTTP_REQUESTS.labels(method, route, str(status)).inc()
    HTTP_SECONDS.labels(method, route).observe(seconds)
    if status >= 400:
        HTTP_ERRORS.labels(method, route, str(status)).inc()


@dataclass
class MetricsServer:
    """The HTTP endpoint of a gRPC service's metrics, on a thread of its own."""

    httpd: WSGIServer
    thread: Thread

    @property
    def port(self) -> int:
        return int(self.httpd.server_port)

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def start_metrics_server(host: str, port: int) -> MetricsServer | None:
    """Serves `/metrics` on host:port (0 picks a free port); a negative port means off."""
    if port < 0:
        return None
    httpd, thread = start_http_server(port, addr=host)
    server = MetricsServer(httpd, thread)
    logger.info("metrics served", extra={"metrics_port": server.port})
    return server


def host_of(address: str) -> str:
    """The host part of a gRPC bind address: `0.0.0.0:50051` -> `0.0.0.0`, `[::]:1` -> `::`."""
    host = address.rpartition(":")[0] or "127.0.0.1"
    return host.strip("[]")


@asynccontextmanager
async def timed_graph_call(operation: str, mode: str) -> AsyncIterator[None]:
    started = time.perf_counter()
    try:
        yield
    except BaseException:
        NEO4J_ERRORS.labels(operation, mode).inc()
        raise
    finally:
        NEO4J_SECONDS.labels(operation, mode).observe(time.perf_counter() - started)
