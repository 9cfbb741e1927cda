"""What a run shows outside itself: the search attributes ops list programmes by, and the
current details the Web UI shows of a run."""

from __future__ import annotations

from datetime import datetime

from temporalio import workflow

from domain.state import ProgrammeState
from workflows import search_attributes as sa


def publish(
    state: ProgrammeState, wake: datetime | None, *, moved: bool, fewer_commands: bool
) -> None:
    """Keep the Web UI's current details up to date, and the search attributes when the
    programme ``moved`` to another stage or status. With ``fewer_commands``
    (``FEWER_COMMANDS_REVISION``), whether it moved is read from what the run carries."""
    stage = state.stage_progress.key if state.stage_progress is not None else ""
    if fewer_commands:
        carried = workflow.info().typed_search_attributes
        moved = (carried.get(sa.PROGRAMME_STATUS), carried.get(sa.PROGRAMME_STAGE)) != (
            state.status.value,
            stage,
        )
    if moved:
        workflow.upsert_search_attributes(
            [
                sa.PROGRAMME_STAGE.value_set(stage),
                sa.PROGRAMME_STATUS.value_set(state.status.value),
            ]
        )
    lines = [
        f"**{state.employee.name}** ({state.employee.id}) — {state.template.title_in('')}",
        f"Status: {state.status.value}",
        f"Stage: {stage or '—'}",
        f"Next deadline: {wake.isoformat() if wake else '—'}",
    ]
    workflow.set_current_details("\n\n".join(lines))
