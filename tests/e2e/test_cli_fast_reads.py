"""``parcours show ID --json`` and ``parcours list`` on the read path
(``gateway.cli.fast_reads``) answer as the typer app does, byte for byte, against a
``parcours up``; what the read path declines, the typer app answers, as if it had not
been asked.

The read path runs alone in one interpreter (``FAST``: it exits 99 when it declines)
and the typer app alone in another (``FULL``), with the same environment; ``parcours``
itself (``gateway.cli.main``) asks the first, then the second.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import PARCOURS, QUICK, Parcours
from tests.support import free_port

FAST = """
import os, sys
from gateway.cli import fast_reads
code = fast_reads.answer(sys.argv[1:])
sys.stdout.flush()
sys.stderr.write("\\nMODULES " + " ".join(sorted(sys.modules)) + "\\n")
sys.stderr.flush()
os._exit(99 if code is None else code)
"""
FULL = """
import os, sys
from gateway.cli import app
try:
    app(sys.argv[1:], prog_name="parcours")
    code = 0
except SystemExit as exc:
    code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
sys.stdout.flush()
sys.stderr.flush()
os._exit(code)
"""
DECLINED = 99
NEVER_IMPORTED = ("typer", "pydantic", "pydantic_settings", "config", "domain.view")
"""What the read path does without: the typer app, the models, the settings' model."""

STILL = """
id: still
version: 1
title: A programme that waits after its baseline
dimensions: [motivation, adaptability]
max_duration: P90D
stages:
  - key: agreement
    due: P7D
    gate: {objectives_agreed: true}
  - key: assessment
    due: P7D
    gate: {feedback: {roles: [employee, manager], quorum: 2}}
    evaluation: baseline
  - key: review
    due: P30D
    gate: {feedback: {roles: [employee, manager], quorum: 2}}
    evaluation: final
"""
"""No timer fires while the test reads: the read path and the typer app read one view."""
ALICE = "still.E42"
ZOE = "still.E43"
BOB = "still.E44"


