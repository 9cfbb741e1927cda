"""Evaluation reports on disk, and both activities run through Temporal's ActivityEnvironment."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from temporalio.testing import ActivityEnvironment

from adapters.reports import EvaluationRecorder
from bootstrap import build_activities
from domain.commands import Employee
from domain.evaluation import Attendance, Rating, Verdict, evaluate
from domain.notices import EvaluationReport, NoticeKind, Notification
from domain.template import Dimension, EvaluationKind, Role

NOW = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)
ADA = Employee(id="emp-42", name="Ada Lovelace", email="ada@example.com")


def read(path: str | Path) -> str:
    return Path(path).read_text(encoding="utf-8")


def report(delivery_id: str = "prog-1:31") -> EvaluationReport:
    dimensions = list(Dimension)
    baseline = evaluate(
        kind=EvaluationKind.baseline,
        stage="assessment",
        dimensions=dimensions,
        ratings=[Rating(Role.employee, "emp-42", dict.fromkeys(dimensions, 3))],
        baseline=None,
        progress=[],
        attendance=Attendance(held=0, missed=0),
        expected_attainment=20,
    )
    midpoint = evaluate(
        kind=EvaluationKind.midpoint,
        stage="midpoint",
        dimensions=dimensions,
        ratings=[
            Rating(Role.employee, "emp-42", dict.fromkeys(dimensions, 4)),
            Rating(Role.manager, "mgr-1", {Dimension.strengths: 2, Dimension.motivation: 3}),
        ],
        baseline=baseline,
        progress=[40, 10],
        attendance=Attendance(held=3, missed=2),
        expected_attainment=60,
    )
    return EvaluationReport(
        delivery_id=delivery_id,
        programme_id="prog-1",
        template_title="Executive coaching, six months",
        employee=ADA,
        evaluation=midpoint,
        recorded_at=NOW,
    )


async def test_report_is_filed_as_json_and_markdown(tmp_path: Path) -> None:
    filed = report()

    md_path = Path(await EvaluationRecorder(tmp_path).record(filed))

    folder = tmp_path / "evaluations" / "prog-1"
    assert md_path == folder / "prog-1_31-midpoint.md"
    json_path = md_path.with_suffix(".json")
    assert EvaluationReport.model_validate_json(json_path.read_text()) == filed
    assert sorted(p.name for p in folder.iterdir()) == [json_path.name, md_path.name]


async def test_markdown_shows_the_verdict_and_every_dimension(tmp_path: Path) -> None:
    filed = report()
    assert filed.evaluation.verdict is Verdict.at_risk  # the case is not a trivial one

    page = read(await EvaluationRecorder(tmp_path).record(filed))

    assert page.startswith("# Midpoint evaluation: Ada Lovelace")
    assert "## Verdict: At risk" in page
    for reason in filed.evaluation.reasons:
        assert reason in page
    table = [line for line in page.splitlines() if line.startswith("| ")]
    assert table[0] == (
        "| Dimension | Employee | Manager | Mean | Like for like | Baseline | Change |"
    )
    for dimension in Dimension:
        label = dimension.value.replace("_", " ").capitalize()
        assert any(row.startswith(f"| {label} |") for row in table), label
    # Only the employee answered both times: the manager's 2 is shown, not compared.
    assert "| Strengths | 4.00 | 2.00 | 3.00 | 4.00 | 3.00 | +1.00 |" in table
    assert "| Talents | 4.00 | \u2013 | 4.00 | 4.00 | 3.00 | +1.00 |" in table
    assert "Change measured on the same roles: Employee." in page
    assert "Objectives attained: 25% (expected 60%, 35 points behind plan)." in page
    assert "Sessions held: 3, missed: 2 (attendance 60%)." in page


async def test_recording_again_gives_the_same_files(tmp_path: Path) -> None:
    recorder = EvaluationRecorder(tmp_path)
    first = Path(await recorder.record(report()))
    contents = {p.name: p.read_bytes() for p in first.parent.iterdir()}

    again = Path(await EvaluationRecorder(tmp_path).record(report()))

    assert again == first
    assert {p.name: p.read_bytes() for p in first.parent.iterdir()} == contents


async def test_odd_ids_stay_inside_the_programme_folder(tmp_path: Path) -> None:
    odd = report("../../etc:passwd").model_copy(update={"programme_id": ".."})

    md_path = Path(await EvaluationRecorder(tmp_path).record(odd))

    assert md_path.parent.parent == tmp_path / "evaluations"
    assert md_path.name == ".._.._etc_passwd-midpoint.md"


async def test_activities_run_through_the_activity_environment(tmp_path: Path) -> None:
    activities = build_activities(tmp_path)
    env = ActivityEnvironment()
    notice = Notification(
        delivery_id="prog-1:5",
        kind=NoticeKind.escalation,
        programme_id="prog-1",
        template_title="Executive coaching, six months",
        employee=ADA,
        to=(Role.manager,),
        recipients={Role.manager: "mgr-1"},
        stage="agreement",
        stage_title="Coaching agreement and objectives",
        escalation_step=2,
        created_at=NOW,
    )

    sent = await env.run(activities.send_notification, notice)
    resent = await env.run(activities.send_notification, notice)
    page = await env.run(activities.record_evaluation, report())

    outbox = tmp_path / "outbox.jsonl"
    assert sent == f"outbox: {outbox}#1"
    assert resent.startswith("already sent")
    assert [json.loads(line)["kind"] for line in outbox.read_text().splitlines()] == ["escalation"]
    assert read(page).startswith("# Midpoint evaluation")
    assert [fn.__name__ for fn in activities.all()] == ["send_notification", "record_evaluation"]
