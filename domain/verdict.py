"""The verdict of an evaluation, and its reasons in words a coach would use.

The verdict rules (every rule is checked; the worst level found wins):

- off track: attendance under 50%; objectives (those recorded) more than 50
  points behind the expected attainment; or the overall score down by 1 point
  or more (like for like);
- at risk: attendance under 75%; objectives more than 25 points behind; or the
  overall score down by more than the tolerance;
- on track otherwise.

The reasons (``domain.reasons``: codes with their figures) list what made the verdict
first (off track, then at risk), then what else a coach should know: scores up or steady,
attendance and objectives on plan, objectives not recorded, roles left out of the
comparison, no answers, and the client's expectations (``domain.expectations``: reported,
not weighed). Off track on scores is a fall of ``Figures.drop`` or more: 1 point on the
method's 1..5, a quarter of the scale's range on any scale under rules 7.
"""

from __future__ import annotations

from enum import StrEnum
from fractions import Fraction
from typing import NamedTuple

from pydantic import BaseModel, ConfigDict, JsonValue

from domain import exact
from domain import reasons as r
from domain.evidence import Evidence
from domain.expectations import Expectations, how_met
from domain.reasons import Reason
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
    drop: Fraction = Fraction(1)
    """How far the overall score may fall before the programme is off track: 1 point on
    the method's 1..5, a quarter of the scale's range under rules 7 on any scale."""
    evidence: Evidence | None = None
    """Rules 5: what the evaluation had against what it requires; then ``overall`` and
    ``change`` are others' (the employee's own scores are ``self_overall``)."""
    self_overall: Fraction | None = None
    others_overall: Fraction | None = None
    lacking: tuple[Reason, ...] = ()
    """Rules 5: what the evidence lacked, as codes (``domain.evidence.lacking``)."""


def verdict(f: Figures) -> tuple[Verdict, tuple[Reason, ...]]:
    """The verdict and its reasons, as codes (``domain.reasons.english`` writes them as
    the programmes before rules 7 stored them)."""
    off: list[Reason] = []
    risk: list[Reason] = []
    notes: list[Reason] = []
    _score_reasons(f, off, risk, notes)
    _attendance_reasons(f.attendance, off, risk, notes)
    _objective_reasons(f, off, risk, notes)
    if f.expectations is not None:  # reported beside the verdict, not weighed in it
        notes.append(_expectations(f.expectations))
    if off:
        return Verdict.off_track, tuple(off + risk + notes)
    if risk:
        return Verdict.at_risk, tuple(risk + notes)
    return Verdict.on_track, tuple(notes)


def weigh(f: Figures) -> tuple[Verdict, tuple[Reason, ...]]:
    """Rules 5: the verdict on what others saw, the objectives measured from their start
    and the sessions, never on track without the evidence the template requires."""
    evidence = f.evidence
    assert evidence is not None
    off: list[Reason] = []
    risk: list[Reason] = []
    notes: list[Reason] = []
    lead: list[Reason] = []
    if evidence.ended is not None:
        ended = evidence.ended
        lead.append(
            Reason(
                code=r.ENDED_EARLY,
                params={"how": ended.how, "day": ended.day, "stage": ended.stage},
            )
        )
    _score_reasons(f, off, risk, notes)
    if f.self_overall is not None and f.others_overall is not None:
        gap = f.self_overall - f.others_overall
        notes.append(
            Reason(
                code=r.SELF_GAP,
                params={
                    "self": exact.display(f.self_overall),
                    "others": exact.display(f.others_overall),
                    "gap": exact.display(gap),
                },
            )
        )
    if evidence.unweighed:
        notes.append(
            Reason(code=r.UNWEIGHED, params={"roles": [role.value for role in evidence.unweighed]})
        )
    _attendance_reasons(f.attendance, off, risk, notes)
    _objective_reasons(f, off, risk, notes)
    if f.expectations is not None:
        notes.append(_expectations(f.expectations))
    if off:
        return Verdict.off_track, tuple(lead + off + risk + notes)
    if risk:
        return Verdict.at_risk, tuple(lead + risk + notes)
    missing = list(f.lacking)
    if evidence.ended is not None and not missing:
        missing.append(Reason(code=r.LACKS_LAST))
    if missing:
        judged = Reason(
            code=r.INSUFFICIENT, params={"missing": [m.model_dump(mode="json") for m in missing]}
        )
        return Verdict.insufficient_evidence, (*lead, judged, *notes)
    return Verdict.on_track, tuple(lead + notes)


