"""``parcours --help`` and a mistyped command start fast: they import typer, rich and the
standard library, never temporalio, the settings or the domain (``gateway.cli.shell``).

(Typer itself imports pydantic to coerce an option's value, so a command given values
loads pydantic; not our models, which are what cost: ``import domain.view`` alone takes
longer than pydantic.)

Each case runs in a fresh interpreter, as a person's shell would, and lists the modules
loaded by the time the CLI answered.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = (
    "temporalio",
    "pydantic_settings",
    "fastapi",
    "httpx",
    "structlog",
    "yaml",
    "domain",
    "workflows",
    "activities",
    "adapters",
    "bootstrap",
    "config",
)

SCRIPT = """
import json, sys
from gateway.cli import app
try:
    app(sys.argv[1:], prog_name="parcours")
except SystemExit as exc:
    code = exc.code
else:
    code = 0
sys.stderr.write("\\nMODULES " + json.dumps(sorted(sys.modules)) + " CODE " + str(code) + "\\n")
"""


def loaded(*args: str) -> tuple[set[str], str]:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    tail = done.stderr.rpartition("\nMODULES ")[2]
    modules, _, code = tail.partition(" CODE ")
    return set(json.loads(modules)), code.strip()


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("--help",), "0"),
        (("templates", "--help"), "0"),
        (("launch", "--help"), "0"),
        (("feedback", "--help"), "0"),
        (("feedback",), "2"),  # missing argument
        (("session", "P1", "--number", "two", "--status", "held"), "2"),  # not an int
        (("no-such-command",), "2"),
    ],
)
def test_help_and_argument_errors_import_nothing_heavy(args: tuple[str, ...], code: str) -> None:
    modules, exit_code = loaded(*args)
    assert exit_code == code
    heavy = sorted(m for m in modules if m.split(".")[0] in HEAVY)
    assert heavy == [], f"parcours {' '.join(args)} imported {heavy[:10]}"


def test_the_probe_sees_heavy_imports() -> None:
    """The check can fail: a command that runs imports what it needs."""
    modules, _ = loaded("templates", "list", "--json")
    assert "domain.template" in modules
