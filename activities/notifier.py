"""The ports the activities use: a notifier reaches people, a recorder files reports."""

from __future__ import annotations

from typing import Protocol

from domain.notices import EvaluationReport, Notification
from domain.people import Contact


class Notifier(Protocol):
    """Delivers notifications (email, chat, an outbox file...).

    Implementations must be idempotent on ``notification.delivery_id``: the
    activity calling them is retried by Temporal, so the same notification can
    arrive more than once and must reach people only once.
    """

    async def send(self, notification: Notification) -> str:
        """Deliver ``notification``; return a short human detail of where it went.

        Raises on failure, so that the activity is retried.
        """
        ...


class ReportRecorder(Protocol):
    """Records evaluation reports; recording the same report twice (a retry) changes
    nothing. It must not keep personal data beside Temporal (parcours' recorder keeps
    nothing: reports are rendered from the programme's events)."""

    async def record(self, report: EvaluationReport) -> str:
        """Record ``report``; return where a person can read it."""
        ...


class Directory(Protocol):
    """Where the activities find a person's contacts by id (the people directory)."""

    def get(self, person_id: str) -> Contact | None: ...
