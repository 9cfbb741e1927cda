"""Evaluation reports on disk: the data as JSON and a readable Markdown page.

Files live under ``<data_dir>/evaluations/<programme_id>/`` and are named after
the delivery id and the evaluation kind, so recording the same report again
(a retried activity) rewrites identical files instead of adding new ones.
Each file is written to a temporary name and renamed into place, so a reader
never sees half a report.
"""

from __future__ import annotations

import asyncio
import os
import re
import tempfile
from pathlib import Path

from domain.evaluation import DimensionScore, Evaluation
from domain.notices import EvaluationReport
from domain.template import Role

_UNSAFE = re.compile(r"[^A-Za-z0-9._@-]")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")
_DASH = "\u2013"  # en dash: no value


class EvaluationRecorder:
    """Files evaluation reports under ``<data_dir>/evaluations``."""

    def __init__(self, data_dir: Path) -> None:
        self.root = data_dir / "evaluations"

    def paths(self, report: EvaluationReport) -> tuple[Path, Path]:
        """Where ``report`` is filed: (the .json, the .md)."""
        folder = self.root / _safe_name(report.programme_id)
        stem = f"{_safe_name(report.delivery_id)}-{report.evaluation.kind.value}"
        return folder / f"{stem}.json", folder / f"{stem}.md"

    async def record(self, report: EvaluationReport) -> str:
        """Write the report's JSON and Markdown; return the Markdown path."""
        json_path, md_path = self.paths(report)
        data = report.model_dump_json(indent=2) + "\n"
        page = render_markdown(report)
        await asyncio.to_thread(_write_all, ((json_path, data), (md_path, page)))
        return str(md_path)


def _safe_name(value: str) -> str:
    """A single, harmless path component: ``:`` and anything odd become ``_``."""
    name = _UNSAFE.sub("_", value)
    return name if name.strip(".") else f"_{name}"


def _write_all(files: tuple[tuple[Path, str], ...]) -> None:
    for path, text in files:
        _write_atomic(path, text)


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # A unique temporary name, so concurrent attempts never clobber each other.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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
    header = ["Dimension", *(_label(role.value) for role in roles)]
    header += ["Mean", "Like for like", "Baseline", "Change"]
    rows = [_row(score, roles) for score in ev.scores]
    overall = ["**Overall**", *("" for _ in roles)]
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
    return table


def _row(score: DimensionScore, roles: list[Role]) -> list[str]:
    return [
        _label(score.dimension.value),
        *(_num(score.by_role.get(role)) for role in roles),
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
