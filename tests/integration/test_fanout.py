"""Several channels at once, each delivering once, whatever the retries."""

from __future__ import annotations

import json
import secrets
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest
from temporalio.testing import ActivityEnvironment

from activities.errors import ChannelUnavailable
from adapters.notify.outbox import OutboxNotifier
from adapters.notify.smtp import SmtpConfig, SmtpSecurity
from adapters.notify.webhook import WebhookConfig, redacted
from adapters.payloads.keyring import Keyring
from bootstrap.notifying import build_notifier
from bootstrap.worker import build_activities
from domain.evaluation import Attendance, Evaluation, Verdict
from domain.notices import EvaluationReport, NoticeKind
from domain.template import EvaluationKind
from tests.integration.production import (
    ADA,
    SECRET,
    Inbox,
    first_then,
    notification,
    receiving,
    smtp_server,
)


async def test_a_retry_after_a_partial_fan_out_only_retries_the_failed_channel(
    tmp_path: Path,
) -> None:
    inbox = Inbox()
    sent = notification()
    with smtp_server(inbox) as port, receiving(first_then(503)) as receiver:
        notifier = build_notifier(
            tmp_path,
            ["outbox", "smtp", "webhook"],
            smtp=SmtpConfig("127.0.0.1", port, "noreply@x.example", SmtpSecurity.none),
            webhook=WebhookConfig(receiver.url, SECRET),
        )
        with pytest.raises(ChannelUnavailable) as first:
            await notifier.send(sent)
        retried = await notifier.send(sent)

    assert "HTTP 503" in first.value.message
    assert "(delivered: outbox: " in first.value.message  # what did go, for ops
    assert len(inbox.messages) == 1
    assert len(receiver.requests) == 2
    outbox_detail, smtp_detail, webhook_detail = retried.split("; ")
    assert outbox_detail.startswith("already sent: outbox: ")
    assert smtp_detail.startswith("already sent: smtp: sent to the employee via")
    assert webhook_detail == f"webhook: 200 from {redacted(receiver.url)}"
    assert len((tmp_path / "outbox.jsonl").read_text().splitlines()) == 1


async def test_an_evaluation_report_is_announced_once_through_every_channel(
    tmp_path: Path,
) -> None:
    report = EvaluationReport(
        delivery_id="prog-1:12",
        programme_id="prog-1",
        template_title="Executive coaching, six months",
        employee=ADA,
        evaluation=Evaluation(
            kind=EvaluationKind.midpoint,
            stage="midpoint",
            raters=0,
            scores=(),
            overall=None,
            attainment=None,
            expected_attainment=50,
            attendance=Attendance(held=0, missed=0),
            verdict=Verdict.on_track,
            reasons=(),
        ),
        recorded_at=datetime(2025, 6, 1, 9, 0, tzinfo=UTC),
    )
    inbox = Inbox()
    keyring = Keyring(tmp_path / "keys.db", secrets.token_bytes(32))
    with smtp_server(inbox) as port, receiving() as receiver:
        notifier = build_notifier(
            tmp_path,
            ["outbox", "smtp", "webhook"],
            smtp=SmtpConfig("127.0.0.1", port, "noreply@x.example", SmtpSecurity.none),
            webhook=WebhookConfig(receiver.url, SECRET),
            public_url="https://coaching.example.com/programmes/{programme_id}/overview",
            keyring=keyring,
        )
        activities = build_activities(tmp_path, notifier, evaluation_notices=True)
        env = ActivityEnvironment()
        page = await env.run(activities.record_evaluation, report)
        again = await env.run(activities.record_evaluation, report)  # a retry

    assert page == again
    assert "rendered on demand" in page
    [(_, message)] = inbox.messages
    assert message["Subject"] == "Evaluation ready: Executive coaching, six months, Midpoint"
    assert "https://coaching.example.com/programmes/prog-1/overview" in message.get_content()
    [posted] = receiver.requests
    body = json.loads(posted.body)
    assert (body["kind"], body["delivery_id"]) == (NoticeKind.evaluation_ready, "prog-1:12:ready")
    [line] = (tmp_path / "outbox.jsonl").read_text().splitlines()
    assert json.loads(line)["kind"] == "evaluation_ready"
    # Beside Temporal, only ids in the clear: the rest is sealed with the employee's key.
    for written in (tmp_path / "outbox.jsonl", *(tmp_path / "sent").iterdir()):
        text = written.read_text()
        assert report.employee.email not in text, written
        assert report.employee.name not in text, written
        assert stat.S_IMODE(written.stat().st_mode) == 0o600, written
    [opened] = OutboxNotifier(tmp_path / "outbox.jsonl", keyring).read()
    assert opened["employee"]["email"] == report.employee.email
    keyring.erase(report.employee.id)
    [erased] = OutboxNotifier(tmp_path / "outbox.jsonl", keyring).read()
    assert erased["erased"] is True
    assert erased["delivery_id"] == "prog-1:12:ready"
