"""The addresses ``parcours up`` leaves in its data dir, read back by the CLI."""

from __future__ import annotations

import shlex
from pathlib import Path

from gateway import addresses
from gateway.addresses import Addresses

UP = Addresses("127.0.0.1:7301", "default", "http://127.0.0.1:8001", "http://127.0.0.1:8301")


def test_what_up_writes_is_read_back_owner_only(tmp_path: Path) -> None:
    path = addresses.write(tmp_path, UP)
    assert addresses.read(tmp_path) == UP
    assert path.stat().st_mode & 0o777 == 0o600
    addresses.remove(tmp_path)
    assert addresses.read(tmp_path) is None
    addresses.remove(tmp_path)  # gone already: nothing to do


def test_a_file_up_did_not_write_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / addresses.ADDRESSES_FILE
    for text in ("not json", "[]", '{"temporal_address": ""}', '{"temporal_address": 7}', "{}"):
        path.write_text(text)
        assert addresses.read(tmp_path) is None, text
    path.write_text('{"temporal_address": "h:1", "x": "' + "y" * addresses.MAX_BYTES + '"}')
    assert addresses.read(tmp_path) is None


def test_the_export_line_points_a_shell_at_up(tmp_path: Path) -> None:
    line = addresses.export_line(UP, tmp_path / "my data")
    assert line.startswith("export ")
    words = dict(word.split("=", 1) for word in shlex.split(line.removeprefix("export ")))
    assert words == {
        "PARCOURS_DATA_DIR": str((tmp_path / "my data").resolve()),
        "TEMPORAL_ADDRESS": "127.0.0.1:7301",
        "PARCOURS_API_URL": "http://127.0.0.1:8001",
    }
    other = Addresses("h:1", "coaching", "http://h:2", None)
    assert "TEMPORAL_NAMESPACE=coaching" in addresses.export_line(other, tmp_path)
