"""Moving a running programme onto another version of its template (``MigrateTemplate``).

The rest of the path follows the new template; the current stage keeps when it was
entered and what was recorded in it, and is re-planned under the new version: its due
date (from its entry) and its calendar. A programme that cannot be mapped is refused,
saying why: its current stage is not in the new version and no mapping names one, or the
new version rates other dimensions (a framework change) while answers exist.
"""

from __future__ import annotations

from domain.commands import MigrateTemplate
from domain.decider.draft import Draft
from domain.errors import DomainError
from domain.events import SessionSlot, TemplateMigrated
from domain.replanning import opening
from domain.state import ProgrammeState
from domain.template import Template


def label(template: Template) -> str:
    return f"{template.id}@{template.version}"


def check(state: ProgrammeState, command: MigrateTemplate) -> None:
    """Raise ``DomainError`` with the reason ``command`` cannot apply to ``state``."""
    old, new = state.template, command.to
    if state.ended:
        raise DomainError(f"cannot migrate: the programme is {state.status}")
    if new.id != old.id:
        raise DomainError(f"to: {label(new)} is not a version of {old.id}, which this runs")
    if new == old:
        raise DomainError(f"to: the programme already runs {label(new)}")
    old_keys = {s.key for s in old.stages}
    new_keys = {s.key for s in new.stages}
    for before, after in command.mapping.items():
        if before not in old_keys:
            raise DomainError(f"mapping: {before!r} is not a stage of {label(old)}")
        if after not in new_keys:
            raise DomainError(f"mapping: {after!r} is not a stage of {label(new)}")
    answered = bool(state.feedback or state.evaluations)
    if set(new.dimensions) != set(old.dimensions) and answered:
        raise DomainError(
            f"to: {label(new)} rates other dimensions than {label(old)}, and this programme "
            "has answers rated on the old ones: it cannot change framework"
        )
    if (new.scale.min, new.scale.max) != (old.scale.min, old.scale.max) and answered:
        raise DomainError(
            f"to: {label(new)} rates on {new.scale.min}..{new.scale.max}, {label(old)} on "
            f"{old.scale.min}..{old.scale.max}, and this programme has answers on the old "
            "scale: it cannot change framework"
        )
    progress = state.stage_progress
    if progress is not None:
        key = command.mapping.get(progress.key, progress.key)
        if key not in new_keys:
            raise DomainError(
                f"stage: {progress.key!r}, where the programme is, is not in {label(new)}; "
                f"map it to one of {', '.join(s.key for s in new.stages)} "
                f"(--map {progress.key}=STAGE)"
            )


def migrate(draft: Draft, command: MigrateTemplate) -> None:
    state = draft.state
    check(state, command)
    new = command.to
    progress = state.stage_progress
    stage_key, index, due = None, None, None
    slots: tuple[SessionSlot, ...] = ()
    if progress is not None:
        stage_key = command.mapping.get(progress.key, progress.key)
        index = next(i for i, s in enumerate(new.stages) if s.key == stage_key)
        stage = new.stages[index]
        allowed = stage.allowed
        due = progress.entered + allowed if allowed is not None else None
        if stage.sessions is not None:
            first = 1 + sum(s.sessions.count for s in new.stages[:index] if s.sessions)
            slots = tuple(
                SessionSlot(
                    number=first + n, clock=progress.entered + stage.sessions.every * (n + 1)
                )
                for n in range(stage.sessions.count)
            )
            plan = opening(state, stage, first, progress.entered)
            if plan is not None:  # rules 6: appointments at a wall time, as a stage opens
                slots, due = plan.sessions, plan.due
        planned = {slot.number for slot in slots}
        lost = sorted(n for n in progress.recorded if n not in planned)
        if lost:
            raise DomainError(
                f"stage: session(s) {', '.join(map(str, lost))} of {progress.key!r} were "
                f"recorded and {label(new)} plans no such session there"
            )
    draft.emit(
        TemplateMigrated,
        from_template=label(state.template),
        to_template=label(new),
        mapping=dict(command.mapping),
        by=command.by,
        reason=command.reason,
        template=new,
        stage=stage_key,
        index=index,
        due=due,
        sessions=slots,
    )
