"""``parcours``: the command line. A thin shell over ``ProgrammeClient``.

Exit codes: 0 done; 1 refused by the programme (the reason on stderr); 2 malformed
input (the field and the rule on stderr); 3 Temporal unavailable; 4 not found.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
from collections.abc import Callable, Coroutine
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer
from pydantic import BaseModel, TypeAdapter, ValidationError
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from adapters.observability import logs
from adapters.payloads.keyring import Keyring, ensure_master_key_file, open_keyring
from adapters.temporal.history import RawEvent
from config import Settings, SettingsError, load_settings, temporal_client_options
from domain.commands import (
    AdvanceStage,
    AgreeObjectives,
    Employee,
    GiveFeedback,
    Identifier,
    Pause,
    RecordProgress,
    RecordSession,
    Resume,
    Withdraw,
)
from domain.durations import format_duration
from domain.errors import TemplateError
from domain.events import EVENT_LIST
from domain.template import describe_errors
from domain.view import ProgrammeView
from gateway import catalogue, timeline
from gateway.client import (
    CommandRefused,
    ErasedProgramme,
    Filters,
    ParcoursError,
    ProgrammeClient,
    ProgrammeErased,
    ProgrammeNotFound,
    TemporalUnavailable,
)
from workflows.messages import Receipt

T = TypeVar("T")
IDENTIFIER: TypeAdapter[str] = TypeAdapter(Identifier)

app = typer.Typer(
    name="parcours",
    help="Coaching and development programmes as durable workflows on Temporal.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
templates_app = typer.Typer(help="Programme templates: list, show, validate.", no_args_is_help=True)
app.add_typer(templates_app, name="templates")

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

Address = Annotated[
    str | None,
    typer.Option(
        "--address", help="Temporal frontend host:port [env TEMPORAL_ADDRESS, localhost:7233]."
    ),
]
Namespace = Annotated[
    str | None,
    typer.Option("--namespace", help="Temporal namespace [env TEMPORAL_NAMESPACE, default]."),
]
DataDir = Annotated[
    Path | None,
    typer.Option(
        "--data-dir", help="Where parcours keeps its files [env PARCOURS_DATA_DIR, .parcours]."
    ),
]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
Key = Annotated[
    str | None, typer.Option("--key", help="Idempotency key: the same key is applied once.")
]
ProgrammeId = Annotated[str, typer.Argument(help="The programme id (printed by launch).")]


def main() -> None:
    """Run the CLI, then leave without interpreter teardown.

    The Temporal client's native threads can outlive the event loop, and CPython's
    finalisation then aborts ("PyGILState_Release ... must be current", temporalio
    sdk-python#300) with exit code 134 after the work is done. So flush and exit at once.
    """
    code = 0
    try:
        app()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


# ---------------------------------------------------------------- plumbing


def fail(message: str, code: int) -> NoReturn:
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code)


def build(model: type[T], **fields: Any) -> T:
    """Build a command; a malformed one names the field and the rule, exit 2."""
    try:
        return model(**fields)
    except ValidationError as exc:
        fail(describe_errors(exc), 2)


def settings_for(
    address: str | None = None,
    namespace: str | None = None,
    data_dir: Path | None = None,
    **more: Any,
) -> Settings:
    """The settings (environment, settings file), with the options given on the command line."""
    given = {"temporal_address": address, "temporal_namespace": namespace, "data_dir": data_dir}
    overrides = {name: value for name, value in {**given, **more}.items() if value is not None}
    try:
        return load_settings(**overrides)
    except SettingsError as exc:
        fail(str(exc), 2)


def keyring_for(settings: Settings) -> Keyring:
    """The key store in the data dir, opened with the master key; exit 2 naming
    PARCOURS_MASTER_KEY when it is missing or wrong."""
    try:
        return open_keyring(settings)
    except SettingsError as exc:
        fail(str(exc), 2)


async def connect(settings: Settings, keyring: Keyring, *, lazy: bool = False) -> ProgrammeClient:
    """A client as the CLI and the API need it: TLS or API key from the settings, no
    metrics, payloads sealed with the keys of ``keyring``."""
    return await ProgrammeClient.connect(
        **temporal_client_options(settings),
        keyring=keyring,
        task_queue=settings.task_queue,
        lazy=lazy,
    )


def run(
    work: Callable[[ProgrammeClient], Coroutine[Any, Any, T]],
    address: str | None,
    namespace: str | None,
) -> T:
    settings = settings_for(address, namespace)
    keyring = keyring_for(settings)

    async def go() -> T:
        return await work(await connect(settings, keyring))

    try:
        return asyncio.run(go())
    except CommandRefused as exc:
        fail(str(exc), 1)
    except ProgrammeNotFound as exc:
        fail(str(exc), 4)
    except TemporalUnavailable as exc:
        fail(f"{exc} (is `parcours up` running? retry later)", 3)
    except ParcoursError as exc:
        fail(str(exc), 1)


def print_json(value: Any) -> None:
    if isinstance(value, BaseModel):
        text = value.model_dump_json(indent=2)
    else:
        text = json.dumps(value, indent=2, default=str)
    sys.stdout.write(text + "\n")


def parse_when(text: str, field: str) -> datetime:
    """A date (midnight UTC) or an ISO 8601 datetime with a timezone."""
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), datetime.min.time(), tzinfo=UTC)
        value = datetime.fromisoformat(text)
    except ValueError:
        fail(f"{field}: {text!r} is not a date (2026-12-01) or an ISO datetime", 2)
    if value.tzinfo is None:
        fail(f"{field}: {text!r} needs a timezone, like 2026-12-01T09:00:00+01:00", 2)
    return value


# ---------------------------------------------------------------- running it


@app.command()
def up(
    data_dir: DataDir = None,
    port: Annotated[int, typer.Option(help="Temporal frontend port.")] = 7233,
    ui_port: Annotated[int, typer.Option(help="Temporal Web UI port.")] = 8233,
    api_port: Annotated[int, typer.Option(help="HTTP API port.")] = 8000,
    api_host: Annotated[str, typer.Option(help="HTTP API address.")] = "127.0.0.1",
) -> None:
    """Embedded: the Temporal dev server (SQLite in the data dir), a worker and the HTTP API."""
    from bootstrap import run_embedded, stop_on_signals
    from gateway import serve

    settings = settings_for(data_dir=data_dir)
    logs.configure(settings.log_level)
    home = settings.data_dir
    home.mkdir(parents=True, exist_ok=True)
    token_file = None
    if not settings.api_tokens:
        tokens, token_file = serve.ensure_token_file(home)
        settings = settings_for(data_dir=home, api_tokens=tokens)
    ui_origins = (f"http://127.0.0.1:{ui_port}", f"http://localhost:{ui_port}")
    if not set(ui_origins) <= set(settings.codec_cors_origins):  # this UI may call /codec
        origins = tuple(dict.fromkeys([*settings.codec_cors_origins, *ui_origins]))
        settings = settings.model_copy(update={"codec_cors_origins": origins})
    key_file = None
    if settings.master_key is None:
        key_file, _ = ensure_master_key_file(home)
    keyring_for(settings)  # a wrong master key stops here, named
    codec_endpoint = f"http://{_browser_host(api_host)}:{api_port}/codec"

    async def go() -> None:
        stop = stop_on_signals()
        api: list[asyncio.Task[None]] = []

        async def ready(server: Any, client: Any) -> None:
            programmes = ProgrammeClient(client, settings.task_queue)
            app_ = serve.app_for(programmes, settings)
            api.append(asyncio.create_task(serve.serve(app_, api_host, api_port, stop)))
            out.print(
                f"[bold green]parcours is up[/]: Temporal at {server.address}, "
                f"Web UI at {server.ui_url}, API at http://{api_host}:{api_port} "
                f"(docs at /docs), data in {home.resolve()}  (Ctrl-C to stop)",
                highlight=False,
            )
            if token_file is not None:
                out.print(f"API tokens (one per role) are in {token_file}", highlight=False)
            if key_file is not None:
                out.print(
                    f"The master key that encrypts every payload is in {key_file} "
                    "(set PARCOURS_MASTER_KEY to use your own); without it nothing can be read",
                    highlight=False,
                )

        await run_embedded(
            home,
            port=port,
            ui_port=ui_port,
            stop=stop,
            on_ready=ready,
            settings=settings,
            ui_codec_endpoint=codec_endpoint,
        )
        for task in api:
            await task

    try:
        asyncio.run(go())
    except Exception as exc:  # start-up failures: say what and stop, no trace
        fail(str(exc), 3)
    out.print("parcours stopped")


def _browser_host(host: str) -> str:
    """Where a browser on this machine reaches a server listening on ``host``."""
    return "127.0.0.1" if host in ("0.0.0.0", "::", "") else host


@app.command()
def api(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    address: Address = None,
    namespace: Namespace = None,
    data_dir: DataDir = None,
) -> None:
    """The HTTP API alone, for a Temporal you run yourself. Needs PARCOURS_API_TOKENS."""
    from bootstrap import stop_on_signals
    from gateway import serve

    settings = settings_for(address, namespace, data_dir)
    logs.configure(settings.log_level)
    if not settings.api_tokens:
        fail("PARCOURS_API_TOKENS is not set: give role:token pairs, like platform:s3cret", 2)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    keyring = keyring_for(settings)

    async def go() -> None:
        stop = stop_on_signals()
        programmes = await connect(settings, keyring, lazy=True)
        out.print(f"parcours API at http://{host}:{port} (docs at /docs)", highlight=False)
        await serve.serve(serve.app_for(programmes, settings), host, port, stop)

    asyncio.run(go())


@app.command()
def worker(
    address: Address = None,
    namespace: Namespace = None,
    data_dir: DataDir = None,
) -> None:
    """A worker only, for a Temporal you run yourself (TLS and API key from the settings)."""
    from bootstrap import serve_worker, stop_on_signals

    settings = settings_for(address, namespace, data_dir)
    logs.configure(settings.log_level)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    keyring_for(settings)  # a missing or wrong master key stops here, named

    async def go() -> None:
        await serve_worker(settings, stop_on_signals())

    try:
        asyncio.run(go())
    except RuntimeError as exc:
        fail(f"cannot start the worker: {exc}", 3)


# ---------------------------------------------------------------- templates


@templates_app.command("list")
def templates_list(as_json: AsJson = False) -> None:
    """The templates parcours ships."""
    shipped = catalogue.shipped()
    if as_json:
        print_json([{"id": t.id, "version": t.version, "title": t.title} for t in shipped])
        return
    table = Table("id", "version", "title", "stages", "max duration")
    for t in shipped:
        table.add_row(
            t.id, str(t.version), t.title, str(len(t.stages)), format_duration(t.max_duration)
        )
    out.print(table)


@templates_app.command("show")
def templates_show(template: str, as_json: AsJson = False) -> None:
    """One template, by id or path."""
    try:
        found = catalogue.resolve(template)
    except TemplateError as exc:
        fail(str(exc), 2)
    if as_json:
        print_json(found)
        return
    out.print(f"[bold]{found.title}[/] ({found.id} v{found.version})", highlight=False)
    if found.description:
        out.print(found.description.strip())
    limit = format_duration(found.max_duration)
    out.print(f"dimensions: {', '.join(found.dimensions)}; max duration {limit}")
    table = Table("#", "stage", "due", "gate", "sessions", "evaluation")
    for i, stage in enumerate(found.stages, 1):
        gate = stage.gate.model_dump(exclude_defaults=True, mode="json")
        sessions = stage.sessions
        table.add_row(
            str(i),
            f"{stage.key}: {stage.display}",
            format_duration(stage.allowed) if stage.allowed else "—",
            json.dumps(gate),
            f"{sessions.count} every {format_duration(sessions.every)}" if sessions else "",
            stage.evaluation or "",
        )
    out.print(table)


@templates_app.command("validate")
def templates_validate(file: Path) -> None:
    """Check a template file; errors name the field and the rule."""
    try:
        found = catalogue.load_file(file)
    except TemplateError as exc:
        fail(str(exc), 2)
    out.print(f"{file}: valid ({found.id} v{found.version}, {len(found.stages)} stages)")


# ---------------------------------------------------------------- launching


@app.command()
def launch(
    employee: Annotated[str, typer.Option("--employee", help="Employee id.")],
    name: Annotated[str, typer.Option("--name", help="Employee name.")],
    email: Annotated[str, typer.Option("--email", help="Employee email.")],
    template: Annotated[str, typer.Option("--template", help="Template id or YAML path.")],
    coach: Annotated[str | None, typer.Option("--coach")] = None,
    manager: Annotated[str | None, typer.Option("--manager")] = None,
    sponsor: Annotated[str | None, typer.Option("--sponsor")] = None,
    start: Annotated[str | None, typer.Option("--start", help="Start date, YYYY-MM-DD.")] = None,
    cohort: Annotated[str | None, typer.Option("--cohort")] = None,
    address: Address = None,
    namespace: Namespace = None,
    as_json: AsJson = False,
) -> None:
    """Launch a programme; prints its id. The same employee and template twice: the same one."""
    try:
        chosen = catalogue.resolve(template)
    except TemplateError as exc:
        fail(str(exc), 2)
    who = build(Employee, id=employee, name=name, email=email)
    start_date = None
    if start is not None:
        try:
            start_date = date.fromisoformat(start)
        except ValueError:
            fail(f"start: {start!r} is not a date like 2026-12-01", 2)
        if start_date < datetime.now(UTC).date():
            fail(f"start: {start} is in the past", 2)

    async def work(client: ProgrammeClient) -> Any:
        return await client.launch(
            employee=who,
            template=chosen,
            coach_id=coach,
            manager_id=manager,
            sponsor_id=sponsor,
            cohort_id=cohort,
            start_date=start_date,
        )

    launched = run(work, address, namespace)
    if as_json:
        print_json(launched)
    else:
        sys.stdout.write(launched.programme_id + "\n")
        if not launched.created:
            err.print("(already launched: this is the existing programme)")


@app.command("launch-cohort")
def launch_cohort(
    file: Annotated[Path, typer.Argument(help="CSV: employee_id,name,email,coach_id,manager_id")],
    template: Annotated[str, typer.Option("--template", help="Template id or YAML path.")],
    cohort: Annotated[str, typer.Option("--cohort", help="Cohort id.")],
    address: Address = None,
    namespace: Namespace = None,
    as_json: AsJson = False,
) -> None:
    """Launch a whole cohort from a CSV file; re-running it launches nobody twice."""
    from rich.progress import Progress

    from gateway import cohort as cohorts

    try:
        chosen = catalogue.resolve(template)
    except TemplateError as exc:
        fail(str(exc), 2)
    try:
        cohort_id = IDENTIFIER.validate_python(cohort)
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


@app.command("list")
def list_(
    stage: Annotated[str | None, typer.Option("--stage")] = None,
    status: Annotated[str | None, typer.Option("--status")] = None,
    cohort: Annotated[str | None, typer.Option("--cohort")] = None,
    employee: Annotated[str | None, typer.Option("--employee")] = None,
    template: Annotated[str | None, typer.Option("--template")] = None,
    count: Annotated[bool, typer.Option("--count", help="The number per stage.")] = False,
    page_token: Annotated[str | None, typer.Option("--page-token")] = None,
    page_size: Annotated[int, typer.Option("--page-size")] = 20,
    address: Address = None,
    namespace: Namespace = None,
    as_json: AsJson = False,
) -> None:
    """Programmes matching the filters, through the search attributes."""
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
    page = run(lambda c: c.list_programmes(filters, page_token, page_size), address, namespace)
    if as_json:
        print_json(page)
        return
    table = Table("programme", "employee", "status", "stage", "next deadline", "events")
    for view in page.items:
        if isinstance(view, ErasedProgramme):
            table.add_row(
                view.programme_id,
                escape(f"[erased] ({view.employee_id})"),
                view.status or "",
                view.stage or "",
                "",
                "",
            )
            continue
        deadline = f"{view.next_deadline:%Y-%m-%d %H:%M}" if view.next_deadline else ""
        table.add_row(
            view.programme_id,
            view.employee.name,
            view.status,
            view.stage or "",
            deadline,
            str(view.events),
        )
    out.print(table)
    if page.next_page_token:
        out.print(f"more: --page-token {page.next_page_token}", highlight=False)


# ---------------------------------------------------------------- commands


def _show_view(view: ProgrammeView, as_json: bool) -> None:
    if as_json:
        print_json(view)
        return
    out.print(
        f"[bold]{view.programme_id}[/]  {view.employee.name} ({view.employee.id})  "
        f"{view.template_title} v{view.template_version}",
        highlight=False,
    )
    stage = f"{view.stage_number}/{view.stages} {view.stage}" if view.stage else "—"
    out.print(f"status: [bold]{view.status}[/]   stage: {stage}   events: {view.events}")
    if view.stage_due:
        out.print(
            f"stage due: {view.stage_due:%Y-%m-%d %H:%M} UTC"
            + ("  (stalled)" if view.stalled else "")
        )
    if view.next_deadline:
        out.print(f"next deadline: {view.next_deadline:%Y-%m-%d %H:%M:%S} UTC")
    if view.paused:
        until = f" until {view.paused.until:%Y-%m-%d %H:%M}" if view.paused.until else ""
        out.print(f"paused: {view.paused.reason}{until}")
    for missing in view.missing:
        out.print(f"waiting for: {missing}")
    for objective in view.objectives:
        pct = "—" if objective.percent is None else f"{objective.percent}%"
        out.print(f"objective {objective.id} ({objective.horizon}): {objective.text} [{pct}]")
    if view.sessions:
        out.print(
            "sessions: "
            + ", ".join(
                f"{s.number} {s.status}"
                + (f" {s.at:%Y-%m-%d}" if s.at and s.status == "planned" else "")
                for s in view.sessions
            )
        )
    for evaluation in view.evaluations:
        out.print(
            f"evaluation {evaluation.kind}: {evaluation.verdict} {'; '.join(evaluation.reasons)}"
        )
    for rejection in view.rejections:
        out.print(f"[yellow]refused {rejection.type}[/] ({rejection.key}): {rejection.reason}")


def _receipt(receipt: Receipt) -> None:
    if receipt.outcome == "applied":
        out.print(f"applied (key {receipt.key})")
    else:
        out.print(f"sent (key {receipt.key}); no worker has applied it yet")


@app.command()
def objectives(
    programme_id: ProgrammeId,
    short: Annotated[list[str], typer.Option("--short", help="A short-term objective.")],
    long: Annotated[list[str], typer.Option("--long", help="A long-term objective.")],
    key: Key = None,
    address: Address = None,
    namespace: Namespace = None,
    as_json: AsJson = False,
) -> None:
    """Agree the programme's short- and long-term objectives."""
    command = build(AgreeObjectives, short_term=tuple(short), long_term=tuple(long), key=key)
    view = run(lambda c: c.agree_objectives(programme_id, command), address, namespace)
    _show_view(view, as_json)


@app.command()
def feedback(
    programme_id: ProgrammeId,
    role: Annotated[str, typer.Option("--role", help="employee, manager, peer, coach, ...")],
    rater: Annotated[str, typer.Option("--rater", help="Who gives the feedback.")],
    score: Annotated[list[str], typer.Option("--score", help="DIMENSION=1..5, repeatable.")],
    comment: Annotated[str | None, typer.Option("--comment")] = None,
    key: Key = None,
    address: Address = None,
    namespace: Namespace = None,
) -> None:
    """Feedback from one rater on some or all dimensions."""
    scores: dict[str, str] = {}
    for item in score:
        dimension, sep, value = item.partition("=")
        if not sep or not value.strip().lstrip("-").isdigit():
            fail(f"score: {item!r} is not DIMENSION=N (like motivation=4)", 2)
        scores[dimension.strip()] = value.strip()
    command = build(
        GiveFeedback, role=role, rater_id=rater, scores=scores, comment=comment, key=key
    )
    _receipt(run(lambda c: c.give_feedback(programme_id, command), address, namespace))


@app.command()
def session(
    programme_id: ProgrammeId,
    number: Annotated[int, typer.Option("--number", help="Session number on the calendar.")],
    status: Annotated[str, typer.Option("--status", help="held or missed.")],
    notes: Annotated[str | None, typer.Option("--notes")] = None,
    key: Key = None,
    address: Address = None,
    namespace: Namespace = None,
) -> None:
    """Record a session of the calendar as held or missed."""
    command = build(RecordSession, number=number, status=status, notes=notes, key=key)
    _receipt(run(lambda c: c.record_session(programme_id, command), address, namespace))


@app.command()
def progress(
    programme_id: ProgrammeId,
    objective: Annotated[str, typer.Option("--objective", help="Objective id, like S1 or L2.")],
    percent: Annotated[int, typer.Option("--percent", help="0..100.")],
    key: Key = None,
    address: Address = None,
    namespace: Namespace = None,
) -> None:
    """Record progress on an objective."""
    command = build(RecordProgress, objective_id=objective, percent=percent, key=key)
    _receipt(run(lambda c: c.record_progress(programme_id, command), address, namespace))


@app.command()
def pause(
    programme_id: ProgrammeId,
    reason: Annotated[str, typer.Option("--reason")],
    until: Annotated[
        str | None, typer.Option("--until", help="Resume by itself then (date or datetime).")
    ] = None,
    key: Key = None,
    address: Address = None,
    namespace: Namespace = None,
    as_json: AsJson = False,
) -> None:
    """Pause the programme clock (leave, sickness)."""
    command = build(
        Pause, reason=reason, until=parse_when(until, "until") if until else None, key=key
    )
    _show_view(run(lambda c: c.pause(programme_id, command), address, namespace), as_json)


@app.command()
def resume(
    programme_id: ProgrammeId,
    key: Key = None,
    address: Address = None,
    namespace: Namespace = None,
    as_json: AsJson = False,
) -> None:
    """Resume a paused programme."""
    command = build(Resume, key=key)
    _show_view(run(lambda c: c.resume(programme_id, command), address, namespace), as_json)


@app.command()
def withdraw(
    programme_id: ProgrammeId,
    reason: Annotated[str, typer.Option("--reason")],
    key: Key = None,
    address: Address = None,
    namespace: Namespace = None,
    as_json: AsJson = False,
) -> None:
    """Withdraw the employee: a closing evaluation runs, the programme ends."""
    command = build(Withdraw, reason=reason, key=key)
    _show_view(run(lambda c: c.withdraw(programme_id, command), address, namespace), as_json)


@app.command()
def advance(
    programme_id: ProgrammeId,
    reason: Annotated[str, typer.Option("--reason")],
    key: Key = None,
    address: Address = None,
    namespace: Namespace = None,
    as_json: AsJson = False,
) -> None:
    """Close the current stage although its gate is not met (an ops decision)."""
    command = build(AdvanceStage, reason=reason, key=key)
    _show_view(run(lambda c: c.advance_stage(programme_id, command), address, namespace), as_json)


# ---------------------------------------------------------------- reading


@app.command()
def show(
    programme_id: ProgrammeId,
    address: Address = None,
    namespace: Namespace = None,
    as_json: AsJson = False,
) -> None:
    """Where a programme stands."""

    async def work(client: ProgrammeClient) -> ProgrammeView | ErasedProgramme:
        try:
            return await client.view(programme_id)
        except ProgrammeErased as exc:
            return exc.programme

    shown = run(work, address, namespace)
    if isinstance(shown, ErasedProgramme):
        if as_json:
            print_json(shown)
        else:
            out.print(shown.message, highlight=False)
        return
    _show_view(shown, as_json)


@app.command()
def history(
    programme_id: ProgrammeId,
    raw: Annotated[bool, typer.Option("--raw", help="Temporal's own events, decoded.")] = False,
    address: Address = None,
    namespace: Namespace = None,
    as_json: AsJson = False,
) -> None:
    """The programme's timeline, event by event."""
    if raw:
        _raw_history(programme_id, address, namespace, as_json)
        return

    async def work(client: ProgrammeClient) -> list[Any] | tuple[str, list[RawEvent]]:
        try:
            return await client.events(programme_id)
        except ProgrammeErased as exc:
            return exc.programme.message, await client.erased_timeline(programme_id)

    found = run(work, address, namespace)
    if isinstance(found, tuple):
        message, rows = found
        if as_json:
            print_json({"erased": True, "message": message, "timeline": _rows_json(rows)})
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
    for event in events:
        out.print(
            f"{event.seq:>4}  {event.at:%Y-%m-%d %H:%M:%S}  {timeline.span(event.clock):>10}  "
            f"[bold]{event.type:<22}[/] {timeline.summary(event)}",
            highlight=False,
        )


def _raw_history(
    programme_id: str, address: str | None, namespace: str | None, as_json: bool
) -> None:
    rows = run(lambda c: c.raw_history(programme_id), address, namespace)
    if as_json:
        print_json(_rows_json(rows))
        return
    _print_rows(rows)


def _rows_json(rows: list[RawEvent]) -> list[dict[str, Any]]:
    return [r.model_dump(mode="json") for r in rows]


def _print_rows(rows: list[RawEvent]) -> None:
    table = Table("run", "id", "time (UTC)", "event", "what")
    for row in rows:
        table.add_row(
            str(row.run),
            str(row.id),
            f"{row.time:%Y-%m-%d %H:%M:%S}",
            row.type,
            escape(row.summary),  # payloads are data, not markup: "[erased]" stays
        )
    out.print(table)


# ---------------------------------------------------------------- personal data


@app.command()
def erase(
    employee: Annotated[str, typer.Argument(help="The employee id whose data to erase.")],
    reason: Annotated[
        str | None, typer.Option("--reason", help="Why [default: personal data erased].")
    ] = None,
    address: Address = None,
    namespace: Namespace = None,
    as_json: AsJson = False,
) -> None:
    """Erase an employee's personal data: end their programmes, destroy their data key.

    Running programmes are withdrawn first; then nothing of theirs can be read again.
    """
    erasure = run(lambda c: c.erase(employee, reason), address, namespace)
    if as_json:
        print_json(erasure)
        return
    for ended in erasure.programmes:
        out.print(f"{ended.programme_id}: {ended.action}", highlight=False)
    done = "was already erased" if erasure.already_erased else "is erased: data key destroyed"
    out.print(f"employee {erasure.employee_id}'s personal data {done}", highlight=False)
