"""Optional OpenTelemetry tracing, through ``temporalio.contrib.opentelemetry``.

When ``PARCOURS_OTLP_ENDPOINT`` is set, spans for client calls, workflow runs,
signals, updates and activities are exported over OTLP/gRPC to that endpoint
(an OpenTelemetry Collector, Jaeger, Tempo...), with the trace context carried
in Temporal headers from the caller to the workflow to its activities.

It needs packages parcours does not install by default: ``opentelemetry-sdk``
and ``opentelemetry-exporter-otlp-proto-grpc``. They are imported only here and
only when tracing is on; ``load_settings`` already refuses an endpoint without
them, naming the variable.
"""

from __future__ import annotations

import importlib
from typing import Any

from temporalio.client import Interceptor as ClientInterceptor

_provider: Any = None
"""The SDK tracer provider installed globally, once per process."""


def tracing_interceptors(endpoint: str | None) -> list[ClientInterceptor]:
    """The client interceptors that trace to the OTLP ``endpoint`` (a Worker on the Client
    inherits them), or [] when it is None."""
    if endpoint is None:
        return []
    try:
        from opentelemetry import trace
        from temporalio.contrib.opentelemetry import TracingInterceptor

        if not _sdk_provider_installed(trace.get_tracer_provider()):
            _install_exporter(endpoint)
    except ImportError as exc:
        raise RuntimeError(
            f"PARCOURS_OTLP_ENDPOINT is set but tracing cannot start: {exc}; install "
            "opentelemetry-sdk and opentelemetry-exporter-otlp-proto-grpc, or unset it"
        ) from exc
    return [TracingInterceptor()]


def _sdk_provider_installed(provider: Any) -> bool:
    """A process that installed an OpenTelemetry SDK provider already (an application
    embedding parcours, a test) keeps it: spans go where it sends them."""
    return type(provider).__module__.startswith("opentelemetry.sdk")


def _install_exporter(endpoint: str) -> None:
    global _provider
    from opentelemetry import trace

    sdk = importlib.import_module("opentelemetry.sdk.trace")
    export = importlib.import_module("opentelemetry.sdk.trace.export")
    resources = importlib.import_module("opentelemetry.sdk.resources")
    otlp = importlib.import_module("opentelemetry.exporter.otlp.proto.grpc.trace_exporter")
    provider = sdk.TracerProvider(resource=resources.Resource.create({"service.name": "parcours"}))
    provider.add_span_processor(export.BatchSpanProcessor(otlp.OTLPSpanExporter(endpoint=endpoint)))
    trace.set_tracer_provider(provider)
    _provider = provider


def flush_tracing() -> None:
    """Export the spans still buffered (at shutdown)."""
    if _provider is not None:
        _provider.force_flush()
