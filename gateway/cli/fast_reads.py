"""``parcours show ID --json`` and ``parcours list`` without typer, pydantic or the models.

A command that reads a programme pays for importing the Temporal client; the typer app,
pydantic-settings and the domain's models would more than double that. So
``gateway.cli.main`` first asks ``answer`` here, which serves these two commands with
the Temporal client, the key store and the payload codec alone, and prints the views'
JSON as the worker wrote it, or ``list``'s rows from the listing alone
(``gateway.client.listed``); everything else (and every doubt) goes to the typer app.

It answers only when it answers exactly as the full command would, byte for byte:

- the command line is ``show ID --json`` or ``list`` with ``--stage``, ``--status``,
  ``--cohort``, ``--employee``, ``--template``, ``--page-token``, ``--page-size``,
  ``--json`` (and ``--address``, ``--namespace``), with values it can vouch for;
- the settings are those it can read without ``config.Settings``: among the variables
  the settings read (``SETTINGS``), only ``SERVED_SETTINGS`` are set (so no settings
  file, TLS, API key, database, tracing...), each valid as it is;
- no programme read is an erased employee's, every RPC succeeds (an unknown id, a
  programme past Temporal's retention, no worker answering: all the full command's);
- every view has the fields the models have (``VIEW_FIELDS``), in their order, so one
  answered by a worker on other code is never printed as it came, and its JSON prints
  back as it came (``gateway.cli.read_checks``).

Otherwise ``answer`` returns None before printing anything, and the typer app runs the
command from the start: one behaviour, one set of error messages. The cost of a doubt is
the time the fast path spent (for a programme no worker answers, ``QUERY_WAIT`` twice).
Unlike the full command, it does not make the people directory and the archive's files
in the data dir (``show --json`` and ``list`` read neither).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gateway.cli.read_checks import Declined, check_shape, exact

if TYPE_CHECKING:
    from temporalio.client import Client, WorkflowExecution

    from adapters.payloads.keyring import Keyring

SERVED_SETTINGS = (
    "TEMPORAL_ADDRESS",
    "TEMPORAL_NAMESPACE",
    "PARCOURS_DATA_DIR",
    "PARCOURS_MASTER_KEY",
    "PARCOURS_MASTER_KEY_FILE",
)
"""The settings the read path reads itself; any other one set sends the command to the
full path, which validates them all."""
SETTINGS = (
    "PARCOURS_API_TOKENS",
    "PARCOURS_ARCHIVE_RETENTION",
    "PARCOURS_BUILD_ID",
    "PARCOURS_CODEC_CORS_ORIGINS",
    "PARCOURS_DATABASE_URL",
    "PARCOURS_DATA_DIR",
    "PARCOURS_IDEMPOTENCY_TTL",
    "PARCOURS_LOG_LEVEL",
    "PARCOURS_MAKE_CURRENT",
    "PARCOURS_MASTER_KEY",
    "PARCOURS_MASTER_KEY_FILE",
    "PARCOURS_MAX_BODY_BYTES",
    "PARCOURS_METRICS_HOST",
    "PARCOURS_METRICS_PORT",
    "PARCOURS_MOVE_PINNED",
    "PARCOURS_NOTIFIERS",
    "PARCOURS_OTLP_ENDPOINT",
    "PARCOURS_PROGRAMME_RATE_LIMIT",
    "PARCOURS_PUBLIC_URL",
    "PARCOURS_RATE_LIMIT",
    "PARCOURS_SETTINGS_FILE",
    "PARCOURS_SHUTDOWN_GRACE",
    "PARCOURS_SMTP_CA_FILE",
    "PARCOURS_SMTP_FROM",
    "PARCOURS_SMTP_HOST",
    "PARCOURS_SMTP_PASSWORD",
    "PARCOURS_SMTP_PORT",
    "PARCOURS_SMTP_TIMEOUT",
    "PARCOURS_SMTP_TLS",
    "PARCOURS_SMTP_USER",
    "PARCOURS_TASK_QUEUE",
    "PARCOURS_TEMPLATES_DIR",
    "PARCOURS_WEBHOOK_SECRET",
    "PARCOURS_WEBHOOK_TIMEOUT",
    "PARCOURS_WEBHOOK_URL",
    "PARCOURS_WORKER_VERSIONING",
    "TEMPORAL_ADDRESS",
    "TEMPORAL_API_KEY",
    "TEMPORAL_NAMESPACE",
    "TEMPORAL_TLS",
    "TEMPORAL_TLS_CA",
    "TEMPORAL_TLS_CERT",
    "TEMPORAL_TLS_KEY",
    "TEMPORAL_TLS_SERVER_NAME",
)
"""Every variable ``config.Settings`` reads, and the settings file's: one set that is not
in ``SERVED_SETTINGS`` sends the command to the full path. Any other variable (one parcours
reads elsewhere, a test's) the settings ignore, and so does the read path."""
STATUSES = ("scheduled", "running", "paused", "completed", "withdrawn", "lapsed")
"""``domain.state.Status``, as ``--status`` takes it."""
WORKFLOW_NAME = "Programme"
"""``workflows.messages.WORKFLOW_NAME``."""
FILTERS = (
    ("--stage", "ProgrammeStage"),
    ("--status", "ProgrammeStatus"),
    ("--cohort", "CohortId"),
    ("--employee", "EmployeeId"),
    ("--template", "TemplateId"),
)
"""``list``'s filters and their search attributes, in ``Filters.query``'s order."""
LIST_OPTIONS = (*(option for option, _ in FILTERS), "--page-token", "--page-size")
CONNECTION_OPTIONS = ("--address", "--namespace")
MAX_PAGE = 1000
"""The largest ``--page-size`` served here; a larger one (Temporal's to judge) goes on."""
_VALUE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")
"""``domain.ids.IDENTIFIER_PATTERN``, what a filter's value must be."""
_PROGRAMME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,128}")
_TOKEN = re.compile(r"[A-Za-z0-9_=-]{1,4096}")
_PORT = re.compile(r"[0-9]{1,5}")


