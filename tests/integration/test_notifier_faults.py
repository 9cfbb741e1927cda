"""The notifier fails for a while, then recovers: every notification is delivered once.

A real worker (``run_worker``, the shipped activities and retry policy ``NOTIFY_RETRY``:
2 s, then x2) runs three programmes of the production-check template on the
dev server. Each escalates to the employee a second after launch, and agreeing
its objectives files a baseline evaluation whose "evaluation ready" notice goes
out from inside the ``record_evaluation`` activity. Both kinds of notification go
through two real channels at once:

- a real HTTP receiver (the webhook) that, for every delivery id, answers 500,
  then hangs up without answering, then answers 200 but only after the channel's
  timeout (3 s) has passed, then answers 200 in time;
- a real SMTP server (aiosmtpd) that answers 451 (try later) to the first copy
  of every message, then accepts.

What "exactly once" means here is the documented contract (``activities/webhook.py``,
``docs/operations.md``): the webhook carries ``Idempotency-Key: <delivery id>``
on every attempt so the receiver drops repeats, and parcours itself records each
delivery once, in its sent-ledgers and in the programme's events. The late 200
is the case where the receiver did take the message but parcours never heard:
only the key makes that exactly once, so the test counts deliveries by key, as
a receiver honouring the contract does, and checks the raw attempts too.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import threading
import uuid
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session
from temporalio.client import WorkflowHandle

from adapters.notify.webhook import IDEMPOTENCY_HEADER, SIGNATURE_HEADER, verify
from adapters.payloads.master_key import generate_master_key
from adapters.temporal.dev_server import DevServer
from config import Settings
from domain.commands import AgreeObjectives
from domain.events import DeliveryConfirmed, DeliveryFailed, EscalationDue, EvaluationRecorded
from tests.integration.faults import until
from tests.integration.production import (
    DROP,
    SECRET,
    Answer,
    Inbox,
    Received,
    events,
    launch,
    receiving,
    smtp_server,
    wait_for_event,
    worker_running,
)
from workflows.deliveries import NOTIFY_RETRY
from workflows.programme import ProgrammeWorkflow

PROGRAMMES = 3
TIMEOUT = 3.0
"""The webhook channel's timeout (PARCOURS_WEBHOOK_TIMEOUT) in this test. The answer in
time must come within it: with 1 s, a machine busy with other tests (pytest-xdist) once
made the receiver's thread that late, and the fourth attempt timed out."""
LATE = TIMEOUT + 1.0
"""How long the receiver takes over its slow answer: well past the channel's timeout."""
SCRIPT: list[Answer] = [500, DROP, (200, LATE)]
"""What the receiver does with the first attempts of each delivery; then 200 in time."""
ATTEMPTS = len(SCRIPT) + 1


