"""What the employee and the platform may see of what raters said: the shown projection.

A 360 is honest only when a rater cannot be singled out. So a role's scores are shown
only when enough raters of that role answered (``minimums``: peers and direct reports
3 by default, every other role 1; a template may raise them). Below it, a role is merged
with the other roles below theirs into **others**, shown when that group together
reaches the highest minimum among them, and otherwise **withheld**, counted as withheld.
Comments stay, unattributed: no rater id reaches anyone but ops.

Everything shown is recomputed from what may be shown: a dimension's mean is the mean of
the groups shown (roles and others), the overall score the mean of those; a change
against the baseline, and the reasons that quote scores, are dropped when either
evaluation merged or withheld a role (they were computed over every answer, and with the
other roles' means they would give the hidden one away). The verdict and the trend stay:
they are the programme's judgement, not anybody's scores.

This is a pure projection: the stored events stay complete, for ops, and every surface
the employee or the platform reads (the view, evaluations and their reports, the
platform's reads of the events, ``parcours show`` and ``history``) applies it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction

from domain import exact
from domain.evaluation import DimensionScore, Evaluation
from domain.events import (
    EvaluationRecorded,
    Event,
    FeedbackReceived,
    ProgrammeLaunched,
    RatersNominated,
)
from domain.template import EvaluationKind, Role, Template, minimum_default

WITHHELD_ID = ""
"""The rater id every shown answer carries: none."""
_SCORE_REASONS = ("scores are", "scores cannot", "baseline recorded:")


def minimums(template: Template | None) -> dict[Role, int]:
    """How many raters of each role must answer before its scores are shown."""
    raised = template.minimums.raised() if template is not None else {}
    return {role: raised.get(role, minimum_default(role)) for role in Role}


def hides_anything(evaluation: Evaluation) -> bool:
    return bool(evaluation.merged or evaluation.withheld)


def shown(
    evaluation: Evaluation, least: Mapping[Role, int], *, baseline_hidden: bool = False
) -> Evaluation:
    """``evaluation`` as the employee and the platform may see it."""
    scores: list[DimensionScore] = []
    means: list[Fraction] = []
    merged: set[Role] = set()
    withheld: dict[Role, int | None] = {}
    for score in evaluation.scores:
        counts = score.raters
        visible: dict[Role, float] = {}
        below: list[Role] = []
        for role, value in score.by_role.items():
            n = counts.get(role)
            if n is None and least[role] <= 1 and not counts:
                visible[role] = value  # counted or not, one rater is enough
            elif n is not None and n >= least[role]:
                visible[role] = value
            else:
                below.append(role)
        others: Fraction | None = None
        if below:
            known = all(role in counts for role in below)
            pooled = sum(counts.get(role, 0) for role in below)
            if known and pooled >= max(least[role] for role in below):
                others = sum(
                    (exact.exact(score.by_role[role]) * counts[role] for role in below),
                    Fraction(0),
                ) / Fraction(pooled)
                merged.update(below)
            else:
                for role in below:
                    n = counts.get(role)
                    before = withheld.get(role)
                    withheld[role] = n if before is None else max(before, n or 0)
        groups = [exact.exact(v) for v in visible.values()]
        if others is not None:
            groups.append(others)
        mean = exact.mean(groups) if groups else None
        if mean is not None:
            means.append(mean)
        scores.append(
            DimensionScore(
                dimension=score.dimension,
                by_role=visible,
                mean=exact.opt(mean),
                raters={role: n for role, n in counts.items() if role in visible},
                others=exact.opt(others),
                baseline=score.baseline,
                change=score.change,
                compared=score.compared,
            )
        )
    hidden = bool(merged or withheld)
    update: dict[str, object] = {
        "scores": tuple(scores),
        "overall": exact.opt(exact.mean(means)) if means else None,
        "merged": exact.ordered(merged),
        "withheld": {role: withheld[role] for role in Role if role in withheld},
    }
    if hidden or baseline_hidden:
        update |= {
            "scores": tuple(
                s.model_copy(update={"baseline": None, "change": None, "compared": None})
                for s in scores
            ),
            "baseline_overall": None,
            "change": None,
            "compared_overall": None,
            "comparison": None,
            "reasons": (
                *(r for r in evaluation.reasons if not r.startswith(_SCORE_REASONS)),
                _note(exact.ordered(merged), update["withheld"], least),  # type: ignore[arg-type]
            ),
        }
    return evaluation.model_copy(update=update)


def _note(
    merged: Sequence[Role], withheld: Mapping[Role, int | None], least: Mapping[Role, int]
) -> str:
    parts: list[str] = []
    if merged:
        parts.append(f"{_and(merged)} merged into others: too few to be shown on their own")
    for role, n in withheld.items():
        answered = "an unknown number" if n is None else str(n)
        parts.append(
            f"{role} scores withheld: {answered} answered, {least[role]} needed to show them"
        )
    if not parts:
        parts.append("the baseline's scores were merged or withheld")
    return "; ".join(parts) + " (the change since the baseline is not shown)"


def _and(roles: Sequence[Role]) -> str:
    names = [str(r) for r in roles]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def shown_evaluations(
    evaluations: Iterable[Evaluation], template: Template | None
) -> tuple[Evaluation, ...]:
    """A programme's evaluations as the employee and the platform may see them."""
    least = minimums(template)
    out: list[Evaluation] = []
    baseline_hidden = False
    for evaluation in evaluations:
        projected = shown(evaluation, least, baseline_hidden=baseline_hidden)
        if evaluation.kind is EvaluationKind.baseline:
            baseline_hidden = hides_anything(projected)
        out.append(projected)
    return tuple(out)


def shown_answer(event: FeedbackReceived, least: Mapping[Role, int]) -> FeedbackReceived:
    """One answer as the platform may read it: never a rater id; a role that needs more
    than one rater to be shown gives no scores one by one (its comment stays)."""
    scores = event.scores if least[event.role] <= 1 else {}
    return event.model_copy(update={"rater_id": WITHHELD_ID, "scores": scores})


def shown_events(events: Sequence[Event], template: Template | None = None) -> list[Event]:
    """A programme's events as the platform may read them (ops read them raw).

    ``template`` is the programme's, when ``events`` is a page that does not start with
    its launch; without either the default minimums apply.
    """
    for event in events:
        if isinstance(event, ProgrammeLaunched):
            template = event.template
            break
    least = minimums(template)
    out: list[Event] = []
    baseline_hidden = False
    for event in events:
        if isinstance(event, FeedbackReceived):
            out.append(shown_answer(event, least))
        elif isinstance(event, RatersNominated):
            hidden = tuple(
                r if least[r.role] <= 1 else r.model_copy(update={"id": WITHHELD_ID})
                for r in event.raters
            )
            out.append(event.model_copy(update={"raters": hidden}))
        elif isinstance(event, EvaluationRecorded):
            projected = shown(event.evaluation, least, baseline_hidden=baseline_hidden)
            if event.evaluation.kind is EvaluationKind.baseline:
                baseline_hidden = hides_anything(projected)
            out.append(event.model_copy(update={"evaluation": projected}))
        else:
            out.append(event)
    return out
