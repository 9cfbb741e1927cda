"""How keys and data are sealed with AES-256-GCM, and the associated data each binds:
the formats ``adapters.payloads.keyring`` writes and reads.

Wrapping (a data key under the master key), sealing (data under a data key) and the
store's check value must agree with what is already stored, for as long as it is: they
live here, apart from the key store's bookkeeping, and change only with a new format.
"""

from __future__ import annotations

import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

NONCE = 12
CHECK = b"parcours master key check v1"


def wrap(master: AESGCM, key_id: str, owner: str, raw: bytes) -> bytes:
    """The data key ``raw`` of ``owner``, wrapped under ``master``: ``nonce || AES-GCM``."""
    nonce = secrets.token_bytes(NONCE)
    return nonce + master.encrypt(nonce, raw, _wrap_aad(key_id, owner))


def unwrap(master: AESGCM, key_id: str, owner: str, wrapped: bytes) -> bytes:
    """The data key ``wrap`` wrapped; ``InvalidTag`` under another master key or owner."""
    return master.decrypt(wrapped[:NONCE], wrapped[NONCE:], _wrap_aad(key_id, owner))


def seal(key_id: str, aead: AESGCM, data: bytes, context: bytes) -> bytes:
    """``len(key id) || key id || nonce || AES-256-GCM(data)``, ``context`` bound."""
    kid = key_id.encode()
    nonce = secrets.token_bytes(NONCE)
    return bytes([len(kid)]) + kid + nonce + aead.encrypt(nonce, data, _seal_aad(kid, context))


def sealed_key_id(sealed: bytes) -> str | None:
    """The key id ``seal`` wrote at the head of ``sealed``; None when it is not sealed."""
    size = sealed[0] if sealed else 0
    kid = sealed[1 : 1 + size]
    body = sealed[1 + size :]
    if not size or len(kid) != size or len(body) <= NONCE:
        return None
    return kid.decode(errors="replace")


def open_sealed(aead: AESGCM, sealed: bytes, context: bytes) -> bytes:
    """What ``seal`` sealed (its key id checked by ``sealed_key_id`` first); ``InvalidTag``
    when it was changed, or sealed with another key or context."""
    size = sealed[0]
    kid = sealed[1 : 1 + size]
    body = sealed[1 + size :]
    return aead.decrypt(body[:NONCE], body[NONCE:], _seal_aad(kid, context))


def check_value(master: AESGCM) -> bytes:
    """A value only ``master`` opens: the store keeps one to tell a wrong master key."""
    nonce = secrets.token_bytes(NONCE)
    return nonce + master.encrypt(nonce, CHECK, b"check")


def opens_check(master: AESGCM, stored: bytes) -> bool:
    try:
        return master.decrypt(stored[:NONCE], stored[NONCE:], b"check") == CHECK
    except (InvalidTag, ValueError):
        return False


def new_key_id() -> str:
    return "k-" + secrets.token_hex(12)


def _seal_aad(key_id: bytes, context: bytes) -> bytes:
    return b"sealed\n" + key_id + b"\n" + context


def _wrap_aad(key_id: str, owner: str) -> bytes:
    return f"{key_id}\n{owner}".encode()
