"""An evaluation's reasons as codes with their figures, and the English sentences the
programmes before rules 7 stored.

Under rules 7 (``domain.rules.FRAMEWORKS``) an evaluation stores its reasons as codes with
parameters (``Evaluation.codes``): the reader's language is chosen when they are read, by
the gettext catalogues (``adapters.language.reasons``), never by matching sentences. Before
rules 7 the same reasons were stored as English sentences (``Evaluation.reasons``), which
``english`` still writes, word for word, for those programmes.

Parameters are plain JSON: numbers as the stored display figures (two decimals), percents
as whole numbers, roles as their values. The score reasons (``SCORE_CODES``) are the ones
the confidentiality rules drop when a role is merged or withheld.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, JsonValue

from domain.template import Role


class Reason(BaseModel):
    """One reason: what it says (``code``) and the figures it says it with."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str
    params: dict[str, JsonValue] = {}

    def get(self, name: str, default: Any = None) -> Any:
        return self.params.get(name, default)


NO_FEEDBACK = "no_feedback"
BASELINE = "baseline_recorded"
NO_BASELINE = "no_baseline"
NOT_COMPARABLE = "not_comparable"
DOWN_OFF = "scores_down_off"
DOWN_RISK = "scores_down_risk"
UP = "scores_up"
STEADY = "scores_steady"
ATTENDANCE = "attendance"
NO_OBJECTIVES = "no_objectives"
UNRECORDED = "objectives_unrecorded"
BEHIND = "objectives_behind"
BEHIND_WITHIN = "objectives_behind_within"
ON_PLAN = "objectives_on_plan"
EXPECTATIONS_UNRATED = "expectations_unrated"
EXPECTATIONS_RATED = "expectations_rated"
HIDDEN = "scores_hidden"
"""The confidentiality note (``domain.confidentiality``): roles merged or withheld."""
LIKE_WITHHELD = "like_for_like_withheld"
"""The rule across figures (``domain.published``): a comparison that would single a rater
out, withheld."""
ENDED_EARLY = "ended_early"
SELF_GAP = "self_gap"
UNWEIGHED = "answered_outside_gate"
INSUFFICIENT = "insufficient_evidence"
"""Rules 5: not enough evidence to judge; ``missing`` lists what lacked, as codes below."""
LACKS_ANSWERS = "lacks_answers"
LACKS_OTHERS = "lacks_others"
LACKS_BASELINE = "lacks_baseline"
LACKS_OBJECTIVES = "lacks_objectives"
LACKS_MEASURE = "lacks_measure"
LACKS_SESSIONS = "lacks_sessions"
LACKS_LAST = "lacks_last_evaluation"

CODES = (
    NO_FEEDBACK, BASELINE, NO_BASELINE, NOT_COMPARABLE, DOWN_OFF, DOWN_RISK, UP, STEADY,
    ATTENDANCE, NO_OBJECTIVES, UNRECORDED, BEHIND, BEHIND_WITHIN, ON_PLAN,
    EXPECTATIONS_UNRATED, EXPECTATIONS_RATED, HIDDEN, LIKE_WITHHELD, ENDED_EARLY, SELF_GAP,
    UNWEIGHED, INSUFFICIENT, LACKS_ANSWERS, LACKS_OTHERS, LACKS_BASELINE, LACKS_OBJECTIVES,
    LACKS_MEASURE, LACKS_SESSIONS, LACKS_LAST,
)  # fmt: skip
"""Every code a reason may have: the catalogues translate each."""
SCORE_CODES = frozenset({BASELINE, NOT_COMPARABLE, DOWN_OFF, DOWN_RISK, UP, STEADY})
"""Reasons that quote scores: dropped from what is shown when a role is hidden."""


# ---------------------------------------------------------------- English, rules 1 to 6


def said(evaluation: Any) -> tuple[str, ...]:
    """An evaluation's reasons in English (ops' tools: the CLI's history and view): as
    stored before rules 7, written from the codes since."""
    return tuple(evaluation.reasons) or tuple(english(code) for code in evaluation.codes)


def english(reason: Reason) -> str:
    """The sentence programmes before rules 7 stored for ``reason``, word for word."""
    p = reason.get
    code = reason.code
    if code == NO_FEEDBACK:
        return "nobody gave feedback for this evaluation, so it has no scores"
    if code == BASELINE:
        overall = "no overall score" if p("overall") is None else f"overall {p('overall'):.2f}"
        return (
            f"baseline recorded: {overall} from {_count(p('raters'), 'rater')}; "
            "later evaluations are compared with it"
        )
    if code == NO_BASELINE:
        return "there is no baseline to compare the scores with"
    if code == NOT_COMPARABLE:
        then = ", ".join(p("roles")) or "nobody"
        return (
            "the scores cannot be compared with the baseline: no role answered both times "
            f"(baseline: {then})"
        )
    if code in (DOWN_OFF, DOWN_RISK, UP, STEADY):
        return _scores(reason)
    if code == ATTENDANCE:
        words = f"attendance {p('rate')}%: {p('held')} of {_count(p('total'), 'session')} held"
        return f"{words}, under {p('under')}%" if p("under") else words
    if code == NO_OBJECTIVES:
        return "no objectives agreed yet"
    if code == UNRECORDED:
        return (
            f"no progress recorded on the {_count(p('objectives'), 'objective')}: "
            f"attainment unknown, not 0% ({_plan(reason)})"
        )
    if code in (BEHIND, BEHIND_WITHIN, ON_PLAN):
        words = f"objectives at {p('attained')}%"
        if code == BEHIND:
            return f"{words}, {p('gap')} points behind plan ({_plan(reason)})"
        if code == BEHIND_WITHIN:
            return f"{words}, {p('gap')} points behind plan, within 25 ({_plan(reason)})"
        return f"{words}, on plan ({_plan(reason)})"
    if code in (EXPECTATIONS_UNRATED, EXPECTATIONS_RATED):
        who = "the employee" if p("by") == Role.employee.value else f"the {p('by')}"
        if code == EXPECTATIONS_UNRATED:
            return (
                f"{who} recorded their expectations; they have not said yet whether they were met"
            )
        return f"{who} said their expectations were {str(p('how')).replace('_', ' ')}: {p('met')}/5"
    if code == HIDDEN:
        return _hidden(reason)
    if code == LIKE_WITHHELD:
        withheld = (
            f"{role} like for like withheld: it would single a rater out, "
            f"{needed} needed to show it"
            for role, needed in p("roles")
        )
        return "; ".join(withheld) + " (the change since the baseline is not shown)"
    return _evidence(reason)


