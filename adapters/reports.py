"""Evaluation reports, rendered from a programme's events on demand, never kept as files.

A report would put a person's name, email and scores in plaintext on a worker's disk,
out of reach of erasure. So the ``record_evaluation`` activity (its name and its
result, a string, stay what recorded histories expect) files nothing: the evaluation is
already in the programme's events, sealed with the employee's key, and ``reports_of``
rebuilds the reports from them whenever someone asks (``GET
/v1/programmes/{id}/evaluations/{n}``, ``parcours report ID``). ``render_markdown`` is the
readable page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from domain.evaluation import DimensionScore, Evaluation
from domain.events import EvaluationRecorded, Event, ProgrammeLaunched
from domain.notices import EvaluationReport
from domain.template import Role

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")
_DASH = "\u2013"  # en dash: no value


class EvaluationRecorder:
    """The ``ReportRecorder`` of parcours: nothing to file, the events are the record."""

    async def record(self, report: EvaluationReport) -> str:
        """Where the report can be read: it is rendered from the programme's events."""
        return (
            f"report {report.evaluation.kind.value} ({report.delivery_id}): rendered on "
            f"demand, GET /v1/programmes/{report.programme_id}/evaluations"
        )


def reports_of(events: Iterable[Event]) -> list[EvaluationReport]:
    """The programme's evaluation reports, in the order they were recorded (1, 2, ...)."""
    launched: ProgrammeLaunched | None = None
    reports: list[EvaluationReport] = []
    for event in events:
        if isinstance(event, ProgrammeLaunched):
            launched = launched or event
        elif isinstance(event, EvaluationRecorded) and launched is not None:
            reports.append(
                EvaluationReport(
                    delivery_id=event.delivery_id,
                    programme_id=launched.programme_id,
                    template_title=launched.template.title,
                    employee=launched.employee,
                    evaluation=event.evaluation,
                    recorded_at=event.at,
                )
            )
    return reports


def render_markdown(report: EvaluationReport) -> str:
    """A page a coach or a manager can read; deterministic for a given report."""
    ev = report.evaluation
    employee = report.employee
    lines = [
        f"# {_label(ev.kind.value)} evaluation: {_md(employee.name)}",
        "",
        f"- **Employee:** {_md(employee.name)} ({_md(employee.id)}, {_md(employee.email)})",
        f"- **Programme:** {_md(report.programme_id)}",
        f"- **Template:** {_md(report.template_title)}",
        f"- **Evaluation:** {_label(ev.kind.value)}"
        + (f", stage {_md(ev.stage)}" if ev.stage else ""),
        f"- **Recorded at:** {report.recorded_at.isoformat()}",
        f"- **Raters:** {ev.raters}",
        f"- **Delivery:** {_md(report.delivery_id)}",
        "",
        f"## Verdict: {_label(ev.verdict.value)}",
        "",
    ]
    lines += [f"- {_md(reason)}" for reason in ev.reasons] or ["No concerns."]
    lines += ["", "## Scores by dimension", "", *_scores_table(ev), ""]
    lines += ["## Objectives", "", _attainment(ev), ""]
    lines += ["## Attendance", "", _attendance(ev), ""]
    return "\n".join(lines)


def _scores_table(ev: Evaluation) -> list[str]:
    present = {role for score in ev.scores for role in score.by_role}
    roles = [role for role in Role if role in present]  # stable, enum order
    others = any(score.others is not None for score in ev.scores)
    header = ["Dimension", *(_label(role.value) for role in roles)]
    header += ["Others"] if others else []
    header += ["Mean", "Like for like", "Baseline", "Change"]
    rows = [_row(score, roles, others) for score in ev.scores]
    overall = ["**Overall**", *("" for _ in roles), *([""] if others else [])]
    overall += [
        _num(ev.overall),
        _num(ev.compared_overall),
        _num(ev.baseline_overall),
        _signed(ev.change),
    ]
    table = [
        _cells(header),
        _cells(["---"] * len(header)),
        *(_cells(row) for row in rows),
        _cells(overall),
    ]
    if ev.comparison is not None:
        compared = ", ".join(_label(role.value) for role in ev.comparison.roles) or "nobody"
        basis = ev.comparison.basis.value.replace("_", " ")
        table += ["", f"Change measured on the {basis}: {compared}."]
    if ev.merged:
        merged = ", ".join(_label(role.value) for role in ev.merged)
        table += ["", f"Others: {merged}, too few to be shown on their own."]
    for role, n in ev.withheld.items():
        answered = "an unknown number" if n is None else str(n)
        table += ["", f"{_label(role.value)} scores withheld: {answered} answered, too few."]
    return table


def _row(score: DimensionScore, roles: list[Role], others: bool = False) -> list[str]:
    return [
        _label(score.dimension.value),
        *(_num(score.by_role.get(role)) for role in roles),
        *([_num(score.others)] if others else []),
        _num(score.mean),
        _num(score.compared),
        _num(score.baseline),
        _signed(score.change),
    ]


def _attainment(ev: Evaluation) -> str:
    expected = f"{ev.expected_attainment:.0f}%"
    if ev.attainment is None:
        return f"No progress recorded on the objectives yet (expected {expected})."
    gap = ev.expected_attainment - ev.attainment
    where = (
        f"{gap:.0f} points behind plan"
        if gap > 0
        else "on plan"
        if gap == 0
        else f"{-gap:.0f} points ahead of plan"
    )
    return f"Objectives attained: {ev.attainment:.0f}% (expected {expected}, {where})."


def _attendance(ev: Evaluation) -> str:
    held, missed, rate = ev.attendance.held, ev.attendance.missed, ev.attendance.rate
    if rate is None:
        return "No sessions recorded yet."
    return f"Sessions held: {held}, missed: {missed} (attendance {rate:.0%})."


def _cells(values: list[str]) -> str:
    return "| " + " | ".join(values) + " |"


def _num(value: float | None) -> str:
    return _DASH if value is None else f"{value:.2f}"


def _signed(value: float | None) -> str:
    return _DASH if value is None else f"{value:+.2f}"


def _label(value: str) -> str:
    """``areas_to_develop`` -> ``Areas to develop``, ``follow_up`` -> ``Follow up``."""
    return value.replace("_", " ").capitalize()


def _md(text: str) -> str:
    """Escape Markdown so names and reasons render as typed (and never break the table)."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))
