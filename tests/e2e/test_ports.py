"""``parcours up`` on other ports than the defaults: the CLI finds it without exports.

``up`` writes its addresses into the data dir and prints the line to export; a CLI
command run with no ``TEMPORAL_ADDRESS`` reads them from there; once ``up`` stops the
file is gone, and the CLI goes back to its default address."""

from __future__ import annotations

import json
import shlex
import subprocess
import time
from pathlib import Path

from tests.e2e.conftest import PARCOURS, QUICK, Parcours
from tests.support import free_port


def _without_addresses(parcours: Parcours) -> dict[str, str]:
    unset = ("TEMPORAL_ADDRESS", "TEMPORAL_NAMESPACE", "PARCOURS_API_URL")
    return {name: value for name, value in parcours.env.items() if name not in unset}


def _said(parcours: Parcours, words: str, timeout: float = 30) -> str:
    """The line of up's output holding ``words``: the lines after "parcours is up" are
    kept by a thread of their own, so they may land a moment after ``start`` returns."""
    deadline = time.monotonic() + timeout
    while True:
        said = (parcours.data_dir.parent / "up.stdout").read_text()
        found = [line for line in said.splitlines() if words in line]
        if found or time.monotonic() > deadline:
            assert found, said
            return found[0]
        time.sleep(0.2)


def _cli(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(PARCOURS), *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=90
    )


def test_the_cli_reaches_up_on_other_ports_without_an_export(
    parcours: Parcours, tmp_path: Path
) -> None:
    parcours.port, parcours.ui_port = free_port(), free_port()
    parcours.start()
    addresses_file = parcours.data_dir / "addresses.json"
    written = json.loads(addresses_file.read_text())
    assert written == {
        "temporal_address": f"127.0.0.1:{parcours.port}",
        "namespace": "default",
        "api_url": f"http://127.0.0.1:{parcours.api_port}",
        "ui_url": f"http://127.0.0.1:{parcours.ui_port}",
    }
    assert addresses_file.stat().st_mode & 0o077 == 0

    export = _said(parcours, "export ")
    exported = dict(word.split("=", 1) for word in shlex.split(export.partition("export ")[2]))
    assert exported == {
        "PARCOURS_DATA_DIR": str(parcours.data_dir.resolve()),
        "TEMPORAL_ADDRESS": f"127.0.0.1:{parcours.port}",
        "PARCOURS_API_URL": f"http://127.0.0.1:{parcours.api_port}",
    }

    env = _without_addresses(parcours)  # PARCOURS_DATA_DIR only, as after a cd
    launched = _cli(
        env, tmp_path, "launch", "--employee", "E7", "--name", "Ada Martin",
        "--email", "ada@example.com", "--template", str(QUICK), "--coach", "C1",
    )  # fmt: skip
    assert launched.returncode == 0, launched.stderr
    shown = _cli(env, tmp_path, "show", launched.stdout.strip(), "--json")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["status"] == "running"

    # The exported line works from anywhere, with nothing else set.
    bare = {k: v for k, v in env.items() if k != "PARCOURS_DATA_DIR"}
    listed = _cli({**bare, **exported}, tmp_path, "list", "--json")
    assert listed.returncode == 0, listed.stderr
    assert launched.stdout.strip() in listed.stdout

    # An explicit address wins over the file.
    elsewhere = f"127.0.0.1:{free_port()}"
    refused = _cli({**env, "TEMPORAL_ADDRESS": elsewhere}, tmp_path, "list")
    assert refused.returncode == 3
    assert elsewhere in refused.stderr

    assert parcours.stop() == 0
    assert not addresses_file.exists()
    after = _cli(env, tmp_path, "list")
    assert f"127.0.0.1:{parcours.port}" not in after.stderr
    if after.returncode == 3:  # nothing on the default port (the usual case here)
        assert "localhost:7233" in after.stderr
