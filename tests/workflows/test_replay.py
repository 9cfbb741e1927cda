"""Recorded histories replay with the current workflow code: no nondeterminism.

The histories in tests/histories/*/ were recorded by ``python -m tests.histories.record``
with the code of their day, one folder per version of the workflow code. A change to
ProgrammeWorkflow that would break a programme already running fails here first.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from adapters.payloads.encryption import data_converter
from gateway import catalogue
from tests.support import recorded_workflow_id, recording_keyring
from workers.sandbox import sandbox_runner
from workflows.programme import ProgrammeWorkflow

HISTORIES = sorted((Path(__file__).parents[1] / "histories").glob("*/*.json"))


SCENARIOS = ("happy", "lapse", "pause", "withdraw", "continue-as-new")


@pytest.mark.parametrize("template", [t.id for t in catalogue.shipped()])
def test_the_newest_code_has_histories_of_every_shipped_template(template: str) -> None:
    """A template shipped without recorded histories fails here: record them with
    ``python -m tests.histories.record``."""
    newest = max({p.parent for p in HISTORIES}, key=lambda f: int(f.name[1:].split("-")[0]))
    recorded = {path.name.split(".")[0] for path in newest.glob("*.json")}
    missing = [s for s in SCENARIOS if f"{template}-{s}" not in recorded]
    assert not missing, f"{newest.name} has no {', '.join(missing)} history of {template}"


@pytest.mark.parametrize("path", HISTORIES, ids=lambda p: f"{p.parent.name}/{p.stem}")
async def test_history_replays_with_current_code(path: Path, tmp_path: Path) -> None:
    """Histories recorded before payloads were encrypted pass through the codec; later
    ones are opened with the recording key store."""
    replayer = Replayer(
        workflows=[ProgrammeWorkflow],
        data_converter=data_converter(recording_keyring(tmp_path)),
        workflow_runner=sandbox_runner(),
    )
    text = await asyncio.to_thread(path.read_text)
    history = WorkflowHistory.from_json(recorded_workflow_id(text, path.stem), text)
    result = await replayer.replay_workflow(history, raise_on_replay_failure=True)
    assert result.replay_failure is None
