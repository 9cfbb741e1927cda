"""The employees' data keys: made once, wrapped by the master key, erasable."""

from __future__ import annotations

import base64
import sqlite3
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from adapters.payloads import keyring
from adapters.payloads.key_errors import DataErased, KeyringError
from adapters.payloads.keyring import SYSTEM, Keyring
from adapters.payloads.master_key import ensure_master_key_file, generate_master_key
from bootstrap.keys import master_key_for, open_keyring
from config import Settings, SettingsError


def master() -> bytes:
    return base64.b64decode(generate_master_key())


def test_one_key_per_owner_made_once_and_found_by_its_id(tmp_path: Path) -> None:
    keys = Keyring(tmp_path / "keys.db", master())
    key_id, _ = keys.key_for("E1")
    assert keys.key_for("E1")[0] == key_id
    assert keys.key_for("E2")[0] != key_id
    assert keys.key_for(SYSTEM)[0] not in (key_id, keys.key_for("E2")[0])


def test_a_process_keeps_a_bounded_number_of_keys(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(keyring, "CACHED_KEYS", 3)
    keys = Keyring(tmp_path / "keys.db", master())
    sealed = {f"E{i}": keys.seal(f"E{i}", f"data of E{i}".encode()) for i in range(5)}
    first = keys.key_for("E0")[0]
    assert len(keys._by_owner) == len(keys._by_id) == 3
    # A key let go is read back from the store: the same key, everything still opens.
    assert keys.key_for("E0")[0] == first
    for owner, data in sealed.items():
        assert keys.open(data) == f"data of {owner}".encode()
    assert len(keys._by_owner) == len(keys._by_id) == 3


def test_the_store_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    Keyring(tmp_path / "keys.db", master()).key_for("E1")
    assert stat.S_IMODE((tmp_path / "keys.db").stat().st_mode) == 0o600


def test_the_same_store_opened_again_gives_the_same_keys(tmp_path: Path) -> None:
    secret = master()
    first = Keyring(tmp_path / "keys.db", secret)
    key_id, key = first.key_for("E1")
    sealed = key.encrypt(b"\0" * 12, b"hello", None)
    again = Keyring(tmp_path / "keys.db", secret)
    assert again.key_for("E1")[0] == key_id
    assert again.key_by_id(key_id).decrypt(b"\0" * 12, sealed, None) == b"hello"


def test_a_wrong_master_key_fails_at_open(tmp_path: Path) -> None:
    Keyring(tmp_path / "keys.db", master()).key_for("E1")
    with pytest.raises(KeyringError, match="not the master key"):
        Keyring(tmp_path / "keys.db", master())


def test_erasing_destroys_the_key_leaves_a_tombstone_and_is_idempotent(tmp_path: Path) -> None:
    secret = master()
    keys = Keyring(tmp_path / "keys.db", secret)
    key_id, _ = keys.key_for("E1")
    keys.key_for("E2")
    first = keys.erase("E1", "asked by the employee")
    assert not first.already
    assert keys.is_erased("E1")
    with pytest.raises(DataErased, match="employee E1's data was erased"):
        keys.key_for("E1")
    with pytest.raises(DataErased):
        keys.key_by_id(key_id)
    assert keys.erase("E1").already
    assert not keys.is_erased("E2")
    keys.key_for("E2")
    # Another process sees it too, within the cache's time to live.
    other = Keyring(tmp_path / "keys.db", secret, ttl=0)
    with pytest.raises(DataErased):
        other.key_by_id(key_id)


def test_an_erasure_by_another_process_reaches_a_cached_key(tmp_path: Path) -> None:
    secret = master()
    worker = Keyring(tmp_path / "keys.db", secret, ttl=0)
    api = Keyring(tmp_path / "keys.db", secret)
    key_id, _ = worker.key_for("E1")
    api.erase("E1")
    with pytest.raises(DataErased):
        worker.key_for("E1")
    with pytest.raises(DataErased):
        worker.key_by_id(key_id)


def test_erasing_someone_without_a_key_refuses_keys_for_them_later(tmp_path: Path) -> None:
    keys = Keyring(tmp_path / "keys.db", master())
    assert not keys.erase("E9").already
    with pytest.raises(DataErased):
        keys.key_for("E9")


def test_an_unknown_key_id_is_named(tmp_path: Path) -> None:
    keys = Keyring(tmp_path / "keys.db", master())
    with pytest.raises(KeyringError, match="k-missing"):
        keys.key_by_id("k-missing")


def test_the_master_key_from_the_environment_or_the_data_dir(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="PARCOURS_MASTER_KEY: not set"):
        master_key_for(Settings(data_dir=tmp_path))
    path, made = ensure_master_key_file(tmp_path)
    assert made
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert ensure_master_key_file(tmp_path) == (path, False)
    assert master_key_for(Settings(data_dir=tmp_path)) == base64.b64decode(path.read_text())
    given = generate_master_key()
    assert master_key_for(Settings(data_dir=tmp_path, master_key=given)) == base64.b64decode(given)
    with pytest.raises(SettingsError, match="PARCOURS_MASTER_KEY: must be base64 of 32"):
        master_key_for(Settings(data_dir=tmp_path, master_key="c2hvcnQ="))


def test_open_keyring_with_another_master_key_names_the_variable(tmp_path: Path) -> None:
    open_keyring(Settings(data_dir=tmp_path, master_key=generate_master_key())).key_for("E1")
    with pytest.raises(SettingsError, match="PARCOURS_MASTER_KEY: it is not the master key"):
        open_keyring(Settings(data_dir=tmp_path, master_key=generate_master_key()))


def test_sealed_bytes_open_with_their_context_and_not_after_erasure(tmp_path: Path) -> None:
    keys = Keyring(tmp_path / "keys.db", master())
    sealed = keys.seal("E1", b"Alice Martin <alice@example.com>", b"prog:1")
    assert b"Alice" not in sealed
    assert keys.open(sealed, b"prog:1") == b"Alice Martin <alice@example.com>"
    with pytest.raises(KeyringError, match="does not open"):
        keys.open(sealed, b"prog:2")  # bound to its context
    with pytest.raises(KeyringError, match="not data sealed"):
        keys.open(b"\x00plain")
    text = keys.seal_text("E1", "objective: use the CRM", "k")
    assert keys.open_text(text, "k") == "objective: use the CRM"
    keys.erase("E1", "asked to be forgotten")
    with pytest.raises(DataErased):
        keys.open(sealed, b"prog:1")
    with pytest.raises(DataErased):
        keys.seal("E1", b"more")
    # The erase reason is kept, but never in plaintext.
    assert keys.erase_reason("E1") == "asked to be forgotten"
    keys.close()
    for name in ("keys.db", "keys.db-wal"):
        path = tmp_path / name
        if path.exists():
            assert b"asked to be forgotten" not in path.read_bytes()


def test_an_erase_reason_kept_in_plaintext_before_is_sealed_on_opening(tmp_path: Path) -> None:
    secret = master()
    Keyring(tmp_path / "keys.db", secret).erase("E1")
    db = sqlite3.connect(tmp_path / "keys.db")
    db.execute("UPDATE keys SET reason = 'moved to Patagonia' WHERE owner = 'employee:E1'")
    db.commit()
    db.close()
    keys = Keyring(tmp_path / "keys.db", secret)
    assert keys.erase_reason("E1") == "moved to Patagonia"
    stored = keys.store.reason(("employee:E1",))
    assert stored is not None
    assert "Patagonia" not in stored


def test_owners_are_namespaced_so_no_employee_shares_the_system_key(tmp_path: Path) -> None:
    import sqlite3

    keys = Keyring(tmp_path / "keys.db", master())
    system_id, _ = keys.key_for(SYSTEM)
    employee_id, _ = keys.key_for("E1")
    assert employee_id != system_id
    owners = dict(sqlite3.connect(tmp_path / "keys.db").execute("SELECT key_id, owner FROM keys"))
    assert owners == {system_id: "system", employee_id: "employee:E1"}
    with pytest.raises(ValueError, match="system"):
        keys.erase(SYSTEM)


def test_keys_made_before_namespacing_are_found_and_erased(tmp_path: Path) -> None:
    """A key store written by an older parcours has owners without the prefix."""
    import sqlite3

    path = tmp_path / "keys.db"
    keys = Keyring(path, master_key := master())
    key_id, key = keys.key_for("E1")
    sealed = key.encrypt(b"\0" * 12, b"hello", None)
    keys.close()
    db = sqlite3.connect(path)
    # As an older version wrapped it: the bare employee id in the wrapping's associated data.
    raw_master = AESGCM(master_key)
    nonce = b"\1" * 12
    (wrapped,) = db.execute("SELECT wrapped FROM keys WHERE key_id = ?", (key_id,)).fetchone()
    raw = raw_master.decrypt(wrapped[:12], wrapped[12:], f"{key_id}\nemployee:E1".encode())
    legacy = nonce + raw_master.encrypt(nonce, raw, f"{key_id}\nE1".encode())
    db.execute("UPDATE keys SET owner = 'E1', wrapped = ? WHERE key_id = ?", (legacy, key_id))
    db.commit()
    db.close()
    old = Keyring(path, master_key)
    assert old.key_for("E1")[0] == key_id
    assert old.key_by_id(key_id).decrypt(b"\0" * 12, sealed, None) == b"hello"
    assert not old.is_erased("E1")
    old.erase("E1")
    assert old.is_erased("E1")
    with pytest.raises(DataErased, match="employee E1's data was erased"):
        old.key_for("E1")


def test_erasing_reaches_a_key_an_older_process_made_beside_the_namespaced_one(
    tmp_path: Path,
) -> None:
    import sqlite3

    keys = Keyring(tmp_path / "keys.db", master())
    keys.key_for("E2")
    db = sqlite3.connect(tmp_path / "keys.db")
    db.execute("INSERT INTO keys VALUES ('k-legacy', 'E2', x'00', '2026-01-01', NULL, NULL)")
    db.commit()
    keys.erase("E2")
    rows = db.execute("SELECT owner, wrapped, erased FROM keys WHERE owner LIKE '%E2'").fetchall()
    assert sorted(owner for owner, _, _ in rows) == ["E2", "employee:E2"]
    assert all(wrapped is None and erased is not None for _, wrapped, erased in rows)
    assert keys.erase("E2").already


def test_keys_made_for_a_cohort_are_kept_for_its_launches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keys = Keyring(tmp_path / "keys.db", master())
    keys.ensure_keys(["employee:E1", "employee:E2"])
    made = keys.store.by_owner("employee:E2")
    assert made is not None

    def asked(owner: str) -> None:
        raise AssertionError(f"the store was asked for {owner}'s key again")

    monkeypatch.setattr(keys.store, "by_owner", asked)
    assert keys.key_for("E2")[0] == made.key_id
    sealed = keys.seal("E1", b"note")
    monkeypatch.undo()
    assert keys.open(sealed) == b"note"
