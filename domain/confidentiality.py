"""What the employee and the platform may see of what raters said: the shown projection.

A 360 is honest only when a rater cannot be singled out. So a role's scores are shown
only when enough raters of that role answered (``minimums``: peers and direct reports
3 by default, every other role 1; a template may raise them). Below it, a role is merged
with the other roles below theirs into **others**, shown when that group together
reaches the highest minimum among them, and otherwise **withheld**, counted as withheld.
Comments follow their role: shown, unattributed, only when its scores are
(``domain.published``); no rater id reaches anyone but ops.

Everything shown is recomputed from what may be shown: a dimension's mean is the mean of
the groups shown (roles and others), the overall score the mean of those; a change
against the baseline, and the reasons that quote scores, are dropped when either
evaluation merged or withheld a role (they were computed over every answer, and with the
other roles' means they would give the hidden one away). The verdict and the trend stay:
they are the programme's judgement, not anybody's scores.

This is one evaluation's part of the published projection (``domain.published``), which
also applies the rule across figures (``domain.disclosure``); the stored events stay
complete, for ops.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction

from domain import exact
from domain.evaluation import DimensionScore, Evaluation
from domain.reasons import HIDDEN, SCORE_CODES, SELF_GAP, Reason, english
from domain.template import Role, Template, minimum_default

WITHHELD_ID = ""
"""The rater id every shown answer carries: none."""
SCORE_REASONS = ("scores are", "scores cannot", "baseline recorded:")


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
        weighed = evaluation.evidence.weighed if evaluation.evidence is not None else None
        # rules 5: the mean is the others' (the employee's own score stays beside it)
        groups = [exact.exact(v) for r, v in visible.items() if weighed is None or r in weighed]
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
                self_score=score.self_score,
                self_gap=exact.display(exact.exact(score.self_score) - mean)
                if score.self_score is not None and mean is not None
                else None,
            )
        )
    hidden = bool(merged or withheld)
    overall = exact.mean(means) if means else None
    evaluation = evaluation.model_copy(update=_self_gap_reason(evaluation, overall))
    update: dict[str, object] = {
        "scores": tuple(scores),
        "overall": exact.opt(overall),
        "self_gap": exact.display(exact.exact(evaluation.self_overall) - overall)
        if evaluation.self_overall is not None and overall is not None
        else None,
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
        }
        note = (exact.ordered(merged), update["withheld"], least)
        if evaluation.codes:  # rules 7: the same, as codes
            update["codes"] = (
                *(c for c in evaluation.codes if c.code not in SCORE_CODES),
                _hidden(*note),  # type: ignore[arg-type]
            )
        else:
            update["reasons"] = (
                *(r for r in evaluation.reasons if not r.startswith(SCORE_REASONS)),
                _note(*note),  # type: ignore[arg-type]
            )
    return evaluation.model_copy(update=update)


def _self_gap_reason(evaluation: Evaluation, overall: Fraction | None) -> dict[str, object]:
    """The self-gap reason (rules 5) over the others' overall score as shown: the stored
    one quotes the others' overall over every answer, withheld roles' too, and beside the
    shown roles' means that gives a withheld rater away (a manager's 4 and "others' 2.50"
    is a lone direct report's 1). Without a shown overall, the reason goes."""
    codes = [c for c in evaluation.codes if c.code != SELF_GAP]
    own = evaluation.self_overall
    gap: tuple[Reason, ...] = ()
    if own is not None and overall is not None:
        mine = exact.exact(own)
        gap = (
            Reason(
                code=SELF_GAP,
                params={
                    "self": own,
                    "others": exact.display(overall),
                    "gap": exact.display(mine - overall),
                },
            ),
        )
    if evaluation.codes:
        if len(codes) == len(evaluation.codes):
            return {}
        at = next(k for k, c in enumerate(evaluation.codes) if c.code == SELF_GAP)
        return {"codes": (*codes[:at], *gap, *codes[at:])}
    stored = [k for k, text in enumerate(evaluation.reasons) if text.startswith(SELF_GAP_TEXT)]
    if not stored:
        return {}
    at = stored[0]
    kept = [text for text in evaluation.reasons if not text.startswith(SELF_GAP_TEXT)]
    return {"reasons": (*kept[:at], *(english(g) for g in gap), *kept[at:])}


SELF_GAP_TEXT = "self-rating "
"""How rules 5 and 6 store the self-gap reason in English (``domain.reasons``)."""


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


def _hidden(
    merged: Sequence[Role], withheld: Mapping[Role, int | None], least: Mapping[Role, int]
) -> Reason:
    """``_note`` as a code (rules 7)."""
    return Reason(
        code=HIDDEN,
        params={
            "merged": [role.value for role in merged],
            "withheld": [[role.value, n, least[role]] for role, n in withheld.items()],
        },
    )


def _and(roles: Sequence[Role]) -> str:
    names = [str(r) for r in roles]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
