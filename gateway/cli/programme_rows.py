"""``parcours list`` on a terminal: one row per programme, from plain values, as plain text.

No typer, no models and no rich tables: the full command (``gateway.cli.reading``) and
the read path (``gateway.cli.fast_reads``) both print through ``rows_text``, so the two
cannot differ, and ``list`` pays for neither rich's tables nor its console.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from rich.cells import cell_len

from gateway.cli.controls import printable

Row = tuple[str, str, str, str, str]
"""programme, employee, status, stage, launched."""

HEADER: Row = ("programme", "employee", "status", "stage", "launched")
GAP = "   "
"""Between two columns (no vertical lines)."""


SHORT_MONTHS = {
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    "fr": (
        *("janv.", "févr.", "mars", "avr.", "mai", "juin"),
        *("juil.", "août", "sept.", "oct.", "nov.", "déc."),
    ),
}
"""Babel's abbreviated month names, for the languages ``Reader.short`` writes as
``d MMM y, HH:mm``: loading a locale's data takes Babel longer than ``list`` takes
without it. ``tests/unit/test_list_table.py`` keeps ``when`` equal to ``Reader.short``."""


def when(at: datetime, locale: str, zone: str) -> str:
    """``at`` as the programme's people read it: in its time zone, to the minute, in its
    language's format (``12 Jan 2027, 09:00``, ``12 janv. 2027, 09:00``): what
    ``adapters.language.formats.Reader.short`` writes."""
    from adapters.language.zones import language, zone_of

    months = SHORT_MONTHS.get(language(locale))
    if months is None:  # a language the table does not have: Babel's own answer
        from adapters.language.formats import Reader

        return Reader.of(locale, zone).short(at)
    if at.tzinfo is None:  # Babel reads a naive time as UTC
        at = at.replace(tzinfo=UTC)
    local = at.astimezone(zone_of(zone or "UTC"))
    return f"{local.day} {months[local.month - 1]} {local.year}, {local:%H:%M}"


def launched_on(at: datetime, locale: str, zone: str) -> str:
    """The day ``at`` falls on in the programme's time zone, as its people write a date
    (``12 Jan 2027``, ``12 janv. 2027``, ``12. Jan. 2027``): ``when`` without its time."""
    return when(at, locale, zone).rpartition(", ")[0]


def programme_row(
    programme_id: str,
    name: str,
    status: str,
    stage: str | None,
    launched: datetime | None,
    locale: str,
    zone: str,
) -> Row:
    """A programme's row; the day it was launched in its time zone, as its people read it."""
    day = launched_on(launched, locale, zone) if launched is not None else ""
    return (programme_id, name, status, stage or "", day)


def rows_text(rows: Sequence[Row], width: int = 80) -> str:
    """The rows on a terminal ``width`` columns wide, ending with a line break.

    The id is what a person copies into the next command, so it is never cut nor
    wrapped: a table while every column fits at its widest, else each programme as its
    id on a line of its own and the rest below it."""
    clean = [tuple(_cell(text) for text in row) for row in rows]
    widths = [max(cell_len(row[i]) for row in (HEADER, *clean)) for i in range(len(HEADER))]
    if sum(widths) + len(GAP) * (len(widths) - 1) > width:
        lines = []
        for programme_id, *rest in clean:
            lines.append(programme_id)
            lines.append("  " + "  ".join(part for part in rest if part))
        return "".join(line + "\n" for line in lines)
    lines = [_line(HEADER, widths), _line(tuple("\u2500" * w for w in widths), widths)]
    lines += [_line(row, widths) for row in clean]
    return "".join(line + "\n" for line in lines)


def terminal_width() -> int:
    """Columns to print in, as rich's console finds them: ``COLUMNS``, else the terminal
    of the first standard stream that has one (a piped ``list`` still fits the terminal
    it is read in), else 80."""
    import os

    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    for descriptor in (0, 1, 2):
        try:
            return os.get_terminal_size(descriptor).columns or 80
        except OSError:
            continue
    return 80


def _cell(text: str) -> str:
    """A cell on one line, without what a terminal would act on."""
    return printable(text).replace("\n", " ").replace("\t", " ")


def _line(cells: Sequence[str], widths: Sequence[int]) -> str:
    padded = [cell + " " * (w - cell_len(cell)) for cell, w in zip(cells, widths, strict=True)]
    return GAP.join(padded).rstrip()
