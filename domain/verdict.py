"""The verdict of an evaluation, and its reasons in words a coach would use.

The verdict rules (every rule is checked; the worst level found wins):

- off track: attendance under 50%; objectives (those recorded) more than 50
  points behind the expected attainment; or the overall score down by 1 point
  or more (like for like);
- at risk: attendance under 75%; objectives more than 25 points behind; or the
  overall score down by more than the tolerance;
- on track otherwise.

The reasons list what made the verdict first (off track, then at risk), then
what else a coach should know: scores up or steady, attendance and objectives
on plan, objectives not recorded, roles left out of the comparison, no answers, and
the client's expectations (``domain.expectations``: reported, not weighed).
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from fractions import Fraction
from typing import NamedTuple

from pydantic import BaseModel, ConfigDict

from domain import exact
from domain.evidence import Evidence
from domain.expectations import Expectations, in_words
from domain.template import EvaluationKind, Role


class Verdict(StrEnum):
    on_track = "on_track"
    at_risk = "at_risk"
    off_track = "off_track"
    insufficient_evidence = "insufficient_evidence"
    """Rules 5: not enough evidence to judge (``domain.evidence``)."""


class Trend(StrEnum):
    """The overall change against the baseline, once the tolerance is applied."""

    up = "up"
    steady = "steady"
    down = "down"


class Basis(StrEnum):
    """How the change against the baseline was measured."""

    same_raters = "same_raters"
    """Every role compared was compared with the same people both times."""
    same_roles = "same_roles"
    """At least one role had different people both times: compared by its role means."""


class Attendance(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    held: int
    missed: int
    """Sessions missed that were needed; sessions not needed are not counted."""

    @property
    def rate(self) -> float | None:
        total = self.held + self.missed
        return self.held / total if total else None


class Comparison(BaseModel):
    """What the change against the baseline was measured on."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    basis: Basis
    roles: tuple[Role, ...]
    """Roles that answered both times, and were compared."""
    raters: int = 0
    """Raters compared with themselves (who answered both times)."""
    left_out: tuple[Role, ...] = ()
    """Roles that answered only one of the two times, left out of the change."""


class Figures(NamedTuple):
    """What the verdict is drawn from, exactly."""

    kind: EvaluationKind
    raters: int
    has_baseline: bool
    overall: Fraction | None
    change: Fraction | None
    trend: Trend | None
    comparison: Comparison | None
    roles_then: tuple[Role, ...]
    tolerance: Fraction
    attainment: Fraction | None
    objectives: int
    unrecorded: int
    expected: Fraction
    attendance: Attendance
    expectations: Expectations | None = None
    evidence: Evidence | None = None
    """Rules 5: what the evaluation had against what it requires; then ``overall`` and
    ``change`` are others' (the employee's own scores are ``self_overall``)."""
    self_overall: Fraction | None = None
    others_overall: Fraction | None = None


def verdict(f: Figures) -> tuple[Verdict, tuple[str, ...]]:
    off: list[str] = []
    risk: list[str] = []
    notes: list[str] = []
    _score_reasons(f, off, risk, notes)
    _attendance_reasons(f.attendance, off, risk, notes)
    _objective_reasons(f, off, risk, notes)
    if f.expectations is not None:  # reported beside the verdict, not weighed in it
        notes.append(in_words(f.expectations))
    if off:
        return Verdict.off_track, tuple(off + risk + notes)
    if risk:
        return Verdict.at_risk, tuple(risk + notes)
    return Verdict.on_track, tuple(notes)


def weigh(f: Figures) -> tuple[Verdict, tuple[str, ...]]:
    """Rules 5: the verdict on what others saw, the objectives measured from their start
    and the sessions, never on track without the evidence the template requires."""
    evidence = f.evidence
    assert evidence is not None
    off: list[str] = []
    risk: list[str] = []
    notes: list[str] = []
    lead: list[str] = []
    if evidence.ended is not None:
        ended = evidence.ended
        where = f" in stage {ended.stage}" if ended.stage else ""
        lead.append(f"ended early: {ended.how} on day {ended.day}{where}")
    _score_reasons(f, off, risk, notes)
    if f.self_overall is not None and f.others_overall is not None:
        gap = f.self_overall - f.others_overall
        notes.append(
            f"self-rating {exact.num(f.self_overall)} beside others' "
            f"{exact.num(f.others_overall)}: a gap of {exact.signed(gap)} (shown, not weighed)"
        )
    if evidence.unweighed:
        notes.append(f"{_and(evidence.unweighed)} answered outside the gate: shown, not weighed")
    _attendance_reasons(f.attendance, off, risk, notes)
    _objective_reasons(f, off, risk, notes)
    if f.expectations is not None:
        notes.append(in_words(f.expectations))
    if off:
        return Verdict.off_track, tuple(lead + off + risk + notes)
    if risk:
        return Verdict.at_risk, tuple(lead + risk + notes)
    missing = list(evidence.missing)
    if evidence.ended is not None and not missing:
        missing.append("it ended before its last evaluation")
    if missing:
        judged = "not enough evidence to judge: " + "; ".join(missing)
        return Verdict.insufficient_evidence, (*lead, judged, *notes)
    return Verdict.on_track, tuple(lead + notes)


