"""Client channels to the services: UNAVAILABLE retried with exponential
backoff by grpc itself, for idempotent methods only (request ids: see
grpc_server.forwarding_request_ids)."""

from __future__ import annotations

import json
from collections.abc import Iterable

import grpc

from services.common import tracing

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
        # Request ids are added by the stubs' channel (grpc_server.forwarding_request_ids).
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