@dataclass(frozen=True)
class Reading:
    """A command line the read path serves."""

    command: str
    """``show`` or ``list``."""
    as_json: bool
    programme_id: str = ""
    filters: tuple[tuple[str, str], ...] = ()
    """(search attribute, value), in ``Filters.query``'s order."""
    page_token: str | None = None
    page_size: int = 20
    address: str | None = None
    namespace: str | None = None


@dataclass(frozen=True)
class Where:
    """What the settings say the read path needs: Temporal, and the key store."""

    address: str
    namespace: str
    data_dir: Path
    master_key: str | None
    master_key_file: Path | None


def answer(args: Sequence[str]) -> int | None:
    """Serve ``args`` (``sys.argv[1:]``) and return the exit code; None when the full
    command must (nothing was printed then)."""
    reading = parse(args)
    if reading is None:
        return None
    try:
        where = settings(reading, os.environ)
        import asyncio

        printed = asyncio.run(_read(reading, where))
    except Exception:  # Declined, or whatever failed: the full command says it
        return None
    _write(printed, reading)
    return 0


def parse(args: Sequence[str]) -> Reading | None:
    """The command line, when it is one served here; None for anything else."""
    if not args or args[0] not in ("show", "list"):
        return None
    command, rest = args[0], list(args[1:])
    known = CONNECTION_OPTIONS + (LIST_OPTIONS if command == "list" else ())
    values: dict[str, str] = {}
    positional: list[str] = []
    as_json = False
    while rest:
        arg = rest.pop(0)
        if arg == "--json":
            as_json = True
            continue
        name, equals, value = arg.partition("=")
        if name in known:
            if not equals:
                if not rest:
                    return None
                value = rest.pop(0)
            if not value or value.startswith("-"):
                return None
            values[name] = value  # click keeps the last of a repeated option
            continue
        if arg.startswith("-"):
            return None  # --help, --count, --closed, an unknown or mistyped option
        positional.append(arg)
    if command == "show":
        if not as_json or len(positional) != 1 or not _PROGRAMME.fullmatch(positional[0]):
            return None  # a view as text needs the people directory and the models
        return Reading(
            "show",
            True,
            programme_id=positional[0],
            address=values.get("--address"),
            namespace=values.get("--namespace"),
        )
    if positional:
        return None
    filters = []
    for option, attribute in FILTERS:
        given = values.get(option)
        if given is None:
            continue
        if not _VALUE.fullmatch(given) or (option == "--status" and given not in STATUSES):
            return None
        filters.append((attribute, given))
    token = values.get("--page-token")
    if token is not None and not _TOKEN.fullmatch(token):
        return None
    size = values.get("--page-size", "20")
    if not size.isascii() or not size.isdigit() or not 1 <= int(size) <= MAX_PAGE:
        return None
    return Reading(
        "list",
        as_json,
        filters=tuple(filters),
        page_token=token,
        page_size=int(size),
        address=values.get("--address"),
        namespace=values.get("--namespace"),
    )


