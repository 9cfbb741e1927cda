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
    """The whole calendar, planned from the launch: sessions (held, missed, planned,
    tentative), stage deadlines and evaluations, in the programme's time zone."""
    from datetime import UTC, datetime

    from rich.table import Table

    from adapters.calendar.ics import calendar as ics
    from adapters.language.formats import Reader
    from domain.calendar import calendar_of, programme_of

    events = run(lambda c: c.events(programme_id), address, namespace)
    entries = calendar_of(events)
    about = programme_of(events)
    reader = Reader.of(about.lang, about.time_zone)
    if ics_file is not None:
        feed = ics(
            entries,
            name=programme_id,
            programme=about.title,
            lang=about.lang,
            zone=about.time_zone,
            now=datetime.now(UTC),
            stages=about.stages,
        )
        ics_file.write_bytes(feed)
    if as_json:
        print_json(
            [
                {
                    "uid": e.uid,
                    "kind": e.kind.value,
                    "title": e.title,
                    "at": e.at.astimezone(reader.zone).isoformat(),
                    "end": e.end.astimezone(reader.zone).isoformat() if e.end else None,
                    "status": e.status,
                    "stage": e.stage,
                    "sequence": e.sequence,
                }
                for e in entries
            ]
        )
        return
    table = Table(f"date ({reader.zone_label})", "what", "stage", "status")
    for entry in entries:
        table.add_row(reader.short(entry.at), entry.title, entry.stage or "", entry.status)
    out.print(table)
    if ics_file is not None:
        out.print(f"written to {ics_file}", highlight=False)
