"""Running parcours: everything embedded (``up``), the API alone, a worker alone."""

from __future__ import annotations

import asyncio
import ipaddress
import secrets
from typing import Annotated, Any

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
    from adapters.payloads.keyring import ensure_master_key_file
    from adapters.stores.private import private_dir
    from bootstrap import run_embedded, stop_on_signals
    from gateway.client import ProgrammeClient
    from gateway.http import serve

    settings = settings_for(data_dir=data_dir)
    logs.configure(settings.log_level)
    home = private_dir(settings.data_dir)  # 0700, and whatever is made in it 0600
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
    # The dev server's UI has no sign-in, so it sends no token: it gets a door of its own,
    # on loopback only, at a path this start makes up (gateway.http.codec).
    codec_secret = secrets.token_urlsafe(32)
    browser_host = _browser_host(api_host)
    codec_endpoint: str | None = f"http://{browser_host}:{api_port}/codec/local/{codec_secret}"
    if not _loopback(browser_host):
        codec_endpoint = None  # the local door answers loopback clients only

    async def go() -> None:
        stop = stop_on_signals()
        api: list[asyncio.Task[None]] = []

        async def ready(server: Any, client: Any) -> None:
            from adapters.payloads.encryption import keyring_of
            from bootstrap import people_directory, programme_archive

            keys = keyring_of(client.data_converter)
            people = people_directory(settings, keys) if keys is not None else None
            kept = programme_archive(settings, keys) if keys is not None else None
            programmes = ProgrammeClient(client, settings.task_queue, people=people, archive=kept)
            app_ = serve.app_for(programmes, settings, codec_secret=codec_secret)
            api.append(asyncio.create_task(serve.serve(app_, api_host, api_port, stop)))
            out.print(
                f"[bold green]parcours is up[/]: Temporal at {server.address}, "
                f"Web UI at {server.ui_url}, API at http://{api_host}:{api_port} "
                f"(docs at /docs), data in {home.resolve()}  (Ctrl-C to stop)",
                highlight=False,
            )
            if codec_endpoint is None:
                out.print(
                    f"The Web UI shows payloads encrypted: the API listens on {api_host}, and "
                    "its codec door for the UI answers loopback only (--api-host 127.0.0.1)",
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


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


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
    from bootstrap import stop_on_signals
    from gateway.http import serve

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
        await serve.serve(serve.app_for(programmes, settings), host, port, stop)

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
    from bootstrap import serve_worker, stop_on_signals

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
