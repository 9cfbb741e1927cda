"""``ProgrammeWorkflow``: one coaching programme as a long-lived entity workflow.

Every signal and update becomes a domain command; ``decide`` gives events; the
workflow appends them to its log and evolves its state. It holds nothing
besides the domain state, the log and a short list of refused signals.

The worker passes this module through its sandbox (``workers.sandbox.PASSED_THROUGH``),
so it is loaded once, not once per programme; ``tests/unit/test_determinism.py`` keeps
it free of clocks, randomness and I/O in place of the sandbox's run-time checks.

One entity workflow is one class: its handlers, run loop and continue-as-new share the
run's state, so they stay in this module. What they hand work to lives beside it: when
to continue as new and how (``workflows.continuing``), the next-deadline timer
(``workflows.deadline_timer``), the deliveries the events ask for
(``workflows.deliveries``), the archive at closing (``workflows.archive``), the rules a
launch takes by revision (``workflows.revisions``), refused signals
(``workflows.refusals``), search attributes and current details
(``workflows.publishing``), the messages (``workflows.messages``); every rule is the
domain's (``domain``).
"""

import contextlib
from collections import deque
from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.common import RawValue
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from domain.commands import (
        AdvanceStage,
        AgreeObjectives,
        AmendObjectives,
        CancelSession,
        Command,
        GiveFeedback,
        MigrateTemplate,
        NominateRaters,
        Pause,
        RateExpectations,
        Reassign,
        RecordExpectations,
        RecordProgress,
        RecordSession,
        RescheduleSession,
        Resume,
        Tick,
        Withdraw,
    )
    from domain.decider import decide, decide_and_evolve
    from domain.errors import DomainError
    from domain.events import Event
    from domain.evolve import fold
    from domain.schedule import next_wake
    from domain.state import ProgrammeState, Status
    from domain.view import ProgrammeView, Rejection, view_of
    from workflows.archive import archive, archives
    from workflows.continuing import carry_on, must_continue
    from workflows.deadline_timer import DeadlineTimer
    from workflows.deliveries import Deliverable, Deliveries
    from workflows.messages import (
        FEWER_COMMANDS_REVISION,
        FOLLOW_UP_REVISION,
        KEPT_REJECTIONS,
        RELIABLE_REVISION,
        REVISION,
        WORKFLOW_NAME,
        EventPage,
        ProgrammeInput,
        ProgrammeOutcome,
        Receipt,
    )
    from workflows.publishing import Publisher
    from workflows.refusals import Fact, open_fact, refused
    from workflows.revisions import under_its_rules

FEWER_COMMANDS = "fewer-commands"
"""The patch: keep the deadline timer while the deadline holds, upsert the search
attributes only when they differ from what the workflow already carries, and start to
continue as new with a fifth of ``history_limit`` to spare. Runs begun before it replay
the old path: see "Changing workflow code" in the README.

Runs whose input carries ``revision`` 2 or later take this path without asking
``workflow.patched``: in a new run that records a marker and upserts Temporal's
``TemporalChangeVersion`` search attribute: two more events and a visibility write per
run, and core state in every worker that caches it (bench/README.md)."""


def _where(state: ProgrammeState) -> tuple[str, str]:
    return state.status.value, state.stage_progress.key if state.stage_progress is not None else ""


