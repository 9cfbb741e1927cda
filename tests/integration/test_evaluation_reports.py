"""Evaluation reports rendered, never filed, and both activities run through Temporal's
ActivityEnvironment."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from temporalio.testing import ActivityEnvironment

from adapters.language.catalogue import text
from adapters.reports import EvaluationRecorder, Report, render_markdown
from adapters.reports.report import ObjectiveLine, ReportEmployee
from bootstrap.worker import build_activities
from domain.commands import Employee
from domain.evaluate import evaluate
from domain.evaluation import Attendance, Rating, Verdict
from domain.notices import EvaluationReport, NoticeKind, Notification
from domain.reasons import english
from domain.template import Dimension, EvaluationKind, Role

NOW = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)
ADA = Employee(id="emp-42", name="Ada Lovelace", email="ada@example.com")


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


async def test_recording_files_nothing_and_says_where_to_read(tmp_path: Path) -> None:
    where = await EvaluationRecorder().record(report())

    assert where == (
        "report midpoint (prog-1:31): rendered on demand, GET /v1/programmes/prog-1/evaluations"
    )
    assert ADA.name not in where
    assert ADA.email not in where
    assert not any(tmp_path.iterdir())  # noqa: ASYNC240


def readable(filed: EvaluationReport) -> Report:
    return Report(
        n=2,
        programme_id=filed.programme_id,
        template_title=filed.template_title,
        employee=ReportEmployee(id=filed.employee.id, name=filed.employee.name),
        recorded_at=filed.recorded_at,
        evaluation=filed.evaluation,
        objectives=(
            ObjectiveLine(id="S1", horizon="short_term", text="Delegate", progress=40),
            ObjectiveLine(id="L1", horizon="long_term", text="Lead the unit", progress=10),
        ),
    )


def test_markdown_shows_the_verdict_and_every_dimension() -> None:
    filed = report()
    assert filed.evaluation.verdict is Verdict.at_risk  # the case is not a trivial one

    page = render_markdown(readable(filed))

    assert page.startswith("# Midpoint evaluation: Ada Lovelace")
    assert "## Verdict: At risk" in page
    said = filed.evaluation.reasons or tuple(english(c) for c in filed.evaluation.codes)
    assert said
    for reason in said:
        assert reason in page
    table = [line for line in page.splitlines() if line.startswith("| ")]
    assert table[0] == "| \\# | Horizon | Objective | Progress |"
    table = table[table.index(next(row for row in table if row.startswith("| Dimension"))) :]
    assert table[0] == (
        "| Dimension | Employee | Manager | Mean | Like for like | Baseline | Change |"
    )
    for dimension in Dimension:
        label = text("en", f"dimension.{dimension.value}")
        assert any(row.startswith(f"| {label} |") for row in table), label
    # Only the employee answered both times: the manager's 2 is shown, not compared.
    assert "| Strengths | 4.00 | 2.00 | 3.00 | 4.00 | 3.00 | +1.00 |" in table
    assert "| Talents | 4.00 | \u2013 | 4.00 | 4.00 | 3.00 | +1.00 |" in table
    assert "Change measured on the same roles: Employee." in page
    assert "Objectives attained: 25% (expected 60%)." in page
    assert "| S1 | short term | Delegate | 40% |" in page
    assert filed.delivery_id not in page
    assert "Sessions held: 3, missed: 2 (attendance 60%)." in page


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
    where = await env.run(activities.record_evaluation, report())

    outbox = tmp_path / "outbox.jsonl"
    assert sent == f"outbox: {outbox}#1"
    assert resent.startswith("already sent")
    assert [json.loads(line)["kind"] for line in outbox.read_text().splitlines()] == ["escalation"]
    assert where.startswith("report midpoint (prog-1:31): rendered on demand")
    files = sorted(p.name for p in tmp_path.iterdir())  # noqa: ASYNC240
    assert files == ["outbox.jsonl"], "no report files"
    assert [fn.__name__ for fn in activities.all()] == ["send_notification", "record_evaluation"]
