"""Prometheus metrics: Temporal's SDK metrics and parcours' own, scraped over HTTP.

A real worker (``run_worker`` with ``PARCOURS_METRICS_PORT`` set) runs a real
programme on the dev server: launched, it escalates to the employee (the
webhook answers 500 once, so one failure then a delivery), its objectives are
agreed (a baseline evaluation, announced, and a new stage). Then the endpoint
is read as Prometheus would.
"""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import httpx
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from activities import metrics
from adapters.observability.metrics import ProgrammeMetrics
from adapters.payloads.encryption import data_converter
from adapters.payloads.master_key import generate_master_key
from adapters.temporal.dev_server import DevServer
from config import Settings
from domain.commands import AgreeObjectives
from domain.view import ProgrammeView
from tests.integration.production import (
    SECRET,
    Sample,
    events,
    first_then,
    launch,
    parse_prometheus,
    receiving,
    wait_for_event,
    worker_running,
)
from tests.support import free_port, recorded_workflow_id, recording_keyring
from workers.sandbox import sandbox_runner
from workflows.programme import ProgrammeWorkflow

SEND = "send_notification"
HISTORIES = Path(__file__).parents[1] / "histories"


def value(samples: list[Sample], name: str, **labels: str) -> float:
    """The sum of ``name`` over the samples carrying ``labels``."""
    return sum(
        s.value
        for s in samples
        if s.name == name and all(s.labels.get(k) == v for k, v in labels.items())
    )


async def scrape(url: str) -> list[Sample]:
    async with httpx.AsyncClient() as http:
        response = await http.get(url)
    response.raise_for_status()
    return parse_prometheus(response.text)


async def test_the_endpoint_serves_sdk_and_parcours_metrics(
    tmp_path: Path, dev_server: DevServer
) -> None:
    port = free_port()
    with receiving(first_then(500)) as receiver:
        settings = Settings(
            notifiers=("outbox", "webhook"),
            webhook_url=receiver.url,
            webhook_secret=SECRET,
            metrics_port=port,
            metrics_host="127.0.0.1",
            task_queue=f"metrics-{uuid.uuid4().hex[:8]}",
            data_dir=tmp_path,
            master_key=generate_master_key(),
        )
        async with worker_running(dev_server.address, settings, tmp_path) as client:
            handle = await launch(client, settings.task_queue)
            try:
                await wait_for_event(handle, "delivery_confirmed")  # the escalation, retried once
                await handle.execute_update(
                    "agree_objectives",
                    AgreeObjectives(
                        short_term=("Use the CRM daily",), long_term=("Coach the team",)
                    ),
                    result_type=ProgrammeView,
                )
                for _ in range(100):  # the evaluation report, and its notice
                    if [e.type for e in await events(handle)].count("delivery_confirmed") == 2:
                        break
                    await asyncio.sleep(0.1)
                samples = await scrape(f"http://127.0.0.1:{port}/metrics")
            finally:
                await handle.terminate("test over")

    template = {"template": "production-check"}
    assert value(samples, metrics.PROGRAMMES_LAUNCHED, **template) == 1
    assert value(samples, metrics.STAGE_TRANSITIONS, stage="agreement", **template) == 1
    assert value(samples, metrics.STAGE_TRANSITIONS, stage="closing", **template) == 1
    sent, failed = metrics.NOTIFICATIONS_SENT, metrics.NOTIFICATIONS_FAILED
    assert value(samples, sent, channel="outbox", kind="escalation") == 1
    assert value(samples, sent, channel="webhook", kind="escalation") == 1
    assert value(samples, failed, channel="webhook", kind="escalation", outcome="failed") == 1
    assert value(samples, failed, channel="outbox") == 0
    assert value(samples, sent, channel="webhook", kind="evaluation_ready") == 1
    assert value(samples, metrics.ESCALATIONS, stage="agreement", step="1") == 1
    assert value(samples, metrics.EVALUATIONS, kind="baseline") == 1
    # parcours' counters carry the worker's context, like the SDK's.
    [escalation] = [s for s in samples if s.name == metrics.ESCALATIONS]
    assert escalation.labels["task_queue"] == settings.task_queue
    assert escalation.labels["activity_type"] == "send_notification"
    # And the SDK's own: the worker, its polls, workflow tasks, activities and their failure.
    names = {s.name for s in samples}
    assert {
        "temporal_worker_start",
        "temporal_num_pollers",
        "temporal_workflow_task_execution_latency_count",
        "temporal_activity_execution_latency_count",
        "temporal_request",
    } <= names, sorted(names)
    failures = value(samples, "temporal_activity_execution_failed", activity_type=SEND)
    assert failures == 1


async def test_the_stage_watcher_replays_the_recorded_histories(tmp_path: Path) -> None:
    """The interceptor runs inside every programme workflow: it must not change a replay."""
    replayer = Replayer(
        workflows=[ProgrammeWorkflow],
        data_converter=data_converter(recording_keyring(tmp_path)),
        workflow_runner=sandbox_runner(),
        interceptors=[ProgrammeMetrics()],
    )
    paths = sorted(HISTORIES.glob("*/*.json"))
    assert paths
    for path in paths:
        text = await asyncio.to_thread(path.read_text)
        history = WorkflowHistory.from_json(recorded_workflow_id(text, path.stem), text)
        result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
        assert result.replay_failure is None, f"{path.name}: {result.replay_failure}"
