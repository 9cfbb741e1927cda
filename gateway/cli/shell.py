"""What every command shares: the app, the options, settings, connecting, failing.

Exit codes: 0 done; 1 refused by the programme (the reason on stderr); 2 malformed
input (the field and the rule on stderr); 3 Temporal unavailable; 4 not found.

The CLI starts fast: ``parcours --help`` and a mistyped option import typer, rich and
the standard library, nothing else. So every module of ``gateway.cli`` imports at its
top only those and the option types of this module; the domain, pydantic, the client
and temporalio are imported inside the commands that use them
(``tests/unit/test_cli_imports.py`` keeps it so).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Coroutine
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer

from gateway.cli.printable import console

if TYPE_CHECKING:
    from adapters.payloads.keyring import Keyring
    from config import Settings
    from gateway.client import ProgrammeClient

T = TypeVar("T")

app = typer.Typer(
    name="parcours",
    help="Coaching and development programmes as durable workflows on Temporal.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
templates_app = typer.Typer(help="Programme templates: list, show, validate.", no_args_is_help=True)
app.add_typer(templates_app, name="templates")

out = console(soft_wrap=True)
err = console(stderr=True, soft_wrap=True)

Address = Annotated[
    str | None,
    typer.Option(
        "--address",
        help=(
            "Temporal frontend host:port (default: TEMPORAL_ADDRESS, else the address of the "
            "parcours up running on the data dir, else localhost:7233)."
        ),
    ),
]
Namespace = Annotated[
    str | None,
    typer.Option(
        "--namespace", help="Temporal namespace (default: TEMPORAL_NAMESPACE, else default)."
    ),
]
DataDir = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        help="Where parcours keeps its files (default: PARCOURS_DATA_DIR, else .parcours).",
    ),
]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
Key = Annotated[
    str | None, typer.Option("--key", help="Idempotency key: the same key is applied once.")
]
ProgrammeId = Annotated[str, typer.Argument(help="The programme id (printed by launch).")]


def fail(message: str, code: int) -> NoReturn:
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code)


def build(model: type[T], **fields: Any) -> T:
    """Build a command; a malformed one names the field and the rule, exit 2."""
    from pydantic import ValidationError

    from domain.template_parsing import describe_errors

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
    """The settings (environment, settings file), with the options given on the command line.

    With no Temporal address given anywhere, the one of the ``parcours up`` running on the
    data dir (``gateway.addresses``), if one is: ``up`` on other ports needs no export."""
    from config import SettingsError
    from config.loading import load_settings
    from gateway import addresses

    given = {"temporal_address": address, "temporal_namespace": namespace, "data_dir": data_dir}
    overrides = {name: value for name, value in {**given, **more}.items() if value is not None}
    try:
        settings = load_settings(**overrides)
        if "temporal_address" in settings.model_fields_set:
            return settings
        running = addresses.read(settings.data_dir)
        if running is None:
            return settings
    except SettingsError as exc:
        fail(str(exc), 2)
    overrides["temporal_address"] = running.temporal_address
    if "temporal_namespace" not in settings.model_fields_set:
        overrides["temporal_namespace"] = running.namespace
    try:
        return load_settings(**overrides)
    except SettingsError as exc:
        where = settings.data_dir / addresses.ADDRESSES_FILE
        fail(f"{where} (written by parcours up): {exc}", 2)


def keyring_for(settings: Settings) -> Keyring:
    """The key store in the data dir, opened with the master key; exit 2 naming
    PARCOURS_MASTER_KEY when it is missing or wrong."""
    from bootstrap.keys import open_keyring
    from config import SettingsError

    try:
        return open_keyring(settings)
    except SettingsError as exc:
        fail(str(exc), 2)


async def connect(
    settings: Settings,
    keyring: Keyring,
    *,
    lazy: bool = False,
    metrics: bool = False,
    key_scope: str | None = None,
) -> ProgrammeClient:
    """A client as the CLI and the API need it, through ``bootstrap.temporal.connect``: TLS or API
    key and tracing from the settings, payloads sealed with the keys of ``keyring``.

    ``metrics`` serves the settings' Prometheus endpoint: for a service (the API), never
    for a command that lives a second and would take the worker's port. ``key_scope``
    scopes the keys its commands carry (``gateway.client.keys``): the CLI's own; the API
    scopes each caller's itself."""
    from adapters.temporal.connection import TemporalUnreachable
    from bootstrap.stores import people_directory, programme_archive
    from bootstrap.temporal import connect as connect_to
    from gateway.client import ProgrammeClient, TemporalUnavailable

    try:
        client = await connect_to(settings, keyring=keyring, lazy=lazy, metrics=metrics)
    except TemporalUnreachable as exc:
        raise TemporalUnavailable(str(exc)) from exc
    return ProgrammeClient(
        client,
        settings.task_queue,
        people=people_directory(settings, keyring),
        archive=programme_archive(settings, keyring),
        key_scope=key_scope,
    )


def run(
    work: Callable[[ProgrammeClient], Coroutine[Any, Any, T]],
    address: str | None,
    namespace: str | None,
) -> T:
    import asyncio

    from gateway.client import (
        CommandRefused,
        InvalidRequest,
        ParcoursError,
        ProgrammeNotFound,
        TemporalUnavailable,
    )
    from gateway.client.keys import CLI_SCOPE

    settings = settings_for(address, namespace)
    keyring = keyring_for(settings)

    async def go() -> T:
        # The CLI's keys are its own: an API caller's same key is another request.
        return await work(await connect(settings, keyring, key_scope=CLI_SCOPE))

    try:
        return asyncio.run(go())
    except CommandRefused as exc:
        fail(str(exc), 1)
    except InvalidRequest as exc:
        fail(str(exc), 2)
    except ProgrammeNotFound as exc:
        fail(str(exc), 4)
    except TemporalUnavailable as exc:
        fail(f"{exc} (is `parcours up` running? retry later)", 3)
    except ParcoursError as exc:
        fail(str(exc), 1)


def print_json(value: Any) -> None:
    if hasattr(value, "model_dump_json"):  # a pydantic model
        text = value.model_dump_json(indent=2)
    else:
        text = json.dumps(value, indent=2, default=str)
    sys.stdout.write(text + "\n")


def parse_local(text: str, field: str, time_zone: str) -> datetime:
    """A date (its midnight) or an ISO 8601 datetime, read in the programme's
    ``time_zone`` unless it says its own offset: ``2027-01-15`` for a Paris programme
    is midnight in Paris."""
    from adapters.language.zones import zone_of

    where = zone_of(time_zone)
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), datetime.min.time(), tzinfo=where)
        value = datetime.fromisoformat(text)
    except ValueError:
        fail(
            f"{field}: {text!r} is not a date (2026-12-01) or a date and time (2026-12-01T09:00)", 2
        )
    if value.tzinfo is None:
        # a wall time that does not exist (the hour skipped in spring) reads as after it
        value = value.replace(tzinfo=where).astimezone(UTC).astimezone(where)
    return value


def zone_of_programme(programme_id: str, address: str | None, namespace: str | None) -> str:
    """The programme's time zone, from its view."""
    view = run(lambda c: c.view(programme_id), address, namespace)
    return str(view.time_zone)


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
