"""``parcours list`` on a terminal: one row per programme, from plain values.

Rich only, no typer and no models: the full command (``gateway.cli.rendering``, from the
client's views) and the read path (``gateway.cli.fast_reads``, from the views' JSON) both
print through ``rows_table``, so the two cannot differ.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from rich.console import Group, RenderableType
from rich.text import Text

Row = tuple[str, str, str, str, str, str]
"""programme, employee, status, stage, next deadline, events."""

ROW_MINIMUM = 10 + 9 + 10 + 10 + 6 + 3 * 5
"""The columns beside the id at their narrowest readable widths (employee, status, stage,
next deadline, events), and the three spaces between each two (no vertical lines)."""


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


def programme_row(
    programme_id: str,
    name: str,
    status: str,
    stage: str | None,
    next_deadline: datetime | None,
    locale: str,
    zone: str,
    events: int,
) -> Row:
    """A programme's row; its next deadline in its time zone, as its people read it."""
    deadline = f"{when(next_deadline, locale, zone)} {zone}" if next_deadline else ""
    return (programme_id, name, status, stage or "", deadline, str(events))


def rows_table(rows: Sequence[Row], width: int = 80) -> RenderableType:
    """The rows on a terminal ``width`` columns wide.

    The id is what a person copies into the next command, so it is never cut nor
    wrapped: a table while the id and the other columns fit, else each programme as its
    id on a line of its own and the rest below it."""
    widest = max((len(row[0]) for row in rows), default=len("programme"))
    if widest + ROW_MINIMUM > width:
        return Group(
            *(
                line
                for programme_id, *rest in rows
                for line in (
                    Text(programme_id, style="bold", no_wrap=True, overflow="ignore"),
                    Text("  " + "  ".join(part for part in rest if part)),
                )
            )
        )
    from rich import box  # the table only: piped output (80 columns) needs none of it
    from rich.table import Column, Table

    table = Table(
        Column("programme", no_wrap=True, min_width=widest),
        "employee",
        "status",
        "stage",
        "next deadline",
        Column("events", justify="right"),
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
    )
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))
    return table
