"""What a run shows outside itself: the search attributes ops list programmes by, and the
current details the Web UI shows of a run."""

from __future__ import annotations

from datetime import datetime

from temporalio import workflow

from domain.state import ProgrammeState
from workflows import search_attributes as sa


class Publisher:
    """One per run: what it last published, so an event that changes neither costs no
    search nor string building (``bench/README.md``, fourth round)."""

    def __init__(self) -> None:
        self._carried: tuple[str | None, str | None] | None = None
        """Status and stage in the run's search attributes: as it started, then as
        upserted; read from ``workflow.info()`` once, not per event."""
        self._details: tuple[object, ...] | None = None
        """What the current details were last made of."""

    def publish(
        self, state: ProgrammeState, wake: datetime | None, *, moved: bool, fewer_commands: bool
    ) -> None:
        """Keep the Web UI's current details up to date, and the search attributes when
        the programme ``moved`` to another stage or status. With ``fewer_commands``
        (``FEWER_COMMANDS_REVISION``), whether it moved is read from what the run carries:
        the same upserts as reading ``typed_search_attributes`` on every event."""
        stage = state.stage_progress.key if state.stage_progress is not None else ""
        where = (state.status.value, stage)
        if fewer_commands:
            if self._carried is None:  # what the run started with, read once
                carried = workflow.info().typed_search_attributes
                self._carried = (carried.get(sa.PROGRAMME_STATUS), carried.get(sa.PROGRAMME_STAGE))
            moved = self._carried != where
        if moved:
            workflow.upsert_search_attributes(
                [
                    sa.PROGRAMME_STAGE.value_set(stage),
                    sa.PROGRAMME_STATUS.value_set(state.status.value),
                ]
            )
            self._carried = where
        details = (where, wake, state.employee.name, state.template)
        if details == self._details:  # the template compares by identity first: cheap
            return  # the Web UI's details say this already
        self._details = details
        lines = [
            f"**{state.employee.name}** ({state.employee.id}) — {state.template.title_in('')}",
            f"Status: {state.status.value}",
            f"Stage: {stage or '—'}",
            f"Next deadline: {wake.isoformat() if wake else '—'}",
        ]
        workflow.set_current_details("\n\n".join(lines))
