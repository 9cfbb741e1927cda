"""Feedback: raters nominated per stage, and their answers, checked for who may give them,
where they count and how often they may be revised."""

from __future__ import annotations

from domain import rules as r
from domain.commands import NOMINATED_ROLES, GiveFeedback, NominateRaters
from domain.decider.draft import Draft, require_within
from domain.errors import DomainError
from domain.events import FeedbackReceived, Nominated, RatersNominated
from domain.gates import answered_as
from domain.state import ProgrammeState, Status
from domain.template import Role, Stage
from domain.windows import check_window


def give_feedback(draft: Draft, command: GiveFeedback) -> None:
    state = draft.state
    if state.ended:
        raise DomainError(f"cannot give feedback: the programme is {state.status}")
    assessed = state.template.dimensions
    unknown = [d for d in command.scores if d not in assessed]
    if unknown:
        raise DomainError(
            f"dimension {', '.join(map(repr, unknown))} is not assessed by this programme; "
            f"it assesses {', '.join(assessed)}"
        )
    _check_scale(state, command)
    stage = state.stage_progress.key if state.stage_progress else None
    target = state.current_stage
    if command.stage is not None and command.stage != stage:
        target = _later_stage(state, command.stage)
        if state.rules >= r.EVIDENCE:
            check_window(state, target, draft.clock())
        stage = target.key
    revision = 0
    if state.rules >= r.PEOPLE:
        _check_rater(state, command, stage)
    if draft.dated:
        require_within("comment", command.comment, r.MAX_COMMENT)
        revision = _revision(state, command, stage, target)
    draft.emit(
        FeedbackReceived,
        stage=stage,
        role=command.role,
        rater_id=command.rater_id,
        scores={d: command.scores[d] for d in assessed if d in command.scores},
        comment=command.comment,
        revision=revision,
    )


def _check_scale(state: ProgrammeState, command: GiveFeedback) -> None:
    """Every score on the programme's scale (its framework's; 1..5, the method's, for
    programmes from before frameworks, whose commands were held to it when decoded)."""
    scale = state.template.scale
    for dimension, score in command.scores.items():
        try:
            scale.check(dimension, score)
        except ValueError as exc:
            raise DomainError(f"scores: {exc}") from exc


def nominate(draft: Draft, command: NominateRaters) -> None:
    state = draft.state
    if state.rules < r.PEOPLE:
        raise DomainError(
            f"this programme follows rules {state.rules}: its raters are not nominated "
            f"(rules {r.PEOPLE} and later)"
        )
    if state.ended:
        raise DomainError(f"cannot nominate raters: the programme is {state.status}")
    stage = _nominated_for(state, command.stage)
    before = state.nominations.get(stage or "", ())
    known = {n.id: n.role for n in before}
    added: list[Nominated] = []
    for rater in command.raters:
        if rater.role not in NOMINATED_ROLES:
            holder = state.holder(rater.role) or "nobody yet"
            raise DomainError(
                f"raters: {rater.role} is not nominated: the programme's {rater.role} "
                f"({holder}) answers as {rater.role}; nominate "
                f"{' or '.join(NOMINATED_ROLES)}"
            )
        if rater.id in {state.holder(role) for role in Role}:
            raise DomainError(
                f"raters: {rater.id!r} holds a role in this programme and answers in it, "
                f"not as {rater.role}"
            )
        if known.get(rater.id, rater.role) is not rater.role:
            raise DomainError(
                f"raters: {rater.id!r} is nominated as {known[rater.id]}, not also as {rater.role}"
            )
        if rater.id not in known:
            known[rater.id] = rater.role
            added.append(Nominated(role=rater.role, id=rater.id))
    if len(known) > r.MAX_RATERS_PER_STAGE:
        raise DomainError(
            f"raters: at most {r.MAX_RATERS_PER_STAGE} raters per stage, "
            f"this would make {len(known)}"
        )
    if added:
        draft.emit(RatersNominated, stage=stage, raters=tuple(added))


def _taken_in(state: ProgrammeState) -> str:
    return ", ".join(state.template.feedback_stages) or "no stage"


def _later_stage(state: ProgrammeState, key: str) -> Stage:
    """Rules 4: the later stage an answer names, which keeps it until it opens."""
    if state.rules < r.COLLECTION:
        raise DomainError(
            f"stage: this programme follows rules {state.rules}: an answer is for the "
            f"current stage (naming a later one takes rules {r.COLLECTION}); send it "
            "without stage"
        )
    keys = [s.key for s in state.template.stages]
    if key not in keys:
        raise DomainError(
            f"stage: {key} is not a stage of this programme; feedback is taken in "
            f"{_taken_in(state)}"
        )
    stage = state.template.stages[keys.index(key)]
    if not stage.takes_feedback:
        raise DomainError(
            f"stage: {key} does not take feedback; feedback is taken in {_taken_in(state)}"
        )
    progress = state.stage_progress
    over = state.status is Status.completed or (
        progress is not None and keys.index(key) < progress.index
    )
    if over:
        raise DomainError(f"stage: {key} is over; answer for the current stage or a later one")
    return stage