# Pinned by a versioned worker's default (workers.deployment), not here: Temporal refuses
# a versioning behaviour from an unversioned worker. A run stays on the build it started
# on and moves at continue-as-new (docs/changing-workflows.md).
@workflow.defn(name=WORKFLOW_NAME)
class ProgrammeWorkflow:
    @workflow.init
    def __init__(self, input: ProgrammeInput) -> None:
        self._settings = input.settings
        self._revision = input.revision
        self._log: list[Event] = list(input.events)
        if not self._log:
            if input.launch is None:
                raise ApplicationError(
                    "a programme needs a launch or its events", non_retryable=True
                )
            # Launched here, before any handler runs, so a signal that comes with the
            # start (signal-with-start) finds the programme launched.
            launch = under_its_rules(input.launch, input.revision)
            self._log = decide(None, launch, workflow.now())
        self._state: ProgrammeState = fold(self._log)
        self._wake = next_wake(self._state)
        """``next_wake`` of ``_state``, kept as events are applied."""
        self._rejections: deque[Rejection] = deque(input.rejections, maxlen=KEPT_REJECTIONS)
        self._fewer_commands = False
        self._reliable = input.revision is not None and input.revision >= RELIABLE_REVISION
        self._deliveries = Deliveries(
            lambda: self._state, self._apply, self._reliable, input.deadlines
        )
        self._timer = DeadlineTimer(
            keeps_due=input.revision is not None and input.revision >= FOLLOW_UP_REVISION
        )
        self._publisher = Publisher()

    # ------------------------------------------------------------ run

    @workflow.run
    async def run(self, input: ProgrammeInput) -> ProgrammeOutcome:
        if input.revision is not None:
            self._fewer_commands = input.revision >= FEWER_COMMANDS_REVISION
        else:
            self._fewer_commands = workflow.patched(FEWER_COMMANDS)
        self._publisher.publish(
            self._state, self._wake, moved=True, fewer_commands=self._fewer_commands
        )
        self._deliveries.redeliver(self._log, self._state.pending_deliveries)
        while not self._state.finished:
            seen = self._state.seq
            wake = self._wake
            if wake is None or wake > workflow.now():
                if self._fewer_commands:
                    await self._timer.until(wake, self._moved_on)
                else:
                    await self._until_moved(seen, wake)
            if self._must_continue():
                await self._continue_as_new()
            self._apply(Tick())
            wake = self._wake
            if self._state.seq == seen and wake is not None and wake <= workflow.now():
                # A deadline that fires nothing would spin; wait for a message instead.
                workflow.logger.error("deadline %s fired nothing; waiting", wake.isoformat())
                await self._until_moved(seen, workflow.now() + timedelta(hours=1))
        await workflow.wait_condition(workflow.all_handlers_finished)
        if archives(self._revision):
            await archive(self._state, self._log)
        state = self._state
        return ProgrammeOutcome(
            programme_id=state.programme_id,
            status=state.status,
            events=state.seq,
            evaluations=state.evaluations,
            ended_at=state.ended_at,
        )

    async def _until_moved(self, seen: int, wake: datetime | None) -> None:
        """Wait for the next deadline, a new event, or the time to continue as new."""
        with contextlib.suppress(TimeoutError):
            await workflow.wait_condition(
                lambda: self._state.seq != seen or self._must_continue(),
                timeout=wake - workflow.now() if wake is not None else None,
                timeout_summary="next deadline",
            )

    def _moved_on(self, wake: datetime | None) -> bool:
        """The run has moved on from waiting for ``wake``: the loop goes round."""
        return self._wake != wake or self._state.finished or self._must_continue()

    def _must_continue(self) -> bool:
        return must_continue(self._settings.history_limit, self._fewer_commands)

    async def _continue_as_new(self) -> None:
        """Let handlers finish, then carry the whole log into a new run.

        Before ``RELIABLE_REVISION`` the run also waited for its deliveries: a channel
        failing for days then held it open while messages piled events into it, past the
        history limit and on to Temporal's signal limit. Now the deliveries still pending
        go with the log (``state.pending_deliveries``) and their deadlines, and the next
        run schedules them again (``_redeliver``); a channel's copy of an attempt cut
        short is dropped by its delivery id (``activities.notifier.Notifier``)."""
        if self._reliable:
            await workflow.wait_condition(workflow.all_handlers_finished)
        else:
            await workflow.wait_condition(
                lambda: workflow.all_handlers_finished() and not self._deliveries.under_way()
            )
        carried = ProgrammeInput(
            events=self._log,
            settings=self._settings,
            revision=REVISION,
            rejections=list(self._rejections),
            deadlines=self._deliveries.deadlines(self._state.pending_deliveries),
        )
        carry_on(carried)

    # ------------------------------------------------------------ applying commands

    def _apply(self, command: Command, to_now: bool = True) -> list[Event]:
        """Decide and record; DomainError propagates to the caller."""
        before = self._state
        events, state = decide_and_evolve(before, command, workflow.now(), to_now=to_now)
        for event in events:
            if isinstance(event, Deliverable):
                self._deliveries.deliver(event)
        self._state = state
        self._log.extend(events)
        if events:
            self._wake = next_wake(state)
            moved = _where(before) != _where(state)
            self._publisher.publish(
                state, self._wake, moved=moved, fewer_commands=self._fewer_commands
            )
        return events

    def _signal(self, command: Command) -> None:
        """Signals have no caller to answer: a refusal is logged and kept for the view.

        A fact is applied when it happened and the run loop's tick catches up to now: it
        runs after every signal of the activation, so facts queued during an outage are
        applied in turn, each at its time, before the deadlines after them fire.
        """
        try:
            self._apply(command, to_now=False)
        except DomainError as exc:
            self._rejections.append(refused(command, exc))

    def _validate(self, command: Command) -> None:
        try:
            decide(self._state, command, workflow.now())
        except DomainError as exc:
            raise ApplicationError(str(exc), type="DomainError", non_retryable=True) from exc

    def _update(self, command: Command) -> ProgrammeView:
        try:
            self._apply(command)
        except DomainError as exc:  # state moved between validator and handler
            raise ApplicationError(str(exc), type="DomainError", non_retryable=True) from exc
        return self.view()

    # ------------------------------------------------------------ signals: facts

    # Facts come as raw payloads, so the run can see whether parcours's codec sealed them
    # (``_fact``); clients send a ``GiveFeedback``, ``RecordSession`` or ``RecordProgress``.

    @workflow.signal(name="give_feedback")
    def give_feedback(self, command: RawValue) -> None:
        self._fact("give_feedback", command, GiveFeedback)

    @workflow.signal(name="record_session")
    def record_session(self, command: RawValue) -> None:
        self._fact("record_session", command, RecordSession)

    @workflow.signal(name="record_progress")
    def record_progress(self, command: RawValue) -> None:
        self._fact("record_progress", command, RecordProgress)

    def _fact(self, name: str, raw: RawValue, kind: type[Fact]) -> None:
        """Apply a fact, or keep its refusal (``open_fact``)."""
        opened = open_fact(name, raw, kind, self._reliable)
        if isinstance(opened, Rejection):
            self._rejections.append(opened)
        elif opened is not None:
            self._signal(opened)

    # ------------------------------------------------------------ updates: requests

    @workflow.update(name="agree_objectives")
    def agree_objectives(self, command: AgreeObjectives) -> ProgrammeView:
        return self._update(command)

    @agree_objectives.validator
    def _check_objectives(self, command: AgreeObjectives) -> None:
        self._validate(command)

    @workflow.update(name="pause")
    def pause(self, command: Pause) -> ProgrammeView:
        return self._update(command)

    @pause.validator
    def _check_pause(self, command: Pause) -> None:
        self._validate(command)

    @workflow.update(name="resume")
    def resume(self, command: Resume) -> ProgrammeView:
        return self._update(command)

    @resume.validator
    def _check_resume(self, command: Resume) -> None:
        self._validate(command)

    @workflow.update(name="withdraw")
    def withdraw(self, command: Withdraw) -> ProgrammeView:
        waiting = self._deliveries.under_way()
        view = self._update(command)
        if self._reliable and self._state.status is Status.withdrawn:
            # Nobody is to be reminded of a withdrawn programme, and an erasure withdraws
            # first: the deliveries it was waiting on end now (recorded as not delivered),
            # so it closes in seconds instead of waiting out a failing channel. Those the
            # withdrawal itself asked for (the evaluation it records) still run.
            for task in waiting:
                task.cancel()
        return view

    @withdraw.validator
    def _check_withdraw(self, command: Withdraw) -> None:
        self._validate(command)

    @workflow.update(name="advance_stage")
    def advance_stage(self, command: AdvanceStage) -> ProgrammeView:
        return self._update(command)

    @advance_stage.validator
    def _check_advance(self, command: AdvanceStage) -> None:
        self._validate(command)

    @workflow.update(name="nominate_raters")
    def nominate_raters(self, command: NominateRaters) -> ProgrammeView:
        return self._update(command)

    @nominate_raters.validator
    def _check_nominate(self, command: NominateRaters) -> None:
        self._validate(command)

    @workflow.update(name="reassign")
    def reassign(self, command: Reassign) -> ProgrammeView:
        return self._update(command)

    @reassign.validator
    def _check_reassign(self, command: Reassign) -> None:
        self._validate(command)

    @workflow.update(name="amend_objectives")
    def amend_objectives(self, command: AmendObjectives) -> ProgrammeView:
        return self._update(command)

    @amend_objectives.validator
    def _check_amend(self, command: AmendObjectives) -> None:
        self._validate(command)

    @workflow.update(name="record_expectations")
    def record_expectations(self, command: RecordExpectations) -> ProgrammeView:
        return self._update(command)

    @record_expectations.validator
    def _check_expectations(self, command: RecordExpectations) -> None:
        self._validate(command)

    @workflow.update(name="rate_expectations")
    def rate_expectations(self, command: RateExpectations) -> ProgrammeView:
        return self._update(command)

    @rate_expectations.validator
    def _check_rating(self, command: RateExpectations) -> None:
        self._validate(command)

    @workflow.update(name="migrate_template")
    def migrate_template(self, command: MigrateTemplate) -> ProgrammeView:
        """Move onto another version of the template (revision 10): records
        ``TemplateMigrated``; a programme that cannot be mapped is refused, unchanged."""
        return self._update(command)

    @migrate_template.validator
    def _check_migrate(self, command: MigrateTemplate) -> None:
        self._validate(command)

    @workflow.update(name="reschedule_session")
    def reschedule_session(self, command: RescheduleSession) -> ProgrammeView:
        return self._update(command)

    @reschedule_session.validator
    def _check_reschedule(self, command: RescheduleSession) -> None:
        self._validate(command)

    @workflow.update(name="cancel_session")
    def cancel_session(self, command: CancelSession) -> ProgrammeView:
        return self._update(command)

    @cancel_session.validator
    def _check_cancel(self, command: CancelSession) -> None:
        self._validate(command)

    def log(self) -> list[Event]:
        """The domain event log; read by the history reader after a replay."""
        return list(self._log)

    # ------------------------------------------------------------ queries

    @workflow.query(name="view")
    def view(self) -> ProgrammeView:
        state = self._state
        return view_of(state, workflow.now()).model_copy(
            update={"rejections": tuple(self._rejections)}
        )

    @workflow.query(name="events")
    def events(self, after: int = 0) -> EventPage:
        return EventPage(events=self._log[max(after, 0) :], last_seq=self._state.seq)

    @workflow.query(name="receipt")
    def receipt(self, key: str) -> Receipt:
        state = self._state
        if key in state.applied_keys:
            return Receipt(key=key, outcome="applied")
        for rejection in reversed(self._rejections):
            if rejection.key == key:
                return Receipt(key=key, outcome="rejected", reason=rejection.reason)
        return Receipt(key=key, outcome="unknown")
