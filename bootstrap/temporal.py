"""The connection to Temporal, one way for worker, API and CLI: TLS or an API key as the
settings say, parcours' data converter (payloads sealed with the keyring), metrics
runtime and tracing.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from temporalio.client import Client
from temporalio.service import TLSConfig

from adapters.payloads.keyring import Keyring
from adapters.temporal.connection import Connection
from adapters.temporal.connection import connect as connect_to
from bootstrap.keys import open_keyring
from config import Settings, reveal


def connection_for(
    settings: Settings, address: str | None = None, namespace: str | None = None
) -> Connection:
    """How to reach the settings' Temporal (``address`` and ``namespace`` win).

    TLS is on with a client certificate (mTLS), with an API key (Temporal Cloud),
    or when ``TEMPORAL_TLS`` says so; ``TEMPORAL_TLS_CA`` and
    ``TEMPORAL_TLS_SERVER_NAME`` adjust how the server is verified.
    """
    tls: bool | TLSConfig
    configured = (
        settings.temporal_tls_cert,
        settings.temporal_tls_ca,
        settings.temporal_tls_server_name,
    )
    if settings.temporal_tls is not False and any(v is not None for v in configured):
        tls = TLSConfig(
            client_cert=_read(settings.temporal_tls_cert),
            client_private_key=_read(settings.temporal_tls_key),
            server_root_ca_cert=_read(settings.temporal_tls_ca),
            domain=settings.temporal_tls_server_name,
        )
    elif settings.temporal_tls is not None:
        tls = settings.temporal_tls
    else:
        tls = settings.temporal_api_key is not None
    return Connection(
        target_host=address or settings.temporal_address,
        namespace=namespace or settings.temporal_namespace,
        tls=tls,
        api_key=reveal(settings.temporal_api_key),
        metrics_address=settings.metrics_address,
        otlp_endpoint=settings.otlp_endpoint,
    )


async def connect(
    settings: Settings,
    *,
    address: str | None = None,
    namespace: str | None = None,
    keyring: Keyring | None = None,
    lazy: bool = False,
    metrics: bool = True,
) -> Client:
    """A client on the settings' Temporal, with parcours' data converter (payloads sealed
    with ``keyring``'s keys, default: the key store in the data dir), metrics and tracing.

    ``metrics=False`` for a short command: it must not take the Prometheus port that the
    worker or the API on the same host serves."""
    connection = connection_for(settings, address, namespace)
    if not metrics:
        connection = replace(connection, metrics_address=None)
    return await connect_to(
        connection,
        keyring if keyring is not None else open_keyring(settings),
        lazy=lazy,
    )


def _read(path: Path | None) -> bytes | None:
    return path.read_bytes() if path is not None else None
