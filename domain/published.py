"""What everyone but ops reads of a programme: its one published projection.

The view, the events, every evaluation and its reports (JSON, Markdown, HTML), the cohort
report and the notifications the platform receives all come from here; ops keep the raw
answers. Three rules, each applied across everything published, not one figure at a time:

- **A role's scores** (``domain.confidentiality.shown``): shown only from the role's
  minimum of raters, else merged into "others" or withheld.
- **Comparisons** (``domain.disclosure``): the change since the baseline is measured like
  for like, over the raters who answered both times. That group is published beside each
  evaluation's whole group; when the two (or any groups of the role published over the
  same answers) would single a rater out, the comparison is withheld and the evaluation
  says why; the group means stay.
- **Notifications** the platform receives say which roles are still waited on, never
  which raters; a rater's own reminder (email) names only them.
- **Answers and comments**: an answer reaches the platform without its rater, its
  idempotency key or a time finer than the day; one of an anonymous role (peers, direct
  reports) without its scores or comment, and not at all while its role has fewer than
  its minimum of raters in the stage. A report shows the comments of a role only when
  the role's scores are shown (alone or merged into others); it counts the others.

Pure: events and state in, projections out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta

from domain.confidentiality import (
    SCORE_REASONS,
    WITHHELD_ID,
    hides_anything,
    minimums,
    shown,
)
from domain.disclosure import Group, refusal
from domain.evaluation import Evaluation
from domain.events import (
    EvaluationRecorded,
    Event,
    FeedbackReceived,
    ProgrammeLaunched,
    RatersNominated,
)
from domain.framework import DimensionKey
from domain.notices import Notification
from domain.reasons import LIKE_WITHHELD, SCORE_CODES, Reason, english
from domain.state import FeedbackEntry
from domain.template import EvaluationKind, Role, Template

Counted = dict[tuple[Role, str], dict[DimensionKey, int]]
NOT_SHOWN = " (the change since the baseline is not shown)"


def answers_of(events: Iterable[Event]) -> tuple[FeedbackEntry, ...]:
    """The answers a programme keeps, as ``domain.evolve`` keeps them (a revision
    replaces the rater's answer in the stage)."""
    kept: list[FeedbackEntry] = []
    for event in events:
        if not isinstance(event, FeedbackReceived):
            continue
        if event.revision:
            kept = [f for f in kept if (f.stage, f.rater_id) != (event.stage, event.rater_id)]
        kept.append(
            FeedbackEntry(
                seq=event.seq,
                stage=event.stage,
                role=event.role,
                rater_id=event.rater_id,
                scores=event.scores,
                revision=event.revision,
            )
        )
    return tuple(kept)


def counted(feedback: Iterable[FeedbackEntry], stage: str | None) -> Counted:
    """Each rater's latest scores for ``stage``: the answers its evaluation counts."""
    latest: Counted = {}
    for entry in feedback:
        if entry.stage == stage:
            key = (entry.role, entry.rater_id)
            latest[key] = {**latest.get(key, {}), **entry.scores}
    return latest


def _groups(answers: Counted) -> dict[tuple[DimensionKey, Role], Group]:
    groups: dict[tuple[DimensionKey, Role], set[str]] = {}
    for (role, rater), scores in answers.items():
        for dimension in scores:
            groups.setdefault((dimension, role), set()).add(rater)
    return {key: frozenset(ids) for key, ids in groups.items()}


def evaluations(
    recorded: Iterable[Evaluation], feedback: Sequence[FeedbackEntry], template: Template | None
) -> tuple[Evaluation, ...]:
    """A programme's evaluations as everyone but ops may see them, in the order recorded."""
    least = minimums(template)
    out: list[Evaluation] = []
    published: dict[tuple[int, DimensionKey, Role], list[Group]] = {}
    baseline: tuple[int, dict[tuple[DimensionKey, Role], Group]] | None = None
    baseline_hidden = False
    for i, evaluation in enumerate(recorded):
        projected = shown(evaluation, least, baseline_hidden=baseline_hidden)
        groups = _groups(counted(feedback, evaluation.stage))
        for score in projected.scores:
            for role in score.by_role:
                group = groups.get((score.dimension, role), frozenset())
                published.setdefault((i, score.dimension, role), []).append(group)
        if baseline is not None and _compares(projected):
            refused = _comparison_refused((i, groups), baseline, published, least, evaluation)
            if refused:
                projected = without_comparison(projected, refused, least)
        if evaluation.kind is EvaluationKind.baseline and baseline is None:
            baseline = (i, groups)
            baseline_hidden = hides_anything(projected)
        out.append(projected)
    return tuple(out)


def _compares(evaluation: Evaluation) -> bool:
    return evaluation.comparison is not None or any(
        s.compared is not None or s.baseline is not None for s in evaluation.scores
    )


def _comparison_refused(
    now: tuple[int, dict[tuple[DimensionKey, Role], Group]],
    then: tuple[int, dict[tuple[DimensionKey, Role], Group]],
    published: dict[tuple[int, DimensionKey, Role], list[Group]],
    least: Mapping[Role, int],
    recorded: Evaluation,
) -> list[Role]:
    """The anonymous roles whose like-for-like groups may not be published (none: the
    comparison may be, and its groups are added to ``published``)."""
    (i, groups_now), (b, groups_then) = now, then
    adding: list[tuple[tuple[int, DimensionKey, Role], Group]] = []
    refused: list[Role] = []
    for score in recorded.scores:
        for role in Role:
            if least[role] <= 1:
                continue
            ids_now = groups_now.get((score.dimension, role), frozenset())
            ids_then = groups_then.get((score.dimension, role), frozenset())
            if score.raters.get(role, 0) != len(ids_now):  # counted otherwise: not known
                refused.append(role)
                continue
            if not ids_now or not ids_then:
                continue
            both = ids_now & ids_then
            for key, group in (
                ((i, score.dimension, role), both or ids_now),
                ((b, score.dimension, role), both or ids_then),
            ):
                if refusal(published.get(key, []), group, least[role]) is not None:
                    refused.append(role)
                adding.append((key, group))
    if not refused:
        for key, group in adding:
            if group not in published.setdefault(key, []):
                published[key].append(group)
    return [role for role in Role if role in refused]


def without_comparison(
    evaluation: Evaluation, roles: Sequence[Role], least: Mapping[Role, int]
) -> Evaluation:
    """``evaluation`` without its like-for-like figures, saying whose group withheld it."""
    figures: dict[str, object] = {
        "scores": tuple(
            s.model_copy(update={"baseline": None, "change": None, "compared": None})
            for s in evaluation.scores
        ),
        "baseline_overall": None,
        "change": None,
        "compared_overall": None,
        "comparison": None,
    }
    withheld = Reason(
        code=LIKE_WITHHELD, params={"roles": [[role.value, least[role]] for role in roles]}
    )
    if evaluation.codes:  # rules 7: the same, as codes
        figures["codes"] = (
            *(c for c in evaluation.codes if c.code not in SCORE_CODES),
            withheld,
        )
    else:
        figures["reasons"] = (
            *(r for r in evaluation.reasons if not r.startswith(SCORE_REASONS)),
            english(withheld),
        )
    return evaluation.model_copy(update=figures)


def comment_shown(role: Role, evaluation: Evaluation, least: Mapping[Role, int]) -> bool:
    """Whether a comment of ``role`` may accompany ``evaluation`` as published: its
    role's scores are shown there, alone or merged into others."""
    if least[role] <= 1:
        return True
    return role in evaluation.merged or any(role in s.by_role for s in evaluation.scores)


def day_of(at: datetime) -> datetime:
    """``at`` to the day: the start of its day (UTC)."""
    return at.replace(hour=0, minute=0, second=0, microsecond=0)


def events(log: Sequence[Event], template: Template | None = None) -> list[Event]:
    """A programme's events as the platform may read them (ops read them raw).

    ``template`` is the programme's, when ``log`` is a page that does not start with its
    launch; without either the default minimums apply. Pass the whole log, then keep the
    page: the rules look across it.
    """
    for event in log:
        if isinstance(event, ProgrammeLaunched):
            template = event.template
            break
    least = minimums(template)
    feedback = answers_of(log)
    recorded = [e for e in log if isinstance(e, EvaluationRecorded)]
    shown_evaluations = dict(
        zip(
            (e.seq for e in recorded),
            evaluations((e.evaluation for e in recorded), feedback, template),
            strict=True,
        )
    )
    raters: dict[tuple[str | None, Role], set[str]] = {}
    for entry in feedback:
        raters.setdefault((entry.stage, entry.role), set()).add(entry.rater_id)
    out: list[Event] = []
    for event in log:
        if isinstance(event, FeedbackReceived):
            anonymous = least[event.role] > 1
            if anonymous and len(raters.get((event.stage, event.role), ())) < least[event.role]:
                continue  # its role is under its minimum: not even that it answered
            out.append(
                event.model_copy(
                    update={
                        "rater_id": WITHHELD_ID,
                        "key": None,
                        "at": day_of(event.at),
                        "clock": timedelta(days=event.clock.days),
                        "recorded_at": None,
                        "scores": {} if anonymous else event.scores,
                        "comment": None if anonymous else event.comment,
                    }
                )
            )
        elif isinstance(event, RatersNominated):
            hidden = tuple(
                r if least[r.role] <= 1 else r.model_copy(update={"id": WITHHELD_ID})
                for r in event.raters
            )
            out.append(event.model_copy(update={"raters": hidden}))
        elif isinstance(event, EvaluationRecorded):
            out.append(event.model_copy(update={"evaluation": shown_evaluations[event.seq]}))
        else:
            out.append(event)
    return out


def notification(sent: Notification) -> Notification:
    """A notification as the platform reads it (the webhook): which roles are still
    waited on, never which raters."""
    return sent.model_copy(update={"raters": {}, "waiting": waiting_roles(sent.raters)})


def waiting_roles(nominated: Mapping[Role, Sequence[str]]) -> tuple[Role, ...]:
    """The roles still waited on, in role order, from the raters waited on per role."""
    return tuple(role for role in Role if nominated.get(role))