def _check_rater(state: ProgrammeState, command: GiveFeedback, stage: str | None) -> None:
    """Rules 3: the employee, coach, manager, sponsor and HR answer as themselves; peers
    and direct reports only when nominated for that role in this stage."""
    role = command.role
    where = f"stage {stage}" if stage is not None else "this programme's follow-up"
    if role in NOMINATED_ROLES:
        nominated = state.nominations.get(stage or "", ())
        # as ``Nominated(role, id) in nominated``, without a model built and compared
        if not any(n.role == role and n.id == command.rater_id for n in nominated):
            raise DomainError(
                f"this rater is not nominated as {role} for {where}; "
                "nominate raters first (POST /v1/programmes/{id}/raters)"
            )
        return
    holder = state.holder(role)
    if holder is None:
        raise DomainError(f"nobody holds the {role} role in this programme: no {role} answers")
    former = answered_as(state, stage, role)
    if state.rules >= r.FOLLOW_UP and former not in (None, holder, command.rater_id):
        # rules 8: one answer per held role and stage, never two people averaged
        raise DomainError(
            f"the {role}'s answer for {where} was given by {former}, the {role} then: it "
            f"counts for {where}; {holder} answers as {role} from the next stage",
            shown=f"the {role}'s answer for {where} was given by the {role} then: it counts "
            f"for {where}; the new {role} answers from the next stage",
        )
    if command.rater_id != holder:
        raise DomainError(
            f"rater {command.rater_id!r} may not answer as {role}: "
            f"only the programme's {role} ({holder}) does",
            shown=f"this rater may not answer as {role}: only the programme's {role} does",
        )


def _nominated_for(state: ProgrammeState, stage: str | None) -> str | None:
    """The stage raters are nominated for: ``stage``, the current one, or the follow-up."""
    if stage is None:
        if state.stage_progress is not None:
            stage = state.stage_progress.key
        elif state.status is Status.completed and state.follow_up_due is not None:
            return None
        else:
            raise DomainError("stage: the programme has no current stage; name one")
    if stage not in state.template.feedback_stages:
        raise DomainError(
            f"stage: {stage} does not take feedback; raters are nominated for {_taken_in(state)}"
        )
    if state.stage_progress is not None:
        index = [s.key for s in state.template.stages].index(stage)
        if index < state.stage_progress.index:
            raise DomainError(f"stage: {stage} is over; nominate for this stage or a later one")
    return stage


def _revision(
    state: ProgrammeState, command: GiveFeedback, stage: str | None, current: Stage | None
) -> int:
    """Rules 2: which answer of its rater in ``stage`` this is, or DomainError.

    A rater answers once per stage; a later answer replaces theirs, ``MAX_REVISIONS``
    times at most. Feedback is taken in stages that ask for it (a feedback gate or an
    evaluation) and while no stage is current (before the start, for the follow-up).
    ``current`` is the stage the answer is for: the current one, or (rules 4) the later
    one it names.
    """
    where = f"stage {stage}" if stage is not None else "this programme's follow-up"
    if current is not None and not current.takes_feedback:
        raise DomainError(
            f"stage {stage} does not take feedback; it is taken in "
            f"{_taken_in(state)} and for the follow-up"
        )
    answers = [f for f in state.feedback if f.stage == stage]
    mine = next((f for f in answers if f.rater_id == command.rater_id), None)
    if mine is None:
        if len(answers) >= r.MAX_RATERS_PER_STAGE:
            raise DomainError(
                f"{where} already has answers from {r.MAX_RATERS_PER_STAGE} raters, "
                f"the most it takes; rater {command.rater_id!r} is one too many",
                shown=f"{where} already has answers from {r.MAX_RATERS_PER_STAGE} raters, "
                "the most it takes; this rater is one too many",
            )
        return 0
    if mine.role is not command.role:
        raise DomainError(
            f"rater {command.rater_id!r} answered as {mine.role} in {where}; "
            f"a revised answer must keep that role, got {command.role}",
            shown=f"this rater answered as {mine.role} in {where}; "
            f"a revised answer must keep that role, got {command.role}",
        )
    if mine.revision >= r.MAX_REVISIONS:
        raise DomainError(
            f"rater {command.rater_id!r} already revised their answer in {where} "
            f"{r.MAX_REVISIONS} times, the most allowed",
            shown=f"this rater already revised their answer in {where} "
            f"{r.MAX_REVISIONS} times, the most allowed",
        )
    return mine.revision + 1