def _evidence(reason: Reason) -> str:
    """Rules 5's reasons (``domain.verdict.weigh``, ``domain.evidence.lacking``)."""
    p = reason.get
    code = reason.code
    if code == ENDED_EARLY:
        where = f" in stage {p('stage')}" if p("stage") else ""
        return f"ended early: {p('how')} on day {p('day')}{where}"
    if code == SELF_GAP:
        return (
            f"self-rating {p('self'):.2f} beside others' {p('others'):.2f}: "
            f"a gap of {p('gap'):+.2f} (shown, not weighed)"
        )
    if code == UNWEIGHED:
        return f"{and_(p('roles'))} answered outside the gate: shown, not weighed"
    if code == INSUFFICIENT:
        lacked = "; ".join(english(Reason.model_validate(m)) for m in p("missing"))
        return f"not enough evidence to judge: {lacked}"
    if code == LACKS_ANSWERS:
        roles = ", ".join(p("roles"))
        return f"answers from {p('asked')} of the {p('quorum')} roles asked ({roles})"
    if code == LACKS_OTHERS:
        return f"no answer from others than the employee ({', '.join(p('roles'))})"
    if code == LACKS_BASELINE:
        return "no baseline from others to compare their scores with"
    if code == LACKS_OBJECTIVES:
        return "no objectives agreed"
    if code == LACKS_MEASURE:
        return "no objective measured since its starting point"
    if code == LACKS_SESSIONS:
        return "no session recorded"
    if code == LACKS_LAST:
        return "it ended before its last evaluation"
    raise ValueError(f"no English for reason {code!r}")


def _scores(reason: Reason) -> str:
    p = reason.get
    basis = basis_words(reason)
    change = p("change")
    if reason.code == DOWN_OFF:
        drop = p("drop", 1.0)
        point = "1 point" if drop == 1 else f"{drop:.2f} points"
        return f"scores are down {-change + 0.0:.2f} since the baseline, {point} or more ({basis})"
    if reason.code == DOWN_RISK:
        return (
            f"scores are down {-change + 0.0:.2f} since the baseline, more than the "
            f"{p('tolerance'):.2f} allowed ({basis})"
        )
    if reason.code == UP:
        return f"scores are up {change:.2f} since the baseline ({basis})"
    return (
        f"scores are steady since the baseline: {change:+.2f}, within "
        f"±{p('tolerance'):.2f} ({basis})"
    )


def basis_words(reason: Reason) -> str:
    p = reason.get
    if p("basis") == "same_raters":
        words = f"like for like: the same {_count(p('raters'), 'rater')}"
    else:
        words = f"like for like by role: {', '.join(p('roles'))}"
        if p("raters"):
            words += f", {_count(p('raters'), 'rater')} the same people"
    if p("new"):
        words += f"; {and_(p('new'))} left out, none in the baseline"
    if p("gone"):
        words += f"; {and_(p('gone'))} left out, none this time"
    return words


def _plan(reason: Reason) -> str:
    p = reason.get
    plan = (
        f"expected {p('expected')}% at the final evaluation"
        if p("final")
        else f"expected {p('expected')}% by now"
    )
    if p("unrecorded"):
        plan += (
            f"; progress not recorded for {p('unrecorded')} of {p('objectives')}, "
            "counted on the others"
        )
    return plan


def _hidden(reason: Reason) -> str:
    p = reason.get
    parts: list[str] = []
    merged: list[str] = p("merged") or []
    if merged:
        names = merged[0] if len(merged) == 1 else f"{', '.join(merged[:-1])} and {merged[-1]}"
        parts.append(f"{names} merged into others: too few to be shown on their own")
    for role, answered, needed in p("withheld") or []:
        said = "an unknown number" if answered is None else str(answered)
        parts.append(f"{role} scores withheld: {said} answered, {needed} needed to show them")
    if not parts:
        parts.append("the baseline's scores were merged or withheld")
    return "; ".join(parts) + " (the change since the baseline is not shown)"


def and_(roles: Sequence[str]) -> str:
    return " and ".join(roles) if len(roles) < 3 else f"{', '.join(roles[:-1])} and {roles[-1]}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
