"""The one way parcours connects to Temporal: worker, CLI, API and tests alike.

Every client gets parcours' data converter (payloads sealed with the keyring's keys),
the metrics runtime when a Prometheus address is given, and the tracing interceptors
when an OTLP endpoint is given, so a call from the API is measured and traced as a
call from the worker is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from temporalio.client import Client
from temporalio.converter import CompositePayloadConverter
from temporalio.service import TLSConfig

from adapters.observability.tracing import tracing_interceptors
from adapters.payloads.compression import PayloadConverter
from adapters.payloads.encryption import data_converter
from adapters.payloads.keyring import Keyring

if TYPE_CHECKING:
    from temporalio.runtime import Runtime


@dataclass(frozen=True)
class Connection:
    """Where Temporal is, how to reach it, and where to report on the calls."""

    target_host: str = "localhost:7233"
    namespace: str = "default"
    tls: bool | TLSConfig | None = None
    """None: TLS only when the SDK would choose it (an API key)."""
    api_key: str | None = None
    metrics_address: str | None = None
    otlp_endpoint: str | None = None


class TemporalUnreachable(RuntimeError):
    """Temporal did not answer the connection."""


async def connect(
    connection: Connection,
    keyring: Keyring,
    *,
    lazy: bool = False,
    payload_converter_class: type[CompositePayloadConverter] = PayloadConverter,
) -> Client:
    """A client on ``connection``; ``lazy`` connects on first use (long-running services).

    ``payload_converter_class``: how payloads, once opened, become values
    (``adapters.payloads.encryption.data_converter``); the models by default."""
    try:
        return await Client.connect(
            connection.target_host,
            namespace=connection.namespace,
            tls=connection.tls,
            api_key=connection.api_key,
            data_converter=data_converter(keyring, payload_converter_class),
            runtime=_runtime(connection.metrics_address),
            interceptors=tracing_interceptors(connection.otlp_endpoint),
            lazy=lazy,
        )
    except RuntimeError as exc:
        raise TemporalUnreachable(
            f"cannot reach Temporal at {connection.target_host}: {exc}"
        ) from exc


def _runtime(metrics_address: str | None) -> Runtime | None:
    """The metrics runtime, imported only when metrics are served: a short command (the
    CLI) never serves them, and need not import the worker's interceptors to say so.
    Either forwards the core's log lines to Python's logging (``core_logs``)."""
    if metrics_address is None:
        from adapters.observability.core_logs import default_runtime

        return default_runtime()
    from adapters.observability.metrics import metrics_runtime

    return metrics_runtime(metrics_address)
