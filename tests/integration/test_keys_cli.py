"""``parcours keys new`` and ``parcours keys rotate-master``, through the CLI's own app, on
a data dir's master.key and SQLite file, and on PostgreSQL with the key in the environment."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

import bootstrap
from adapters.payloads.keyring import DataErased, Keyring
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
    bootstrap.close_databases()


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
    assert "restart every worker" in done.stderr
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
