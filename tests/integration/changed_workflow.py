"""A ``Programme`` workflow whose commands differ from the real one: a deploy that would
break running programmes, for the replay check to catch."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow

from workflows.messages import WORKFLOW_NAME, ProgrammeInput


@workflow.defn(name=WORKFLOW_NAME)
class ChangedProgramme:
    @workflow.run
    async def run(self, input: ProgrammeInput) -> None:
        await workflow.execute_activity(
            "a_new_first_step", start_to_close_timeout=timedelta(seconds=5)
        )
