"""Simulating a template for the people who design programmes: the CLI's ``simulate`` and
``POST /v1/templates/simulate`` read the same timeline, built by ``domain.simulation``.

``timeline_html`` draws it as one self-contained page: an inline SVG with one row per
stage, a bar from its entry to its completion (or the end), and a mark for each
deadline, reminder, escalation, session, evaluation, stall and lapse, with a table of
every event under it.
"""

from __future__ import annotations

import html
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from domain.errors import TemplateError
from domain.events import StageEntered
from domain.scenarios import Scenario, parse_scenario, scenario_named
from domain.simulation import Simulation, rows

DAY = 86_400.0


def load_scenario(reference: str) -> Scenario:
    """``on-time``, ``silent``, ``late``, or a scenario file by path."""
    path = Path(reference)
    if path.suffix in (".yaml", ".yml") or path.exists():
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise TemplateError(f"{path}: cannot read: {exc.strerror}") from exc
        return parse_scenario(text, str(path))
    return scenario_named(reference)


def start_of(day: date | None) -> datetime:
    """A simulation starts at 09:00 UTC on ``day`` (default: the next Monday)."""
    if day is None:
        today = datetime.now(UTC).date()
        day = date.fromordinal(today.toordinal() + (7 - today.weekday()))
    return datetime(day.year, day.month, day.day, 9, tzinfo=UTC)


def summary(run: Simulation) -> dict[str, Any]:
    state = run.state
    assert state is not None
    return {
        "template": {"id": run.template.id, "version": run.template.version},
        "scenario": run.scenario.name,
        "start": run.start.isoformat(),
        "outcome": state.status.value,
        "ended_at": state.ended_at.isoformat() if state.ended_at else None,
        "events": rows(run),
        "refused": [
            {"at": at.isoformat(), "type": command.type, "reason": reason}
            for at, command, reason in run.refused
        ],
    }


MARKS = {
    "reminder_due": ("#3b82f6", "reminder"),
    "session_reminder_due": ("#93c5fd", "session reminder"),
    "escalation_due": ("#f97316", "escalation"),
    "stage_stalled": ("#dc2626", "stalled"),
    "session_held": ("#16a34a", "session held"),
    "session_missed": ("#a3a3a3", "session missed"),
    "evaluation_recorded": ("#7c3aed", "evaluation"),
    "programme_lapsed": ("#7f1d1d", "lapsed"),
    "programme_paused": ("#eab308", "paused"),
    "programme_withdrawn": ("#7f1d1d", "withdrawn"),
    "feedback_received": ("#0d9488", "feedback"),
    "objectives_agreed": ("#0d9488", "objectives"),
    "objective_progressed": ("#0d9488", "progress"),
    "follow_up_closed": ("#7c3aed", "follow-up"),
}


