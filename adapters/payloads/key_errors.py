"""What can go wrong with the keys: the errors of the keyring and of its master key.

Apart from ``adapters.payloads.keyring`` so that the master key's handling
(``adapters.payloads.master_rotation``, ``adapters.payloads.master_key``) raises the
same errors without importing the keyring.
"""

from __future__ import annotations


class KeyringError(Exception):
    """The key store cannot be used as it is (wrong master key, unreadable, a key missing)."""


class DataErased(KeyringError):
    """The employee's data key was destroyed: their data can no longer be read or written."""

    def __init__(self, employee_id: str) -> None:
        super().__init__(f"employee {employee_id}'s data was erased")
        self.employee_id = employee_id
