"""Reading programmes: list, show, history, report."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape

from gateway.cli.shell import (
    Address,
    AsJson,
    Namespace,
    ProgrammeId,
    app,
    build,
    err,
    fail,
    out,
    print_json,
    run,
)

if TYPE_CHECKING:
    from adapters.temporal.history import RawEvent
    from domain.view import ProgrammeView
    from gateway.client import ErasedProgramme, ProgrammeClient


@app.command("list")
def list_(
    stage: Annotated[str | None, typer.Option("--stage")] = None,
    status: Annotated[str | None, typer.Option("--status")] = None,
    cohort: Annotated[str | None, typer.Option("--cohort")] = None,
    employee: Annotated[str | None, typer.Option("--employee")] = None,
    template: Annotated[str | None, typer.Option("--template")] = None,
    count: Annotated[bool, typer.Option("--count", help="The number per stage.")] = False,
    closed: Annotated[
        bool,
        typer.Option("--closed", help="Closed programmes, from the archive (ids only)."),
    ] = False,
    page_token: Annotated[str | None, typer.Option("--page-token")] = None,
    page_size: Annotated[int, typer.Option("--page-size")] = 20,
    address: Address = None,
    namespace: Namespace = None,
    as_json: AsJson = False,
) -> None:
    """Programmes matching the filters, through the search attributes."""
    from gateway.cli.programme_rows import terminal_width
    from gateway.cli.rendering import programmes_text
    from gateway.client import Filters

    if closed:
        _closed(status, cohort, employee, template, page_size, address, namespace, as_json)
        return
    filters = build(
        Filters, stage=stage, status=status, cohort=cohort, employee=employee, template=template
    )
    if count:
        counts = run(lambda c: c.count_by_stage(filters), address, namespace)
        if as_json:
            print_json(counts)
            return
        for stage_key, number in counts.items():
            out.print(f"{stage_key or '(finished)'}: {number}")
        return

    if as_json:  # the views, as the API lists them
        page = run(lambda c: c.list_programmes(filters, page_token, page_size), address, namespace)
        print_json(page)
        return
    rows = run(lambda c: c.list_rows(filters, page_token, page_size), address, namespace)
    sys.stdout.write(programmes_text(rows.items, terminal_width()))
    if rows.next_page_token:
        sys.stdout.write(f"more: --page-token {rows.next_page_token}\n")


def _closed(
    status: str | None,
    cohort: str | None,
    employee: str | None,
    template: str | None,
    limit: int,
    address: str | None,
    namespace: str | None,
    as_json: bool,
) -> None:
    from adapters.stores.archive import ArchiveFilter
    from gateway.cli.archive import print_closed

    where = build(
        ArchiveFilter,
        status=status,
        cohort_id=cohort,
        employee_id=employee,
        template_id=template,
        limit=limit,
    )
    entries = run(lambda c: c.closed_programmes(where), address, namespace)
    print_closed(entries, as_json)


@app.command()
def show(
    programme_id: ProgrammeId,
    address: Address = None,
    namespace: Namespace = None,
    as_json: AsJson = False,
) -> None:
    """Where a programme stands."""
    from gateway.cli.rendering import show_view
    from gateway.client import ErasedProgramme, ProgrammeErased

    unreached: list[str] = []

    async def work(client: ProgrammeClient) -> ProgrammeView | ErasedProgramme:
        try:
            view = await client.view(programme_id)
        except ProgrammeErased as exc:
            return exc.programme
        for role, person in view.holders.held():
            contact = client.person(person)
            if contact is None or contact.email is None:
                unreached.append(f"{role} {person}")
        return view

    shown = run(work, address, namespace)
    if isinstance(shown, ErasedProgramme):
        if as_json:
            print_json(shown)
        else:
            out.print(shown.message, highlight=False)
        return
    show_view(shown, as_json)
    if not as_json:
        for who in unreached:
            out.print(
                f"{who}: no email in the people directory; reached through the webhook "
                "and the outbox only",
                highlight=False,
            )


@app.command()
def history(
    programme_id: ProgrammeId,
    raw: Annotated[bool, typer.Option("--raw", help="Temporal's own events, decoded.")] = False,
    answers: Annotated[
        bool,
        typer.Option("--answers", help="Ops: every answer with its rater id and scores."),
    ] = False,
    address: Address = None,
    namespace: Namespace = None,
    as_json: AsJson = False,
) -> None:
    """The programme's timeline, event by event.

    The confidentiality minimums apply (no rater ids, no one peer's scores) unless
    --answers."""
    from domain.events import EVENT_LIST
    from gateway.cli import timeline
    from gateway.cli.rendering import rows_json
    from gateway.client import ProgrammeErased

    if raw:
        _raw_history(programme_id, address, namespace, as_json)
        return

    async def work(client: ProgrammeClient) -> list[Any] | tuple[str, list[RawEvent]]:
        try:
            if answers:
                return await client.events(programme_id)
            return await client.shown_events(programme_id)
        except ProgrammeErased as exc:
            return exc.programme.message, await client.erased_timeline(programme_id)

    found = run(work, address, namespace)
    if isinstance(found, tuple):
        message, rows = found
        if as_json:
            print_json({"erased": True, "message": message, "timeline": rows_json(rows)})
            return
        err.print(f"{message}: its domain timeline cannot be rebuilt; what Temporal recorded:")
        for row in rows:
            out.print(
                f"{row.run:>3} {row.id:>4}  {row.time:%Y-%m-%d %H:%M:%S}  "
                f"[bold]{row.type.removeprefix('workflow_execution_'):<22}[/] "
                f"{escape(row.summary)}",
                highlight=False,
            )
        return
    events = found
    if as_json:
        sys.stdout.write(EVENT_LIST.dump_json(events, indent=2).decode() + "\n")
        return
    from adapters.language.formats import Reader
    from domain.calendar import programme_of

    about = programme_of(events)
    reader = Reader.of(about.lang, about.time_zone)
    out.print(f"times in {reader.zone_label}", highlight=False)
    for event in events:
        out.print(
            f"{event.seq:>4}  {reader.short(event.at):>18}  {timeline.span(event.clock):>10}  "
            f"[bold]{event.type:<22}[/] {escape(timeline.summary(event, reader.short))}",
            highlight=False,
        )


def _raw_history(
    programme_id: str, address: str | None, namespace: str | None, as_json: bool
) -> None:
    from gateway.cli.rendering import print_rows, rows_json

    rows = run(lambda c: c.raw_history(programme_id), address, namespace)
    if as_json:
        print_json(rows_json(rows))
        return
    print_rows(rows)


@app.command()
def report(
    programme_id: ProgrammeId,
    evaluation: Annotated[
        int | None,
        typer.Option(
            "--evaluation", "-n", help="Which evaluation, 1 for the first (default: the last)."
        ),
    ] = None,
    format_: Annotated[
        str, typer.Option("--format", help="md (a readable page), html (one file) or json.")
    ] = "md",
    lang: Annotated[
        str | None, typer.Option("--lang", help="fr or en (default: the programme's locale).")
    ] = None,
    address: Address = None,
    namespace: Namespace = None,
) -> None:
    """An evaluation report, rendered from the programme's events (never kept as a file).

    --format html > report.html is one self-contained page that prints well."""
    from adapters.reports import render_html, render_markdown

    if format_ not in ("md", "html", "json"):
        fail(f"--format: {format_!r} is not md, html or json", 2)
    if lang is not None and lang not in ("en", "fr", "de"):
        fail(f"--lang: {lang!r} is not en, fr or de", 2)
    reports = run(lambda c: c.evaluation_reports(programme_id), address, namespace)
    if not reports:
        fail(f"{programme_id} has no evaluation yet", 4)
    n = evaluation if evaluation is not None else len(reports)
    if not 1 <= n <= len(reports):
        fail(f"--evaluation: {programme_id} has {len(reports)} evaluation(s), not #{n}", 4)
    chosen = reports[n - 1]
    if format_ == "json":
        print_json(chosen)
    elif format_ == "html":
        sys.stdout.write(render_html(chosen, lang))
    else:
        sys.stdout.write(render_markdown(chosen, lang))
