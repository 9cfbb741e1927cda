"""Evaluations: does the work bear the expected fruit?

An evaluation summarises, at one point of the programme, the scores per
dimension by rater role, how they compare with the baseline, the attainment of
the agreed objectives against plan, and session attendance; it gives a verdict
(on track, at risk, off track) with its reasons in words.

Which answers count
    Only the answers given for this evaluation: those given during the stage it
    closes (for a closing evaluation, the stage the programme was in; for a
    follow-up, after the programme completed), and after the previous
    evaluation (under rules 4, every answer for the stage it closes, those kept
    for it before it opened too). There is no fallback to older answers: an
    evaluation nobody answered has no scores, and its reasons say so. A rater who
    answered more than once counts once, with their latest score per dimension.

Scores
    Per dimension: the mean per role of its raters, then the mean of the roles
    (so five peers weigh as much as one manager). Overall: the mean of the
    dimensions scored. All of it is computed exactly (fractions) and rounded to
    two decimals (halves away from zero) only in the stored display figures and
    the reasons, so equal scores never show a change.

Like for like
    The change is measured on what both evaluations have in common, per
    dimension: only the roles that answered both times, and within a role only
    the raters who answered both times (the same people); a role whose raters
    are all different people is compared by its role means. A role that
    answered only once (the coach at the midpoint, say, when the baseline had
    none) is left out of the change, and the evaluation says so:
    ``comparison.basis`` is ``same_raters`` when every role was compared with
    the same people, ``same_roles`` otherwise; ``comparison.left_out`` names the
    roles left out. ``compared`` / ``compared_overall`` are this evaluation's
    figures on that basis and ``baseline`` / ``baseline_overall`` the baseline's,
    so ``change = compared - baseline``; ``mean`` / ``overall`` stay the figures
    of all of this evaluation's answers.

Tolerance
    A change counts as up or down only beyond the template's
    ``score_tolerance`` (default 0.25): ``trend`` is ``up`` above +0.25,
    ``down`` below -0.25, ``steady`` in between, bounds included.

Objectives
    Attainment is the mean progress of the objectives whose progress was
    recorded. An objective with no progress recorded is *not recorded*, not 0%:
    with none recorded the attainment is unknown and the reasons say so; it
    does not count against the verdict.

Expected attainment
    100% at the final evaluation (and at the follow-up after it). Before that it
    follows the calendar: programme-clock time elapsed (pauses not counted) over
    the planned duration of the stages (each stage's ``due``, or its session
    calendar's length), at most 100%. A template whose stages plan no duration
    is measured against its ``max_duration``.

Attendance
    Sessions held over sessions held or missed, over the stages so far.
    Sessions left unrecorded when a stage's calendar closes (at its deadline)
    with its ``gate.sessions_held`` met were not needed: they are not counted
    as missed, nor at all. A session recorded as missed by hand, or left
    unrecorded while the stage still needed sessions, is missed.

The verdict rules and their reasons are in ``domain.verdict``.

A worked example (change-adoption-3m: adaptability and motivation, final
evaluation):

- baseline: employee 2 and 3, manager 3 and 3; adaptability (2+3)/2 = 5/2,
  motivation (3+3)/2 = 3, overall 11/4 = 2.75;
- final: employee 3 and 4, manager 4 and 4, and a coach 2 and 2; the means
  with the coach are 3 and 10/3, overall 19/6 = 3.17;
- like for like, the coach is left out (the baseline has none) and the same
  two people are compared: adaptability (3+4)/2 = 7/2, motivation 4, overall
  15/4 = 3.75; change 15/4 - 11/4 = +1.00, over the 0.25 tolerance: up;
- all 10 sessions held: attendance 100%;
- three objectives, progress recorded for none: attainment not recorded
  (expected 100% at the final evaluation);
- verdict on track, with the reasons "scores are up 1.00 since the baseline
  (like for like: the same 2 raters; coach left out, none in the baseline)",
  "attendance 100%: 10 of 10 sessions held" and "no progress recorded on the
  3 objectives: attainment unknown, not 0% (expected 100% at the final
  evaluation)".

Stored, that is ``overall`` 3.17 (everyone), ``compared_overall`` 3.75,
``baseline_overall`` 2.75, ``change`` 1.0, ``trend`` up, ``comparison``
``{basis: same_raters, roles: [employee, manager], raters: 2, left_out:
[coach]}``, ``attainment`` None with ``objectives_unrecorded`` 3,
``expected_attainment`` 100.0. The old rules read the same programme as off
track: "objectives at 0%, 75 points behind plan".

About 400 lines, most of them the rules' documentation above and the scores' exact
arithmetic; the verdict is ``domain.verdict``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import timedelta
from fractions import Fraction
from typing import NamedTuple

from pydantic import BaseModel, ConfigDict

from domain import exact
from domain import verdict as verdicts
from domain.evidence import Case, Evidence, gather, lacking
from domain.expectations import Expectations
from domain.framework import DimensionKey
from domain.reasons import Reason, english
from domain.template import DEFAULT_SCORE_TOLERANCE, EvaluationKind, Role, Template
from domain.verdict import Attendance, Basis, Comparison, Figures, Trend, Verdict


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


def expected_attainment(template: Template, kind: EvaluationKind, clock: timedelta) -> Fraction:
    """What the plan expects, in percent, of an evaluation of ``kind`` at programme-clock
    ``clock``: 100 at the final (and follow-up) evaluation, else the calendar's share."""
    if kind in (EvaluationKind.final, EvaluationKind.follow_up):
        return Fraction(100)
    planned = sum((s.allowed for s in template.stages if s.allowed is not None), timedelta(0))
    if planned <= timedelta(0):
        planned = template.max_duration
    elapsed = max(clock, timedelta(0))
    return min(Fraction(100), 100 * Fraction(exact.micros(elapsed), exact.micros(planned)))


