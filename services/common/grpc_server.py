"""Building blocks every gRPC service shares: the interceptor that carries the
request id and maps domain errors, health checking, reflection and graceful
shutdown."""

from __future__ import annotations

import asyncio
import logging
import signal
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Collection, Iterable
from contextlib import asynccontextmanager
from typing import Any

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from services.common import tracing
from services.common.errors import DomainError, Unavailable
from services.common.graph import (
    GRAPH_UNAVAILABLE,
    CallDeadlineExceeded,
    call_deadline_var,
    set_call_deadline,
)
from services.common.grpc_errors import abort_with_error
from services.common.logging import REQUEST_ID_HEADER, new_request_id, request_id_var
from services.common.metrics import (
    MetricsServer,
    observe_rpc,
    split_method,
    start_metrics_server,
)

logger = logging.getLogger(__name__)

Handler = Any  # grpc.RpcMethodHandler; grpc ships no type information

# A lost graph is the client's cue to retry later (UNAVAILABLE), never an UNKNOWN error.
GRAPH_DOWN = Unavailable("The graph database does not answer; retry later.")
NOT_READY = "The service is not ready: its graph database does not answer yet."


def _request_id_from(context: grpc.aio.ServicerContext) -> str:
    for key, value in context.invocation_metadata() or ():
        if key == REQUEST_ID_HEADER and value:
            return str(value)
    return new_request_id()


class ServiceInterceptor(grpc.aio.ServerInterceptor):  # type: ignore[misc]
    """Sets the request id for the call's logs and turns domain errors into statuses.

    Servicers stay thin: they raise domain errors and never build statuses.
    Calls to `gated` services are refused with UNAVAILABLE at once while
    `ready()` is false (the graph is down): failing fast beats retrying the
    graph until the caller's deadline.
    """

    def __init__(
        self, gated: Collection[str] = (), ready: Callable[[], bool] = lambda: True
    ) -> None:
        self.gated = frozenset(gated)
        self.ready = ready

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[Handler]],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> Handler:
        handler = await continuation(handler_call_details)
        if handler is None:
            return handler
        method = handler_call_details.method
        gate = self.ready if split_method(method)[0] in self.gated else _always_ready
        if handler.unary_unary:
            return grpc.unary_unary_rpc_method_handler(
                _wrap_unary(handler.unary_unary, method, gate),
                request_deserializer=handler.request_deserializer,
                response_serializer=handler.response_serializer,
            )
        if handler.stream_unary:
            return grpc.stream_unary_rpc_method_handler(
                _wrap_unary(handler.stream_unary, method, gate),
                request_deserializer=handler.request_deserializer,
                response_serializer=handler.response_serializer,
            )
        if handler.unary_stream:
            return grpc.unary_stream_rpc_method_handler(
                _wrap_stream(handler.unary_stream, method, gate),
                request_deserializer=handler.request_deserializer,
                response_serializer=handler.response_serializer,
            )
        return grpc.stream_stream_rpc_method_handler(
            _wrap_stream(handler.stream_stream, method, gate),
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )


def _finish_call(method: str, started: float, code: str) -> None:
    seconds = time.perf_counter() - started
    observe_rpc(method, code, seconds)
    logger.info("rpc finished", extra={"rpc": method, "code": code, "ms": round(seconds * 1e3, 2)})


def _code_of(context: grpc.aio.ServicerContext, raised: BaseException | None) -> str:
    """The status the client gets: what the servicer set or aborted with, else
    CANCELLED for a call the client gave up, UNKNOWN for an unexpected exception."""
    code = context.code()
    if isinstance(code, grpc.StatusCode):
        return str(code.name)
    if isinstance(raised, asyncio.CancelledError):
        return "CANCELLED"
    if raised is not None:
        return "UNKNOWN"
    return "OK"


def _always_ready() -> bool:
    return True


@asynccontextmanager
async def _call_scope(
    context: grpc.aio.ServicerContext, method: str, ready: Callable[[], bool]
) -> AsyncIterator[None]:
    """One call, unary or streaming: its request id and deadline, refused while
    not ready, domain errors and a lost graph as statuses, and its metrics."""
    token = request_id_var.set(_request_id_from(context))
    deadline_token = set_call_deadline(context.time_remaining())
    started = time.perf_counter()
    raised: BaseException | None = None
    try:
        if not ready():
            raise Unavailable(NOT_READY)
        yield
    except DomainError as error:
        await abort_with_error(context, error)
    except CallDeadlineExceeded:
        await context.abort(grpc.StatusCode.DEADLINE_EXCEEDED, "Deadline exceeded.")
    except GRAPH_UNAVAILABLE as error:
        logger.warning("graph does not answer", extra={"rpc": method, "error": str(error)})
        await abort_with_error(context, GRAPH_DOWN)
    except BaseException as error:
        raised = error
        raise
    finally:
        _finish_call(method, started, _code_of(context, raised))
        call_deadline_var.reset(deadline_token)
        request_id_var.reset(token)


def _wrap_unary(
    behaviour: Callable[[Any, grpc.aio.ServicerContext], Awaitable[Any]],
    method: str,
    ready: Callable[[], bool],
) -> Callable[[Any, grpc.aio.ServicerContext], Awaitable[Any]]:
    async def wrapped(request: Any, context: grpc.aio.ServicerContext) -> Any:
        async with _call_scope(context, method, ready):
            return await behaviour(request, context)

    return wrapped


def _wrap_stream(
    behaviour: Callable[[Any, grpc.aio.ServicerContext], AsyncIterator[Any]],
    method: str,
    ready: Callable[[], bool],
) -> Callable[[Any, grpc.aio.ServicerContext], AsyncIterator[Any]]:
    async def wrapped(request: Any, context: grpc.aio.ServicerContext) -> AsyncIterator[Any]:
        async with _call_scope(context, method, ready):
            async for response in behaviour(request, context):
                yield response

    return wrapped


