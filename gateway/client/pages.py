"""Page tokens: Temporal's own, signed, so a made-up one is refused before Temporal sees it.

Temporal's visibility token is opaque to us, and one it cannot read costs ~10 s of the
SDK's retries before it says so. The token parcours gives out is
``base64url(1 || HMAC-SHA256(key, scope, query, temporal token) || temporal token)``:
the key is derived from the master key (HKDF, ``LABEL``), so every API replica and the
CLI check each other's; the query binds it to the filters it was given for, the scope to
the role it was given to. A forged, altered or misused one is refused at once.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from typing import TYPE_CHECKING

from temporalio.client import Client

from adapters.payloads.encryption import keyring_of

if TYPE_CHECKING:
    from gateway.client.errors import InvalidRequest

LABEL = "parcours page tokens v1"
VERSION = b"\x01"
_MAC = hashlib.sha256().digest_size
_PROCESS_KEY = secrets.token_bytes(32)
"""For a client with no key store (no master key): its tokens are good in this process."""


def key_for(temporal: Client) -> bytes:
    keyring = keyring_of(temporal.data_converter)
    return keyring.derive_key(LABEL) if keyring is not None else _PROCESS_KEY


def _mac(key: bytes, scope: str, query: str, token: bytes) -> bytes:
    message = b"\0".join((scope.encode(), query.encode(), token))
    return hmac.new(key, message, hashlib.sha256).digest()


def sign(key: bytes, scope: str, query: str, token: bytes) -> str:
    """The page token to give out for Temporal's ``token``."""
    return base64.urlsafe_b64encode(VERSION + _mac(key, scope, query, token) + token).decode()


def verify(key: bytes, scope: str, query: str, given: str) -> bytes:
    """Temporal's token inside ``given``; ``InvalidRequest`` naming ``page_token`` when it
    is not one this API gave out for this query and scope."""
    try:
        raw = base64.urlsafe_b64decode(given.encode())
    except (ValueError, binascii.Error) as exc:
        raise _refused() from exc
    version, mac, token = raw[:1], raw[1 : 1 + _MAC], raw[1 + _MAC :]
    if (
        version != VERSION
        or not token
        or not hmac.compare_digest(mac, _mac(key, scope, query, token))
    ):
        raise _refused()
    return token


def _refused() -> InvalidRequest:
    # Imported here: the CLI's read path signs tokens without the client's models.
    from gateway.client.errors import InvalidRequest

    return InvalidRequest(
        "page_token: not a token this API gave out for these filters (pass next_page_token "
        "back as it came, with the same filters)"
    )
