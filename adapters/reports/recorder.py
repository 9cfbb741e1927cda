"""The ``ReportRecorder`` of parcours: nothing to file, the events are the record."""

from __future__ import annotations

from domain.notices import EvaluationReport


class EvaluationRecorder:
    """Files nothing: a report would put a person's name and scores in plaintext on a
    worker's disk, out of reach of erasure. The evaluation is already in the programme's
    events, sealed with the employee's key; ``reports_of`` rebuilds reports from them."""

    async def record(self, report: EvaluationReport) -> str:
        """Where the report can be read: it is rendered from the programme's events."""
        return (
            f"report {report.evaluation.kind.value} ({report.delivery_id}): rendered on "
            f"demand, GET /v1/programmes/{report.programme_id}/evaluations"
        )
