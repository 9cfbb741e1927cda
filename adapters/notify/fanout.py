"""Several notification channels at once: email the employee, webhook the platform.

The ``send_notification`` activity is retried by Temporal, and a retry must not
send again through a channel that already delivered. The outbox deduplicates
by itself; every other channel gets a *sent-ledger*: a ``DeliveryJournal``
at ``<data_dir>/sent/<channel>.jsonl`` where each delivery id is written once
it is delivered (or refused for good), its detail sealed with the employee's key.
So a retry after a partial fan-out (SMTP delivered, the webhook answered 503) tries
only the webhook again, and a channel that refused a message is not asked again either.

What is left is the gap between a channel accepting a message and the ledger
line being written: a worker that dies right there sends that message again
on the retry. The webhook's ``Idempotency-Key`` and the email's Message-ID,
both derived from the delivery id, let the receiving side drop that copy.

The result: every channel delivered (or skipped) -> the details, joined; some
channel failed for now -> ``ChannelUnavailable`` (retried); otherwise some channel
refused -> ``ChannelRefused`` (final).
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from temporalio.exceptions import ApplicationError

from activities import metrics
from activities.errors import ChannelRefused, ChannelUnavailable
from activities.notifier import Notifier
from adapters.notify.journal import DeliveryJournal
from domain.notices import Notification

MALFORMED = (ValueError, TypeError, UnicodeError)
"""What a channel raises on a notification it can never send (a value it cannot encode):
final, and named by its type only, since its message may quote the value."""
ALREADY_SENT = "already sent"
"""How a detail starts when the delivery had been made before (the outbox says so too)."""


@dataclass(frozen=True)
class Channel:
    name: str
    notifier: Notifier
    ledger: DeliveryJournal | None = None
    """None for a notifier that deduplicates by itself (the outbox)."""
    skips: Callable[[Notification], str | None] | None = None
    """Why a notification has nobody to reach on this channel (not an error)."""


class FanOutNotifier:
    """Sends each notification through every channel, concurrently, once per channel."""

    def __init__(self, channels: Sequence[Channel]) -> None:
        if not channels:
            raise ValueError("a fan-out needs at least one channel")
        self.channels = tuple(channels)
        self._locks: weakref.WeakValueDictionary[tuple[str, str], asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(channel.name for channel in self.channels)

    async def send(self, notification: Notification) -> str:
        results = await asyncio.gather(
            *(self._send(channel, notification) for channel in self.channels),
            return_exceptions=True,
        )
        details: list[str] = []
        failed: list[str] = []
        refused: list[str] = []
        for channel, result in zip(self.channels, results, strict=True):
            if isinstance(result, str):
                details.append(result)
            elif isinstance(result, ApplicationError):  # ours: the message names the channel
                (refused if result.non_retryable else failed).append(result.message)
            elif isinstance(result, MALFORMED):  # the same notification fails every time
                refused.append(f"{channel.name}: cannot be sent ({type(result).__name__})")
            elif isinstance(result, Exception):
                failed.append(f"{channel.name}: {type(result).__name__}: {result}")
            else:  # CancelledError and the like: not ours to keep
                raise result
        if not failed and not refused:
            return "; ".join(details)
        summary = "; ".join([*failed, *refused])
        if details:
            summary += f" (delivered: {'; '.join(details)})"
        if failed:
            raise ChannelUnavailable(summary)
        raise ChannelRefused(summary)

    async def _send(self, channel: Channel, notification: Notification) -> str:
        kind = notification.kind.value
        try:
            detail, fresh = await self._send_once(channel, notification)
        except Exception as exc:
            final = isinstance(exc, ApplicationError) and exc.non_retryable
            metrics.count(
                metrics.NOTIFICATIONS_FAILED,
                channel=channel.name,
                kind=kind,
                outcome="refused" if final else "failed",
            )
            raise
        if fresh:
            metrics.count(metrics.NOTIFICATIONS_SENT, channel=channel.name, kind=kind)
        return detail

    async def _send_once(self, channel: Channel, notification: Notification) -> tuple[str, bool]:
        """The channel's detail, and whether this call delivered it (not skipped, not before)."""
        reason = channel.skips(notification) if channel.skips is not None else None
        if reason is not None:
            return f"{channel.name}: skipped, {reason}", False
        ledger = channel.ledger
        if ledger is None:
            detail = await channel.notifier.send(notification)
            return detail, not detail.startswith(ALREADY_SENT)
        delivery_id = notification.delivery_id
        # One attempt at a time per (channel, delivery) in this process.
        lock = self._locks.setdefault((channel.name, delivery_id), asyncio.Lock())
        async with lock:
            entry = await ledger.find(delivery_id)
            if entry is not None and entry.status == "refused":
                raise ChannelRefused(f"refused before: {entry.detail}")
            if entry is not None:
                return f"{ALREADY_SENT}: {entry.detail}", False
            try:
                detail = await channel.notifier.send(notification)
            except ApplicationError as exc:
                if exc.non_retryable:
                    await _write(ledger, notification, "refused", exc.message)
                raise
            await _write(ledger, notification, "sent", detail)
            return detail, True


async def _write(
    ledger: DeliveryJournal, notification: Notification, status: str, detail: str
) -> None:
    """One ledger line; the detail (a channel's answer may echo an address) is sealed with
    the employee's key when the ledger has a keyring."""
    await ledger.append_once(
        {
            "delivery_id": notification.delivery_id,
            "status": status,
            "detail": detail,
            "at": datetime.now(UTC).isoformat(),
        },
        notification.employee.id,
    )
