"""The notification channels the settings name (outbox, SMTP, webhook), with their
sent-ledgers: files under ``<data_dir>/sent/``, or PostgreSQL. The channels' modules are
imported where they are built: a CLI command only connects, and starts faster for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from adapters.payloads.keyring import Keyring
from adapters.stores.postgres import Database
from bootstrap.keys import open_keyring
from config import Settings

if TYPE_CHECKING:
    from adapters.notify.fanout import FanOutNotifier
    from adapters.notify.journal import DeliveryJournal
    from adapters.notify.outbox import OutboxNotifier
    from adapters.notify.smtp import SmtpConfig
    from adapters.notify.webhook import WebhookConfig


def build_notifier(
    data_dir: Path,
    channels: Sequence[str] = ("outbox",),
    *,
    smtp: SmtpConfig | None = None,
    webhook: WebhookConfig | None = None,
    public_url: str | None = None,
    keyring: Keyring | None = None,
    database: Database | None = None,
) -> FanOutNotifier:
    """The channels named, with their sent-ledgers under ``<data_dir>/sent/``, or in
    ``database`` (PostgreSQL: shared by every worker, on any host).

    ``smtp`` and ``webhook`` are required when their channel is named. With ``keyring``
    (always, outside tests) the outbox and the ledgers keep personal data sealed with
    the employee's key.
    """
    from adapters.notify.choices import CHANNELS
    from adapters.notify.fanout import Channel, FanOutNotifier
    from adapters.notify.outbox import OUTBOX_FILE, OutboxNotifier
    from adapters.notify.smtp import SmtpNotifier
    from adapters.notify.webhook import WebhookNotifier

    unknown = [name for name in channels if name not in CHANNELS]
    if unknown:
        raise ValueError(f"unknown notification channel(s) {unknown}; known: {list(CHANNELS)}")
    built: list[Channel] = []
    for name in CHANNELS:
        if name not in channels:
            continue
        if name == "outbox":
            box = OutboxNotifier(data_dir / OUTBOX_FILE, keyring, public_url)
            built.append(Channel(name, box))
        elif name == "smtp":
            if smtp is None:
                raise ValueError("the smtp channel needs an SmtpConfig")
            mailer = SmtpNotifier(smtp, public_url)
            ledger = _ledger(data_dir, name, keyring, database)
            built.append(Channel(name, mailer, ledger, mailer.skip_reason))
        else:
            if webhook is None:
                raise ValueError("the webhook channel needs a WebhookConfig")
            ledger = _ledger(data_dir, name, keyring, database)
            built.append(Channel(name, WebhookNotifier(webhook), ledger))
    return FanOutNotifier(built)


def _ledger(
    data_dir: Path, channel: str, keyring: Keyring | None, database: Database | None = None
) -> DeliveryJournal:
    # Imported here: the notifiers' modules (and structlog) are the worker's, not a command's.
    if database is not None:
        from adapters.stores.deliveries import PostgresJournal

        return PostgresJournal(database, f"sent/{channel}", keyring)
    from adapters.notify.journal import DeliveryJournal

    return DeliveryJournal(data_dir / "sent" / f"{channel}.jsonl", keyring)


def outbox(settings: Settings) -> OutboxNotifier:
    """The data dir's outbox, to read (``parcours outbox read``)."""
    from adapters.notify.outbox import OUTBOX_FILE, OutboxNotifier

    return OutboxNotifier(settings.data_dir / OUTBOX_FILE, open_keyring(settings))