def settings(reading: Reading, environ: dict[str, str] | os._Environ[str]) -> Where:
    """Where Temporal and the key store are, as ``gateway.cli.shell.settings_for`` would
    say; ``Declined`` for anything it cannot say as exactly."""
    found: dict[str, str] = {}
    for name, value in environ.items():
        upper = name.upper()
        if not upper.startswith(("PARCOURS_", "TEMPORAL_")) or not value:
            continue  # pydantic-settings: names in any case, an empty value is unset
        if upper not in SETTINGS:
            continue
        if upper not in SERVED_SETTINGS or upper in found:
            raise Declined(upper)
        found[upper] = value
    data_dir = Path(found.get("PARCOURS_DATA_DIR", ".parcours"))
    if data_dir.exists() and not data_dir.is_dir():
        raise Declined("PARCOURS_DATA_DIR")
    address = reading.address or found.get("TEMPORAL_ADDRESS")
    namespace = reading.namespace or found.get("TEMPORAL_NAMESPACE")
    if address is None:  # the parcours up running on the data dir, if one is
        from gateway import addresses

        running = addresses.read(data_dir)
        if running is not None:
            address = running.temporal_address
            namespace = namespace or running.namespace
    target = address or "localhost:7233"
    space = namespace or "default"
    if not _host_port(target) or not space.strip() or space != space.strip():
        raise Declined("TEMPORAL_ADDRESS")
    key_file = found.get("PARCOURS_MASTER_KEY_FILE")
    return Where(
        target,
        space,
        data_dir,
        found.get("PARCOURS_MASTER_KEY"),
        Path(key_file) if key_file is not None else None,
    )


def _host_port(value: str) -> bool:
    """``config.values.HostPort`` takes it, as it is."""
    host, sep, port = value.rpartition(":")
    return bool(sep and host) and _PORT.fullmatch(port) is not None and 1 <= int(port) <= 65535


def keyring(where: Where) -> Keyring:
    """The key store, opened as ``bootstrap.keys.open_keyring`` opens it."""
    from adapters.payloads.keyring import KEYS_FILE, Keyring
    from adapters.payloads.master_key import MASTER_KEY_ENV, MASTER_KEY_FILE, parse_master_key
    from adapters.stores.keys import SqliteKeyStore
    from adapters.stores.private import private_dir

    folder = private_dir(where.data_dir)
    if where.master_key is not None:
        master = parse_master_key(where.master_key)
    else:
        path = where.master_key_file or folder / MASTER_KEY_FILE
        if not path.is_file():
            raise Declined(MASTER_KEY_ENV)
        master = parse_master_key(path.read_text(), f"{MASTER_KEY_ENV} (from {path})")
    return Keyring(SqliteKeyStore(folder / KEYS_FILE), master)


@dataclass(frozen=True)
class Printed:
    """What the command prints: JSON text, or the rows of ``list`` and its next page."""

    text: str = ""
    rows: tuple[tuple[str, str, str, str, str], ...] = ()
    next_page_token: str | None = None


