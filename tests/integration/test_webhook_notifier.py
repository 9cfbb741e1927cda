"""The webhook notifier against a real local HTTP receiver, and under a real Temporal worker.

Direct calls show what each answer becomes (delivered, ``ChannelUnavailable``:
retryable, ``ChannelRefused``: final). The last test shows what Temporal does
with them: a real worker (``run_worker``) runs a real programme whose escalation
goes to the webhook; the workflow's own retry policy (``NOTIFY_RETRY``) retries
the 500, and the 400 is tried once and recorded as failed.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from activities.errors import ChannelRefused, ChannelUnavailable
from adapters.notify.webhook import (
    IDEMPOTENCY_HEADER,
    SIGNATURE_HEADER,
    WebhookConfig,
    WebhookNotifier,
    redacted,
    verify,
    webhook_body,
)
from adapters.observability.logs import configure as configure_logging
from adapters.payloads.master_key import generate_master_key
from adapters.temporal.dev_server import DevServer
from bootstrap.notifying import build_notifier
from config import Settings
from domain.events import DeliveryConfirmed, DeliveryFailed
from tests.integration.production import (
    SECRET,
    Received,
    events,
    first_then,
    launch,
    notification,
    receiving,
    wait_for_event,
    worker_running,
)
from tests.support import free_port


def config(url: str, timeout: float = 5.0) -> WebhookConfig:
    return WebhookConfig(url=url, secret=SECRET, timeout=timeout)


async def test_the_notification_arrives_once_signed_with_its_idempotency_key(
    tmp_path: Path,
) -> None:
    sent = notification()
    with receiving() as receiver:
        notifier = build_notifier(tmp_path, ["webhook"], webhook=config(receiver.url))
        first = await notifier.send(sent)
        again = await notifier.send(sent)  # a retried activity

    [got] = receiver.requests
    assert first == f"webhook: 200 from http://127.0.0.1:{receiver.port}/…"
    assert again == f"already sent: {first}"
    signed = got.headers[SIGNATURE_HEADER]
    assert verify(SECRET, got.body, signed, got.headers[IDEMPOTENCY_HEADER])
    assert signed.startswith("t=")
    assert ",v1=" in signed
    assert not verify("another-secret-entirely", got.body, signed, sent.delivery_id)
    assert not verify(SECRET, got.body, signed, "another-delivery")
    at = int(signed.split(",")[0].removeprefix("t="))
    assert not verify(SECRET, got.body, signed, sent.delivery_id, now=at + 301)
    assert got.headers[IDEMPOTENCY_HEADER] == sent.delivery_id
    assert got.headers["Content-Type"] == "application/json"
    assert json.loads(got.body) == json.loads(webhook_body(sent))
    # Ids only: the employee by id, each recipient by id; no name, no email address.
    shown = json.loads(got.body)
    assert shown["employee"] == {"id": sent.employee.id}
    assert shown["recipients"] == {"employee": sent.employee.id, "coach": "coach-7"}
    assert shown["delivery_id"] == sent.delivery_id
    assert sent.employee.name.encode() not in got.body
    assert sent.employee.email.encode() not in got.body


async def test_a_5xx_is_retryable() -> None:
    with receiving(lambda _: 503) as receiver, pytest.raises(ChannelUnavailable) as caught:
        await WebhookNotifier(config(receiver.url)).send(notification())
    assert not caught.value.non_retryable
    assert "HTTP 503" in str(caught.value)


async def test_a_4xx_is_final_but_429_asks_to_come_back() -> None:
    with receiving(first_then(400, 429)) as receiver:
        notifier = WebhookNotifier(config(receiver.url))
        with pytest.raises(ChannelRefused) as refused:
            await notifier.send(notification())
        with pytest.raises(ChannelUnavailable) as later:
            await notifier.send(notification())
    assert refused.value.non_retryable
    assert "HTTP 400" in str(refused.value)
    assert "scripted" in str(refused.value)  # the receiver's answer, for ops
    assert not later.value.non_retryable


async def test_a_timeout_and_no_listener_are_retryable() -> None:
    with receiving(delay=1.0) as slow, pytest.raises(ChannelUnavailable) as timed_out:
        await WebhookNotifier(config(slow.url, timeout=0.2)).send(notification())
    assert "no answer within 0.2s" in str(timed_out.value)

    nobody = f"http://127.0.0.1:{free_port()}/hooks"
    with pytest.raises(ChannelUnavailable) as refused:
        await WebhookNotifier(config(nobody)).send(notification())
    assert not refused.value.non_retryable


async def test_a_webhook_url_s_secret_is_in_no_detail_nor_log_line() -> None:
    """Many chat webhooks authenticate by a secret in the URL's path: it stays out of
    the delivery detail (kept in the history) and of the logs (httpx's included)."""
    assert redacted("https://u:p@hooks.example:8443/T0/B1/s3cr3t?k=v") == (
        "https://hooks.example:8443/…"
    )
    assert redacted("https://hooks.example") == "https://hooks.example"
    logged = io.StringIO()
    configure_logging("INFO", json=True, stream=logged)
    with receiving() as receiver:
        secret = receiver.url + "/s3cr3t"
        detail = await WebhookNotifier(config(secret)).send(notification())
    with pytest.raises(ChannelUnavailable) as refused:
        await WebhookNotifier(config(f"http://127.0.0.1:{free_port()}/s3cr3t")).send(notification())
    assert "s3cr3t" not in detail
    assert "s3cr3t" not in refused.value.message
    assert "s3cr3t" not in logged.getvalue()


async def test_a_refusal_is_remembered_so_a_retry_does_not_post_again(tmp_path: Path) -> None:
    with receiving(lambda _: 422) as receiver:
        notifier = build_notifier(tmp_path, ["outbox", "webhook"], webhook=config(receiver.url))
        with pytest.raises(ChannelRefused):
            await notifier.send(notification())
        with pytest.raises(ChannelRefused) as again:
            await notifier.send(notification())

    assert len(receiver.requests) == 1
    assert "refused before" in str(again.value)
    assert len((tmp_path / "outbox.jsonl").read_text().splitlines()) == 1


async def test_temporal_retries_a_500_and_not_a_400(tmp_path: Path, dev_server: DevServer) -> None:
    """Two programmes escalate to the employee a second after launch; the receiver
    answers 500 then 200 for the first, 400 for the second."""
    flaky: set[str] = set()

    def answer(got: Received) -> int:
        programme_id = json.loads(got.body)["programme_id"]
        if programme_id.startswith("refused"):
            return 400
        if programme_id not in flaky:
            flaky.add(programme_id)
            return 500
        return 200

    with receiving(answer) as receiver:
        settings = Settings(
            notifiers=("webhook",),
            webhook_url=receiver.url,
            webhook_secret=SECRET,
            task_queue=f"webhook-{uuid.uuid4().hex[:8]}",
            data_dir=tmp_path,
            master_key=generate_master_key(),
        )
        started = []
        async with worker_running(dev_server.address, settings, tmp_path) as client:
            try:
                retried = await launch(client, settings.task_queue)
                refused = await launch(client, settings.task_queue, prefix="refused")
                started += [retried, refused]

                confirmed = await wait_for_event(retried, "delivery_confirmed")
                failed = await wait_for_event(refused, "delivery_failed")
                # The retry came NOTIFY_RETRY's 2 s after the 500: were the 400 retryable,
                # its retry would have come by now too.
                await asyncio.sleep(0.5)

                assert isinstance(confirmed, DeliveryConfirmed)
                assert confirmed.detail == f"webhook: 200 from {redacted(receiver.url)}"
                posts = receiver.bodies_for(retried.id)
                assert len(posts) == 2
                assert posts[0].body == posts[1].body  # the same signed body both times
                assert len({p.headers[IDEMPOTENCY_HEADER] for p in posts}) == 1
                assert all(
                    verify(
                        SECRET, p.body, p.headers[SIGNATURE_HEADER], p.headers[IDEMPOTENCY_HEADER]
                    )
                    for p in posts
                )

                assert isinstance(failed, DeliveryFailed)
                assert "HTTP 400" in failed.detail
                assert len(receiver.bodies_for(refused.id)) == 1
                history = await refused.fetch_history()
                attempts = [
                    e.activity_task_started_event_attributes.attempt
                    for e in history.events
                    if e.HasField("activity_task_started_event_attributes")
                ]
                assert attempts == [1]
                assert [e.type for e in await events(refused)].count("delivery_failed") == 1
            finally:
                for handle in started:
                    with contextlib.suppress(Exception):
                        await handle.terminate("test over")


def documented_receiver() -> Any:
    """The ``verify`` docs/operations.md shows receivers, run as it is written there."""
    text = (Path(__file__).parents[2] / "docs" / "operations.md").read_text()
    block = text.split("<!-- webhook-receiver -->\n```python\n", 1)[1].split("```", 1)[0]
    namespace: dict[str, Any] = {}
    exec(compile(block, "docs/operations.md", "exec"), namespace)
    return namespace["verify"]


async def test_the_documented_receiver_accepts_a_real_delivery_and_rejects_a_stale_one(
    tmp_path: Path,
) -> None:
    verify_as_documented = documented_receiver()
    sent = notification()
    with receiving() as receiver:
        await WebhookNotifier(config(receiver.url)).send(sent)
    [got] = receiver.requests
    signed, delivery = got.headers[SIGNATURE_HEADER], got.headers[IDEMPOTENCY_HEADER]
    secret = SECRET.encode()
    assert verify_as_documented(secret, got.body, signed, delivery)
    at = int(signed.split(",")[0].removeprefix("t="))
    assert verify_as_documented(secret, got.body, signed, delivery, now=at + 299)
    assert not verify_as_documented(secret, got.body, signed, delivery, now=at + 301)  # stale
    assert not verify_as_documented(secret, got.body, signed, delivery, now=at - 301)
    assert not verify_as_documented(secret, got.body + b" ", signed, delivery)
    assert not verify_as_documented(secret, got.body, signed, "another-delivery")
    assert not verify_as_documented(b"another-secret-entirely", got.body, signed, delivery)
    assert not verify_as_documented(secret, got.body, "sha256=" + "0" * 64, delivery)


async def test_a_reminder_tells_the_platform_which_roles_are_waited_on_never_who(
    tmp_path: Path,
) -> None:
    from domain.template import Role

    sent = notification().model_copy(
        update={"raters": {Role.peer: ("P1", "P5"), Role.direct_report: ("D2",)}}
    )
    with receiving() as receiver:
        notifier = build_notifier(tmp_path, ["webhook"], webhook=config(receiver.url))
        await notifier.send(sent)
    [got] = receiver.requests
    body = json.loads(got.body)
    assert body["waiting"] == ["peer", "direct_report"]
    assert body["raters"] == {}
    for rater in ("P1", "P5", "D2"):
        assert rater not in got.body.decode()
