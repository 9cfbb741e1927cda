"""JSON logs carry the Temporal ids of the workflow or activity that logged them."""

from __future__ import annotations

import dataclasses
import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import structlog
from temporalio import activity, workflow
from temporalio.testing import ActivityEnvironment

from adapters.observability import logs
from bootstrap import build_activities
from tests.integration.production import notification


@pytest.fixture
def json_logs() -> Iterator[io.StringIO]:
    """``logs.configure(json=True)`` for one test, then the logging set-up as it was."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    on_message = workflow.logger.workflow_info_on_message, activity.logger.activity_info_on_message
    stream = io.StringIO()
    logs.configure(json=True, stream=stream)
    yield stream
    root.handlers[:] = handlers
    root.setLevel(level)
    workflow.logger.workflow_info_on_message, activity.logger.activity_info_on_message = on_message
    structlog.reset_defaults()


def lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


async def test_an_activity_logs_its_workflow_run_activity_and_programme(
    tmp_path: Path, json_logs: io.StringIO
) -> None:
    env = ActivityEnvironment()
    env.info = dataclasses.replace(
        env.info,
        workflow_id="executive-6m.emp-42",
        workflow_run_id="run-1",
        workflow_type="Programme",
        activity_type="send_notification",
        attempt=2,
    )
    activities = build_activities(tmp_path)

    def library_logging() -> None:  # what a library logs with the standard logging module
        logging.getLogger("httpx").warning("connection reset")

    await env.run(activities.send_notification, notification())
    env.run(library_logging)

    sent, library = lines(json_logs)
    for line in (sent, library):
        assert line["workflow_id"] == "executive-6m.emp-42"
        assert line["run_id"] == "run-1"
        assert line["activity"] == "send_notification"
        assert line["attempt"] == 2
        assert line["programme_id"] == "executive-6m.emp-42"
    assert sent["event"] == "notification sent"
    assert sent["delivery_id"] == "prog-1:7"
    assert library["event"] == "connection reset"
    assert library["logger"] == "httpx"


def test_a_workflow_log_record_carries_its_ids(json_logs: io.StringIO) -> None:
    details = {
        "attempt": 1,
        "namespace": "default",
        "run_id": "run-9",
        "task_queue": "parcours",
        "workflow_id": "executive-6m.emp-42",
        "workflow_type": "Programme",
    }
    # What workflow.logger emits: the ids in a ``temporal_workflow`` extra.
    logging.getLogger("temporalio.workflow").warning(
        "refused feedback", extra={"temporal_workflow": details}
    )

    [line] = lines(json_logs)
    assert line["event"] == "refused feedback"
    assert (line["workflow_id"], line["run_id"]) == ("executive-6m.emp-42", "run-9")
    assert line["programme_id"] == "executive-6m.emp-42"
    assert "activity" not in line
