"""Every ``--help`` reads cleanly: no markup left over, no stray " ." where a bracketed
default was swallowed by Rich, no reStructuredText backquotes meant for the code's
readers. Each command's help is rendered as a person's terminal shows it."""

from __future__ import annotations

import re
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from gateway.cli import app

STRAY = re.compile(r"\s[.,;:](\s|$)|``|\[\s*\]|\(\s*\)")
"""What a help text must not show: a mark after a space (what is left when Rich takes a
bracketed ``[env X, default]`` in a help string for markup), backquotes, empty brackets."""


def _commands(command: Any, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [path]
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        found += _commands(sub, (*path, name))
    return found


COMMANDS = _commands(typer.main.get_command(app))


def help_of(*path: str) -> str:
    done = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "240", "NO_COLOR": "1"})
    assert done.exit_code == 0, done.output
    return done.output


def stray_marks(text: str) -> list[str]:
    # Box-drawing borders and their padding are layout, not text.
    lines = (line.strip(" │╭╮╰╯─") for line in text.splitlines())
    return [line.strip() for line in lines if STRAY.search(line.strip())]


def test_every_command_is_walked() -> None:
    assert {("launch",), ("templates", "list"), ("keys", "rotate-master"), ()} <= set(COMMANDS)


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "parcours")
def test_a_help_text_has_no_stray_marks(path: tuple[str, ...]) -> None:
    assert stray_marks(help_of(*path)) == []


def test_the_check_sees_a_swallowed_default() -> None:
    assert stray_marks("│ --address  <str>  Temporal frontend host:port .   │") != []
    assert stray_marks("unless ``--answers``.") != []
    assert stray_marks("│ --address  <str>  Temporal host:port (default: localhost:7233). │") == []


def test_the_address_option_says_where_the_default_comes_from() -> None:
    text = " ".join(help_of("show").split())
    assert "TEMPORAL_ADDRESS, else the address of the parcours up running on the data dir" in text