def evaluate(
    *,
    kind: EvaluationKind,
    stage: str | None,
    dimensions: Sequence[DimensionKey],
    ratings: Sequence[Rating],
    baseline: Evaluation | None,
    progress: Sequence[int | None],
    attendance: Attendance,
    expected_attainment: float | Fraction,
    baseline_ratings: Sequence[Rating] | None = None,
    tolerance: float | Fraction = DEFAULT_SCORE_TOLERANCE,
    expectations: Expectations | None = None,
    case: Case | None = None,
    codes: bool = False,
    drop: float | Fraction = 1,
) -> Evaluation:
    """Compute an evaluation from plain figures; pure and deterministic.

    ``ratings`` are this evaluation's answers only. ``baseline_ratings`` are the
    baseline's, for a like-for-like comparison rater by rater; without them the
    comparison uses the baseline's stored role means. ``progress`` has one entry per
    agreed objective, None for one whose progress was not recorded. ``codes`` (rules 7)
    stores the reasons as codes, else as English sentences; ``drop`` is the fall of the
    overall score that is off track (``domain.verdict.Figures.drop``).

    ``case`` (rules 5) weighs only the others' answers (``case.need.weighed``), shows the
    employee's beside them, measures the objectives as ``case.objectives`` says and
    gives the verdict of ``domain.verdict.weigh``.
    """
    band = exact.exact(tolerance)
    expected = exact.exact(expected_attainment)
    shown = _by_rater(ratings)
    now = shown if case is None else _only(shown, case.need.weighed)
    then: dict[tuple[Role, str], dict[DimensionKey, Fraction]] | None = None
    if baseline_ratings is not None:
        then = _by_rater(baseline_ratings)
    elif baseline is not None:
        then = _from_stored(baseline)
    if then is not None and case is not None:
        then = _only(then, case.need.weighed)
    own = _only(shown, (Role.employee,)) if case is not None else {}
    selves: list[Fraction] = []

    scores: list[DimensionScore] = []
    means: list[Fraction] = []
    pairs: list[tuple[Fraction, Fraction]] = []
    compared_roles: set[Role] = set()
    by_role_roles: set[Role] = set()
    matched: set[tuple[Role, str]] = set()
    roles_now: set[Role] = set()
    roles_then: set[Role] = set()
    for dimension in dimensions:
        role_means = {
            role: exact.mean(values)
            for role, values in _role_values(now, dimension, None).items()
            if values
        }
        mean = exact.mean(role_means.values()) if role_means else None
        mine = _role_values(own, dimension, None).get(Role.employee)
        self_score = exact.mean(mine) if mine else None
        if self_score is not None:
            selves.append(self_score)

        if mean is not None:
            means.append(mean)
        every = role_means  # rules 5: every role shown, the others' only weighed
        if case is not None:
            every = {
                role: exact.mean(values)
                for role, values in _role_values(shown, dimension, None).items()
                if values
            }
        pair = None
        if then is not None:
            roles_now |= set(role_means)
            roles_then |= set(_role_values(then, dimension, None))
            pair = _like_for_like(now, then, dimension, compared_roles, by_role_roles, matched)
            if pair is not None:
                pairs.append(pair)
        scores.append(
            DimensionScore(
                dimension=dimension,
                by_role={r: exact.display(v) for r, v in exact.in_role_order(every)},
                mean=exact.opt(mean),
                baseline=exact.opt(pair[1]) if pair else None,
                change=exact.display(pair[0] - pair[1]) if pair else None,
                compared=exact.opt(pair[0]) if pair else None,
                raters=_role_counts(shown, dimension),
                self_score=exact.opt(self_score),
                self_gap=exact.display(self_score - mean)
                if self_score is not None and mean is not None
                else None,
            )
        )

    overall = exact.mean(means) if means else None
    change: Fraction | None = None
    comparison: Comparison | None = None
    compared_overall = baseline_overall = None
    if pairs:
        compared_overall = exact.mean(p[0] for p in pairs)
        baseline_overall = exact.mean(p[1] for p in pairs)
        change = compared_overall - baseline_overall
        comparison = Comparison(
            basis=Basis.same_roles if by_role_roles else Basis.same_raters,
            roles=exact.ordered(compared_roles),
            raters=len(matched),
            left_out=exact.ordered((roles_now | roles_then) - compared_roles),
        )
    trend = None
    if change is not None:
        trend = Trend.up if change > band else Trend.down if change < -band else Trend.steady

    recorded = [Fraction(p) for p in progress if p is not None]
    attainment = exact.mean(recorded) if recorded else None
    unrecorded = len(progress) - len(recorded)
    evidence = self_overall = None
    lacks: tuple[Reason, ...] = ()
    if case is not None:
        attainment = case.objectives.attainment
        expected = case.objectives.expected
        unrecorded = case.objectives.agreed - case.objectives.measured
        progress = [None] * case.objectives.agreed
        self_overall = exact.mean(selves) if selves else None
        evidence = gather(
            case.need,
            answers={role: len(_raters_of(shown, role)) for role in Role},
            compared=comparison is not None,
            objectives=case.objectives.agreed,
            measured=case.objectives.measured,
            sessions=case.sessions,
            reaction=expectations is not None and expectations.met is not None,
            ended=case.ended,
        )
        lacks = lacking(
            case.need,
            answers=evidence.answers,
            compared=evidence.compared,
            objectives=evidence.objectives,
            measured=evidence.measured,
            sessions=evidence.sessions,
        )

    judge = verdicts.verdict if case is None else verdicts.weigh
    verdict, reasons = judge(
        Figures(
            kind=kind,
            raters=len({r.rater_id for r in ratings}),
            has_baseline=then is not None,
            overall=overall,
            change=change,
            trend=trend,
            comparison=comparison,
            roles_then=exact.ordered(roles_then),
            tolerance=band,
            attainment=attainment,
            objectives=len(progress),
            unrecorded=unrecorded,
            expected=expected,
            attendance=attendance,
            expectations=expectations,
            drop=exact.exact(drop),
            evidence=evidence,
            self_overall=self_overall,
            others_overall=overall,
            lacking=lacks,
        )
    )
    return Evaluation(
        kind=kind,
        stage=stage,
        raters=len({r.rater_id for r in ratings}),
        scores=tuple(scores),
        overall=exact.opt(overall),
        baseline_overall=exact.opt(baseline_overall),
        change=exact.opt(change),
        compared_overall=exact.opt(compared_overall),
        comparison=comparison,
        trend=trend,
        tolerance=float(band),
        attainment=exact.opt(attainment),
        objectives_unrecorded=unrecorded,
        expected_attainment=exact.display(expected),
        attendance=attendance,
        verdict=verdict,
        reasons=() if codes else tuple(english(reason) for reason in reasons),
        codes=reasons if codes else (),
        expectations=expectations,
        evidence=evidence,
        self_overall=exact.opt(self_overall),
        self_gap=exact.display(self_overall - overall)
        if self_overall is not None and overall is not None
        else None,
    )


