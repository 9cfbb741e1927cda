"""A programme's calendar: sessions, stage deadlines, evaluations, with their dates."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from gateway.cli.shell import Address, AsJson, Namespace, ProgrammeId, app, out, print_json, run


@app.command()
def calendar(
    programme_id: ProgrammeId,
    ics_file: Annotated[
        Path | None, typer.Option("--ics", help="Write it as an iCalendar file too.")
    ] = None,
    address: Address = None,
    namespace: Namespace = None,
    as_json: AsJson = False,
) -> None:
    """Sessions (held, missed, planned), stage deadlines and evaluations, with real dates."""
    from datetime import UTC, datetime

    from rich.table import Table

    from adapters.language.calendar import CalendarWords
    from adapters.language.zones import zone_of
    from domain.calendar import calendar_of, ics, time_zone_of

    events = run(lambda c: c.events(programme_id), address, namespace)
    entries = calendar_of(events)
    zone_name = time_zone_of(events)
    zone = zone_of(zone_name)
    if ics_file is not None:
        feed = ics(entries, programme_id, datetime.now(UTC), zone_name, CalendarWords.of(events))
        ics_file.write_text(feed, encoding="utf-8")
    if as_json:
        print_json(
            [
                {
                    "uid": e.uid,
                    "kind": e.kind.value,
                    "title": e.title,
                    "at": e.at.astimezone(zone).isoformat(),
                    "status": e.status,
                    "stage": e.stage,
                }
                for e in entries
            ]
        )
        return
    table = Table(f"date ({zone_name})", "what", "stage", "status")
    for entry in entries:
        at = entry.at.astimezone(zone)
        table.add_row(f"{at:%Y-%m-%d %H:%M}", entry.title, entry.stage or "", entry.status)
    out.print(table)
    if ics_file is not None:
        out.print(f"written to {ics_file}", highlight=False)