class Webhook:
    """The receiver's side: the script per Idempotency-Key, and what it accepted."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.tries: Counter[str] = Counter()
        self.accepted: dict[str, list[Received]] = defaultdict(list)
        """Requests answered 2xx (in time or not), by Idempotency-Key."""

    def answer(self, got: Received) -> Answer:
        key = got.headers[IDEMPOTENCY_HEADER]
        with self.lock:
            attempt = self.tries[key]
            self.tries[key] += 1
        reply = SCRIPT[attempt] if attempt < len(SCRIPT) else 200
        status = reply[0] if isinstance(reply, tuple) else reply
        if 200 <= status < 300:
            with self.lock:
                self.accepted[key].append(got)
        return reply


class FlakyInbox(Inbox):
    """An SMTP server that says "451 try later" to the first copy of each message."""

    def __init__(self) -> None:
        super().__init__()
        self.deferred: Counter[str] = Counter()

    async def handle_DATA(  # noqa: N802 - aiosmtpd's hook name
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        content = envelope.content
        raw = content if isinstance(content, bytes) else (content or "").encode()
        delivery = next(
            (
                line.split(b":", 1)[1].strip().decode()
                for line in raw.splitlines()
                if line.lower().startswith(b"x-parcours-delivery:")
            ),
            "",
        )
        if not self.deferred[delivery]:
            self.deferred[delivery] += 1
            return "451 4.3.0 temporarily unable to accept, try later"
        return await super().handle_DATA(server, session, envelope)


async def wait_until_settled(handle: WorkflowHandle[Any, Any], deliveries: int) -> None:
    """Poll (bounded) until ``deliveries`` deliveries are accounted for in the events."""
    # The last delivery's fourth attempt comes 2 + 4 + 8 s of backoff (plus the
    # timeout) after the first: a minute is plenty even on a loaded machine.

    async def settled() -> bool | None:
        log = await events(handle)
        done = [e for e in log if isinstance(e, DeliveryConfirmed | DeliveryFailed)]
        return True if len(done) >= deliveries else None

    await until(settled, 90, f"{handle.id}: {deliveries} deliveries settled")


async def test_a_failing_notifier_is_retried_with_backoff_and_delivers_once(
    tmp_path: Path, dev_server: DevServer
) -> None:
    hook, inbox = Webhook(), FlakyInbox()
    with receiving(hook.answer) as receiver, smtp_server(inbox) as smtp_port:
        settings = Settings(
            notifiers=("smtp", "webhook"),
            smtp_host="127.0.0.1",
            smtp_port=smtp_port,
            smtp_from="parcours <noreply@coaching.example>",
            smtp_tls="none",
            webhook_url=receiver.url,
            webhook_secret=SECRET,
            webhook_timeout=TIMEOUT,
            task_queue=f"faults-{uuid.uuid4().hex[:8]}",
            data_dir=tmp_path,
            master_key=generate_master_key(),
        )
        handles: list[WorkflowHandle[Any, Any]] = []
        async with worker_running(dev_server.address, settings, tmp_path) as client:
            try:
                handles = [await launch(client, settings.task_queue) for _ in range(PROGRAMMES)]
                for handle in handles:
                    await wait_for_event(handle, "escalation_due")
                    await handle.execute_update(
                        ProgrammeWorkflow.agree_objectives,
                        AgreeObjectives(
                            short_term=("Use it",), long_term=("Teach it",), key="agree"
                        ),
                    )
                for handle in handles:
                    await wait_until_settled(handle, deliveries=2)
                logs = {handle.id: await events(handle) for handle in handles}
                histories = {handle.id: await handle.fetch_history() for handle in handles}
            finally:
                for handle in handles:
                    with contextlib.suppress(Exception):
                        await handle.terminate("test over")

    # --- the programmes: one confirmed delivery per delivery id, nothing failed.
    webhook_keys: set[str] = set()
    for programme_id, log in logs.items():
        asked = [e for e in log if isinstance(e, EscalationDue | EvaluationRecorded)]
        assert [type(e) for e in asked] == [EscalationDue, EvaluationRecorded], log
        confirmed = [e for e in log if isinstance(e, DeliveryConfirmed)]
        assert not [e for e in log if isinstance(e, DeliveryFailed)], log
        assert sorted(e.delivery_id for e in confirmed) == sorted(e.delivery_id for e in asked)
        escalation, evaluation = asked
        webhook_keys |= {escalation.delivery_id, f"{evaluation.delivery_id}:ready"}
        # Temporal ran each activity until its fourth attempt succeeded.
        started = [
            e.activity_task_started_event_attributes.attempt
            for e in histories[programme_id].events
            if e.HasField("activity_task_started_event_attributes")
        ]
        assert started == [ATTEMPTS, ATTEMPTS], started

    # --- the webhook: every attempt with the same key and the same signed body; after
    # dropping repeats by key (the contract), each notification arrived exactly once.
    assert set(hook.tries) == webhook_keys
    assert all(tries == ATTEMPTS for tries in hook.tries.values()), hook.tries
    by_key: dict[str, list[Received]] = defaultdict(list)
    for request in receiver.requests:
        by_key[request.headers[IDEMPOTENCY_HEADER]].append(request)
    for key, attempts in by_key.items():
        assert len({a.body for a in attempts}) == 1, key
        assert all(
            verify(SECRET, a.body, a.headers[SIGNATURE_HEADER], a.headers[IDEMPOTENCY_HEADER])
            for a in attempts
        )
        assert json.loads(attempts[0].body)["delivery_id"] == key
        # The late 200 and the final one: the receiver took it twice, under one key.
        assert len(hook.accepted[key]) == 2
        assert len({r.headers[IDEMPOTENCY_HEADER] for r in hook.accepted[key]}) == 1
        # Retries were spaced by the retry policy's backoff: 2 s, 4 s, 8 s at least
        # (lower bounds only: a loaded machine makes them longer, never shorter).
        arrivals = sorted(a.at for a in attempts)
        gaps = [later - earlier for earlier, later in itertools.pairwise(arrivals)]
        initial = NOTIFY_RETRY.initial_interval.total_seconds()
        for i, gap in enumerate(gaps):
            assert gap >= initial * NOTIFY_RETRY.backoff_coefficient**i - 0.05, (key, gaps)

    # --- parcours' own records: one "sent" line per delivery id in each channel's ledger.
    for channel in ("webhook", "smtp"):
        lines = [json.loads(line) for line in (tmp_path / "sent" / f"{channel}.jsonl").open()]
        assert Counter(line["delivery_id"] for line in lines) == dict.fromkeys(webhook_keys, 1)
        assert {line["status"] for line in lines} == {"sent"}

    # --- SMTP: deferred once each, then exactly one email per delivery id, although
    # the webhook kept failing after it: a retry skips the channels that delivered.
    assert inbox.deferred == dict.fromkeys(webhook_keys, 1)
    mailed = Counter(message["X-Parcours-Delivery"] for _, message in inbox.messages)
    assert mailed == dict.fromkeys(webhook_keys, 1)
