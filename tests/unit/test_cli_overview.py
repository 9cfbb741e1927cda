"""``parcours --help`` is printed without typer (``gateway.cli.overview``): it must say
what the typer app says, command for command."""

from __future__ import annotations

import inspect
import subprocess
import sys

import typer.main

from gateway.cli import app, overview


def first_paragraph(text: str | None) -> str:
    return " ".join(inspect.cleandoc(text or "").split("\n\n")[0].split())


def test_the_overview_lists_every_command_of_the_app_with_its_help() -> None:
    group = typer.main.get_command(app)
    assert isinstance(group, typer.main.TyperGroup)
    said = tuple(
        (name, first_paragraph(command.help))
        for name, command in group.commands.items()
        if not command.hidden
    )
    assert said == overview.COMMANDS, (
        "gateway.cli.overview.COMMANDS differs from the typer app; it should be:\n"
        + "\n".join(f"    ({name!r}, {text!r})," for name, text in said)
    )
    assert first_paragraph(app.info.help) == overview.ABOUT


def test_help_is_printed_without_typer_and_exits_zero() -> None:
    script = (
        "import sys, atexit\n"
        "sys.argv = ['parcours', '--help']\n"
        "import gateway.cli\n"
        "import os\n"
        "real_exit = os._exit\n"
        "def leave(code):\n"
        "    sys.stderr.write('TYPER ' + str('typer' in sys.modules) + '\\n')\n"
        "    sys.stderr.flush()\n"
        "    real_exit(code)\n"
        "os._exit = leave\n"
        "gateway.cli.main()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "TYPER False" in done.stderr
    assert done.stdout.startswith(overview.USAGE)
    for name, _ in overview.COMMANDS:
        assert f"\n  {name} " in done.stdout


def test_anything_else_goes_to_typer() -> None:
    assert overview.asks_overview(["--help"])
    assert not overview.asks_overview([])
    assert not overview.asks_overview(["show", "--help"])
    assert not overview.asks_overview(["--help", "show"])
