"""A cohort's report, for the people who run it: counts and means over its programmes'
views, never one person's scores.

Per stage and status, how many programmes; per evaluation kind, how many of each verdict,
and the mean like-for-like change per dimension (each programme's ``change`` against its
own baseline); attendance; stalls. Scores are compared only within one competency
framework (``domain.framework``): a cohort whose programmes are on several frameworks
(their own dimensions, their own scales) has one summary per framework and kind. A mean
over fewer than ``MIN_GROUP`` programmes is withheld: with one or two it would be their
scores. The rule across figures holds here too (``domain.disclosure``): of one framework
and evaluation kind, a mean whose programmes differ from those of a mean already published
(the overall change first, then each dimension's) by fewer than ``MIN_GROUP``, or that
would single one programme out with them, is withheld.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from statistics import fmean

from pydantic import BaseModel, ConfigDict

from domain.disclosure import Group, refusal
from domain.framework import DimensionKey
from domain.template import EvaluationKind
from domain.verdict import Verdict
from domain.view import ProgrammeView

Summarised = tuple[str, EvaluationKind]
"""Evaluations summarised together: of one framework, of one kind."""
MIN_GROUP = 3
"""Programmes a mean is taken over at least, as a role's scores are shown only from
three raters."""
FINISHED = "(finished)"


class _Report(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Change(_Report):
    programmes: int
    """How many programmes' evaluations measured it."""
    mean: float | None
    """Mean change against the baseline; None (withheld) under ``MIN_GROUP``."""


class EvaluationSummary(_Report):
    kind: EvaluationKind
    framework: str = "parcours-five"
    """The framework of the programmes summarised: programmes on different frameworks
    are summarised apart, their scores being on different dimensions and scales."""
    programmes: int
    verdicts: dict[Verdict, int]
    overall_change: Change
    by_dimension: dict[DimensionKey, Change]


class CohortAttendance(_Report):
    """A cohort's sessions, all programmes together (a programme's own is
    ``domain.verdict.Attendance``; two names, so a generated client has both)."""

    held: int
    missed: int
    rate: float | None
    """held / (held + missed), None before any session."""


class CohortSummary(_Report):
    cohort_id: str
    programmes: int
    """Programmes in the cohort, erased ones included."""
    erased: int
    by_status: dict[str, int]
    by_stage: dict[str, dict[str, int]]
    """Current stage (``(finished)`` when none) to status to count."""
    evaluations: list[EvaluationSummary]
    attendance: CohortAttendance
    stalled: dict[str, int]
    """Programmes stalled now, by stage."""
    min_group: int = MIN_GROUP


def _change(values: dict[str, float], published: list[Group]) -> Change:
    """The mean of ``values`` (by programme), unless with what is ``published`` it would
    give one programme's away; published, its programmes join ``published``."""
    group = frozenset(values)
    if refusal(published, group, MIN_GROUP) is not None:
        return Change(programmes=len(values), mean=None)
    if group not in published:
        published.append(group)
    return Change(programmes=len(values), mean=round(fmean(values.values()), 2))


def summarise(cohort_id: str, views: Iterable[ProgrammeView], erased: int = 0) -> CohortSummary:
    views = list(views)
    by_status = Counter(str(v.status) for v in views)
    by_stage: dict[str, Counter[str]] = defaultdict(Counter)
    stalled: Counter[str] = Counter()
    held = missed = 0
    verdicts: dict[Summarised, Counter[Verdict]] = defaultdict(Counter)
    overall: dict[Summarised, dict[str, float]] = defaultdict(dict)
    dims: dict[Summarised, dict[DimensionKey, dict[str, float]]] = defaultdict(
        lambda: defaultdict(dict)
    )
    counted: dict[Summarised, set[str]] = defaultdict(set)
    for view in views:
        by_stage[view.stage or FINISHED][str(view.status)] += 1
        if view.stalled and view.stage:
            stalled[view.stage] += 1
        held += view.held
        missed += view.missed
        latest = {e.kind: e for e in view.evaluations}  # the last of each kind
        for kind, evaluation in latest.items():
            group = (view.framework, kind)
            counted[group].add(view.programme_id)
            verdicts[group][evaluation.verdict] += 1
            if evaluation.change is not None:
                overall[group][view.programme_id] = evaluation.change
            for score in evaluation.scores:
                if score.change is not None:
                    dims[group][score.dimension][view.programme_id] = score.change
    evaluations: list[EvaluationSummary] = []
    for framework in sorted({framework for framework, _ in counted}):
        for kind in EvaluationKind:
            group = (framework, kind)
            if not counted[group]:
                continue
            published: list[Group] = []
            evaluations.append(
                EvaluationSummary(
                    kind=kind,
                    framework=framework,
                    programmes=len(counted[group]),
                    verdicts={v: verdicts[group][v] for v in Verdict if verdicts[group][v]},
                    overall_change=_change(overall[group], published),
                    by_dimension={
                        d: _change(values, published) for d, values in dims[group].items()
                    },
                )
            )
    sessions = held + missed
    return CohortSummary(
        cohort_id=cohort_id,
        programmes=len(views) + erased,
        erased=erased,
        by_status=dict(sorted(by_status.items())),
        by_stage={stage: dict(sorted(c.items())) for stage, c in sorted(by_stage.items())},
        evaluations=evaluations,
        attendance=CohortAttendance(
            held=held, missed=missed, rate=round(held / sessions, 3) if sessions else None
        ),
        stalled=dict(sorted(stalled.items())),
    )
