"""Running parcours: everything embedded (``up``), the API alone, a worker alone."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Annotated

import typer

from gateway.cli.shell import (
    Address,
    DataDir,
    Namespace,
    app,
    connect,
    fail,
    keyring_for,
    out,
    settings_for,
)

if TYPE_CHECKING:
    from gateway.services import Started


@app.command()
def up(
    data_dir: DataDir = None,
    port: Annotated[int, typer.Option(help="Temporal frontend port.")] = 7233,
    ui_port: Annotated[int, typer.Option(help="Temporal Web UI port.")] = 8233,
    api_port: Annotated[int, typer.Option(help="HTTP API port.")] = 8000,
    api_host: Annotated[str, typer.Option(help="HTTP API address.")] = "127.0.0.1",
) -> None:
    """Embedded: the Temporal dev server (SQLite in the data dir), a worker and the HTTP API."""
    from adapters.observability import logs
    from bootstrap.worker import stop_on_signals
    from config import SettingsError
    from gateway import services

    settings = settings_for(data_dir=data_dir)
    logs.configure(settings.log_level)
    try:
        embedded = services.prepare_up(
            settings, ui_port=ui_port, api_host=api_host, api_port=api_port
        )
    except SettingsError as exc:
        fail(str(exc), 2)
    keyring_for(embedded.settings)  # a wrong master key stops here, named

    async def go() -> None:
        await services.run_up(
            embedded,
            port=port,
            ui_port=ui_port,
            api_host=api_host,
            api_port=api_port,
            stop=stop_on_signals(),
            on_ready=_say_up,
        )

    try:
        asyncio.run(go())
    except Exception as exc:  # start-up failures: say what and stop, no trace
        fail(str(exc), 3)
    out.print("parcours stopped")


def _say_up(started: Started) -> None:
    from gateway.addresses import export_line

    found, embedded = started.addresses, started.embedded
    out.print(
        f"[bold green]parcours is up[/]: Temporal at {found.temporal_address}, "
        f"Web UI at {found.ui_url}, API at {found.api_url} "
        f"(docs at /docs), data in {embedded.home.resolve()}  (Ctrl-C to stop)",
        highlight=False,
    )
    out.print(
        f"CLI commands run from here find it (addresses in {started.addresses_file}); "
        f"elsewhere, or for other tools: {export_line(found, embedded.home)}",
        highlight=False,
    )
    if embedded.codec_endpoint is None:
        out.print(
            f"The Web UI shows payloads encrypted: the API listens on {found.api_url}, and "
            "its codec door for the UI answers loopback only (--api-host 127.0.0.1)",
            highlight=False,
        )
    if embedded.token_file is not None:
        out.print(f"API tokens (one per role) are in {embedded.token_file}", highlight=False)
    if embedded.key_file is not None:
        out.print(
            f"The master key that encrypts every payload is in {embedded.key_file} "
            "(set PARCOURS_MASTER_KEY to use your own); without it nothing can be read",
            highlight=False,
        )


@app.command()
def api(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    address: Address = None,
    namespace: Namespace = None,
    data_dir: DataDir = None,
) -> None:
    """The HTTP API alone, for a Temporal you run yourself. Needs PARCOURS_API_TOKENS."""
    from adapters.observability import logs
    from adapters.stores.private import private_dir
    from bootstrap.worker import stop_on_signals
    from gateway.services import run_api

    settings = settings_for(address, namespace, data_dir)
    logs.configure(settings.log_level)
    if not settings.api_tokens:
        fail("PARCOURS_API_TOKENS is not set: give role:token pairs, like platform:s3cret", 2)
    private_dir(settings.data_dir)
    keyring = keyring_for(settings)

    async def go() -> None:
        stop = stop_on_signals()
        programmes = await connect(settings, keyring, lazy=True, metrics=True)
        out.print(f"parcours API at http://{host}:{port} (docs at /docs)", highlight=False)
        await run_api(programmes, settings, host, port, stop)

    asyncio.run(go())


@app.command()
def worker(
    address: Address = None,
    namespace: Namespace = None,
    data_dir: DataDir = None,
) -> None:
    """A worker only, for a Temporal you run yourself (TLS and API key from the settings)."""
    from adapters.observability import logs
    from adapters.stores.private import private_dir
    from bootstrap.worker import serve_worker, stop_on_signals

    settings = settings_for(address, namespace, data_dir)
    logs.configure(settings.log_level)
    private_dir(settings.data_dir)
    keyring_for(settings)  # a missing or wrong master key stops here, named

    async def go() -> None:
        await serve_worker(settings, stop_on_signals())

    try:
        asyncio.run(go())
    except RuntimeError as exc:
        fail(f"cannot start the worker: {exc}", 3)