def timeline_html(run: Simulation) -> str:
    """The simulation as a self-contained HTML page (inline SVG, no scripts, no links)."""
    data = summary(run)
    events = data["events"]
    stages = [s.key for s in run.template.stages]
    lanes = [*stages, "after"]
    end = max(e["clock"] for e in events) or DAY
    width, left, lane_h, top = 1100, 170, 34, 30

    def x(clock: float) -> float:
        return left + (width - left - 20) * clock / end

    height = top + lane_h * len(lanes) + 20
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'role="img" aria-label="timeline" font-family="sans-serif" font-size="12">'
    ]
    weeks = int(end // (7 * DAY)) + 1
    for week in range(0, weeks + 1, 2):
        gx = x(week * 7 * DAY)
        parts.append(
            f'<line x1="{gx:.1f}" y1="{top - 8}" x2="{gx:.1f}" y2="{height - 20}" '
            f'stroke="#eee"/><text x="{gx:.1f}" y="{top - 12}" fill="#888" '
            f'text-anchor="middle">w{week}</text>'
        )
    entered: dict[str, float] = {}
    closed: dict[str, float] = {}
    due: dict[str, float] = {}
    for event in run.events:
        if isinstance(event, StageEntered):
            entered[event.stage] = event.clock.total_seconds()
            if event.due is not None:
                due[event.stage] = event.due.total_seconds()
    for row in events:
        if row["type"] == "stage_completed" and row["stage"]:
            closed[row["stage"]] = row["clock"]
    for i, lane in enumerate(lanes):
        y = top + i * lane_h
        parts.append(
            f'<text x="8" y="{y + 20}" fill="#111">{html.escape(lane)}</text>'
            f'<line x1="{left}" y1="{y + lane_h}" x2="{width - 20}" y2="{y + lane_h}" '
            'stroke="#f3f3f3"/>'
        )
        if lane in entered:
            x0, x1 = x(entered[lane]), x(closed.get(lane, end))
            parts.append(
                f'<rect x="{x0:.1f}" y="{y + 8}" width="{max(x1 - x0, 2):.1f}" height="16" '
                f'rx="3" fill="#e0e7ff"><title>{html.escape(lane)}</title></rect>'
            )
        if lane in due:
            dx = x(due[lane])
            parts.append(
                f'<line x1="{dx:.1f}" y1="{y + 4}" x2="{dx:.1f}" y2="{y + 28}" '
                f'stroke="#111" stroke-dasharray="3 2"><title>{html.escape(lane)} due'
                "</title></line>"
            )
    for row in events:
        mark = MARKS.get(row["type"])
        if mark is None:
            continue
        colour, label = mark
        lane = row["stage"] if row["stage"] in stages else "after"
        y = top + lanes.index(lane) * lane_h + 16
        to = f" to {', '.join(row['to'])}" if row.get("to") else ""
        what = f"{label}{to} — {row['at'][:16].replace('T', ' ')} UTC"
        if "verdict" in row:
            what += f" ({row['evaluation']}: {row['verdict']})"
        parts.append(
            f'<circle cx="{x(row["clock"]):.1f}" cy="{y}" r="5" fill="{colour}">'
            f"<title>{html.escape(what)}</title></circle>"
        )
    parts.append("</svg>")
    legend = " ".join(
        f'<span><svg width="10" height="10"><circle cx="5" cy="5" r="5" fill="{c}"/></svg> '
        f"{html.escape(label)}</span>"
        for c, label in dict(MARKS.values()).items()
    )
    table = "".join(
        f"<tr><td>{r['seq']}</td><td>{html.escape(r['at'][:16].replace('T', ' '))}</td>"
        f"<td>{r['clock'] / DAY:.1f}</td><td>{html.escape(r['stage'] or '')}</td>"
        f"<td>{html.escape(r['type'])}</td><td>{html.escape(', '.join(r.get('to', [])))}"
        f"{html.escape(str(r.get('session', '')))}{html.escape(r.get('verdict', ''))}</td></tr>"
        for r in events
    )
    title = html.escape(f"{run.template.title_in('')} — {run.scenario.name}")
    return (
        '<!doctype html><html><head><meta charset="utf-8">'
        f"<title>{title}</title><style>body{{font-family:sans-serif;margin:24px}}"
        "table{border-collapse:collapse;font-size:12px}td,th{padding:2px 8px;"
        "border-bottom:1px solid #eee;text-align:left}span{margin-right:12px}</style>"
        f"</head><body><h1>{title}</h1><p>{html.escape(run.template.id)} "
        f"v{run.template.version}, from {html.escape(data['start'][:10])}: "
        f"<b>{html.escape(data['outcome'])}</b>"
        + (f" on {html.escape(data['ended_at'][:10])}" if data["ended_at"] else "")
        + f"</p>{''.join(parts)}<p>{legend}</p><table><tr><th>#</th><th>at (UTC)</th>"
        f"<th>day</th><th>stage</th><th>event</th><th>what</th></tr>{table}</table>"
        "</body></html>\n"
    )
