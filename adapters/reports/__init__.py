"""Evaluation reports, rendered from a programme's events on demand, never kept as files.

The ``record_evaluation`` activity (its name and its result, a string, stay what recorded
histories expect) files nothing (``recorder``). ``reports_of`` (``report``) rebuilds every
evaluation's report from the events whenever someone asks (``GET
/v1/programmes/{id}/evaluations/{n}``, ``parcours report ID``), with the confidentiality
minimums applied; ``render_markdown`` (``markdown``) and ``render_html`` (``html``, with the
SVG radar chart of ``radar``) write it in French or English (``adapters.language``), in the
programme's time zone. What the two pages say, section by section, is ``sections``.
"""

from __future__ import annotations

from adapters.reports.html import render_html
from adapters.reports.markdown import render_markdown
from adapters.reports.recorder import EvaluationRecorder
from adapters.reports.report import Report, ReportItem, reports_of

__all__ = [
    "EvaluationRecorder",
    "Report",
    "ReportItem",
    "render_html",
    "render_markdown",
    "reports_of",
]
