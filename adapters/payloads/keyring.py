"""The employees' data keys: one AES-256 key per employee, wrapped by the master key.

Every payload parcours writes to Temporal is encrypted with the data key of the
employee it is about (see ``adapters.payloads.encryption``); payloads about nobody in
particular use the one ``system`` key.

Owners are namespaced: an employee's key belongs to ``employee:<id>``, the system's to
``system``, so no employee id can name the system key or anything else's. The methods
take an employee id or ``SYSTEM`` and add the prefix themselves (``owner_key``). Keys
made before the prefix existed (owner ``<id>``) are still found: a lookup for
``employee:<id>`` falls back to a row owned by ``<id>``, and erasing reaches both.

The keys live in a ``KeyStore`` (``adapters.stores.keys``): a small SQLite file in the
data dir (``keys.db``) by default, or PostgreSQL (``PARCOURS_DATABASE_URL``), each
wrapped (AES-GCM) under the master key, which itself never touches the disk unless
``parcours up`` made it for a local set-up (``<data_dir>/master.key``, readable only
by its owner).

Erasing an employee destroys their data key and leaves a tombstone: what was
written with it can no longer be read by anyone, and nothing new can be written
for them ("employee E123's data was erased"). Everything else keeps working.

The store holds a check value sealed with the master key: opening it with
another master key fails at once, with a message naming ``PARCOURS_MASTER_KEY``,
instead of decoding garbage later. ``rotate_master`` rewraps every data key under a
new master key and rewrites that check value (``parcours keys rotate-master``). A
running process given a ``reload`` (where its master key comes from: a file it can read
again) takes the new key when it finds the store rotated, without a restart.

Erasure and rotation must agree on one set of keys, so they stay with the keys in this
module; the master key held, checked against the store and rotated is
``adapters.payloads.master_rotation``'s; the formats keys and data are sealed in, with
the associated data each binds, are ``adapters.payloads.wrapping``'s; the master key as
it is given (the environment, ``master.key``) is ``adapters.payloads.master_key``'s; the
errors are ``adapters.payloads.key_errors``'; where the rows live is
``adapters.stores.keys``.
"""

from __future__ import annotations

import base64
import binascii
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from adapters.payloads import wrapping
from adapters.payloads.key_errors import DataErased, KeyringError
from adapters.payloads.master_rotation import HeldMaster, rotated
from adapters.stores.keys import KeyRow, KeyStore, KeyStoreError, SqliteKeyStore

SYSTEM = "system"
"""The owner of the key for payloads that belong to no programme."""
EMPLOYEE = "employee:"
"""The prefix of an employee's owner in the key store."""
KEYS_FILE = "keys.db"
ERASED_TTL = 2.0
"""Seconds a process trusts that a key it holds is not erased before asking the store again:
an erasure made by another process (the API, the CLI) reaches every worker within this."""
CACHED_KEYS = 10_000
"""Unwrapped keys a process keeps (about 0.5 KiB each), oldest first out: a worker that
meets a million employees over its life holds 5 MiB of keys, not 500; a key let go is
read back from the store when next needed."""


@dataclass(frozen=True)
class KeyDestroyed:
    """What ``Keyring.erase`` did."""

    employee_id: str
    erased_at: datetime
    already: bool
    """True when the key had been destroyed before: erasing is idempotent."""


# ---------------------------------------------------------------- owners


def owner_key(owner: str) -> str:
    """The owner as the key store names it: ``system``, or ``employee:<id>``."""
    if owner == SYSTEM or owner.startswith(EMPLOYEE):
        return owner
    return EMPLOYEE + owner


def _legacy(owner: str) -> str:
    """The owner a key made before namespacing has: the bare employee id."""
    return owner.removeprefix(EMPLOYEE)


def _employee(owner: str) -> str:
    return owner.removeprefix(EMPLOYEE)


# ---------------------------------------------------------------- the store


@dataclass(frozen=True)
class _Key:
    key_id: str
    owner: str
    aead: AESGCM
    checked: float