class _ForwardingRequestId:
    """A multicallable whose calls carry the request id being served."""

    def __init__(self, multicallable: Any) -> None:
        self.multicallable = multicallable

    def __call__(self, request: Any, *, metadata: Any = None, **options: Any) -> Any:
        request_id = request_id_var.get()
        if request_id:
            metadata = (
                *(item for item in metadata or () if item[0] != REQUEST_ID_HEADER),
                (REQUEST_ID_HEADER, request_id),
            )
        return self.multicallable(request, metadata=metadata, **options)


class _RequestIdChannel:
    """The channel as a generated stub sees it: every method the stub takes from
    it forwards the request id being served (`x-request-id`) to the service."""

    def __init__(self, channel: grpc.aio.Channel) -> None:
        self.channel = channel

    def unary_unary(self, *args: Any, **kwargs: Any) -> _ForwardingRequestId:
        return _ForwardingRequestId(self.channel.unary_unary(*args, **kwargs))

    def unary_stream(self, *args: Any, **kwargs: Any) -> _ForwardingRequestId:
        return _ForwardingRequestId(self.channel.unary_stream(*args, **kwargs))

    def stream_unary(self, *args: Any, **kwargs: Any) -> _ForwardingRequestId:
        return _ForwardingRequestId(self.channel.stream_unary(*args, **kwargs))

    def stream_stream(self, *args: Any, **kwargs: Any) -> _ForwardingRequestId:
        return _ForwardingRequestId(self.channel.stream_stream(*args, **kwargs))


def forwarding_request_ids(channel: grpc.aio.Channel) -> Any:
    """`channel` for a generated stub to be built on, its calls carrying the request id.

    Not a client interceptor: grpc.aio runs every intercepted call in a task of
    its own, which costs each call more than the rest of its client side."""
    return _RequestIdChannel(channel)


def insecure_channel(target: str) -> grpc.aio.Channel:
    """A client channel; build stubs on `forwarding_request_ids(channel)` so
    their calls carry the request id."""
    return grpc.aio.insecure_channel(
        target,
        interceptors=tracing.client_interceptors(),
        options=[
            ("grpc.max_receive_message_length", 64 * 1024 * 1024),
            ("grpc.max_send_message_length", 64 * 1024 * 1024),
            # A restarted service is reached again within two seconds; gRPC's default
            # reconnect backoff grows to two minutes, failing calls with UNAVAILABLE meanwhile.
            ("grpc.initial_reconnect_backoff_ms", 200),
            ("grpc.min_reconnect_backoff_ms", 200),
            ("grpc.max_reconnect_backoff_ms", 2000),
        ],
    )


LIVENESS_SERVICE = "liveness"


class GrpcServer:
    """A grpc.aio server with health checking and reflection, bound to a port."""

    def __init__(self, service_names: Iterable[str], max_message_mb: int = 16) -> None:
        self.service_names = list(service_names)
        self.serving = False
        self.server = grpc.aio.server(
            # Tracing outermost, so that the span covers the request id, metrics and logs.
            interceptors=[
                *tracing.server_interceptors(),
                ServiceInterceptor(self.service_names, lambda: self.serving),
            ],
            options=[
                ("grpc.max_receive_message_length", max_message_mb * 1024 * 1024),
                ("grpc.max_send_message_length", 64 * 1024 * 1024),
            ],
        )
        self.health = health.aio.HealthServicer()
        health_pb2_grpc.add_HealthServicer_to_server(self.health, self.server)
        reflection.enable_server_reflection(
            [*self.service_names, health.SERVICE_NAME, reflection.SERVICE_NAME], self.server
        )
        self.port = 0
        self.metrics: MetricsServer | None = None

    def serve_metrics(self, host: str, port: int) -> int | None:
        """Serves `/metrics` over HTTP beside the gRPC port (0 picks a free port,
        negative means off). Returns the bound port, or None when there is none:
        a port already taken costs the metrics, not the service."""
        try:
            self.metrics = start_metrics_server(host, port)
        except OSError as error:
            logger.error(
                "metrics port not bound; serving without metrics",
                extra={"metrics_port": port, "error": str(error)},
            )
            return None
        return self.metrics.port if self.metrics is not None else None

    def bind(self, address: str) -> int:
        self.port = self.server.add_insecure_port(address)
        return self.port

    async def start(self) -> None:
        await self.server.start()
        # Liveness answers for the process alone: a restart cannot bring Neo4j
        # back, so it stays SERVING through a graph outage and ends only with
        # the graceful stop (enter_graceful_shutdown turns every entry off).
        await self.health.set(LIVENESS_SERVICE, health_pb2.HealthCheckResponse.SERVING)

    async def set_serving(self, serving: bool) -> None:
        self.serving = serving
        status = (
            health_pb2.HealthCheckResponse.SERVING
            if serving
            else health_pb2.HealthCheckResponse.NOT_SERVING
        )
        for name in ["", *self.service_names]:
            await self.health.set(name, status)

    async def stop(self, grace_s: float = 10.0, drain_s: float = 0.0) -> None:
        """Health goes NOT_SERVING; for `drain_s` new calls are still served
        (while load balancers notice), then new calls are refused and in-flight
        ones get `grace_s` to finish."""
        await self.health.enter_graceful_shutdown()
        if drain_s > 0:
            await asyncio.sleep(drain_s)
        await self.server.stop(grace_s)
        if self.metrics is not None:
            self.metrics.stop()
            self.metrics = None

    async def wait_for_termination_signal(self) -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
