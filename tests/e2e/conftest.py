"""``parcours up`` as a user runs it, and the ``parcours`` CLI as a subprocess."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.support import free_port

PARCOURS = Path(sys.executable).parent / "parcours"
QUICK = Path(__file__).parent / "quick.yaml"


@dataclass
class Parcours:
    """A running ``parcours up`` and a way to call the CLI against it."""

    data_dir: Path
    port: int
    ui_port: int
    api_port: int
    process: subprocess.Popen[str] | None = None
    settings: dict[str, str] = field(default_factory=dict)
    """More settings (environment variables) for ``parcours up`` and the CLI."""

    @property
    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "TEMPORAL_ADDRESS": f"127.0.0.1:{self.port}",
            "PARCOURS_DATA_DIR": str(self.data_dir),
            "NO_COLOR": "1",
            **self.settings,
        }

    @property
    def ports(self) -> list[str]:
        return [
            *("--port", str(self.port)),
            *("--ui-port", str(self.ui_port)),
            *("--api-port", str(self.api_port)),
        ]

    def start(self, timeout: float = 120) -> float:
        """Start ``parcours up``; returns seconds until it said it was up."""
        began = time.monotonic()
        self.process = subprocess.Popen(
            [str(PARCOURS), "up", *self.ports],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=open(self.data_dir.parent / "up.log", "a"),  # noqa: SIM115
            text=True,
        )
        assert self.process.stdout is not None
        stdout = self.process.stdout
        kept = open(self.data_dir.parent / "up.stdout", "a")  # noqa: SIM115
        for line in stdout:
            kept.write(line)
            kept.flush()
            if "parcours is up" in line:
                # The rest of stdout is kept too (and the pipe drained, so up never blocks).
                threading.Thread(target=_drain, args=(stdout, kept), daemon=True).start()
                return time.monotonic() - began
            if time.monotonic() - began > timeout:
                break
        self.stop()
        pytest.fail(f"parcours up did not start; see {self.data_dir.parent / 'up.log'}")

    def stop(self) -> int:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=30)
        self.process = None
        return code

    def cli(self, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [str(PARCOURS), *args], env=self.env, capture_output=True, text=True, timeout=60
        )
        if ok and done.returncode != 0:
            pytest.fail(f"parcours {' '.join(args)} exited {done.returncode}: {done.stderr}")
        return done


def _drain(stream: Iterator[str], into: Any) -> None:
    with into:
        for line in stream:
            into.write(line)
            into.flush()


@pytest.fixture
def parcours(tmp_path: Path) -> Iterator[Parcours]:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    running = Parcours(data_dir, free_port(), free_port(), free_port())
    yield running
    if running.process is not None:
        running.stop()