def _score_reasons(f: Figures, off: list[str], risk: list[str], notes: list[str]) -> None:
    if f.raters == 0:
        notes.append("nobody gave feedback for this evaluation, so it has no scores")
        return
    if f.kind is EvaluationKind.baseline and not f.has_baseline:
        overall = "no overall score" if f.overall is None else f"overall {exact.num(f.overall)}"
        notes.append(
            f"baseline recorded: {overall} from {exact.count(f.raters, 'rater')}; "
            "later evaluations are compared with it"
        )
        return
    if not f.has_baseline:
        notes.append("there is no baseline to compare the scores with")
        return
    if f.change is None or f.comparison is None:
        then = ", ".join(f.roles_then) or "nobody"
        notes.append(
            "the scores cannot be compared with the baseline: no role answered both times "
            f"(baseline: {then})"
        )
        return
    basis = _basis_words(f.comparison, f.roles_then)
    if f.change <= -1:
        off.append(
            f"scores are down {exact.num(-f.change)} since the baseline, 1 point or more ({basis})"
        )
    elif f.trend is Trend.down:
        risk.append(
            f"scores are down {exact.num(-f.change)} since the baseline, more than the "
            f"{exact.num(f.tolerance)} allowed ({basis})"
        )
    elif f.trend is Trend.up:
        notes.append(f"scores are up {exact.num(f.change)} since the baseline ({basis})")
    else:
        notes.append(
            f"scores are steady since the baseline: {exact.signed(f.change)}, within "
            f"±{exact.num(f.tolerance)} ({basis})"
        )


def _basis_words(comparison: Comparison, roles_then: tuple[Role, ...]) -> str:
    if comparison.basis is Basis.same_raters:
        words = f"like for like: the same {exact.count(comparison.raters, 'rater')}"
    else:
        words = f"like for like by role: {', '.join(comparison.roles)}"
        if comparison.raters:
            words += f", {exact.count(comparison.raters, 'rater')} the same people"
    new = [r for r in comparison.left_out if r not in roles_then]
    gone = [r for r in comparison.left_out if r in roles_then]
    if new:
        words += f"; {_and(new)} left out, none in the baseline"
    if gone:
        words += f"; {_and(gone)} left out, none this time"
    return words


def _and(roles: Sequence[Role]) -> str:
    return " and ".join(roles) if len(roles) < 3 else f"{', '.join(roles[:-1])} and {roles[-1]}"


def _attendance_reasons(
    attendance: Attendance, off: list[str], risk: list[str], notes: list[str]
) -> None:
    held, total = attendance.held, attendance.held + attendance.missed
    if total == 0:
        return
    rate = Fraction(held, total)
    words = f"attendance {exact.pct(100 * rate)}%: {held} of {exact.count(total, 'session')} held"
    if rate < Fraction(1, 2):
        off.append(f"{words}, under 50%")
    elif rate < Fraction(3, 4):
        risk.append(f"{words}, under 75%")
    else:
        notes.append(words)


def _objective_reasons(f: Figures, off: list[str], risk: list[str], notes: list[str]) -> None:
    if f.objectives == 0:
        notes.append("no objectives agreed yet")
        return
    at_end = f.kind in (EvaluationKind.final, EvaluationKind.follow_up)
    if f.evidence is not None:  # rules 5: each objective expected up to its own horizon
        at_end = at_end and f.expected == 100
    plan = (
        f"expected {exact.pct(f.expected)}% at the final evaluation"
        if at_end
        else f"expected {exact.pct(f.expected)}% by now"
    )
    if f.attainment is None:
        notes.append(
            f"no progress recorded on the {exact.count(f.objectives, 'objective')}: "
            f"attainment unknown, not 0% ({plan})"
        )
        return
    if f.unrecorded:
        plan += (
            f"; progress not recorded for {f.unrecorded} of {f.objectives}, counted on the others"
        )
    gap = f.expected - f.attainment
    words = f"objectives at {exact.pct(f.attainment)}%"
    if gap > 50:
        off.append(f"{words}, {exact.pct(gap)} points behind plan ({plan})")
    elif gap > 25:
        risk.append(f"{words}, {exact.pct(gap)} points behind plan ({plan})")
    elif gap > 0:
        notes.append(f"{words}, {exact.pct(gap)} points behind plan, within 25 ({plan})")
    else:
        notes.append(f"{words}, on plan ({plan})")
