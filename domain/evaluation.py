"""Evaluations: does the work bear the expected fruit? What one stores.

An evaluation summarises, at one point of the programme, the scores per dimension by
rater role, how they compare with the baseline, the attainment of the agreed objectives
against plan, and session attendance; it gives a verdict (on track, at risk, off track)
with its reasons. These are its figures as events carry them; how they are computed, and
the rules behind them, are ``domain.evaluate``'s; the verdict is ``domain.verdict``'s.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from pydantic import BaseModel, ConfigDict

from domain.evidence import Evidence
from domain.expectations import Expectations
from domain.framework import DimensionKey
from domain.reasons import Reason
from domain.template import EvaluationKind, Role
from domain.verdict import Attendance, Basis, Comparison, Trend, Verdict


class Rating(NamedTuple):
    """One rater's latest scores, as the evaluation sees them."""

    role: Role
    rater_id: str
    scores: Mapping[DimensionKey, int]


class DimensionScore(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    dimension: DimensionKey
    by_role: dict[Role, float]
    mean: float | None
    """Mean of the role means, of all of this evaluation's answers."""
    baseline: float | None = None
    """The baseline's score, on the like-for-like basis."""
    change: float | None = None
    """``compared - baseline``, computed exactly, then rounded."""
    compared: float | None = None
    """This evaluation's score on the like-for-like basis (None in events recorded
    before comparisons were like for like: there ``change`` is ``mean - baseline``)."""
    raters: dict[Role, int] = {}
    """How many raters of each role scored this dimension (empty in events recorded
    before they were counted): what ``domain.confidentiality`` checks minimums on."""
    self_score: float | None = None
    """Rules 5: the employee's own score, shown beside the others', never in ``mean``."""
    self_gap: float | None = None
    """Rules 5: ``self_score - mean`` (over-rating above 0, under-rating below)."""
    others: float | None = None
    """Shown projections only: the mean of the raters of the roles merged into "others"
    (too few to be shown on their own), when together they reach the minimum."""


class Evaluation(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: EvaluationKind
    stage: str | None
    raters: int
    """Raters whose answers this evaluation counts (0: nobody answered)."""
    scores: tuple[DimensionScore, ...]
    overall: float | None
    """Mean of the dimension means, of all of this evaluation's answers."""
    baseline_overall: float | None = None
    """The baseline's overall score, on the like-for-like basis."""
    change: float | None = None
    """``compared_overall - baseline_overall``, computed exactly, then rounded."""
    compared_overall: float | None = None
    """This evaluation's overall score on the like-for-like basis."""
    comparison: Comparison | None = None
    """What the change was measured on; None when there was no change to measure."""
    trend: Trend | None = None
    """The change once the tolerance is applied; None when there is no change."""
    tolerance: float | None = None
    """How far the overall score may move and still count as steady."""
    attainment: float | None
    """Mean progress of the objectives whose progress was recorded, in percent;
    None when none was recorded."""
    objectives_unrecorded: int = 0
    """Agreed objectives with no progress recorded."""
    expected_attainment: float
    """What the plan expects by now, in percent: 100 at the final evaluation,
    the share of the planned calendar elapsed before it."""
    attendance: Attendance
    verdict: Verdict
    reasons: tuple[str, ...]
    """Why: what made the verdict first, then what else a coach should know; in English,
    as programmes before rules 7 store them (empty under rules 7: ``codes``)."""
    codes: tuple[Reason, ...] = ()
    """Rules 7: the reasons as codes with their figures (``domain.reasons``), read in the
    reader's language; empty in evaluations stored before."""
    merged: tuple[Role, ...] = ()
    """Shown projections only: roles too few to be shown alone, merged into "others"."""
    withheld: dict[Role, int | None] = {}
    """Shown projections only: roles whose scores are withheld, with how many of their
    raters answered (None: not counted when the evaluation was recorded)."""
    expectations: Expectations | None = None
    """The client's expectations and whether they were met, as they stood (final,
    closing and follow-up evaluations; ``domain.expectations``). None when none were
    recorded, and in evaluations recorded before expectations were."""
    evidence: Evidence | None = None
    """Rules 5: what it had against what its template requires (``domain.evidence``);
    then ``mean``, ``overall`` and ``change`` are the others' (the gate's roles but the
    employee), and the employee's own scores are beside them."""
    self_overall: float | None = None
    self_gap: float | None = None
    """Rules 5: ``self_overall - overall``."""


__all__ = [
    "Attendance",
    "Basis",
    "Comparison",
    "DimensionScore",
    "Evaluation",
    "Rating",
    "Trend",
    "Verdict",
]
