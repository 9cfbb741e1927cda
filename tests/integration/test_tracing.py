"""The standalone API connects the one way parcours connects: its client calls are traced.

An OpenTelemetry SDK provider with an in-memory exporter stands in for a collector; the
API is built as ``parcours api`` builds it and called over real HTTP.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from adapters.payloads.master_key import generate_master_key
from adapters.temporal.dev_server import DevServer
from bootstrap.keys import open_keyring
from config.loading import load_settings
from gateway.cli.shell import connect
from gateway.http import serve
from tests.support import free_port


@pytest.fixture(scope="module")
def spans() -> InMemorySpanExporter:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace.set_tracer_provider(provider)  # once per process: the first provider stays
    assert trace.get_tracer_provider() is provider, "a provider was installed before"
    return exporter


async def test_a_launch_through_the_api_is_a_traced_temporal_call(
    dev_server: DevServer, spans: InMemorySpanExporter, tmp_path: Path
) -> None:
    settings = load_settings(
        temporal_address=dev_server.address,
        data_dir=tmp_path,
        master_key=generate_master_key(),
        otlp_endpoint="http://127.0.0.1:4317",
        api_tokens={"token-p": "platform"},
    )
    programmes = await connect(settings, open_keyring(settings), lazy=True, metrics=True)
    port = free_port()
    stop = asyncio.Event()
    api = asyncio.create_task(
        serve.serve(serve.app_for(programmes, settings), "127.0.0.1", port, stop)
    )
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
            for _ in range(100):  # until uvicorn listens
                try:
                    await http.get("/healthz")
                    break
                except httpx.ConnectError:
                    await asyncio.sleep(0.05)
            answer = await http.post(
                "/v1/programmes",
                headers={"Authorization": "Bearer token-p"},
                json={
                    "employee": {"id": "T1", "name": "Tess Ray", "email": "t1@example.com"},
                    "template_id": "executive-6m",
                },
            )
        assert answer.status_code == 201, answer.text
    finally:
        stop.set()
        await api
    names = [span.name for span in spans.get_finished_spans()]
    assert "StartWorkflow:Programme" in names, names
