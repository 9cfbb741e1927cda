"""The long-running services the shells start: everything embedded (``up``), the HTTP
API alone (``api``). The worker alone is ``bootstrap.worker.serve_worker``.

The CLI reads the options and says what runs; what runs, and how it is put together
(the dev server, the worker, the API on one event loop, the API's tokens, the Web UI's
codec door, the addresses ``up`` leaves in its data dir), is here, beside the HTTP
side it starts, so no CLI module imports ``gateway.http``.
"""

from __future__ import annotations

import asyncio
import ipaddress
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from adapters.payloads.encryption import keyring_of
from adapters.payloads.master_key import ensure_master_key_file
from adapters.stores.private import private_dir
from bootstrap.stores import people_directory, programme_archive
from bootstrap.worker import run_embedded
from config import Settings
from config.loading import load_settings
from gateway import addresses
from gateway.addresses import Addresses
from gateway.client import ProgrammeClient
from gateway.http import serve
from gateway.http.ui_proxy import read_only_ui

if TYPE_CHECKING:
    from temporalio.client import Client

    from adapters.temporal.dev_server import DevServer


UI_HOST = "127.0.0.1"
"""Where ``up``'s Web UI listens, and the dev server's own UI behind it."""
UI_PORT_TRIES = 3
"""Free ports tried for the dev server's own UI: another process can take the one found
free before the server binds it."""


@dataclass(frozen=True)
class Embedded:
    """``up``'s settings, once its data dir has what it needs."""

    settings: Settings
    home: Path
    token_file: Path | None
    """Where the API tokens ``up`` made are, when none were configured."""
    key_file: Path | None
    """Where the master key ``up`` made is, when none was configured."""
    codec_secret: str
    codec_endpoint: str | None
    """The Web UI's codec door on the API; None when the API is not on loopback."""


@dataclass(frozen=True)
class Started:
    """What ``up`` serves, once everything answers."""

    addresses: Addresses
    addresses_file: Path
    embedded: Embedded


def prepare_up(settings: Settings, *, ui_port: int, api_host: str, api_port: int) -> Embedded:
    """The data dir made private, API tokens and a master key made there unless
    configured, the Web UI's origins allowed to call ``/codec``. Raises
    ``SettingsError`` naming what is wrong."""
    home = private_dir(settings.data_dir)  # 0700, and whatever is made in it 0600
    token_file = None
    if not settings.api_tokens:
        tokens, token_file = serve.ensure_token_file(home)
        settings = load_settings(data_dir=home, api_tokens=tokens)
    ui_origins = (f"http://127.0.0.1:{ui_port}", f"http://localhost:{ui_port}")
    if not set(ui_origins) <= set(settings.codec_cors_origins):  # this UI may call /codec
        origins = tuple(dict.fromkeys([*settings.codec_cors_origins, *ui_origins]))
        settings = settings.model_copy(update={"codec_cors_origins": origins})
    key_file = None
    if settings.master_key is None:
        key_file, _ = ensure_master_key_file(home)
    # The dev server's UI has no sign-in, so it sends no token: it gets a door of its own,
    # on loopback only, at a path this start makes up (gateway.http.codec).
    codec_secret = secrets.token_urlsafe(32)
    host = browser_host(api_host)
    endpoint: str | None = f"http://{host}:{api_port}/codec/local/{codec_secret}"
    if not loopback(host):
        endpoint = None  # the local door answers loopback clients only
    return Embedded(settings, home, token_file, key_file, codec_secret, endpoint)


async def run_up(
    embedded: Embedded,
    *,
    port: int,
    ui_port: int,
    api_host: str,
    api_port: int,
    stop: asyncio.Event,
    on_ready: Callable[[Started], None],
) -> None:
    """The dev server, a worker, the API and the read-only Web UI until ``stop`` is set;
    ``on_ready`` once all answer, after their addresses are in the data dir (removed again
    on the way out).

    The dev server's own UI answers on a free loopback port; people open ``ui_port``,
    where ``gateway.http.ui_proxy`` passes reads only (its UI has no sign-in, and no
    setting of ``temporal server start-dev`` turns its write actions off)."""
    from adapters.temporal.dev_server import DevServerError, free_port, port_in_use

    settings = embedded.settings
    api: list[asyncio.Task[None]] = []
    if port_in_use(UI_HOST, ui_port):
        raise DevServerError(
            f"cannot start the Web UI: port {ui_port} on {UI_HOST} already in use "
            "(another `parcours up` or Temporal server?)"
        )
    inner_ui_port = free_port(UI_HOST)

    async def ready(server: DevServer, client: Client) -> None:
        keys = keyring_of(client.data_converter)
        people = people_directory(settings, keys) if keys is not None else None
        kept = programme_archive(settings, keys) if keys is not None else None
        programmes = ProgrammeClient(client, settings.task_queue, people=people, archive=kept)
        app = serve.app_for(programmes, settings, codec_secret=embedded.codec_secret)
        ui = read_only_ui(f"http://{UI_HOST}:{inner_ui_port}")
        listening = [asyncio.Event(), asyncio.Event()]
        api.append(asyncio.create_task(serve.serve(app, api_host, api_port, stop, listening[0])))
        api.append(asyncio.create_task(serve.serve(ui, UI_HOST, ui_port, stop, listening[1])))
        for each in listening:  # "up" is said once both accept connections
            await each.wait()
        found = Addresses(
            temporal_address=server.address,
            namespace=server.namespace,
            api_url=f"http://{browser_host(api_host)}:{api_port}",
            ui_url=f"http://{UI_HOST}:{ui_port}",
        )
        on_ready(Started(found, addresses.write(embedded.home, found), embedded))

    try:
        for attempt in range(1, UI_PORT_TRIES + 1):
            try:
                await run_embedded(
                    embedded.home,
                    port=port,
                    ui_port=inner_ui_port,
                    stop=stop,
                    on_ready=ready,
                    settings=settings,
                    ui_codec_endpoint=embedded.codec_endpoint,
                )
                break
            except DevServerError as exc:
                # The free port was taken between asking and the server's check or bind.
                taken = "already in use" in str(exc) and str(inner_ui_port) in str(exc)
                if not taken or attempt == UI_PORT_TRIES:
                    raise
                inner_ui_port = free_port(UI_HOST)
        for task in api:
            await task
    finally:
        addresses.remove(embedded.home)


async def run_api(
    programmes: ProgrammeClient, settings: Settings, host: str, port: int, stop: asyncio.Event
) -> None:
    """The HTTP API alone on ``programmes`` until ``stop`` is set."""
    await serve.serve(serve.app_for(programmes, settings), host, port, stop)


def browser_host(host: str) -> str:
    """Where a browser on this machine reaches a server listening on ``host``."""
    return "127.0.0.1" if host in ("0.0.0.0", "::", "") else host


def loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
