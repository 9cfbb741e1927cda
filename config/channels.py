"""The notification channels' settings as they are written: which channels
(``PARCOURS_NOTIFIERS``) and how SMTP is secured (``PARCOURS_SMTP_TLS``).

The fields themselves, and the configurations built from them (``SmtpConfig``,
``WebhookConfig``), are ``config.Settings``'s.
"""

from __future__ import annotations

from typing import Any

from adapters.notify.choices import CHANNELS, SmtpSecurity


def split_notifiers(value: Any) -> Any:
    """``smtp, outbox`` -> ``("smtp", "outbox")``: in order, once each, known channels only."""
    if isinstance(value, str):
        value = [part.strip().lower() for part in value.split(",") if part.strip()]
    if isinstance(value, list | tuple):
        names = tuple(dict.fromkeys(value))  # in order, once each
        unknown = [name for name in names if name not in CHANNELS]
        if unknown:
            raise ValueError(
                f"unknown notifier(s) {', '.join(map(str, unknown))}; "
                f"choose among {', '.join(CHANNELS)}"
            )
        if not names:
            raise ValueError(f"give at least one of {', '.join(CHANNELS)}")
        return names
    return value


def smtp_security(value: Any) -> Any:
    """``starttls``, ``ssl`` or ``none``; yes/true/1 mean starttls, no/false/0 none."""
    if isinstance(value, str):
        word = value.strip().lower()
        word = {"true": "starttls", "yes": "starttls", "1": "starttls"}.get(word, word)
        word = {"false": "none", "no": "none", "0": "none"}.get(word, word)
        if word not in SmtpSecurity.__members__:
            raise ValueError(f"must be starttls, ssl or none, got {value!r}")
        return word
    return value