# ---------------------------------------------------------------- scores

_Side = dict[tuple[Role, str], dict[DimensionKey, Fraction]]


def _by_rater(ratings: Iterable[Rating]) -> _Side:
    """Each rater's score per dimension; a rater given twice has the mean of both
    (so the result never depends on the order of ``ratings``)."""
    given: dict[tuple[Role, str], dict[DimensionKey, list[int]]] = {}
    for rating in ratings:
        mine = given.setdefault((rating.role, rating.rater_id), {})
        for dimension, score in rating.scores.items():
            mine.setdefault(dimension, []).append(score)
    return {
        # The mean of whole scores in one Fraction: the same value as exact.mean of
        # each as a Fraction, without a Fraction (and its gcd) per answer.
        key: {d: Fraction(sum(values), len(values)) for d, values in dims.items()}
        for key, dims in given.items()
    }


def _only(side: _Side, roles: tuple[Role, ...]) -> _Side:
    return {key: scores for key, scores in side.items() if key[0] in roles}


def _raters_of(side: _Side, role: Role) -> set[str]:
    return {rater for (r, rater) in side if r is role}


def _from_stored(baseline: Evaluation) -> _Side:
    """A stored evaluation's role means, as one anonymous rater per role."""
    side: _Side = {}
    for score in baseline.scores:
        for role, value in score.by_role.items():
            side.setdefault((role, ""), {})[score.dimension] = Fraction(repr(value))
    return side