def _python(
    script: str, parcours: Parcours, *args: str, **env: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", script, *args],
        env={**parcours.env, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def fast(parcours: Parcours, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return _python(FAST, parcours, *args, **env)


def full(parcours: Parcours, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return _python(FULL, parcours, *args, **env)


def modules(done: subprocess.CompletedProcess[str]) -> set[str]:
    return set(done.stderr.rpartition("\nMODULES ")[2].split())


@pytest.fixture(scope="module")
def up(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Parcours]:
    """``parcours up`` with three programmes: Alice's past its baseline evaluation (scores
    as floats, objectives), Zoé's in French and in Paris time, Bob's in a cohort."""
    scratch = tmp_path_factory.mktemp("fast-reads")
    data_dir = scratch / "data"
    data_dir.mkdir()
    template = scratch / "still.yaml"
    template.write_text(STILL)
    running = Parcours(data_dir, free_port(), free_port(), free_port())
    running.start()
    try:
        for employee, name, more in (
            ("E42", "Alice Martin", ("--coach", "C1", "--manager", "M1")),
            ("E43", "Zoé Ünïcode", ("--locale", "fr", "--tz", "Europe/Paris")),
            ("E44", 'Bob "Quotes" O\'Hara', ("--cohort", "c1")),
        ):
            running.cli(
                "launch", "--employee", employee, "--name", name,
                "--email", f"{employee.lower()}@example.com", "--template", str(template), *more,
            )  # fmt: skip
        running.cli("objectives", ALICE, "--short", "Use the CRM daily", "--long", "Lead")
        for role, rater, score in (("employee", "E42", "3"), ("manager", "M1", "2")):
            running.cli(
                "feedback", ALICE, "--role", role, "--rater", rater,
                "--score", f"motivation={score}", "--score", "adaptability=2",
            )  # fmt: skip
        yield running
    finally:
        running.stop()


def _same(up: Parcours, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The read path answers ``args`` as the typer app does, and without the models."""
    served, answered = fast(up, *args, **env), full(up, *args, **env)
    assert answered.returncode == 0, answered.stderr
    assert served.returncode == 0, f"the read path declined {args}: {served.stderr[-2000:]}"
    assert served.stdout == answered.stdout
    loaded = modules(served)
    assert not [m for m in NEVER_IMPORTED if m in loaded]
    return served


def test_show_json_is_the_full_commands(up: Parcours) -> None:
    shown = _same(up, "show", ALICE, "--json")
    view = json.loads(shown.stdout)
    assert view["stage"] == "review"
    assert view["evaluations"][0]["kind"] == "baseline"  # floats, maps, reasons: all alike
    _same(up, "show", "--json", ZOE)
    _same(up, "show", BOB, "--json", "--namespace", "default")


def test_list_is_the_full_commands(up: Parcours) -> None:
    # Running ones: the erasure test's programme is withdrawn (not on the read path).
    listed = _same(up, "list", "--status", "running")
    assert all(p in listed.stdout for p in (ALICE, ZOE, BOB))
    assert "Zoé Ünïcode" in listed.stdout
    _same(up, "list", "--status", "running", COLUMNS="200")  # wide enough for the table
    _same(up, "list", "--json", "--status=running")
    _same(up, "list", "--status", "running", "--stage=agreement")
    _same(up, "list", "--cohort", "c1", "--json")
    _same(up, "list", "--employee", "E43", COLUMNS="200")
    _same(up, "list", "--stage", "nowhere")  # nothing matches: an empty table


def test_list_pages_are_the_full_commands(up: Parcours) -> None:
    running = ("--status", "running", "--page-size", "2")
    first = json.loads(_same(up, "list", *running, "--json").stdout)
    token = first["next_page_token"]
    assert token
    assert len(first["items"]) == 2
    assert f"more: --page-token {token}" in _same(up, "list", *running).stdout
    seen = [view["programme_id"] for view in first["items"]]
    while token:
        page = json.loads(_same(up, "list", *running, "--page-token", token, "--json").stdout)
        seen += [view["programme_id"] for view in page["items"]]
        token = page["next_page_token"]
    assert {ALICE, ZOE, BOB} <= set(seen)
    assert len(seen) == len(set(seen))


@pytest.mark.parametrize(
    "args",
    [
        ("show", ALICE),  # as text: the people directory and the models
        ("show", "quick-demo.nobody", "--json"),  # not found: exit 4, the full message
        ("show", ALICE, "--json", "--help"),
        ("list", "--count"),
        ("list", "--closed"),
        ("list", "--status", "bogus"),  # malformed: exit 2, the field and the rule
        ("list", "--page-token", "forged"),  # refused: exit 2
        ("list", "--page-size", "0"),
        ("list", "--stage"),
        ("list", "--address", "nowhere"),
    ],
)
def test_what_it_declines_the_full_command_answers(up: Parcours, args: tuple[str, ...]) -> None:
    declined = fast(up, *args)
    assert declined.returncode == DECLINED
    assert declined.stdout == ""
    answered = full(up, *args)
    through_main = subprocess.run(
        [str(PARCOURS), *args], env=up.env, capture_output=True, text=True, timeout=60, check=False
    )
    assert (through_main.returncode, through_main.stdout, through_main.stderr) == (
        answered.returncode,
        answered.stdout,
        answered.stderr,
    )


def test_settings_it_does_not_read_go_to_the_full_command(up: Parcours, tmp_path: Path) -> None:
    settings = tmp_path / "settings.env"
    settings.write_text("PARCOURS_LOG_LEVEL=INFO\n")
    for env in (
        {"PARCOURS_SETTINGS_FILE": str(settings)},
        {"PARCOURS_SMTP_PORT": "70000"},  # invalid: the full command says so, exit 2
        {"temporal_tls": "true"},  # any case, as pydantic-settings reads it
        {"TEMPORAL_NAMESPACE": " default"},
    ):
        assert fast(up, "show", ALICE, "--json", **env).returncode == DECLINED
        answered = full(up, "show", ALICE, "--json", **env)
        through_main = subprocess.run(
            [str(PARCOURS), "show", ALICE, "--json"],
            env={**up.env, **env},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert (through_main.returncode, through_main.stdout) == (
            answered.returncode,
            answered.stdout,
        )
    # up's address file, not TEMPORAL_ADDRESS: served all the same
    env = {k: v for k, v in up.env.items() if k != "TEMPORAL_ADDRESS"}
    running = ("list", "--status", "running")
    served = subprocess.run(
        [sys.executable, "-c", FAST, *running], env=env, capture_output=True, text=True, check=False
    )
    assert served.returncode == 0, served.stderr[-2000:]
    assert served.stdout == full(up, *running).stdout


def test_an_erased_programme_is_the_full_commands(up: Parcours) -> None:
    gone = "quick-demo.E45"  # moves on while read: only its erasure is compared
    up.cli(
        "launch", "--employee", "E45", "--name", "Eve Gone", "--email", "e45@example.com",
        "--template", str(QUICK), "--cohort", "gone",
    )  # fmt: skip
    assert fast(up, "show", gone, "--json").returncode == 0
    up.cli("erase", "E45")
    for args in (
        ("list",),
        ("list", "--json"),
        ("list", "--cohort", "gone"),
        ("show", gone, "--json"),
    ):
        assert fast(up, *args).returncode == DECLINED
        answered = full(up, *args)
        assert answered.returncode == 0
        assert "erased" in answered.stdout
        assert up.cli(*args).stdout == answered.stdout
    _same(up, "show", ALICE, "--json")  # the others still on the read path
