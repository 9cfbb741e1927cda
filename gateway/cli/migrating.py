"""``parcours migrate``: move running programmes onto another template version, after a
preview of what changes for each (``gateway.client.migrations``)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.progress import Progress
from rich.table import Table

from gateway.cli.shell import Address, AsJson, Namespace, app, build, fail, out, print_json, run


@app.command()
def migrate(
    to: Annotated[str, typer.Option("--to", help="The new version: id@version or a file.")],
    reason: Annotated[str, typer.Option("--reason", help="Why, for the record.")],
    where: Annotated[
        str | None,
        typer.Option(
            "--where",
            help="A visibility query (default: every running programme of the template id).",
        ),
    ] = None,
    mapping: Annotated[
        list[str] | None,
        typer.Option("--map", help="old_stage=new_stage, for a stage renamed or removed."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Preview only: change nothing.")
    ] = False,
    by: Annotated[str | None, typer.Option("--by", help="Who asks (an ops id).")] = None,
    limit: Annotated[int, typer.Option("--limit", help="Programmes at most.")] = 1000,
    address: Address = None,
    namespace: Namespace = None,
    as_json: AsJson = False,
) -> None:
    """Preview, then apply, a template migration on running programmes; ends on a
    summary (migrated, refused, unchanged). Idempotent: running it again moves nothing
    twice."""
    from domain.errors import TemplateError
    from domain.migration import MigrationPreview
    from gateway import catalogue
    from gateway.client import ProgrammeClient
    from gateway.client.migrations import MigrationRequest
    from gateway.client.migrations import migrate as migrate_all

    try:
        template = catalogue.resolve(to)
    except TemplateError as exc:
        fail(f"--to: {exc}", 2)
    pairs: dict[str, str] = {}
    for item in mapping or []:
        before, sep, after = item.partition("=")
        if not sep or not before or not after:
            fail(f"--map: {item!r} is not old_stage=new_stage", 2)
        pairs[before] = after
    request = build(
        MigrationRequest,
        to=template,
        mapping=pairs,
        where=where,
        reason=reason,
        by=by,
        dry_run=dry_run,
        limit=limit,
    )

    async def work(client: ProgrammeClient) -> object:
        with Progress(transient=True, disable=as_json) as bar:
            task = bar.add_task("previewing" if dry_run else "migrating", total=None)

            def step(_: MigrationPreview) -> None:
                bar.advance(task)

            return await migrate_all(client, request, step)

    summary = run(work, address, namespace)
    if as_json:
        print_json(summary)
        return
    from gateway.client.migrations import MigrationSummary

    assert isinstance(summary, MigrationSummary)
    table = Table("programme", "outcome", "stage", "due", "sessions", "notices", "evaluation")
    for seen in summary.programmes:
        if seen.outcome != "migrate":
            table.add_row(
                seen.programme_id,
                seen.outcome,
                seen.stage_before or "",
                "",
                "",
                "",
                seen.reason or "",
            )
            continue
        stage = seen.stage_before or ""
        if seen.stage_after != seen.stage_before:
            stage = f"{stage} -> {seen.stage_after}"
        due = ""
        if seen.due_before != seen.due_after:
            due = f"{_at(seen.due_before)} -> {_at(seen.due_after)}"
        sessions = ", ".join(
            f"#{m.number} "
            + ("added" if m.before is None else "removed" if m.after is None else "moved")
            for m in seen.sessions
        )
        notices = f"+{len(seen.notices_added)} -{len(seen.notices_removed)}"
        table.add_row(
            seen.programme_id,
            "would migrate" if dry_run else "migrated",
            stage,
            due,
            sessions,
            notices,
            "differs" if seen.evaluation_differs else "same",
        )
    out.print(table)
    verb = "would migrate" if dry_run else "migrated"
    out.print(
        f"{verb} {summary.migrated}, refused {summary.refused}, unchanged {summary.unchanged}"
        f" ({summary.to_template})",
        highlight=False,
    )


def _at(value: object) -> str:
    from datetime import datetime

    return f"{value:%Y-%m-%d}" if isinstance(value, datetime) else "—"
