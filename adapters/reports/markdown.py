"""A report as Markdown: a page a coach or a manager can read; deterministic for a report."""

from __future__ import annotations

import re

from adapters.reports.report import Report
from adapters.reports.sections import Table, page, reader_for

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def render_markdown(report: Report, lang: str | None = None) -> str:
    """``report`` in its programme's language (or ``lang``) and time zone."""
    p = page(report, reader_for(report, lang))
    lines = [f"# {_md(p.title)}", ""]
    lines += [f"- **{_md(label)}:** {_md(value)}" for label, value in p.facts]
    lines += ["", f"## {_md(p.verdict)}", ""]
    lines += [f"- {_md(reason)}" for reason in p.reasons] or [_md(p.labels["no_concerns"])]
    if p.evidence is not None:
        lines += ["", f"## {_md(p.labels['evidence'])}", ""]
        lines += [f"- {_md(line)}" for line in p.evidence]
    lines += ["", f"## {_md(p.labels['objectives'])}", ""]
    if p.objectives is not None:
        lines += [*_table(p.objectives), ""]
    lines += [_md(p.attainment), ""]
    if p.scores is not None:
        lines += [f"## {_md(p.labels['scores'])}", "", *_table(p.scores), ""]
    lines += [f"## {_md(p.labels['comments'])}", ""]
    for group, comments in p.comments:
        lines += [f"### {_md(group)}", "", *(f"- {_md(c)}" for c in comments), ""]
    if not p.comments:
        lines += [_md(p.labels["no_comments"]), ""]
    if p.withheld_comments is not None:
        lines += [_md(p.withheld_comments), ""]
    lines += [f"## {_md(p.labels['attendance'])}", "", _md(p.attendance), ""]
    if p.sessions is not None:
        lines += [*_table(p.sessions), ""]
    if p.expectations is not None:  # final, closing and follow-up evaluations
        lines += [f"## {_md(p.labels['expectations'])}", ""]
        lines += [*(f"- {_md(line)}" for line in p.expectations), ""]
    lines += [f"## {_md(p.labels['next'])}", "", *(f"- {_md(s)}" for s in p.next_steps), ""]
    return "\n".join(lines)


def _table(table: Table) -> list[str]:
    out = [
        _cells(table.header),
        _cells(["---"] * len(table.header)),
        *(_cells(row) for row in table.rows),
    ]
    for note in table.notes:
        out += ["", _md(note)]
    return out


def _cells(values: list[str]) -> str:
    return "| " + " | ".join(_md(v) for v in values) + " |"


def _md(text: str) -> str:
    """Escape Markdown so names and comments render as typed (and never break the table)."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))
