"""A webhook: each notification POSTed as JSON to one URL, signed.

The body is the ``Notification`` in JSON (what ``Notification.model_validate_json``
reads back). Headers:

- ``X-Parcours-Signature: sha256=<hex>``: HMAC-SHA256 of the exact body bytes
  with the shared secret; the receiver recomputes it and compares in constant
  time (``hmac.compare_digest``) before trusting anything in the body.
- ``Idempotency-Key: <delivery_id>``: the same on every attempt, so a receiver
  can drop the copy a retry sends after an answer was lost.

Answers: 2xx is delivered; a 5xx, a timeout or no connection is
``ChannelUnavailable`` (Temporal retries with backoff); 408 and 429 are too, as
they ask to come back later; any other answer (a 4xx, a redirect) is
``ChannelRefused`` and is never retried, since the same body would be refused
again.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field

import httpx

from activities.errors import ChannelRefused, ChannelUnavailable
from domain.notices import Notification

SIGNATURE_HEADER = "X-Parcours-Signature"
IDEMPOTENCY_HEADER = "Idempotency-Key"
_LATER = frozenset({408, 429})
"""4xx answers that mean "try again later", not "never"."""


@dataclass(frozen=True, slots=True)
class WebhookConfig:
    url: str
    secret: str = field(repr=False)
    timeout: float = 10.0
    """Seconds for the whole request: connect, send, answer."""


def signature(secret: str, body: bytes) -> str:
    """The ``X-Parcours-Signature`` value for ``body``."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify(secret: str, body: bytes, header: str | None) -> bool:
    """What a receiver does: does ``header`` sign ``body`` with ``secret``?"""
    return header is not None and hmac.compare_digest(signature(secret, body), header)


class WebhookNotifier:
    def __init__(self, config: WebhookConfig) -> None:
        self.config = config

    async def send(self, notification: Notification) -> str:
        url = self.config.url
        body = notification.model_dump_json().encode()
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "parcours-webhook",
            SIGNATURE_HEADER: signature(self.config.secret, body),
            IDEMPOTENCY_HEADER: notification.delivery_id,
            "X-Parcours-Kind": notification.kind.value,
        }
        # A client per delivery: notifications are few, and nothing outlives the activity.
        async with httpx.AsyncClient(timeout=self.config.timeout) as client:
            try:
                response = await client.post(url, content=body, headers=headers)
            except httpx.TimeoutException as exc:
                raise ChannelUnavailable(
                    f"webhook {url}: no answer within {self.config.timeout:g}s "
                    f"({type(exc).__name__})"
                ) from exc
            except httpx.HTTPError as exc:
                raise ChannelUnavailable(f"webhook {url}: {type(exc).__name__}: {exc}") from exc
        status = response.status_code
        if 200 <= status < 300:
            return f"webhook: {status} from {url}"
        answer = f"webhook {url}: HTTP {status} {response.reason_phrase}{_excerpt(response)}"
        if status >= 500 or status in _LATER:
            raise ChannelUnavailable(answer)
        raise ChannelRefused(answer)


def _excerpt(response: httpx.Response, limit: int = 200) -> str:
    text = " ".join(response.text.split())
    if not text:
        return ""
    return f": {text[:limit]}…" if len(text) > limit else f": {text}"
