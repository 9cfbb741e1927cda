"""JSON logs carry the Temporal ids of the workflow or activity that logged them."""

from __future__ import annotations

import dataclasses
import io
import json
import logging
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import structlog
from temporalio import activity, workflow
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from adapters.notify.smtp import SmtpConfig, SmtpSecurity
from adapters.observability import logs
from adapters.payloads.keyring import Keyring
from bootstrap.notifying import build_notifier
from bootstrap.worker import build_activities
from tests.integration.production import ADA, Inbox, notification, smtp_server


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


async def test_notification_lines_carry_ids_never_addresses_or_names(
    tmp_path: Path, json_logs: io.StringIO
) -> None:
    sent = notification()
    refused = notification("prog-1:8")
    inbox = Inbox(refuse={ADA.email})
    keyring = Keyring(tmp_path / "keys.db", secrets.token_bytes(32))
    env = ActivityEnvironment()
    with smtp_server(inbox) as port:
        notifier = build_notifier(
            tmp_path,
            ["outbox", "smtp"],
            smtp=SmtpConfig("127.0.0.1", port, "noreply@x.example", SmtpSecurity.none),
            keyring=keyring,
        )
        activities = build_activities(tmp_path, notifier)
        inbox.refuse = set()
        await env.run(activities.send_notification, sent)
        inbox.refuse = {ADA.email}
        with pytest.raises(ApplicationError):
            await env.run(activities.send_notification, refused)

    text = json_logs.getvalue()
    events = [line["event"] for line in lines(json_logs)]
    assert "notification sent" in events
    assert "notification failed" in events
    assert ADA.email not in text
    assert ADA.name not in text
    # Nor anything parcours wrote beside Temporal.
    for path in tmp_path.rglob("*.jsonl"):  # noqa: ASYNC240
        assert ADA.email.encode() not in path.read_bytes(), path


def test_a_traceback_on_a_terminal_shows_no_local_variables() -> None:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    stream = io.StringIO()
    logs.configure(json=False, stream=stream)
    try:
        token = "s3cr3t-bearer-token-value"  # a local a rich traceback would print
        try:
            raise RuntimeError(f"failed for ada@example.com with Bearer {token}")
        except RuntimeError:
            structlog.get_logger("t").exception("it failed")
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
        structlog.reset_defaults()
    out = stream.getvalue()
    assert "it failed" in out
    assert "RuntimeError" in out
    assert token not in out
    assert "ada@example.com" not in out
