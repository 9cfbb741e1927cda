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

The figures it stores are ``domain.evaluation``'s; the scores rater by rater and the
like-for-like comparison are ``domain.ratings``; the verdict is ``domain.verdict``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from fractions import Fraction

from domain import exact
from domain import verdict as verdicts
from domain.evaluation import DimensionScore, Evaluation, Rating
from domain.evidence import Case, gather, lacking
from domain.expectations import Expectations
from domain.framework import DimensionKey
from domain.ratings import (
    by_rater,
    from_stored,
    like_for_like,
    of_roles,
    raters_of,
    role_counts,
    role_values,
)
from domain.reasons import Reason, english
from domain.template import DEFAULT_SCORE_TOLERANCE, EvaluationKind, Role, Template
from domain.verdict import Attendance, Basis, Comparison, Figures, Trend


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
    shown = by_rater(ratings)
    now = shown if case is None else of_roles(shown, case.need.weighed)
    then: dict[tuple[Role, str], dict[DimensionKey, Fraction]] | None = None
    if baseline_ratings is not None:
        then = by_rater(baseline_ratings)
    elif baseline is not None:
        then = from_stored(baseline)
    if then is not None and case is not None:
        then = of_roles(then, case.need.weighed)
    own = of_roles(shown, (Role.employee,)) if case is not None else {}
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
            for role, values in role_values(now, dimension, None).items()
            if values
        }
        mean = exact.mean(role_means.values()) if role_means else None
        mine = role_values(own, dimension, None).get(Role.employee)
        self_score = exact.mean(mine) if mine else None
        if self_score is not None:
            selves.append(self_score)

        if mean is not None:
            means.append(mean)
        every = role_means  # rules 5: every role shown, the others' only weighed
        if case is not None:
            every = {
                role: exact.mean(values)
                for role, values in role_values(shown, dimension, None).items()
                if values
            }
        pair = None
        if then is not None:
            roles_now |= set(role_means)
            roles_then |= set(role_values(then, dimension, None))
            pair = like_for_like(now, then, dimension, compared_roles, by_role_roles, matched)
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
                raters=role_counts(shown, dimension),
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
            answers={role: len(raters_of(shown, role)) for role in Role},
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
