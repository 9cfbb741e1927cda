"""Recorded histories' reports follow the rule across figures (issue #25).

Each recorded history is replayed (as ``parcours history`` reads a programme) to its
domain log; what the platform reads of it (the view's evaluations, the events, each
report as JSON, Markdown and HTML) must give no peer's or direct report's score away,
checked by the adversary of ``tests/unit/adversary.py``, and carry no rater id or
answer's idempotency key.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer, UnsandboxedWorkflowRunner

from adapters.payloads.encryption import data_converter
from adapters.reports import render_html, render_markdown, reports_of
from adapters.temporal.history import _Capture
from domain import published
from domain.events import EVENT_LIST, EvaluationRecorded, Event, FeedbackReceived
from tests.support import recorded_workflow_id, recording_keyring
from tests.unit import adversary
from workflows.programme import ProgrammeWorkflow

HISTORIES = sorted((Path(__file__).parents[1] / "histories").glob("*/*.json"))


async def _log(path: Path, tmp_path: Path) -> list[Event]:
    capture = _Capture()
    replayer = Replayer(
        workflows=[ProgrammeWorkflow],
        data_converter=data_converter(recording_keyring(tmp_path)),
        interceptors=[capture],
        workflow_runner=UnsandboxedWorkflowRunner(),
    )
    text = await asyncio.to_thread(path.read_text)
    history = WorkflowHistory.from_json(recorded_workflow_id(text, path.stem), text)
    await replayer.replay_workflow(history, raise_on_replay_failure=True)
    (instance,) = capture.instances.values()
    return instance.log()


@pytest.mark.parametrize("path", HISTORIES, ids=lambda p: f"{p.parent.name}/{p.stem}")
async def test_a_recorded_history_s_reports_give_no_rater_away(path: Path, tmp_path: Path) -> None:
    log = await _log(path, tmp_path)
    truth = adversary.truth_of(log)
    figures = adversary.Published()
    platform = json.loads(EVENT_LIST.dump_json(published.events(log)))
    recorded = [e for e in platform if e["type"] == "evaluation_recorded"]
    for i, event in enumerate(recorded):
        adversary.evaluation_figures(figures, f"event {i}", i, event["evaluation"], truth)
    raters = {e.rater_id for e in log if isinstance(e, FeedbackReceived)} - {""}
    answers = [e for e in platform if e["type"] == "feedback_received"]
    assert all(a["rater_id"] == "" and a["key"] is None for a in answers)
    for report in reports_of(log):
        i = report.n - 1
        dumped = report.model_dump(mode="json")
        adversary.evaluation_figures(figures, f"report {i}", i, dumped["evaluation"], truth)
        assert report.evaluation.model_dump(mode="json") == recorded[i]["evaluation"]
        for page in (render_markdown(report, "en"), render_html(report, "fr")):
            for number in adversary.printed_numbers(page):
                assert figures.prints(number), f"{report.n} prints {number}"
    shown = json.dumps(answers)
    assert not [r for r in raters if f'"{r}"' in shown]
    raw = [e.evaluation for e in log if isinstance(e, EvaluationRecorded)]
    if any(s.by_role and not s.raters for ev in raw for s in ev.scores):
        # Recorded before raters were counted (and, under rules 1, counting answers of
        # earlier stages): no truth to check against, so no anonymous role is shown.
        for event in recorded:
            for score in event["evaluation"]["scores"]:
                assert not set(score["by_role"]) & {"peer", "direct_report"}
        return
    adversary.check_values(figures, truth)
    assert adversary.determined(figures, truth) == []