def _role_values(
    side: _Side, dimension: DimensionKey, only: set[str] | None
) -> dict[Role, list[Fraction]]:
    values: dict[Role, list[Fraction]] = {}
    for (role, rater), scores in side.items():
        if dimension in scores and (only is None or rater in only):
            values.setdefault(role, []).append(scores[dimension])
    return values


def _role_counts(side: _Side, dimension: DimensionKey) -> dict[Role, int]:
    """How many raters of each role scored ``dimension``, in role order."""
    values = _role_values(side, dimension, None)
    return {role: len(values[role]) for role in Role if values.get(role)}


def _raters(side: _Side, role: Role, dimension: DimensionKey) -> set[str]:
    return {rater for (r, rater), scores in side.items() if r is role and dimension in scores}


def _like_for_like(
    now: _Side,
    then: _Side,
    dimension: DimensionKey,
    compared_roles: set[Role],
    by_role_roles: set[Role],
    matched: set[tuple[Role, str]],
) -> tuple[Fraction, Fraction] | None:
    """(now, then) for ``dimension`` on what both sides have in common, if anything."""
    now_roles: list[Fraction] = []
    then_roles: list[Fraction] = []
    for role in Role:
        ids_now, ids_then = _raters(now, role, dimension), _raters(then, role, dimension)
        if not ids_now or not ids_then:
            continue
        both = ids_now & ids_then
        if both:
            matched.update((role, rater) for rater in both)
        else:
            by_role_roles.add(role)
        compared_roles.add(role)
        now_roles.append(exact.mean(now[(role, r)][dimension] for r in (both or ids_now)))
        then_roles.append(exact.mean(then[(role, r)][dimension] for r in (both or ids_then)))
    if not now_roles:
        return None
    return exact.mean(now_roles), exact.mean(then_roles)


__all__ = [
    "Attendance",
    "Basis",
    "Comparison",
    "DimensionScore",
    "Evaluation",
    "Rating",
    "Trend",
    "Verdict",
    "evaluate",
    "expected_attainment",
]