async def _read(reading: Reading, where: Where) -> Printed:
    from adapters.payloads.compression import RawPayloadConverter
    from adapters.temporal.connection import Connection, connect

    keys = keyring(where)
    client = await connect(
        Connection(target_host=where.address, namespace=where.namespace, tls=False),
        keys,
        payload_converter_class=RawPayloadConverter,
    )
    if reading.command == "show":
        _refuse_erased(keys, reading.programme_id, None)
        view = await _view(client, reading.programme_id)
        return Printed(text=json.dumps(view, indent=2, ensure_ascii=False))
    return await _list(client, keys, reading)


def _refuse_erased(keys: Keyring, programme_id: str, employee_id: str | None) -> None:
    from domain.programme_ids import employee_of

    employee_id = employee_id or employee_of(programme_id)
    if employee_id is not None and keys.is_erased(employee_id):
        raise Declined("erased")  # what is left of it is the full command's to say


async def _view(client: Client, programme_id: str) -> Any:
    """The programme's view as the worker answered it, parsed, when exactly printable."""
    from gateway.client.waits import QUERY_WAIT

    text = await client.get_workflow_handle(programme_id).query("view", rpc_timeout=QUERY_WAIT)
    if not isinstance(text, str):
        raise Declined("not JSON")
    view = exact(text)
    check_shape(view)
    return view


def query(filters: Sequence[tuple[str, str]]) -> str:
    """The visibility query of ``gateway.client.models.Filters.query``."""
    clauses = [f"WorkflowType = '{WORKFLOW_NAME}'"]
    clauses += [f"{attribute} = '{value}'" for attribute, value in filters]
    return " AND ".join(clauses)


async def _list(client: Client, keys: Keyring, reading: Reading) -> Printed:
    """``gateway.client.listings``: the views as their JSON, or the rows from the listing
    alone (``list_rows``)."""
    import asyncio

    from gateway.client import pages
    from workflows import search_attributes as sa

    where = query(reading.filters)
    key = pages.key_for(client)
    token = pages.verify(key, "", where, reading.page_token) if reading.page_token else None
    listing = client.list_workflows(where, page_size=reading.page_size, next_page_token=token)
    await listing.fetch_next_page()
    executions = list(listing.current_page or [])
    for execution in executions:
        employee = execution.typed_search_attributes.get(sa.EMPLOYEE_ID)
        _refuse_erased(keys, execution.id, employee)
    gate = asyncio.Semaphore(10)

    async def view(programme_id: str) -> Any:
        async with gate:
            return await _view(client, programme_id)

    following = listing.next_page_token
    signed = pages.sign(key, "", where, following) if following else None
    if reading.as_json:
        views = await asyncio.gather(*(view(e.id) for e in executions))
        page = {"items": views, "next_page_token": signed}
        return Printed(text=json.dumps(page, indent=2, ensure_ascii=False))

    async def row(execution: WorkflowExecution) -> tuple[str, str, str, str, str]:
        from gateway.cli.programme_rows import programme_row
        from gateway.client.listed import listed, stage_of, status_of

        found = await listed(execution)
        if found is not None:
            name, locale, zone = found.name, found.locale, found.time_zone
        else:  # launched before the listing memo: its view says
            employee = (await view(execution.id))["employee"]
            name, locale, zone = employee["name"], employee["locale"], employee["time_zone"]
        return programme_row(
            execution.id,
            name,
            status_of(execution),
            stage_of(execution),
            execution.start_time,
            locale,
            zone,
        )

    rows = await asyncio.gather(*(row(e) for e in executions))
    return Printed(rows=tuple(rows), next_page_token=signed)


def _write(printed: Printed, reading: Reading) -> None:
    """Print as the full command prints (``print_json``, ``out.print``)."""
    import sys

    if reading.command == "show" or reading.as_json:
        sys.stdout.write(printed.text + "\n")
        return
    from gateway.cli.programme_rows import rows_text, terminal_width

    sys.stdout.write(rows_text(printed.rows, terminal_width()))
    if printed.next_page_token:
        sys.stdout.write(f"more: --page-token {printed.next_page_token}\n")
