"""The master key a keyring holds: checked against its key store, rotated, taken up anew.

The key store keeps a check value sealed with the master key, so a process given
another master key fails at once (``check_store``) instead of decoding garbage later.
``rotate`` rewraps every data key under a new master key and rewrites that check value;
a process that finds the store rotated by another takes the new key from ``reload``
(``adopt_rotated``), without a restart. The data keys themselves are
``adapters.payloads.keyring``'s; the master key as it is given (the environment,
``master.key``) is ``adapters.payloads.master_key``'s.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from adapters.payloads import wrapping
from adapters.payloads.key_errors import KeyringError
from adapters.payloads.master_key import MASTER_KEY_ENV
from adapters.stores.keys import KeyStore


class HeldMaster:
    """The master key in use and the store's check value it opens.

    Not locked: the keyring calls it under its own lock, the one that guards the store.
    """

    def __init__(  # ``master_key``: 32 bytes, checked by the keyring
        self,
        store: KeyStore,
        master_key: bytes,
        reload: Callable[[], Iterable[bytes]] | None,
    ) -> None:
        self.store = store
        self.aead = AESGCM(master_key)
        self.raw = master_key
        self.check = b""
        self._reload = reload
        """The master keys this process may find now (its key file, and the one a rotation
        writes beside it): asked when the store turns out rotated."""

    def check_store(self) -> None:
        """Open the store's check value (made now for a new store), or refuse the key."""
        stored = self.store.check_value(wrapping.check_value(self.aead))
        if not wrapping.opens_check(self.aead, stored):
            raise KeyringError(
                f"it is not the master key the key store {self.store.location} was made "
                "with; give the same key to every worker, the API and the CLI"
            )
        self.check = stored

    def opens_store(self) -> bool:
        """Whether the store is still under this master key (not rotated away)."""
        return wrapping.opens_check(self.aead, self.store.check_value(self.check or b"-"))

    def rotate(self, new_master_key: bytes) -> int:
        """Wrap every live data key under ``new_master_key`` instead, rewrite the check
        value with it, and hold it from now on; how many keys were rewrapped."""
        if len(new_master_key) != 32:
            raise KeyringError("the new master key must be 32 bytes")
        new = AESGCM(new_master_key)

        def rewrap(key_id: str, owner: str, wrapped: bytes) -> bytes:
            try:
                raw = wrapping.unwrap(self.aead, key_id, owner, wrapped)
            except InvalidTag as exc:
                raise KeyringError(
                    f"data key {key_id} in {self.store.location} does not open with the "
                    "current master key: nothing was rotated"
                ) from exc
            return wrapping.wrap(new, key_id, owner, raw)

        check = wrapping.check_value(new)
        if not self.opens_store():
            raise KeyringError(
                f"the key store {self.store.location} is not under this master key "
                "(rotated already?)"
            )
        count = self.store.rewrap(rewrap, check)
        self.aead, self.raw, self.check = new, new_master_key, check
        return count

    def adopt_rotated(self) -> bool:
        """After a rotation by another process: take the new master key, if ``reload``
        finds one that opens the store's check value now. Keys already unwrapped stay
        (the data keys did not change); True when the master key was replaced."""
        if self._reload is None:
            return False
        try:
            candidates = list(self._reload())
        except (OSError, KeyringError):  # a key file being replaced: not this time
            return False
        stored = self.store.check_value(self.check or b"-")
        for candidate in candidates:
            if len(candidate) != 32 or candidate == self.raw:
                continue
            master = AESGCM(candidate)
            if wrapping.opens_check(master, stored):
                self.aead, self.raw, self.check = master, candidate, stored
                return True
        return False

    def derive(self, label: str, length: int) -> bytes:
        """A key for another purpose, derived with HKDF-SHA256 and ``label`` as its info."""
        return HKDF(
            algorithm=hashes.SHA256(), length=length, salt=None, info=label.encode()
        ).derive(self.raw)


def rotated(where: str) -> KeyringError:
    """The error of a process whose master key was rotated away and that found no other."""
    return KeyringError(
        f"the master key of the key store {where} was rotated since this process started: "
        f"restart it with the new {MASTER_KEY_ENV}"
    )
