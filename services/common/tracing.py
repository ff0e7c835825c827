"""OpenTelemetry tracing across the gateway and the services, on only when an
OTLP endpoint is configured (OTEL_EXPORTER_OTLP_ENDPOINT).

The tracer provider is held here rather than set as OpenTelemetry's global,
which can be set only once per process: tests install an in-memory one and
take it away again. Servers and channels built while a provider is installed
carry the official instrumentation's interceptors; built without one they
carry nothing.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI
from opentelemetry import trace
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.instrumentation.grpc import aio_client_interceptors, aio_server_interceptor
from opentelemetry.instrumentation.grpc.filters import negate, service_name
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

logger = logging.getLogger(__name__)

HEALTH_SERVICE = "grpc.health.v1.Health"
# Probes and scrapes every few seconds would drown the traces that matter.
UNTRACED_ROUTES = "healthz,readyz,metrics"

_provider: TracerProvider | None = None


class TracingSettings(BaseSettings):
    """OpenTelemetry's own variable names, so that collectors' docs apply as written."""

    model_config = SettingsConfigDict(env_prefix="OTEL_", extra="ignore")

    exporter_otlp_endpoint: str = ""
    # Overrides the name each process gives itself (skills, matching, gateway).
    service_name: str = Field(default="")


def install(provider: TracerProvider | None) -> None:
    global _provider
    _provider = provider


def installed() -> TracerProvider | None:
    return _provider


def configure_tracing(
    service: str, settings: TracingSettings | None = None
) -> TracerProvider | None:
    """Installs a provider exporting spans over OTLP/gRPC when an endpoint is
    configured; returns None (and installs nothing) otherwise."""
    settings = settings or TracingSettings()
    if not settings.exporter_otlp_endpoint:
        return None
    from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter

    provider = TracerProvider(
        resource=Resource.create({SERVICE_NAME: settings.service_name or f"lps-{service}"})
    )
    provider.add_span_processor(
        BatchSpanProcessor(OTLPSpanExporter(endpoint=settings.exporter_otlp_endpoint))
    )
    install(provider)
    trace.set_tracer_provider(provider)
    logger.info("tracing on", extra={"otlp_endpoint": settings.exporter_otlp_endpoint})
    return provider


def shutdown_tracing() -> None:
    """Flushes the spans still queued; a no-op when tracing is off."""
    provider = _provider
    install(None)
    if provider is not None:
        provider.shutdown()


def server_interceptors() -> list[Any]:
    if _provider is None:
        return []
    return [
        aio_server_interceptor(  # type: ignore[no-untyped-call]
            tracer_provider=_provider, filter_=negate(service_name(HEALTH_SERVICE))
        )
    ]


def client_interceptors() -> list[Any]:
    if _provider is None:
        return []
    return list(
        aio_client_interceptors(  # type: ignore[no-untyped-call]
            tracer_provider=_provider, filter_=negate(service_name(HEALTH_SERVICE))
        )
    )


def instrument_app(app: FastAPI) -> None:
    if _provider is not None:
        FastAPIInstrumentor.instrument_app(
            app, tracer_provider=_provider, excluded_urls=UNTRACED_ROUTES
        )
