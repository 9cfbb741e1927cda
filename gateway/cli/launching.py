"""Launching programmes: one employee, or a cohort from a CSV file."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from gateway.cli.shell import (
    Address,
    AsJson,
    Namespace,
    app,
    build,
    err,
    fail,
    out,
    parse_local,
    print_json,
    run,
)

if TYPE_CHECKING:
    from gateway.client import ProgrammeClient


@app.command()
def launch(
    employee: Annotated[str, typer.Option("--employee", help="Employee id.")],
    name: Annotated[str, typer.Option("--name", help="Employee name.")],
    email: Annotated[str, typer.Option("--email", help="Employee email.")],
    template: Annotated[str, typer.Option("--template", help="Template id or YAML path.")],
    coach: Annotated[str | None, typer.Option("--coach")] = None,
    manager: Annotated[str | None, typer.Option("--manager")] = None,
    sponsor: Annotated[str | None, typer.Option("--sponsor")] = None,
    hr: Annotated[str | None, typer.Option("--hr")] = None,
    start: Annotated[str | None, typer.Option("--start", help="Start date, YYYY-MM-DD.")] = None,
    cohort: Annotated[str | None, typer.Option("--cohort")] = None,
    locale: Annotated[
        str, typer.Option("--locale", help="The programme's language: en, fr or de.")
    ] = "en",
    tz: Annotated[
        str, typer.Option("--tz", help="The programme's time zone, e.g. Europe/Paris.")
    ] = "UTC",
    first_session: Annotated[
        str | None,
        typer.Option(
            "--first-session",
            help="The first session's date and time, agreed with the people, in the "
            "programme's time zone (2027-01-12T09:00).",
        ),
    ] = None,
    address: Address = None,
    namespace: Namespace = None,
    as_json: AsJson = False,
) -> None:
    """Launch a programme; prints its id. The same employee and template twice: the same one."""
    from domain.commands import Employee
    from domain.errors import TemplateError
    from domain.holders import Holders
    from gateway import catalogue

    try:
        chosen = catalogue.resolve(template)
    except TemplateError as exc:
        fail(str(exc), 2)
    who = build(Employee, id=employee, name=name, email=email, locale=locale, time_zone=tz)
    holders = build(Holders, coach=coach, manager=manager, sponsor=sponsor, hr=hr)
    start_date = None
    if start is not None:
        try:
            start_date = date.fromisoformat(start)
        except ValueError:
            fail(f"start: {start!r} is not a date like 2026-12-01", 2)

    async def work(client: ProgrammeClient) -> Any:
        return await client.launch(
            employee=who,
            template=chosen,
            holders=holders,
            cohort_id=cohort,
            start_date=start_date,
            first_session=first,
        )

    first = parse_local(first_session, "first_session", tz) if first_session else None
    launched = run(work, address, namespace)
    if as_json:
        print_json(launched)
    else:
        sys.stdout.write(launched.programme_id + "\n")
        if not launched.created:
            err.print("(already launched: this is the existing programme)")


@app.command("launch-cohort")
def launch_cohort(
    file: Annotated[
        Path,
        typer.Argument(
            help="CSV: employee_id,name,email[,coach_id,manager_id,sponsor_id,hr_id,locale,"
            "time_zone]"
            "[,manager_name,manager_email, likewise coach_, sponsor_, hr_]"
        ),
    ],
    template: Annotated[str, typer.Option("--template", help="Template id or YAML path.")],
    cohort: Annotated[str, typer.Option("--cohort", help="Cohort id.")],
    address: Address = None,
    namespace: Namespace = None,
    as_json: AsJson = False,
) -> None:
    """Launch a whole cohort from a CSV file; re-running it launches nobody twice."""
    from pydantic import TypeAdapter, ValidationError
    from rich.progress import Progress

    from domain.errors import TemplateError
    from domain.ids import Identifier
    from domain.template_parsing import describe_errors
    from gateway import catalogue
    from gateway.client import cohort as cohorts

    try:
        chosen = catalogue.resolve(template)
    except TemplateError as exc:
        fail(str(exc), 2)
    try:
        cohort_id = TypeAdapter(Identifier).validate_python(cohort)
    except ValidationError as exc:
        fail(f"cohort: {describe_errors(exc).partition(': ')[2]}", 2)
    try:
        people, bad = cohorts.read_csv(file.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError) as exc:
        fail(f"{file}: {exc}", 2)

    async def work(client: ProgrammeClient) -> list[Any]:
        with Progress(console=err, transient=as_json) as progress:
            task = progress.add_task(f"launching {cohort_id}", total=len(people))
            return await cohorts.launch_cohort(
                client, chosen, cohort_id, people, lambda _: progress.advance(task)
            )

    results = run(work, address, namespace)
    summary = cohorts.report(cohort_id, [*results, *bad])
    if as_json:
        print_json(summary)
    else:
        for failure in (r for r in summary.results if r.outcome == "failed"):
            err.print(f"line {failure.line}: {failure.employee_id or '?'}: {failure.reason}")
        out.print(
            f"{summary.launched} launched, {summary.existing} already running, "
            f"{summary.failed} failed"
        )
    if summary.failed:
        raise typer.Exit(1)
