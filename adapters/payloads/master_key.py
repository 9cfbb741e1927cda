"""The master key as it is given: ``PARCOURS_MASTER_KEY`` (base64 of 32 random bytes), or
for a local set-up a file ``parcours up`` makes in the data dir, readable by its owner
only. What it wraps is ``adapters.payloads.keyring``'s."""

from __future__ import annotations

import base64
import binascii
import os
import secrets
from pathlib import Path

from adapters.payloads.key_errors import KeyringError

MASTER_KEY_ENV = "PARCOURS_MASTER_KEY"
MASTER_KEY_FILE = "master.key"


class MasterKeyError(KeyringError):
    """The master key is missing or malformed; the message names where it came from."""


def generate_master_key() -> str:
    """A new master key, as ``PARCOURS_MASTER_KEY`` takes it: base64 of 32 random bytes."""
    return base64.b64encode(secrets.token_bytes(32)).decode()


def parse_master_key(text: str, source: str = MASTER_KEY_ENV) -> bytes:
    """The 32 bytes of a base64 master key; ``MasterKeyError`` naming ``source`` otherwise."""
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != 32:
        raise MasterKeyError(
            f"{source}: must be base64 of 32 random bytes, e.g. from "
            '`python -c "import base64, secrets; '
            'print(base64.b64encode(secrets.token_bytes(32)).decode())"`'
        )
    return key


def ensure_master_key_file(data_dir: Path) -> tuple[Path, bool]:
    """``<data_dir>/master.key`` (mode 0600), made now if missing; True when just made."""
    path = data_dir / MASTER_KEY_FILE
    made = False
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first: use theirs
            pass
        else:
            with os.fdopen(descriptor, "w") as handle:
                handle.write(generate_master_key() + "\n")
            made = True
    path.chmod(0o600)
    return path, made
