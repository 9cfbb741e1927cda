"""A webhook: each notification POSTed as JSON to one URL, signed.

The body is the ``Notification`` in JSON by ids (``body``): the employee by id alone, each
recipient by id, never a name or an email address (the receiver looks people up in its
own directory). Headers:

- ``X-Parcours-Signature: t=<unix seconds>,v1=<hex>``: HMAC-SHA256, with the shared
  secret, of ``<t>.<delivery id>.`` followed by the exact body bytes. The receiver
  recomputes it, compares in constant time (``hmac.compare_digest``) and refuses a
  ``t`` more than ``TOLERANCE`` seconds from its clock before trusting anything in
  the body: a captured request cannot be replayed later, nor its body sent under
  another delivery id. Each attempt is signed anew, with its own ``t``.
- ``Idempotency-Key: <delivery_id>``: the same on every attempt, so a receiver
  can drop the copy a retry sends after an answer was lost (and, within the
  tolerance, a replayed one).

docs/operations.md has a receiver's ``verify`` in a dozen lines; ``verify`` here is the
same check, for tests and Python receivers.

Answers: 2xx is delivered; a 5xx, a timeout or no connection is
``ChannelUnavailable`` (Temporal retries with backoff); 408 and 429 are too, as
they ask to come back later; any other answer (a 4xx, a redirect) is
``ChannelRefused`` and is never retried, since the same body would be refused
again.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx

from activities.errors import ChannelRefused, ChannelUnavailable
from domain.notices import Notification
from domain.template import Role

SIGNATURE_HEADER = "X-Parcours-Signature"
IDEMPOTENCY_HEADER = "Idempotency-Key"
TOLERANCE = 300
"""Seconds a receiver should accept a signature's timestamp off its own clock."""
_LATER = frozenset({408, 429})
"""4xx answers that mean "try again later", not "never"."""


@dataclass(frozen=True, slots=True)
class WebhookConfig:
    url: str
    secret: str = field(repr=False)
    timeout: float = 10.0
    """Seconds for the whole request: connect, send, answer."""


def signature(secret: str, body: bytes, delivery_id: str, timestamp: int | None = None) -> str:
    """The ``X-Parcours-Signature`` value for ``body``, delivered as ``delivery_id``, now
    (or at ``timestamp``, unix seconds)."""
    at = int(time.time()) if timestamp is None else timestamp
    return f"t={at},v1={_digest(secret, at, delivery_id, body)}"


def verify(
    secret: str,
    body: bytes,
    header: str | None,
    delivery_id: str | None,
    *,
    now: float | None = None,
    tolerance: float = TOLERANCE,
) -> bool:
    """What a receiver does: does ``header`` sign ``body`` as ``delivery_id`` with
    ``secret``, within ``tolerance`` seconds of ``now``?"""
    if header is None or delivery_id is None:
        return False
    try:
        fields = dict(part.split("=", 1) for part in header.split(","))
        at = int(fields["t"])
    except (KeyError, ValueError):
        return False
    if abs((time.time() if now is None else now) - at) > tolerance:
        return False
    return hmac.compare_digest(_digest(secret, at, delivery_id, body), fields.get("v1", ""))


def _digest(secret: str, at: int, delivery_id: str, body: bytes) -> str:
    signed = f"{at}.{delivery_id}.".encode() + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


class WebhookNotifier:
    def __init__(self, config: WebhookConfig) -> None:
        self.config = config

    async def send(self, notification: Notification) -> str:
        url = self.config.url
        shown = redacted(url)
        body = webhook_body(notification)
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "parcours-webhook",
            SIGNATURE_HEADER: signature(self.config.secret, body, notification.delivery_id),
            IDEMPOTENCY_HEADER: notification.delivery_id,
            "X-Parcours-Kind": notification.kind.value,
        }
        # A client per delivery: notifications are few, and nothing outlives the activity.
        async with httpx.AsyncClient(timeout=self.config.timeout) as client:
            try:
                response = await client.post(url, content=body, headers=headers)
            except httpx.TimeoutException as exc:
                raise ChannelUnavailable(
                    f"webhook {shown}: no answer within {self.config.timeout:g}s "
                    f"({type(exc).__name__})"
                ) from None
            except httpx.HTTPError as exc:
                # The type only: httpx's message may quote the URL whole.
                raise ChannelUnavailable(f"webhook {shown}: {type(exc).__name__}") from None
        status = response.status_code
        if 200 <= status < 300:
            return f"webhook: {status} from {shown}"
        answer = f"webhook {shown}: HTTP {status} {response.reason_phrase}{_excerpt(response)}"
        if status >= 500 or status in _LATER:
            raise ChannelUnavailable(answer)
        raise ChannelRefused(answer)


def webhook_body(notification: Notification) -> bytes:
    """The JSON a webhook receives: the notification by ids, no name nor email."""
    document = notification.model_dump(mode="json")
    document["employee"] = {"id": notification.employee.id}
    document["recipients"] = {
        role.value: (notification.employee.id if role is Role.employee else holder)
        for role, holder in notification.recipients.items()
    }
    return json.dumps(document, separators=(",", ":")).encode()


def redacted(url: str) -> str:
    """``url`` as logs and delivery details show it: its scheme, host and port only. Its
    path, query and any user info may hold a secret (``https://hooks.example/T0/B1/s3cr3t``
    is how many chat webhooks authenticate)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    hidden = "/…" if (parts.path not in ("", "/") or parts.query or parts.username) else ""
    return f"{parts.scheme}://{host}{hidden}"


def _excerpt(response: httpx.Response, limit: int = 200) -> str:
    text = " ".join(response.text.split())
    if not text:
        return ""
    return f": {text[:limit]}…" if len(text) > limit else f": {text}"
