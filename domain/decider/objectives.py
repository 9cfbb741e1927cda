"""The objectives: agreed at the start, amended now and then, and their progress."""

from __future__ import annotations

from collections.abc import Mapping

from domain import rules as r
from domain.commands import AgreeObjectives, AmendObjectives, RecordProgress
from domain.decider.draft import Draft, require_open, require_within
from domain.errors import DomainError
from domain.events import Objective, ObjectiveProgressed, ObjectivesAgreed, ObjectivesAmended
from domain.objectives import agreed, amended, changed, removed
from domain.state import ProgrammeState


def agree(draft: Draft, command: AgreeObjectives) -> None:
    state = draft.state
    require_open(state, "agree objectives")
    if state.objectives:
        raise DomainError("objectives are already agreed")
    if draft.dated:
        _require_bounded(command.short_term, command.long_term)
    objectives = agreed(command.short_term, command.long_term)
    if command.targets:
        objectives = _with_targets(state, objectives, command.targets)
    draft.emit(ObjectivesAgreed, objectives=objectives)


def _with_targets(
    state: ProgrammeState, objectives: tuple[Objective, ...], targets: Mapping[str, int]
) -> tuple[Objective, ...]:
    """Rules 8: the objectives with the targets ``targets`` names, each an objective agreed."""
    if state.rules < r.FOLLOW_UP:
        raise DomainError(
            f"targets: this programme follows rules {state.rules}: every objective's target "
            f"is 100% (a target of its own takes rules {r.FOLLOW_UP}); send it without targets"
        )
    ids = [o.id for o in objectives]
    unknown = sorted(set(targets) - set(ids))
    if unknown:
        raise DomainError(
            f"targets: {', '.join(unknown)} is not an objective agreed here; "
            f"the objectives are {', '.join(ids)} (in the order given)"
        )
    return tuple(o.model_copy(update={"target": targets.get(o.id, o.target)}) for o in objectives)


def amend(draft: Draft, command: AmendObjectives) -> None:
    """Replace the agreed objectives; ``domain.objectives`` says which ids are kept."""
    state = draft.state
    require_open(state, "amend objectives")
    if not state.objectives:
        raise DomainError("objectives are not agreed yet: agree them first, then amend them")
    if state.amendments >= r.MAX_AMENDMENTS:
        raise DomainError(
            f"the objectives were already amended {r.MAX_AMENDMENTS} times, the most allowed"
        )
    if not command.changes:
        lists = (("short_term", command.short_term), ("long_term", command.long_term))
        for horizon, texts in lists:
            if not texts:
                raise DomainError(f"{horizon}: at least one objective (or say the changes)")
        _require_bounded(command.short_term, command.long_term)
    require_within("reason", command.reason, r.MAX_TEXT)
    retired = [o.id for o in state.retired]
    if command.changes:
        objectives = _changed(state, retired, command)
    else:
        objectives = amended(
            state.objectives,
            retired,
            command.short_term,
            command.long_term,
            loose=state.rules >= r.EVIDENCE,
        )
    if objectives == state.objectives:
        raise DomainError("nothing to amend: these are the objectives agreed already")
    ever = {*retired, *(o.id for o in state.objectives), *(o.id for o in objectives)}
    if len(ever) > r.MAX_OBJECTIVES_EVER:
        raise DomainError(
            f"short_term and long_term: a programme has at most {r.MAX_OBJECTIVES_EVER} "
            f"objectives over its life, amendments included; this would make {len(ever)}"
        )
    before = {o.id: o.text for o in state.objectives}
    draft.emit(
        ObjectivesAmended,
        added=tuple(o for o in objectives if o.id not in before),
        reworded=tuple(o for o in objectives if before.get(o.id, o.text) != o.text),
        removed=removed(state.objectives, objectives),
        order=tuple(o.id for o in objectives),
        reason=command.reason,
        amendment=state.amendments + 1,
    )


def record_progress(draft: Draft, command: RecordProgress) -> None:
    state = draft.state
    if state.ended:
        raise DomainError(f"cannot record progress: the programme is {state.status}")
    if not state.objectives:
        raise DomainError("objectives are not agreed yet")
    ids = [o.id for o in state.objectives]
    gone = next((o for o in state.retired if o.id == command.objective_id), None)
    if gone is not None:
        raise DomainError(
            f"objective {gone.id!r} was removed by amendment {gone.amendment}; "
            f"progress is recorded on {', '.join(ids)}"
        )
    if command.objective_id not in ids:
        raise DomainError(f"objective {command.objective_id!r} is unknown; known: {', '.join(ids)}")
    records = state.progress_records.get(command.objective_id, 0)
    if draft.dated and records >= r.MAX_PROGRESS_RECORDS:
        raise DomainError(
            f"progress of {command.objective_id} was already recorded {records} times, "
            "the most a programme takes"
        )
    if command.note is not None:
        if state.rules < r.FOLLOW_UP:
            raise DomainError(
                f"note: this programme follows rules {state.rules}: a check-in's note takes "
                f"rules {r.FOLLOW_UP}; send it without note"
            )
        require_within("note", command.note, r.MAX_NOTES)
    draft.emit(
        ObjectiveProgressed,
        objective_id=command.objective_id,
        percent=command.percent,
        note=command.note,
    )


def _changed(
    state: ProgrammeState, retired: list[str], command: AmendObjectives
) -> tuple[Objective, ...]:
    """Rules 8: an amendment saying per objective what it does (``domain.objectives``)."""
    if state.rules < r.FOLLOW_UP:
        raise DomainError(
            f"changes: this programme follows rules {state.rules}: an amendment gives the "
            f"objectives as they are to be (explicit changes take rules {r.FOLLOW_UP})"
        )
    if command.short_term or command.long_term:
        raise DomainError(
            "changes: say what the amendment does either per objective (changes) or as the "
            "lists of objectives (short_term, long_term), not both"
        )
    for i, change in enumerate(command.changes):
        if change.text is not None:
            require_within(f"changes[{i}].text", change.text, r.MAX_TEXT)
    try:
        objectives = changed(state.objectives, retired, command.changes)
    except ValueError as exc:
        raise DomainError(str(exc)) from exc
    if len(objectives) > r.MAX_OBJECTIVES:
        raise DomainError(
            f"changes: at most {r.MAX_OBJECTIVES} objectives in all, this would make "
            f"{len(objectives)}"
        )
    return objectives


def _require_bounded(short_term: tuple[str, ...], long_term: tuple[str, ...]) -> None:
    """Rules 2: at most ``MAX_OBJECTIVES`` objectives, each text within ``MAX_TEXT``."""
    given = len(short_term) + len(long_term)
    if given > r.MAX_OBJECTIVES:
        raise DomainError(
            f"short_term and long_term: at most {r.MAX_OBJECTIVES} objectives in all, got {given}"
        )
    for horizon, texts in (("short_term", short_term), ("long_term", long_term)):
        for i, text in enumerate(texts):
            require_within(f"{horizon}[{i}]", text, r.MAX_TEXT)
