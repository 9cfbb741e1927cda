"""The CLI prints no terminal escape it did not make itself (issue 29)."""

from __future__ import annotations

import io

from rich.table import Table

from gateway.cli.printable import console, printable


def test_escapes_in_data_are_stripped_and_rich_colours_stay() -> None:
    buffer = io.StringIO()
    terminal = console(file=buffer, force_terminal=True, color_system="standard", width=80)
    terminal.print("[red]refused[/] A\x1b[31mB, title \x1b]0;pwned\x07, \x9b2J", highlight=False)
    table = Table("employee")
    table.add_row("Ann\x1b[2J\x1b[H")
    terminal.print(table)
    written = buffer.getvalue()
    assert "\x1b[31mB" not in written
    assert "\x1b]0;" not in written
    assert "\x07" not in written
    assert "\x9b" not in written
    assert "\x1b[2J" not in written
    assert "\x1b[31mrefused" in written  # rich's own colour, from the markup
    assert "Ann[2J[H" in written


def test_printable_keeps_line_breaks_and_tabs() -> None:
    assert printable("a\tb\nc\x1bd\x7fe\x85f") == "a\tb\ncdef"
