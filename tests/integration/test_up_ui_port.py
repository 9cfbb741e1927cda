"""``up`` starts though the free port it found for the dev server's own UI is taken
before the server binds it (another process got there first, as once in CI)."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import pytest

from adapters.temporal import dev_server
from config import Settings
from gateway.services import Started, prepare_up, run_up
from tests.support import free_port


async def test_up_tries_another_port_when_its_ui_port_is_taken_meanwhile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        taken = holder.getsockname()[1]
        handed = [taken]
        system = dev_server.free_port

        def handing(host: str = "127.0.0.1") -> int:
            return handed.pop() if handed else system(host)

        monkeypatch.setattr(dev_server, "free_port", handing)
        ui_port, api_port = free_port(), free_port()
        embedded = prepare_up(
            Settings(data_dir=tmp_path / "data"),
            ui_port=ui_port,
            api_host="127.0.0.1",
            api_port=api_port,
        )
        stop = asyncio.Event()
        started: list[Started] = []

        def ready(up: Started) -> None:
            started.append(up)
            stop.set()

        await asyncio.wait_for(
            run_up(
                embedded,
                port=free_port(),
                ui_port=ui_port,
                api_host="127.0.0.1",
                api_port=api_port,
                stop=stop,
                on_ready=ready,
            ),
            180,
        )
    assert not handed  # the taken port was handed out, and refused by the server
    [up] = started
    assert up.addresses.ui_url == f"http://127.0.0.1:{ui_port}"
