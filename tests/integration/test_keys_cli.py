"""``parcours keys new`` and ``parcours keys rotate-master``, through the CLI's own app, on
a data dir's master.key and SQLite file, and on PostgreSQL with the key in the environment."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

import bootstrap.database
import bootstrap.keys
import config.loading
from adapters.payloads.key_errors import DataErased, KeyringError
from adapters.payloads.keyring import Keyring
from adapters.payloads.master_key import ensure_master_key_file, parse_master_key
from adapters.stores.keys import PostgresKeyStore
from adapters.stores.postgres import Database
from gateway.cli import app

runner = CliRunner()


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ("PARCOURS_MASTER_KEY", "PARCOURS_NEW_MASTER_KEY", "PARCOURS_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("PARCOURS_SETTINGS_FILE", raising=False)
    yield
    bootstrap.database.close_databases()


def test_keys_new_prints_a_fresh_master_key() -> None:
    first, second = (runner.invoke(app, ["keys", "new"]) for _ in range(2))
    assert first.exit_code == 0
    assert len(parse_master_key(first.stdout)) == 32
    assert first.stdout != second.stdout


def test_rotating_a_local_data_dir_rewrites_its_master_key_file(tmp_path: Path) -> None:
    path, _ = ensure_master_key_file(tmp_path)
    old = parse_master_key(path.read_text())
    keys = Keyring(tmp_path / "keys.db", old)
    sealed = keys.seal("E1", b"goals")
    keys.erase("E2")
    keys.close()
    new_file = tmp_path.parent / "new.key"
    new_file.write_text(runner.invoke(app, ["keys", "new"]).stdout)

    done = runner.invoke(
        app, ["keys", "rotate-master", "--new-key-file", str(new_file), "--data-dir", str(tmp_path)]
    )
    assert done.exit_code == 0, done.output
    assert "rewrapped 1 data key(s)" in done.stdout
    assert "take the new key themselves" in done.stderr
    new = parse_master_key(path.read_text())
    assert new == parse_master_key(new_file.read_text())
    assert not (tmp_path / "master.key.new").exists()
    assert path.stat().st_mode & 0o777 == 0o600
    rotated = Keyring(tmp_path / "keys.db", new)
    assert rotated.open(sealed) == b"goals"
    with pytest.raises(DataErased):
        rotated.key_for("E2")


def test_rotating_on_postgresql_with_the_keys_in_the_environment(
    postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = runner.invoke(app, ["keys", "new"]).stdout.strip()
    new = runner.invoke(app, ["keys", "new"]).stdout.strip()
    database = Database(postgres_url)
    try:
        keys = Keyring(PostgresKeyStore(database), base64.b64decode(old))
        sealed = keys.seal("E1", b"goals")
        monkeypatch.setenv("PARCOURS_DATABASE_URL", postgres_url)
        monkeypatch.setenv("PARCOURS_MASTER_KEY", old)
        monkeypatch.setenv("PARCOURS_DATA_DIR", str(tmp_path))

        missing = runner.invoke(app, ["keys", "rotate-master"])
        assert missing.exit_code == 2
        assert "PARCOURS_NEW_MASTER_KEY" in missing.output
        monkeypatch.setenv("PARCOURS_NEW_MASTER_KEY", old)
        same = runner.invoke(app, ["keys", "rotate-master"])
        assert same.exit_code == 2
        assert "is the current one" in same.output

        monkeypatch.setenv("PARCOURS_NEW_MASTER_KEY", new)
        done = runner.invoke(app, ["keys", "rotate-master"])
        assert done.exit_code == 0, done.output
        assert "rewrapped 1 data key(s)" in done.stdout
        assert not (tmp_path / "master.key").exists()  # the key stays where it was given

        again = runner.invoke(app, ["keys", "rotate-master"])  # still on the old key: refused
        assert again.exit_code == 2
        assert "not the master key" in again.output
        assert Keyring(PostgresKeyStore(database), base64.b64decode(new)).open(sealed) == b"goals"
    finally:
        database.close()


def test_a_running_keyring_on_a_key_file_takes_the_rotated_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A process whose master key is a file (``PARCOURS_MASTER_KEY_FILE``, a mounted secret)
    reads it again when the store was rotated under it: no restart."""
    secret = tmp_path / "secret" / "master"
    secret.parent.mkdir()
    secret.write_text(runner.invoke(app, ["keys", "new"]).stdout)
    monkeypatch.setenv("PARCOURS_MASTER_KEY_FILE", str(secret))
    monkeypatch.setenv("PARCOURS_DATA_DIR", str(tmp_path / "data"))
    running = bootstrap.keys.open_keyring(config.loading.load_settings())
    old = parse_master_key(secret.read_text())
    sealed = running.seal("E1", b"goals")
    running._forget("employee:E1")  # as a process that has not opened E1's key yet
    new_file = tmp_path / "new.key"
    new_file.write_text(runner.invoke(app, ["keys", "new"]).stdout)

    done = runner.invoke(app, ["keys", "rotate-master", "--new-key-file", str(new_file)])
    assert done.exit_code == 0, done.output
    new = parse_master_key(new_file.read_text())
    assert parse_master_key(secret.read_text()) == new  # written where it was read from

    assert running.open(sealed) == b"goals"  # unwrapped under the new master key
    running.seal("E2", b"new data")  # a new key, wrapped under the new master key
    running.close()
    store = tmp_path / "data" / "keys.db"
    with pytest.raises(KeyringError, match="not the master key"):
        Keyring(store, old)
    assert Keyring(store, new).open(sealed) == b"goals"


def test_a_keyring_takes_the_new_key_written_beside_its_file_before_the_move(
    tmp_path: Path,
) -> None:
    """Between the store's rotation and the key file's move, ``master.key.new`` is the key."""
    path, _ = ensure_master_key_file(tmp_path)
    settings = config.loading.load_settings(data_dir=tmp_path)
    running = bootstrap.keys.open_keyring(settings, tmp_path)
    other = bootstrap.keys.open_keyring(settings, tmp_path)
    new = base64.b64decode(runner.invoke(app, ["keys", "new"]).stdout.strip())
    (tmp_path / "master.key.new").write_text(base64.b64encode(new).decode())
    other.rotate_master(new)  # the file itself still holds the old key
    running.seal("E3", b"made after the rotation")
    assert Keyring(tmp_path / "keys.db", new).key_for("E3")
    path.write_text("not a key")  # a file being rewritten is skipped, not fatal
    assert running.key_for("E3")


def test_a_keyring_on_the_environment_key_still_says_restart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A key from ``PARCOURS_MASTER_KEY`` cannot be read anew in a running process."""
    monkeypatch.setenv("PARCOURS_MASTER_KEY", runner.invoke(app, ["keys", "new"]).stdout.strip())
    settings = config.loading.load_settings(data_dir=tmp_path)
    running = bootstrap.keys.open_keyring(settings, tmp_path)
    other = bootstrap.keys.open_keyring(settings, tmp_path)
    other.rotate_master(base64.b64decode(runner.invoke(app, ["keys", "new"]).stdout.strip()))
    with pytest.raises(KeyringError, match="restart it with the new PARCOURS_MASTER_KEY"):
        running.seal("E4", b"refused")
