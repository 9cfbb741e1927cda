"""Helpers for the production tests: a real worker, a real HTTP receiver, a real SMTP
server, a quick programme on a real Temporal, and reading a Prometheus page."""

from __future__ import annotations

import asyncio
import contextlib
import re
import socket
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from temporalio.client import Client, WorkflowHandle

from bootstrap.temporal import connect
from bootstrap.worker import run_worker
from config import Settings
from domain.commands import Employee, Launch
from domain.events import Event
from domain.notices import NoticeKind, Notification
from domain.template import Role, Template
from domain.template_parsing import parse_template
from tests.support import free_port
from workflows.messages import EventPage, ProgrammeInput
from workflows.programme import ProgrammeWorkflow

NOW = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
ADA = Employee(id="emp-42", name="Ada Lovelace", email="ada@example.com")
SECRET = "a-webhook-secret-of-some-length"

QUICK = """
id: production-check
version: 1
title: Production check
dimensions: [motivation, adaptability]
max_duration: PT10M
stages:
  - key: agreement
    title: Coaching agreement
    due: PT1S
    gate: {objectives_agreed: true}
    escalate_after_due: [{after: PT0S, to: employee}]
    evaluation: baseline
  - key: closing
    title: Closing
    due: PT10M
    gate: {progress_recorded: true}
"""
"""Escalates to the employee one second after launch; agreeing objectives files a
baseline evaluation and enters the second stage."""


@contextlib.asynccontextmanager
async def worker_running(address: str, settings: Settings, data_dir: Path) -> AsyncIterator[Client]:
    """The production worker (``run_worker``) on ``settings``, and a client to its server.

    The worker stops, and any error it met is raised, on the way out.
    """
    client = await connect(settings, address=address)
    stop = asyncio.Event()
    worker = asyncio.create_task(run_worker(client, data_dir, stop, settings=settings))
    try:
        yield client
    finally:
        stop.set()
        await worker


def quick_template() -> Template:
    return parse_template(QUICK, "production-check")


def notification(
    delivery_id: str = "prog-1:7",
    *,
    kind: NoticeKind = NoticeKind.reminder,
    to: tuple[Role, ...] = (Role.employee, Role.coach),
) -> Notification:
    people: dict[Role, str | None] = {Role.employee: ADA.email, Role.coach: "coach-7"}
    return Notification(
        delivery_id=delivery_id,
        kind=kind,
        programme_id="executive-6m.emp-42",
        template_title="Executive coaching, six months",
        employee=ADA,
        to=to,
        recipients={role: people.get(role) for role in to},
        stage="agreement",
        stage_title="Coaching agreement and objectives",
        due_at=datetime(2025, 3, 17, 9, 0, tzinfo=UTC),
        escalation_step=1 if kind is NoticeKind.escalation else None,
        created_at=NOW,
    )


# ---------------------------------------------------------------- HTTP receiver


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float = field(default_factory=time.monotonic)
    """When the request arrived (``time.monotonic``)."""


DROP = 0
"""An answer status meaning: close the connection without answering at all."""

Answer = int | tuple[int, float]
"""A status, or (status, seconds to wait before answering it)."""


@dataclass
class Receiver:
    """A real HTTP server on 127.0.0.1, in a thread. ``answer`` picks each status (and,
    as ``(status, seconds)``, how long to take over it; ``DROP`` hangs up instead)."""

    answer: Callable[[Received], Answer] = lambda _: 200
    delay: float = 0.0
    requests: list[Received] = field(default_factory=list)
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/parcours"

    def bodies_for(self, programme_id: str) -> list[Received]:
        return [r for r in list(self.requests) if programme_id.encode() in r.body]


@contextmanager
def receiving(
    answer: Callable[[Received], Answer] = lambda _: 200, delay: float = 0.0
) -> Iterator[Receiver]:
    receiver = Receiver(answer, delay)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            got = Received(self.path, dict(self.headers.items()), self.rfile.read(length))
            receiver.requests.append(got)
            reply = receiver.answer(got)
            status, delay = reply if isinstance(reply, tuple) else (reply, receiver.delay)
            time.sleep(delay)
            if status == DROP:
                self.close_connection = True
                with contextlib.suppress(OSError):
                    self.connection.shutdown(socket.SHUT_RDWR)
                return
            body = b'{"error": "scripted"}' if status >= 400 else b"{}"
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except OSError:  # the client gave up (a timeout test)
                pass

        def log_message(self, format: str, *args: Any) -> None:
            return None

    class Server(ThreadingHTTPServer):
        request_queue_size = 64  # not 5: retries arriving together never find it full

    server = Server(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    receiver.port = server.server_address[1]
    thread = threading.Thread(
        target=server.serve_forever, args=(0.05,), name="receiver", daemon=True
    )
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()


def first_then(*statuses: int, then: int = 200) -> Callable[[Received], int]:
    """Answer ``statuses`` in turn, then ``then`` for ever."""
    queue = list(statuses)
    lock = threading.Lock()

    def answer(_: Received) -> int:
        with lock:
            return queue.pop(0) if queue else then

    return answer


# ---------------------------------------------------------------- SMTP server


@dataclass
class Inbox:
    """An aiosmtpd handler keeping every message; refuses ``refuse`` recipients."""

    messages: list[tuple[Envelope, EmailMessage]] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # noqa: N802
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        content = envelope.content
        raw = content if isinstance(content, bytes) else (content or "").encode()
        message = message_from_bytes(raw, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append((envelope, message))
        return "250 Message accepted"


@contextmanager
def smtp_server(inbox: Inbox, **options: Any) -> Iterator[int]:
    """A real SMTP server (aiosmtpd) on 127.0.0.1; yields its port."""
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


# ---------------------------------------------------------------- programmes on Temporal


async def launch(
    client: Client, task_queue: str, template: Template | None = None, prefix: str | None = None
) -> WorkflowHandle[Any, Any]:
    """Start a programme on ``template`` (default: the quick one); ids start with ``prefix``."""
    template = template or quick_template()
    programme_id = f"{prefix or template.id}.E{uuid.uuid4().hex[:8]}"
    launch = Launch(
        programme_id=programme_id,
        employee=ADA,
        template=template,
        coach_id="C7",
        manager_id="M3",
    )
    return await client.start_workflow(
        ProgrammeWorkflow.run,
        ProgrammeInput(launch=launch),
        id=programme_id,
        task_queue=task_queue,
    )


async def events(handle: WorkflowHandle[Any, Any]) -> list[Event]:
    page = await handle.query("events", 0, result_type=EventPage)
    return page.events


async def wait_for_event(
    handle: WorkflowHandle[Any, Any], kind: str, within: float = 20.0
) -> Event:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        for event in await events(handle):
            if event.type == kind:
                return event
        await asyncio.sleep(0.1)
    raise AssertionError(f"no {kind} event within {within}s: {await events(handle)}")


# ---------------------------------------------------------------- Prometheus

_SAMPLE = re.compile(r"^(?P<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?P<labels>.*)\})? (?P<value>\S+)")
_LABEL = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


@dataclass(frozen=True)
class Sample:
    name: str
    labels: dict[str, str]
    value: float


def parse_prometheus(text: str) -> list[Sample]:
    samples = []
    for line in text.splitlines():
        match = _SAMPLE.match(line)
        if match is None or line.startswith("#"):
            continue
        labels = dict(_LABEL.findall(match.group("labels") or ""))
        samples.append(Sample(match.group("name"), labels, float(match.group("value"))))
    return samples
