"""What a bench run stands on: one embedded dev server, a client, the worker process."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from temporalio.client import Client

from adapters.payloads.encryption import data_converter
from adapters.payloads.keyring import Keyring
from adapters.payloads.master_key import MASTER_KEY_ENV, generate_master_key, parse_master_key
from adapters.temporal.dev_server import DevServer, free_port
from bench.worker import BASELINE_QUEUE, KEYS_OPTION, PARCOURS_QUEUE, READY

ROOT = Path(__file__).resolve().parents[1]
TMPFS = Path("/dev/shm")
"""Where a run's dev server keeps its SQLite file, when the machine has it."""
ON_TMPFS = TMPFS.is_dir()


@dataclass(frozen=True)
class BenchKeys:
    """A throwaway key store for the run: the driver and the worker process share it."""

    path: Path
    master_key: str

    @classmethod
    def new(cls, where: Path) -> BenchKeys:
        return cls(where / "keys.db", generate_master_key())

    def open(self) -> Keyring:
        return Keyring(self.path, parse_master_key(self.master_key))


async def connect(address: str, keys: BenchKeys) -> Client:
    """The one client both sides use, on parcours's data converter (payloads encrypted)."""
    return await Client.connect(address, data_converter=data_converter(keys.open()))


@contextlib.asynccontextmanager
async def dev_server(
    data_dir: Path | None = None, port: int | None = None
) -> AsyncIterator[DevServer]:
    """A headless dev server on ``port`` (default: one the system says is free), on a
    throwaway SQLite file unless told."""
    with contextlib.ExitStack() as stack:
        if data_dir is None:
            data_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-")))
        async with DevServer(data_dir, port=port or free_port(), headless=True) as server:
            yield server


def rss_kib(pid: int) -> int:
    """Resident set size of process ``pid``, from ``/proc/<pid>/status``."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for process {pid}")


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time process ``pid`` has used, from ``/proc/<pid>/stat``."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class CpuMeter:
    """CPU time the worker and the server use over a stretch of the bench."""

    def __init__(self, pids: dict[str, int]) -> None:
        self.pids = pids
        self._start: dict[str, float] = {}

    def start(self) -> None:
        self._start = {name: cpu_seconds(pid) for name, pid in self.pids.items()}

    def milliseconds(self) -> dict[str, float]:
        """CPU milliseconds used since ``start``, by process."""
        return {
            name: 1000 * (cpu_seconds(pid) - self._start[name]) for name, pid in self.pids.items()
        }


class WorkerProcess:
    """``python -m bench.worker`` as a child process, hosting both sides."""

    def __init__(
        self,
        address: str,
        *,
        max_cached: int,
        log_dir: Path,
        keys: BenchKeys,
        parcours_queue: str = PARCOURS_QUEUE,
        baseline_queue: str = BASELINE_QUEUE,
        start_timeout: float = 60.0,
        pycache: Path | None = None,
    ) -> None:
        self.address = address
        self.max_cached = max_cached
        self.log_path = log_dir / "bench-worker.log"
        self.keys = keys
        self.parcours_queue = parcours_queue
        self.baseline_queue = baseline_queue
        self.start_timeout = start_timeout
        self.pycache = pycache
        self._process: asyncio.subprocess.Process | None = None
        self._log: IO[bytes] | None = None

    @property
    def pid(self) -> int:
        if self._process is None:
            raise RuntimeError("the worker process is not running")
        return self._process.pid

    def rss_kib(self) -> int:
        return rss_kib(self.pid)

    async def __aenter__(self) -> WorkerProcess:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def start(self) -> None:
        self._log = self.log_path.open("ab")
        self._process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.worker",
            "--address",
            self.address,
            "--max-cached",
            str(self.max_cached),
            "--parcours-queue",
            self.parcours_queue,
            "--baseline-queue",
            self.baseline_queue,
            KEYS_OPTION,
            str(self.keys.path),
            cwd=ROOT,
            env=self._environment(),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=self._log,
        )
        assert self._process.stdout is not None
        try:
            async with asyncio.timeout(self.start_timeout):
                while True:
                    line = await self._process.stdout.readline()
                    if not line:
                        raise RuntimeError(f"the bench worker exited; see {self.log_path}")
                    if line.decode().strip() == READY:
                        return
        except BaseException:
            await self.stop()
            raise

    def _environment(self) -> dict[str, str]:
        env = {**os.environ, "PYTHONPATH": str(ROOT), MASTER_KEY_ENV: self.keys.master_key}
        if self.pycache is not None:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = str(self.pycache)
        return env

    async def stop(self) -> None:
        process, self._process = self._process, None
        try:
            if process is not None and process.returncode is None:
                process.send_signal(signal.SIGTERM)
                try:
                    async with asyncio.timeout(15):
                        await process.wait()
                except TimeoutError:
                    process.kill()
                    await process.wait()
        finally:
            if self._log is not None:
                self._log.close()
                self._log = None
