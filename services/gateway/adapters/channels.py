"""Client channels to the services: request ids forwarded, and UNAVAILABLE
retried with exponential backoff by grpc itself, for idempotent methods only."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import grpc

from services.common import tracing
from services.common.logging import REQUEST_ID_HEADER, request_id_var

MAX_MESSAGE_BYTES = 64 * 1024 * 1024


def retry_service_config(service: str, idempotent_methods: Iterable[str]) -> str:
    """A gRPC service config retrying UNAVAILABLE on the given methods.

    The call's deadline bounds every attempt together, so retries never
    outlive the deadline the gateway set.
    """
    return json.dumps(
        {
            "methodConfig": [
                {
                    "name": [{"service": service, "method": m} for m in sorted(idempotent_methods)],
                    "retryPolicy": {
                        "maxAttempts": 4,
                        "initialBackoff": "0.1s",
                        "maxBackoff": "2s",
                        "backoffMultiplier": 2,
                        "retryableStatusCodes": ["UNAVAILABLE"],
                    },
                }
            ]
        }
    )


def service_channel(
    target: str, service: str, idempotent_methods: Iterable[str]
) -> grpc.aio.Channel:
    return grpc.aio.insecure_channel(
        target,
        # Request ids are added by the stubs' channel (forwarding_request_ids), not
        # by an interceptor: grpc.aio runs every intercepted call in a task of its own.
        interceptors=tracing.client_interceptors(),
        options=[
            ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
            ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
            ("grpc.enable_retries", 1),
            # A restarted service is reached within two seconds; gRPC's default backoff
            # grows to two minutes, failing every call fast with UNAVAILABLE meanwhile.
            ("grpc.initial_reconnect_backoff_ms", 200),
            ("grpc.min_reconnect_backoff_ms", 200),
            ("grpc.max_reconnect_backoff_ms", 2000),
            ("grpc.service_config", retry_service_config(service, idempotent_methods)),
        ],
    )


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
    """`channel` for a generated stub to be built on, its calls carrying the request id."""
    return _RequestIdChannel(channel)
