"""The keys: the master key (where it is given, read anew after a rotation), the key
store it opens (``Keyring``), and the rotation of the master key
(``parcours keys rotate-master``).
"""

from __future__ import annotations

import base64
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from adapters.payloads.key_errors import KeyringError
from adapters.payloads.keyring import KEYS_FILE, Keyring
from adapters.payloads.master_key import MASTER_KEY_ENV, MASTER_KEY_FILE, parse_master_key
from adapters.stores.keys import KeyStore, KeyStoreError, PostgresKeyStore, SqliteKeyStore
from adapters.stores.private import private_dir
from bootstrap.database import database_for
from config import Settings, SettingsError


def master_key_for(settings: Settings, data_dir: Path | None = None) -> bytes:
    """The master key: ``PARCOURS_MASTER_KEY``, else the file ``PARCOURS_MASTER_KEY_FILE``
    names, else ``<data_dir>/master.key``.

    Raises ``SettingsError`` naming ``PARCOURS_MASTER_KEY`` when none is there, or
    when the one found is malformed.
    """
    path = master_key_path(settings, data_dir)
    try:
        if settings.master_key is not None:
            return parse_master_key(settings.master_key.get_secret_value())
        if path is not None and path.is_file():
            return parse_master_key(path.read_text(), f"{MASTER_KEY_ENV} (from {path})")
    except KeyringError as exc:
        raise SettingsError([str(exc)]) from None
    if settings.master_key_file is not None:
        raise SettingsError(
            [f"PARCOURS_MASTER_KEY_FILE: there is no file {settings.master_key_file}"]
        )
    raise SettingsError(
        [
            f"{MASTER_KEY_ENV}: not set, and there is no {path}: set it to the master key "
            "that encrypts every payload (base64 of 32 bytes; the same for every worker, "
            "the API and the CLI), or run `parcours up` once to make one in the data dir"
        ]
    )


def master_key_path(settings: Settings, data_dir: Path | None = None) -> Path | None:
    """The file the master key is read from; None when ``PARCOURS_MASTER_KEY`` gives it."""
    if settings.master_key is not None:
        return None
    if settings.master_key_file is not None:
        return settings.master_key_file
    return (data_dir if data_dir is not None else settings.data_dir) / MASTER_KEY_FILE


def pending_key_file(path: Path) -> Path:
    """Where a rotation writes the new master key before moving it over ``path``."""
    return path.with_name(path.name + ".new")


def master_key_reload(
    settings: Settings, data_dir: Path | None = None
) -> Callable[[], Iterable[bytes]] | None:
    """For a running process, the master keys its key file holds now: the file, and the
    new key a rotation writes beside it before moving it over (``master.key.new``). None
    when the key is ``PARCOURS_MASTER_KEY``, which a running process cannot read anew."""
    path = master_key_path(settings, data_dir)
    if path is None:
        return None
    files = (path, pending_key_file(path))

    def found() -> Iterator[bytes]:
        for file in files:
            try:
                yield parse_master_key(file.read_text(), str(file))
            except (OSError, KeyringError):  # absent, or being written: skip it
                continue

    return found


def key_store(settings: Settings, data_dir: Path | None = None) -> KeyStore:
    """Where the data keys are kept: PostgreSQL with ``PARCOURS_DATABASE_URL``, else
    ``keys.db`` in the data dir (``data_dir`` wins over the settings')."""
    database = database_for(settings)
    try:
        if database is not None:
            return PostgresKeyStore(database)
        where = private_dir(data_dir if data_dir is not None else settings.data_dir)
        return SqliteKeyStore(where / KEYS_FILE)
    except KeyStoreError as exc:
        raise SettingsError([str(exc)]) from None


def open_keyring(settings: Settings, data_dir: Path | None = None) -> Keyring:
    """The key store (``key_store``) opened with the master key. Raises
    ``SettingsError`` for a missing or wrong master key, or an unreachable database."""
    where = private_dir(data_dir if data_dir is not None else settings.data_dir)
    master = master_key_for(settings, where)
    store = key_store(settings, where)
    try:
        return Keyring(store, master, reload=master_key_reload(settings, where))
    except KeyringError as exc:
        raise SettingsError([f"{MASTER_KEY_ENV}: {exc}"]) from None


@dataclass(frozen=True)
class Rotation:
    """What ``rotate_master_key`` did."""

    rewrapped: int
    """How many live data keys are wrapped under the new master key now."""
    store: str
    """Where the key store is (a path, or the database URL without its password)."""
    key_file: Path | None
    """The file the old key came from (`master.key`, `PARCOURS_MASTER_KEY_FILE`), which holds
    the new one now."""


def rotate_master_key(
    settings: Settings, new_master_key: bytes, data_dir: Path | None = None
) -> Rotation:
    """Wrap every data key under ``new_master_key`` (``Keyring.rotate_master``): no payload
    is re-encrypted, the check value is rewritten. When the current key came from
    ``<data_dir>/master.key`` (no ``PARCOURS_MASTER_KEY``), that file gets the new key:
    written beside it first (``master.key.new``), moved over it once the store is rotated,
    so a failure in between leaves both keys on disk, never neither."""
    where = private_dir(data_dir if data_dir is not None else settings.data_dir)
    keyring = open_keyring(settings, where)
    if new_master_key == master_key_for(settings, where):
        raise SettingsError(["the new master key is the current one: nothing to rotate"])
    key_file = master_key_path(settings, where)
    pending = pending_key_file(key_file or where / MASTER_KEY_FILE)
    if key_file is not None:
        descriptor = os.open(pending, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(base64.b64encode(new_master_key).decode() + "\n")
    try:
        rewrapped = keyring.rotate_master(new_master_key)
    except KeyringError as exc:
        pending.unlink(missing_ok=True)
        raise SettingsError([f"{MASTER_KEY_ENV}: {exc}"]) from None
    finally:
        keyring.close()
    if key_file is not None:
        os.replace(pending, key_file)
    return Rotation(rewrapped, keyring.path, key_file)
