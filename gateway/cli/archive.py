"""The archive of closed programmes: list it, prune it past its retention.

Closed programmes are archived as they close (``adapters.stores.archive``); ``history``,
``report`` and ``cohort-report`` read the archive by themselves once Temporal's retention
removed a run. ``parcours archive prune`` deletes what closed before the archive's own
retention (``PARCOURS_ARCHIVE_RETENTION``, e.g. ``P3Y``): run it from cron.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from gateway.cli.shell import AsJson, DataDir, app, fail, out, print_json, settings_for

if TYPE_CHECKING:
    from adapters.stores.archive import ArchiveEntry

archive_app = typer.Typer(help="Closed programmes kept past Temporal's retention.")
app.add_typer(archive_app, name="archive")


@archive_app.command("prune")
def prune(
    retention: Annotated[
        str | None,
        typer.Option(
            help="Keep what closed within this period (default: PARCOURS_ARCHIVE_RETENTION)."
        ),
    ] = None,
    data_dir: DataDir = None,
    as_json: AsJson = False,
) -> None:
    """Delete archived programmes that closed before the retention period."""
    from adapters.stores.retention import cutoff
    from bootstrap.keys import open_keyring
    from bootstrap.stores import programme_archive
    from config import SettingsError

    settings = settings_for(data_dir=data_dir)
    period = retention or settings.archive_retention
    if period is None:
        fail("--retention: not given, and PARCOURS_ARCHIVE_RETENTION is not set", 2)
    now = datetime.now(UTC)
    try:
        before = cutoff(period, now)
    except ValueError as exc:
        fail(f"--retention: {exc}", 2)
    try:
        archive = programme_archive(settings, open_keyring(settings))
    except SettingsError as exc:
        fail(str(exc), 2)
    try:
        pruned = archive.prune(before)
    finally:
        archive.close()
    if as_json:
        print_json({"retention": period, "closed_before": before.isoformat(), "pruned": pruned})
        return
    out.print(f"pruned {pruned} programme(s) closed before {before:%Y-%m-%d %H:%M} UTC")


def print_closed(rows: list[ArchiveEntry], as_json: bool) -> None:
    """``list --closed``: what the archive says of each closed programme."""
    if as_json:
        print_json([row.model_dump(mode="json") for row in rows])
        return
    table = Table("programme", "template", "status", "last stage", "closed", "events")
    for row in rows:
        table.add_row(
            row.programme_id,
            row.template_id,
            row.status,
            row.stage or "",
            f"{row.closed_at:%Y-%m-%d %H:%M}",
            str(row.events),
        )
    out.print(table)
