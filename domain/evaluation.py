"""Evaluations: does the work bear the expected fruit?

An evaluation summarises, at one point of the programme, the scores per
dimension by rater role (now, and against the baseline), objective
attainment, session attendance, and gives a verdict with its reasons.

The verdict rules, in order (the first that matches wins):

- off_track: attendance under 50%, attainment more than 50 points behind the
  share of stages done, or the overall score down by 1 point or more;
- at_risk: attendance under 75%, attainment more than 25 points behind, or the
  overall score down at all;
- on_track otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum
from statistics import fmean
from typing import NamedTuple

from pydantic import BaseModel, ConfigDict

from domain.template import Dimension, EvaluationKind, Role


class Verdict(StrEnum):
    on_track = "on_track"
    at_risk = "at_risk"
    off_track = "off_track"


class Rating(NamedTuple):
    """One rater's latest scores, as the evaluation sees them."""

    role: Role
    rater_id: str
    scores: Mapping[Dimension, int]


class DimensionScore(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    dimension: Dimension
    by_role: dict[Role, float]
    mean: float | None
    baseline: float | None = None
    change: float | None = None


class Attendance(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    held: int
    missed: int

    @property
    def rate(self) -> float | None:
        total = self.held + self.missed
        return self.held / total if total else None


class Evaluation(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: EvaluationKind
    stage: str | None
    raters: int
    scores: tuple[DimensionScore, ...]
    overall: float | None
    baseline_overall: float | None = None
    change: float | None = None
    attainment: float | None
    """Mean progress of the agreed objectives, in percent."""
    expected_attainment: float
    """Share of the programme's stages done, in percent."""
    attendance: Attendance
    verdict: Verdict
    reasons: tuple[str, ...]


def evaluate(
    *,
    kind: EvaluationKind,
    stage: str | None,
    dimensions: Sequence[Dimension],
    ratings: Sequence[Rating],
    baseline: Evaluation | None,
    progress: Sequence[int],
    attendance: Attendance,
    expected_attainment: float,
) -> Evaluation:
    """Compute an evaluation from plain figures; pure and deterministic."""
    scores = tuple(_dimension_score(d, ratings, baseline) for d in dimensions)
    means = [s.mean for s in scores if s.mean is not None]
    overall = _round(fmean(means)) if means else None
    baseline_overall = baseline.overall if baseline is not None else None
    change = (
        _round(overall - baseline_overall)
        if overall is not None and baseline_overall is not None
        else None
    )
    attainment = _round(fmean(progress)) if progress else None
    verdict, reasons = _verdict(change, attainment, expected_attainment, attendance)
    return Evaluation(
        kind=kind,
        stage=stage,
        raters=len({r.rater_id for r in ratings}),
        scores=scores,
        overall=overall,
        baseline_overall=baseline_overall,
        change=change,
        attainment=attainment,
        expected_attainment=_round(expected_attainment),
        attendance=attendance,
        verdict=verdict,
        reasons=reasons,
    )


def _dimension_score(
    dimension: Dimension, ratings: Sequence[Rating], baseline: Evaluation | None
) -> DimensionScore:
    per_role: dict[Role, list[int]] = {}
    for rating in ratings:
        if dimension in rating.scores:
            per_role.setdefault(rating.role, []).append(rating.scores[dimension])
    by_role = {role: _round(fmean(values)) for role, values in per_role.items()}
    mean = _round(fmean(by_role.values())) if by_role else None
    before = None
    if baseline is not None:
        before = next((s.mean for s in baseline.scores if s.dimension == dimension), None)
    change = _round(mean - before) if mean is not None and before is not None else None
    return DimensionScore(
        dimension=dimension, by_role=by_role, mean=mean, baseline=before, change=change
    )


def _verdict(
    change: float | None,
    attainment: float | None,
    expected: float,
    attendance: Attendance,
) -> tuple[Verdict, tuple[str, ...]]:
    off: list[str] = []
    risk: list[str] = []
    rate = attendance.rate
    if rate is not None:
        if rate < 0.5:
            off.append(f"attendance {rate:.0%} is under 50%")
        elif rate < 0.75:
            risk.append(f"attendance {rate:.0%} is under 75%")
    if attainment is not None:
        gap = expected - attainment
        if gap > 50:
            off.append(f"objectives at {attainment:.0f}%, {gap:.0f} points behind plan")
        elif gap > 25:
            risk.append(f"objectives at {attainment:.0f}%, {gap:.0f} points behind plan")
    if change is not None:
        if change <= -1:
            off.append(f"overall score down {-change:.2f} since baseline")
        elif change < 0:
            risk.append(f"overall score down {-change:.2f} since baseline")
    if off:
        return Verdict.off_track, tuple(off + risk)
    if risk:
        return Verdict.at_risk, tuple(risk)
    return Verdict.on_track, ()


def _round(value: float) -> float:
    return round(value, 2)
