"""The programme's next-deadline timer, kept across messages that leave the deadline be.

Under ``FEWER_COMMANDS`` (``workflows.programme``) a message that does not move the
next deadline neither cancels its timer and starts another nor wakes the run loop:
the command it carried already caught up with time, so a tick at the same instant
would decide nothing.
"""

import asyncio
from collections.abc import Callable
from datetime import datetime

from temporalio import workflow


class DeadlineTimer:
    """One durable timer for the next deadline, replaced only when the deadline moves.

    With ``keeps_due`` (``FOLLOW_UP_REVISION``) a timer whose time has come is left to
    fire, not cancelled: a message handled in the activation where it fires (Python runs
    handlers before the timer's resolution) would otherwise ask to cancel a fired timer,
    and the workflow task then failed on every try. Earlier revisions keep cancelling, so
    their histories replay as recorded."""

    def __init__(self, keeps_due: bool = False) -> None:
        self._task: asyncio.Task[None] | None = None
        self._at: datetime | None = None
        self._keeps_due = keeps_due

    async def until(
        self, wake: datetime | None, moved_on: Callable[[datetime | None], bool]
    ) -> None:
        """Wait until the deadline ``wake`` passes or ``moved_on(wake)`` holds."""
        if wake != self._at:
            due = self._at is not None and self._at <= workflow.now()
            if self._task is not None and not (self._keeps_due and due):
                self._task.cancel()
            self._task, self._at = None, wake
            if wake is not None:
                self._task = asyncio.create_task(
                    workflow.sleep(wake - workflow.now(), summary="next deadline")
                )
        timer = self._task
        await workflow.wait_condition(
            lambda: moved_on(wake) or (timer is not None and timer.done())
        )
