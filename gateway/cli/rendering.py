"""How programmes, receipts and Temporal's events read on a terminal."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rich.markup import escape
from rich.table import Table

from gateway.cli.programme_rows import Row, programme_row, rows_text, when
from gateway.cli.shell import out, print_json

if TYPE_CHECKING:
    from adapters.temporal.history import RawEvent
    from domain.cohort_summary import CohortSummary
    from domain.view import ProgrammeView
    from gateway.client import ErasedProgramme
    from gateway.client.listed import Listed
    from workflows.messages import Receipt

UNJUDGED = "insufficient_evidence"
"""The verdict a cohort report counts on its own line (``domain.verdict.Verdict``)."""


def programmes_text(items: Sequence[Listed | ErasedProgramme], width: int = 80) -> str:
    """``parcours list`` on a terminal ``width`` columns wide: one row per programme
    (``gateway.cli.programme_rows``)."""
    from gateway.client import ErasedProgramme

    rows: list[Row] = []
    for item in items:
        if isinstance(item, ErasedProgramme):
            who = f"[erased] ({item.employee_id})"
            rows.append((item.programme_id, who, item.status or "", item.stage or "", ""))
            continue
        rows.append(
            programme_row(
                item.programme_id,
                item.name,
                item.status,
                item.stage,
                item.launched,
                item.locale,
                item.time_zone,
            )
        )
    return rows_text(rows, width)


def show_view(view: ProgrammeView, as_json: bool) -> None:
    from domain.reasons import said

    if as_json:
        print_json(view)
        return
    out.print(
        f"[bold]{view.programme_id}[/]  {view.employee.name} ({view.employee.id})  "
        f"{view.template_title} v{view.template_version}",
        highlight=False,
    )
    stage = f"{view.stage_number}/{view.stages} {view.stage}" if view.stage else "—"
    out.print(f"status: [bold]{view.status}[/]   stage: {stage}   events: {view.events}")
    zone, lang = view.employee.time_zone, view.employee.locale
    out.print(f"locale: {lang}   time zone: {zone} (times below)", highlight=False)
    if view.stage_due:
        out.print(
            f"stage due: {when(view.stage_due, lang, zone)}"
            + ("  (stalled)" if view.stalled else ""),
            highlight=False,
        )
    if view.next_deadline:
        out.print(f"next deadline: {when(view.next_deadline, lang, zone)}", highlight=False)
    if view.paused:
        until = f" until {when(view.paused.until, lang, zone)}" if view.paused.until else ""
        out.print(f"paused: {view.paused.reason}{until}", highlight=False)
    for missing in view.missing:
        out.print(f"waiting for: {missing}")
    for objective in view.objectives:
        pct = "—" if objective.percent is None else f"{objective.percent}%"
        out.print(f"objective {objective.id} ({objective.horizon}): {objective.text} [{pct}]")
    for retired in view.retired_objectives:
        pct = "—" if retired.percent is None else f"{retired.percent}%"
        out.print(
            f"removed by amendment {retired.amendment}: {retired.id} ({retired.horizon}): "
            f"{escape(retired.text)} [{pct}]"
        )
    if view.expectations is not None:
        expected = view.expectations
        met = "not rated yet" if expected.met is None else f"met {expected.met}/5"
        comment = f" — {expected.comment}" if expected.comment else ""
        line = f"expectations ({expected.by}): {expected.expected} [{met}]{comment}"
        out.print(escape(line), highlight=False)
    if view.sessions:
        out.print(
            "sessions: "
            + ", ".join(
                f"{s.number} {s.status.replace('_', ' ')}"
                + (f" {when(s.at, lang, zone)}" if s.at and s.status == "planned" else "")
                for s in view.sessions
            ),
            highlight=False,
        )
    for evaluation in view.evaluations:
        out.print(
            f"evaluation {evaluation.kind}: {evaluation.verdict} {'; '.join(said(evaluation))}"
        )
    for rejection in view.rejections:
        out.print(f"[yellow]refused {rejection.type}[/] ({rejection.key}): {rejection.reason}")


def show_receipt(receipt: Receipt) -> None:
    if receipt.outcome == "applied":
        out.print(f"applied (key {receipt.key})")
    else:
        out.print(f"sent (key {receipt.key}); no worker has applied it yet")


def rows_json(rows: list[RawEvent]) -> list[dict[str, Any]]:
    return [r.model_dump(mode="json") for r in rows]


def print_rows(rows: list[RawEvent]) -> None:
    table = Table("run", "id", "time (UTC)", "event", "what")
    for row in rows:
        table.add_row(
            str(row.run),
            str(row.id),
            f"{row.time:%Y-%m-%d %H:%M:%S}",
            row.type,
            escape(row.summary),  # payloads are data, not markup: "[erased]" stays
        )
    out.print(table)


def cohort_lines(report: CohortSummary) -> list[str]:
    """A cohort's report as lines of text."""
    lines = [f"cohort {report.cohort_id}: {report.programmes} programme(s)"]
    if report.erased:
        lines[0] += f", {report.erased} erased"
    lines.append("status: " + ", ".join(f"{k} {v}" for k, v in report.by_status.items()))
    for stage, counts in report.by_stage.items():
        lines.append(f"  {stage}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    rate = report.attendance.rate
    lines.append(
        f"attendance: {report.attendance.held} held, {report.attendance.missed} missed"
        + (f" ({rate:.0%})" if rate is not None else "")
    )
    if report.stalled:
        lines.append("stalled: " + ", ".join(f"{k} {v}" for k, v in report.stalled.items()))
    for evaluation in report.evaluations:
        judged = {k: v for k, v in evaluation.verdicts.items() if k != UNJUDGED}
        verdicts = ", ".join(f"{k} {v}" for k, v in judged.items()) or "none judged"
        lines.append(f"{evaluation.kind} ({evaluation.programmes}): {verdicts}")
        unjudged = sum(v for k, v in evaluation.verdicts.items() if k == UNJUDGED)
        if unjudged:  # never counted among the judged (rules 5)
            lines.append(f"  not enough evidence to judge: {unjudged}")
        changes = [("overall", evaluation.overall_change)]
        changes += [(str(d), c) for d, c in sorted(evaluation.by_dimension.items())]
        for name, change in changes:
            mean = (
                f"{change.mean:+.2f}"
                if change.mean is not None
                else f"withheld (under {report.min_group})"
            )
            lines.append(f"  change {name}: {mean} over {change.programmes}")
    return lines


def cohort_html(report: CohortSummary) -> str:
    """A cohort's report as a self-contained HTML page."""
    import html

    body = "".join(f"<li>{html.escape(line)}</li>" for line in cohort_lines(report)[1:])
    title = html.escape(f"Cohort {report.cohort_id}")
    return (
        f'<!doctype html><html><head><meta charset="utf-8"><title>{title}</title>'
        "<style>body{font-family:sans-serif;margin:24px}li{margin:2px 0}</style></head>"
        f"<body><h1>{title}</h1><p>{report.programmes} programme(s)</p><ul>{body}</ul>"
        "</body></html>\n"
    )
