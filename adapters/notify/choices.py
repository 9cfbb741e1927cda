"""What the settings choose among for notifications: the channels, how SMTP secures
its connection, and where a message's link goes in its template. Kept apart from the
channels themselves, so reading the settings (every CLI command does) imports no mail,
HTTP or domain code."""

from __future__ import annotations

from enum import StrEnum

CHANNELS = ("outbox", "smtp", "webhook")
"""The notification channels parcours has, in the order it sends through them."""
PROGRAMME_ID = "{programme_id}"
"""Where ``PARCOURS_PUBLIC_URL``, a link template, puts the programme's id."""


class SmtpSecurity(StrEnum):
    starttls = "starttls"
    """Plain connection upgraded with STARTTLS (usually port 587)."""
    ssl = "ssl"
    """TLS from the first byte, "SMTPS" (usually port 465)."""
    none = "none"
    """No encryption: only for a relay on the same host or network."""