class Keyring:
    """Data keys by owner (an employee id, or ``system``), kept in a ``KeyStore``.

    ``store`` is a ``KeyStore`` (``adapters.stores.keys``: a SQLite file, or PostgreSQL),
    or the path of a SQLite file. Safe to share between threads, and between processes
    on one store: a key is made once per owner (the first process to insert it wins; the
    others read it back). Unwrapped keys are kept in memory; whether one was erased is
    asked of the store again after ``ERASED_TTL`` seconds.
    """

    def __init__(
        self,
        store: KeyStore | Path,
        master_key: bytes,
        *,
        ttl: float = ERASED_TTL,
        reload: Callable[[], Iterable[bytes]] | None = None,
    ) -> None:
        if len(master_key) != 32:
            raise KeyringError("the master key must be 32 bytes")
        try:
            self.store: KeyStore = SqliteKeyStore(store) if isinstance(store, Path) else store
        except KeyStoreError as exc:
            raise KeyringError(str(exc)) from exc
        self.path = self.store.location
        """Where the keys are (a path, or a database URL without its password)."""
        self._master = HeldMaster(self.store, master_key, reload)
        """The master key, and the master keys ``reload`` finds after a rotation."""
        self._ttl = ttl
        self._lock = threading.Lock()
        self._by_owner: dict[str, _Key] = {}
        self._by_id: dict[str, _Key] = {}
        try:
            with self._lock:
                self._master.check_store()
            self._seal_old_reasons()
        except KeyStoreError as exc:
            raise KeyringError(str(exc)) from exc

    def close(self) -> None:
        with self._lock:
            self.store.close()

    def _seal_old_reasons(self) -> None:
        """Erase reasons kept in plaintext by earlier versions: sealed now, in place."""
        with self._lock:
            rows = self.store.reasons()
        for owner, reason in rows:
            try:
                self.open_text(reason, f"erased {_employee(owner)}")
            except KeyringError:
                sealed = self.seal_text(SYSTEM, str(reason), f"erased {_employee(owner)}")
                with self._lock:
                    self.store.set_reason(owner, sealed)

    # ------------------------------------------------------------ the master key

    def rotate_master(self, new_master_key: bytes) -> int:
        """Wrap every live data key under ``new_master_key`` instead, and rewrite the check
        value with it; how many keys were rewrapped. No payload is re-encrypted: the data
        keys stay what they were, only their wrapping changes.

        From then on this keyring (and every process started with the new key) uses the
        new key; a process still on the old one can no longer unwrap a key it has not
        cached, nor make one (``KeyringError`` telling it to restart with the new key).
        """
        with self._lock:
            return self._master.rotate(new_master_key)

    # ------------------------------------------------------------ derived keys

    def derive_key(self, label: str, length: int = 32) -> bytes:
        """A key for another purpose (signing page tokens, say), derived from the master
        key with HKDF-SHA256 and ``label`` as its info: the same in every process that
        has the master key, and telling nothing of it or of any data key."""
        return self._master.derive(label, length)

    # ------------------------------------------------------------ keys

    def key_for(self, owner: str) -> tuple[str, AESGCM]:
        """The key id and key to encrypt ``owner``'s data with (an employee id, or
        ``SYSTEM``); made on first use.

        Raises ``DataErased`` when the owner's key was destroyed.
        """
        owner = owner_key(owner)
        cached = self._by_owner.get(owner)
        if cached is not None and time.monotonic() - cached.checked < self._ttl:
            return cached.key_id, cached.aead
        with self._lock, self._store_errors():
            row = self._owned(owner) or self._create((owner,))[owner]
            key = self._unwrap(row, owner)
        return key.key_id, key.aead

    def ensure_keys(self, owners: Iterable[str]) -> None:
        """Make the keys of those of ``owners`` who have none, in one write to the store:
        a cohort's keys cost one commit (one sync) instead of one each. An erased
        owner stays erased (``key_for`` will say so)."""
        wanted = list(dict.fromkeys(owner_key(owner) for owner in owners))
        with self._lock, self._store_errors():
            missing = [owner for owner in wanted if self._owned(owner) is None]
            if missing:
                for owner, row in self._create(tuple(missing)).items():
                    if row.erased is None and row.wrapped is not None:
                        # Kept in the cache: the launches that follow seal with it
                        # without asking the store again (within the cache's TTL).
                        self._unwrap(row, owner)

    def key_by_id(self, key_id: str) -> AESGCM:
        """The key ``key_id`` names, to decrypt with. ``DataErased`` when it was destroyed,
        ``KeyringError`` when this store never had it."""
        cached = self._by_id.get(key_id)
        if cached is not None and time.monotonic() - cached.checked < self._ttl:
            return cached.aead
        with self._lock, self._store_errors():
            row = self.store.by_id(key_id)
            if row is None:
                raise KeyringError(
                    f"payload encrypted with data key {key_id}, which the key store "
                    f"{self.path} does not have: is this the data dir the data was written with?"
                )
            return self._unwrap(row, owner_key(row.owner)).aead

    # ------------------------------------------------------------ sealing bytes

    def seal(self, owner: str, data: bytes, context: bytes = b"") -> bytes:
        """``data`` about ``owner`` (an employee id, or ``system``), sealed with their key.

        For what parcours writes beside Temporal (the outbox, ledgers, stored answers):
        erasing the owner makes it unreadable like their payloads in Temporal. ``context``
        (e.g. a delivery id) is bound as associated data: ``open`` needs the same.
        Format: ``len(key id) || key id || nonce || AES-256-GCM(data)``. ``DataErased``
        when the owner's key was destroyed.
        """
        key_id, aead = self.key_for(owner)
        return wrapping.seal(key_id, aead, data, context)

    def open(self, sealed: bytes, context: bytes = b"") -> bytes:
        """What ``seal`` sealed. ``DataErased`` when its owner was erased, ``KeyringError``
        when it is not sealed data of this store (or the context differs)."""
        key_id = wrapping.sealed_key_id(sealed)
        if key_id is None:
            raise KeyringError("not data sealed by parcours")
        aead = self.key_by_id(key_id)
        try:
            return wrapping.open_sealed(aead, sealed, context)
        except InvalidTag as exc:
            raise KeyringError("sealed data does not open: changed, or another context") from exc

    def seal_text(self, owner: str, text: str, context: str = "") -> str:
        """``seal`` for text, as base64 (for JSON lines and SQLite text columns)."""
        return base64.b64encode(self.seal(owner, text.encode(), context.encode())).decode()

    def open_text(self, sealed: str, context: str = "") -> str:
        """What ``seal_text`` sealed; ``DataErased`` / ``KeyringError`` as ``open``."""
        try:
            raw = base64.b64decode(sealed, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise KeyringError("not data sealed by parcours") from exc
        return self.open(raw, context.encode()).decode()

    def is_erased(self, employee_id: str) -> bool:
        """Whether ``employee_id``'s key was destroyed (asked of the store, not the cache)."""
        with self._lock, self._store_errors():
            row = self._owned(owner_key(employee_id))
        return row is not None and row.erased is not None

    def erase(self, employee_id: str, reason: str | None = None) -> KeyDestroyed:
        """Destroy ``employee_id``'s data key, leaving a tombstone. Idempotent.

        ``reason`` is kept sealed with the system key (``erase_reason`` reads it).

        An employee with no key yet gets the tombstone alone, so nothing can be
        written for them later either.
        """
        if employee_id == SYSTEM:
            raise ValueError("the system key cannot be erased, and `system` is no employee's id")
        owner = owner_key(employee_id)
        # The reason may say something about the person: never kept in plaintext.
        sealed = self.seal_text(SYSTEM, reason, f"erased {employee_id}") if reason else None
        now = datetime.now(UTC)
        with self._lock, self._store_errors():
            # Namespaced, and made before that: both, should an older process have
            # made one beside the other.
            already = self.store.erase(
                (owner, _legacy(owner)), wrapping.new_key_id(), now.isoformat(), sealed
            )
            self._forget(owner)
        if already is not None:
            return KeyDestroyed(employee_id, datetime.fromisoformat(already), already=True)
        return KeyDestroyed(employee_id, now, already=False)

    def erase_reason(self, employee_id: str) -> str | None:
        """Why ``employee_id`` was erased, if a reason was given."""
        with self._lock, self._store_errors():
            found = self.store.reason((owner_key(employee_id), employee_id))
        if found is None:
            return None
        return self.open_text(found, f"erased {employee_id}")

    # ------------------------------------------------------------ internals

    @contextmanager
    def _store_errors(self) -> Iterator[None]:
        try:
            yield
        except KeyStoreError as exc:
            raise KeyringError(str(exc)) from exc

    def _owned(self, owner: str) -> KeyRow | None:
        """``owner``'s row (namespaced), or the one its key had before namespacing."""
        row = self.store.by_owner(owner)
        if row is None and _legacy(owner) != owner:
            row = self.store.by_owner(_legacy(owner))
        return row

    def _create(self, owners: tuple[str, ...]) -> dict[str, KeyRow]:
        """New keys for ``owners``, kept in one transaction; each owner's row as kept."""
        rows: dict[str, KeyRow] = {}
        for owner in owners:
            key_id = wrapping.new_key_id()
            raw = AESGCM.generate_key(bit_length=256)
            wrapped = wrapping.wrap(self._master.aead, key_id, owner, raw)
            rows[owner] = KeyRow(key_id, owner, wrapped, None)
        created = datetime.now(UTC).isoformat()
        if self.store.insert(tuple(rows.values()), created, self._master.check) == len(rows):
            return rows
        # A concurrent process inserted some first (theirs are the keys), or the master
        # key was rotated away (nothing was inserted, and nobody has a key).
        for owner in owners:
            row = self._owned(owner)
            if row is None:
                if self._master.adopt_rotated():  # made anew, under the new master key
                    return self._create(owners)
                raise rotated(self.path)
            rows[owner] = row
        return rows

    def _unwrap(self, row: KeyRow, owner: str) -> _Key:
        """The key of ``row``, cached for ``owner`` (namespaced; the row may predate it)."""
        key_id, stored, wrapped, erased = row
        if erased is not None or wrapped is None:
            self._forget(owner)
            raise DataErased(_employee(owner))
        try:
            raw = wrapping.unwrap(self._master.aead, key_id, stored, wrapped)
        except InvalidTag as exc:
            if not self._master.opens_store():
                if self._master.adopt_rotated():
                    return self._unwrap(row, owner)
                raise rotated(self.path) from exc
            raise KeyringError(
                f"data key {key_id} in {self.path} does not open with the master key"
            ) from exc
        key = _Key(key_id, owner, AESGCM(raw), time.monotonic())
        self._by_owner[owner] = key
        self._by_id[key_id] = key
        if len(self._by_owner) > CACHED_KEYS:
            self._forget(next(iter(self._by_owner)))
        return key

    def _forget(self, owner: str) -> None:
        key = self._by_owner.pop(owner, None)
        if key is not None:
            self._by_id.pop(key.key_id, None)


__all__ = [
    "EMPLOYEE",
    "KEYS_FILE",
    "SYSTEM",
    "KeyDestroyed",
    "Keyring",
    "owner_key",
]