def _score_reasons(f: Figures, off: list[Reason], risk: list[Reason], notes: list[Reason]) -> None:
    if f.raters == 0:
        notes.append(Reason(code=r.NO_FEEDBACK))
        return
    if f.kind is EvaluationKind.baseline and not f.has_baseline:
        notes.append(
            Reason(code=r.BASELINE, params={"overall": exact.opt(f.overall), "raters": f.raters})
        )
        return
    if not f.has_baseline:
        notes.append(Reason(code=r.NO_BASELINE))
        return
    if f.change is None or f.comparison is None:
        notes.append(Reason(code=r.NOT_COMPARABLE, params={"roles": list(f.roles_then)}))
        return
    params = _basis(f.comparison, f.roles_then) | {"change": exact.display(f.change)}
    if f.change <= -f.drop:
        off.append(Reason(code=r.DOWN_OFF, params=params | {"drop": exact.display(f.drop)}))
    elif f.trend is Trend.down:
        tolerance = exact.display(f.tolerance)
        risk.append(Reason(code=r.DOWN_RISK, params=params | {"tolerance": tolerance}))
    elif f.trend is Trend.up:
        notes.append(Reason(code=r.UP, params=params))
    else:
        tolerance = exact.display(f.tolerance)
        notes.append(Reason(code=r.STEADY, params=params | {"tolerance": tolerance}))


def _basis(comparison: Comparison, roles_then: tuple[Role, ...]) -> dict[str, JsonValue]:
    """What the change was measured on (``domain.reasons.basis_words`` says it)."""
    return {
        "basis": comparison.basis.value,
        "raters": comparison.raters,
        "roles": [role.value for role in comparison.roles],
        "new": [role.value for role in comparison.left_out if role not in roles_then],
        "gone": [role.value for role in comparison.left_out if role in roles_then],
    }


def _attendance_reasons(
    attendance: Attendance, off: list[Reason], risk: list[Reason], notes: list[Reason]
) -> None:
    held, total = attendance.held, attendance.held + attendance.missed
    if total == 0:
        return
    rate = Fraction(held, total)
    params: dict[str, JsonValue] = {
        "rate": int(exact.pct(100 * rate)), "held": held, "total": total, "under": 0
    }  # fmt: skip
    if rate < Fraction(1, 2):
        off.append(Reason(code=r.ATTENDANCE, params=params | {"under": 50}))
    elif rate < Fraction(3, 4):
        risk.append(Reason(code=r.ATTENDANCE, params=params | {"under": 75}))
    else:
        notes.append(Reason(code=r.ATTENDANCE, params=params))


def _objective_reasons(
    f: Figures, off: list[Reason], risk: list[Reason], notes: list[Reason]
) -> None:
    if f.objectives == 0:
        notes.append(Reason(code=r.NO_OBJECTIVES))
        return
    at_end = f.kind in (EvaluationKind.final, EvaluationKind.follow_up)
    if f.evidence is not None:  # rules 5: each objective expected up to its own horizon
        at_end = at_end and f.expected == 100
    plan: dict[str, JsonValue] = {
        "expected": int(exact.pct(f.expected)),
        "final": at_end,
        "objectives": f.objectives,
    }
    if f.attainment is None:
        notes.append(Reason(code=r.UNRECORDED, params=plan))
        return
    plan["unrecorded"] = f.unrecorded
    gap = f.expected - f.attainment
    params = plan | {"attained": int(exact.pct(f.attainment)), "gap": int(exact.pct(gap))}
    if gap > 50:
        off.append(Reason(code=r.BEHIND, params=params))
    elif gap > 25:
        risk.append(Reason(code=r.BEHIND, params=params))
    elif gap > 0:
        notes.append(Reason(code=r.BEHIND_WITHIN, params=params))
    else:
        notes.append(Reason(code=r.ON_PLAN, params=params))


def _expectations(expectations: Expectations) -> Reason:
    by = expectations.by.value
    if expectations.met is None:
        return Reason(code=r.EXPECTATIONS_UNRATED, params={"by": by})
    met = expectations.met
    return Reason(code=r.EXPECTATIONS_RATED, params={"by": by, "met": met, "how": how_met(met)})
