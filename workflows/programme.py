"""``ProgrammeWorkflow``: one coaching programme as a long-lived entity workflow.

Every signal and update becomes a domain command; ``decide`` gives events; the
workflow appends them to its log and evolves its state. It holds nothing
besides the domain state, the log and a short list of refused signals.

The worker passes this module through its sandbox (``workers.programme.PASSED_THROUGH``),
so it is loaded once, not once per programme; ``tests/unit/test_determinism.py`` keeps
it free of clocks, randomness and I/O in place of the sandbox's run-time checks.

One entity workflow is one class: its handlers, run loop, deliveries and
continue-as-new share the run's state, so they stay in one module; the messages, the
search attributes and every rule live elsewhere (``workflows.messages``, ``domain``).
"""

import asyncio
import contextlib
from collections import deque
from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.common import RawValue, RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError, CancelledError

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
        RecordDelivery,
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
    from domain.events import (
        EscalationDue,
        EvaluationRecorded,
        Event,
        InvitationDue,
        Notice,
        ReminderDue,
        SessionReminderDue,
    )
    from domain.evolve import fold
    from domain.holders import HELD
    from domain.notices import EvaluationReport, NoticeKind, Notification
    from domain.rules import (
        CALENDAR,
        COLLECTION,
        EVIDENCE,
        FOLLOW_UP,
        FRAMEWORKS,
        OCCURRED_AT,
        PEOPLE,
        clip,
    )
    from domain.schedule import next_wake
    from domain.state import ProgrammeState, Status
    from domain.template import Role
    from domain.view import ProgrammeView, Rejection, view_of
    from workflows import search_attributes as sa
    from workflows.messages import (
        ARCHIVE_PROGRAMME,
        ARCHIVE_REVISION,
        CALENDAR_REVISION,
        COLLECTION_REVISION,
        EVIDENCE_REVISION,
        FEWER_COMMANDS_REVISION,
        FOLLOW_UP_REVISION,
        FRAMEWORKS_REVISION,
        INPUT_BUDGET,
        KEPT_REJECTIONS,
        PEOPLE_REVISION,
        RECORD_EVALUATION,
        RELIABLE_REVISION,
        REVISION,
        RULES_REVISION,
        SEALED,
        SEND_NOTIFICATION,
        WORKFLOW_NAME,
        ClosedProgramme,
        EventPage,
        ProgrammeInput,
        ProgrammeOutcome,
        Receipt,
    )

NOTIFY_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=2),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=10),
)
"""Notifications retry with backoff for up to a day (schedule_to_close) before being
recorded as failed: a reminder a day late is still worth sending, later it is noise."""
NOTIFY_DEADLINE = timedelta(days=1)
REPORT_DEADLINE = timedelta(days=3)
KEPT_REASON = 500
"""Bytes kept of a refusal's reason: it may quote what the caller sent."""
FEWER_COMMANDS = "fewer-commands"
"""The patch: keep the deadline timer while the deadline holds, upsert the search
attributes only when they differ from what the workflow already carries, and start to
continue as new with a fifth of ``history_limit`` to spare. Runs begun before it replay
the old path: see "Changing workflow code" in the README.

Runs whose input carries ``revision`` 2 or later take this path without asking
``workflow.patched``: in a new run that records a marker and upserts Temporal's
``TemporalChangeVersion`` search attribute: two more events and a visibility write per
run, and core state in every worker that caches it (bench/README.md)."""
ARCHIVE = "archive"
"""The patch: a run of a revision before ``ARCHIVE_REVISION`` that closes on code that
archives asks for ``archive_programme`` too; its recorded histories, closed without it,
replay without it."""
ARCHIVE_DEADLINE = timedelta(days=3)
"""How long the archive activity is retried (the store down) before the programme closes
unarchived, saying so in the worker's log: well within any Temporal retention, so the
run is still there to read (and to archive again by hand)."""
Deliverable = ReminderDue | SessionReminderDue | EscalationDue | InvitationDue | EvaluationRecorded
"""Events that ask for an activity: a notification, or an evaluation report."""


UNSEALED = (
    "refused: not sealed by parcours's codec (send facts through the API or the parcours "
    "CLI; a plain-text payload would keep personal data unencrypted)"
)


CANCELLED = "not delivered: cancelled, the programme was withdrawn"


class _GaveUp(Exception):
    """A delivery whose deadline passed before this run could schedule it."""


def _where(state: ProgrammeState) -> tuple[str, str]:
    return state.status.value, state.stage_progress.key if state.stage_progress is not None else ""


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
            launch = input.launch
            rules = 1
            if input.revision is not None and input.revision >= FOLLOW_UP_REVISION:
                rules = FOLLOW_UP
            elif input.revision is not None and input.revision >= FRAMEWORKS_REVISION:
                rules = FRAMEWORKS
            elif input.revision is not None and input.revision >= CALENDAR_REVISION:
                rules = CALENDAR
            elif input.revision is not None and input.revision >= EVIDENCE_REVISION:
                rules = EVIDENCE
            elif input.revision is not None and input.revision >= COLLECTION_REVISION:
                rules = COLLECTION
            elif input.revision is not None and input.revision >= PEOPLE_REVISION:
                rules = PEOPLE
            elif input.revision is not None and input.revision >= RULES_REVISION:
                rules = OCCURRED_AT
            launch = launch.model_copy(update={"rules": max(launch.rules, rules)})
            self._log = decide(None, launch, workflow.now())
        self._state: ProgrammeState = fold(self._log)
        self._wake = next_wake(self._state)
        """``next_wake`` of ``_state``, kept as events are applied."""
        self._rejections: deque[Rejection] = deque(input.rejections, maxlen=KEPT_REJECTIONS)
        self._deliveries: dict[str, asyncio.Task[None]] = {}
        self._deadlines: dict[str, datetime] = dict(input.deadlines)
        """When each pending delivery gives up (``RELIABLE_REVISION``)."""
        self._fewer_commands = False
        self._reliable = input.revision is not None and input.revision >= RELIABLE_REVISION
        self._timer: asyncio.Task[None] | None = None
        self._timer_at: datetime | None = None

    # ------------------------------------------------------------ run

    @workflow.run
    async def run(self, input: ProgrammeInput) -> ProgrammeOutcome:
        if input.revision is not None:
            self._fewer_commands = input.revision >= FEWER_COMMANDS_REVISION
        else:
            self._fewer_commands = workflow.patched(FEWER_COMMANDS)
        self._publish(self._state)
        self._redeliver()
        while not self._state.finished:
            seen = self._state.seq
            wake = self._wake
            if wake is None or wake > workflow.now():
                if self._fewer_commands:
                    await self._until_moved_on_timer(wake)
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
        if self._archives():
            await self._archive()
        state = self._state
        return ProgrammeOutcome(
            programme_id=state.programme_id,
            status=state.status,
            events=state.seq,
            evaluations=state.evaluations,
            ended_at=state.ended_at,
        )

    def _archives(self) -> bool:
        revision = self._revision
        if revision is not None and revision >= ARCHIVE_REVISION:
            return True
        return workflow.patched(ARCHIVE)

    async def _archive(self) -> None:
        """Hand the closed programme's log to the archive (``adapters.stores.archive``),
        so it outlives Temporal's retention. A failure is logged, never the programme's:
        it closed either way."""
        state = self._state
        stage = state.stage_progress.key if state.stage_progress is not None else None
        closed = ClosedProgramme(
            programme_id=state.programme_id,
            employee_id=state.employee.id,
            template_id=state.template.id,
            cohort_id=state.cohort_id,
            status=state.status,
            stage=stage,
            closed_at=state.ended_at or workflow.now(),
            events=self._log,
        )
        try:
            await workflow.execute_activity(
                ARCHIVE_PROGRAMME,
                closed,
                result_type=str,
                start_to_close_timeout=timedelta(minutes=1),
                schedule_to_close_timeout=ARCHIVE_DEADLINE,
                retry_policy=NOTIFY_RETRY,
                summary="archive",
            )
        except ActivityError as exc:
            workflow.logger.error("archiving failed: %s", exc.cause or exc)

    async def _until_moved(self, seen: int, wake: datetime | None) -> None:
        """Wait for the next deadline, a new event, or the time to continue as new."""
        with contextlib.suppress(TimeoutError):
            await workflow.wait_condition(
                lambda: self._state.seq != seen or self._must_continue(),
                timeout=wake - workflow.now() if wake is not None else None,
                timeout_summary="next deadline",
            )

    async def _until_moved_on_timer(self, wake: datetime | None) -> None:
        """As ``_until_moved``, but the deadline timer outlives the wait: a message that
        leaves the deadline where it was does not cancel it and start another.

        Nor does such a message wake the loop: the command it carried already caught up
        with time, so a tick at the same instant would decide nothing.
        """
        if wake != self._timer_at:
            if self._timer is not None:
                self._timer.cancel()
            self._timer, self._timer_at = None, wake
            if wake is not None:
                self._timer = asyncio.create_task(
                    workflow.sleep(wake - workflow.now(), summary="next deadline")
                )
        timer = self._timer
        await workflow.wait_condition(
            lambda: (
                self._wake != wake
                or self._state.finished
                or self._must_continue()
                or (timer is not None and timer.done())
            )
        )

    def _must_continue(self) -> bool:
        """Time to continue as new: Temporal suggests it, or the run nears its limit.

        The run first lets handlers and deliveries finish, which writes more events, so
        it starts with a fifth of ``history_limit`` to spare; messages that arrive in the
        meantime are written all the same, so a burst of them can still carry it past.
        """
        info = workflow.info()
        limit = self._settings.history_limit
        if self._fewer_commands:
            limit -= limit // 5
        return info.is_continue_as_new_suggested() or info.get_current_history_length() >= limit

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
                lambda: workflow.all_handlers_finished() and not self._deliveries
            )
        pending = set(self._state.pending_deliveries)
        carried = ProgrammeInput(
            events=self._log,
            settings=self._settings,
            revision=REVISION,
            rejections=list(self._rejections),
            deadlines={k: v for k, v in self._deadlines.items() if k in pending},
        )
        size = len(carried.model_dump_json().encode())
        workflow.logger.info("continuing as new after %d events, %d bytes", len(self._log), size)
        if size > INPUT_BUDGET:  # the domain's bounds should make this impossible: say so
            workflow.logger.error("carried input of %d bytes is over its budget", size)
        workflow.continue_as_new(carried)

    # ------------------------------------------------------------ applying commands

    def _apply(self, command: Command, to_now: bool = True) -> list[Event]:
        """Decide and record; DomainError propagates to the caller."""
        before = self._state
        events, state = decide_and_evolve(before, command, workflow.now(), to_now=to_now)
        for event in events:
            if isinstance(event, Deliverable):
                self._deliver(event)
        self._state = state
        self._log.extend(events)
        if events:
            self._wake = next_wake(state)
            self._publish(state, moved=_where(before) != _where(state))
        return events

    def _publish(self, state: ProgrammeState, moved: bool = True) -> None:
        """Keep the Web UI's current details up to date, and the search attributes when
        the programme ``moved`` to another stage or status."""
        stage = state.stage_progress.key if state.stage_progress is not None else ""
        if self._fewer_commands:
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
        wake = self._wake
        lines = [
            f"**{state.employee.name}** ({state.employee.id}) — {state.template.title_in('')}",
            f"Status: {state.status.value}",
            f"Stage: {stage or '—'}",
            f"Next deadline: {wake.isoformat() if wake else '—'}",
        ]
        workflow.set_current_details("\n\n".join(lines))

    def _signal(self, command: Command) -> None:
        """Signals have no caller to answer: a refusal is logged and kept for the view.

        A fact is applied when it happened and the run loop's tick catches up to now: it
        runs after every signal of the activation, so facts queued during an outage are
        applied in turn, each at its time, before the deadlines after them fire.
        """
        try:
            self._apply(command, to_now=False)
        except DomainError as exc:
            workflow.logger.warning("refused %s: %s", command.type, exc)
            reason = clip(str(exc), KEPT_REASON)
            shown = clip(exc.shown, KEPT_REASON) if exc.shown != str(exc) else None
            self._rejections.append(
                Rejection(
                    at=workflow.now(),
                    type=command.type,
                    key=command.key,
                    reason=reason,
                    shown=shown,
                )
            )

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

    # ------------------------------------------------------------ deliveries

    def _redeliver(self) -> None:
        """After continue-as-new, deliver whatever the last run had not confirmed."""
        pending = set(self._state.pending_deliveries)
        for event in self._log:
            if isinstance(event, Deliverable) and event.delivery_id in pending:
                self._deliver(event)

    def _deliver(self, event: Deliverable) -> None:
        self._deliveries[event.delivery_id] = asyncio.create_task(
            self._run_delivery(event), name=f"deliver {event.delivery_id}"
        )

    def _left(self, event: Deliverable) -> timedelta:
        """How long the delivery may still be tried: its whole deadline, less what runs
        before this one spent on it (``RELIABLE_REVISION``)."""
        whole = REPORT_DEADLINE if isinstance(event, EvaluationRecorded) else NOTIFY_DEADLINE
        if not self._reliable:
            return whole
        now = workflow.now()
        ends = self._deadlines.setdefault(event.delivery_id, now + whole)
        return ends - now

    async def _run_delivery(self, event: Deliverable) -> None:
        left = self._left(event)
        try:
            if left <= timedelta(0):
                # Only a run continuing as new within the same second could see this:
                # the activity's own schedule-to-close timeout ends it otherwise.
                raise _GaveUp(f"not delivered before its deadline ({event.delivery_id})")
            if isinstance(event, EvaluationRecorded):
                detail = await workflow.execute_activity(
                    RECORD_EVALUATION,
                    self._report(event),
                    result_type=str,
                    start_to_close_timeout=timedelta(minutes=1),
                    schedule_to_close_timeout=left,
                    retry_policy=NOTIFY_RETRY,
                    summary=f"evaluation {event.evaluation.kind.value}",
                )
            else:
                detail = await workflow.execute_activity(
                    SEND_NOTIFICATION,
                    self._notification(event),
                    result_type=str,
                    start_to_close_timeout=timedelta(seconds=30),
                    schedule_to_close_timeout=left,
                    retry_policy=NOTIFY_RETRY,
                    summary=f"{event.type} to {', '.join(event.to)}",
                )
            outcome = RecordDelivery(delivery_id=event.delivery_id, delivered=True, detail=detail)
        except asyncio.CancelledError:  # the programme was withdrawn (``withdraw``)
            outcome = RecordDelivery(
                delivery_id=event.delivery_id, delivered=False, detail=CANCELLED
            )
        except ActivityError as exc:
            if isinstance(exc.cause, CancelledError):
                outcome = RecordDelivery(
                    delivery_id=event.delivery_id, delivered=False, detail=CANCELLED
                )
            else:
                outcome = self._failed(event, str(exc.cause) if exc.cause else str(exc))
        except _GaveUp as exc:
            outcome = self._failed(event, str(exc))
        finally:
            self._deliveries.pop(event.delivery_id, None)
            self._deadlines.pop(event.delivery_id, None)
        self._apply(outcome)

    def _failed(self, event: Deliverable, reason: str) -> RecordDelivery:
        workflow.logger.error("delivery %s failed: %s", event.delivery_id, reason)
        return RecordDelivery(
            delivery_id=event.delivery_id, delivered=False, detail=reason or "failed"
        )

    def _notification(self, event: Notice) -> Notification:
        state = self._state
        template = state.template
        # rules 8: a reminder of the follow-up has no stage ("")
        stage = template.stage(event.stage) if event.stage else None
        people: dict[Role, str | None] = {
            Role.employee: state.employee.email,
            **{role: state.holders.of(role) for role in HELD},
        }
        answered = {f.rater_id for f in state.feedback if f.stage == (event.stage or None)}
        nominated = state.nominations.get(event.stage or "", ())
        raters = {
            role: ids
            for role in event.to
            if (ids := tuple(n.id for n in nominated if n.role is role and n.id not in answered))
        }
        lang = template.language_for(state.employee.locale)
        kind = {
            "reminder_due": NoticeKind.reminder,
            "session_reminder_due": NoticeKind.session_reminder,
            "escalation_due": NoticeKind.escalation,
            "invitation_due": NoticeKind.invitation,
        }[event.type]
        clock = state.clock
        return Notification(
            delivery_id=event.delivery_id,
            kind=kind,
            programme_id=state.programme_id,
            template_title=template.title_in(lang),
            titles=template.title,
            employee=state.employee,
            to=event.to,
            recipients={role: people.get(role) for role in event.to},
            raters=raters,
            stage=event.stage or None,
            stage_title=stage.title_in(lang) if stage is not None else None,
            stage_titles=stage.title if stage is not None else (),
            due_at=clock.wall(event.due)
            if isinstance(event, ReminderDue | EscalationDue)
            else None,
            session_number=event.number if isinstance(event, SessionReminderDue) else None,
            session_at=clock.wall(event.session_clock)
            if isinstance(event, SessionReminderDue)
            else None,
            escalation_step=event.step if isinstance(event, EscalationDue) else None,
            method=event.method if isinstance(event, InvitationDue) else None,
            sessions=event.sessions if isinstance(event, InvitationDue) else (),
            created_at=event.at,
        )

    def _report(self, event: EvaluationRecorded) -> EvaluationReport:
        state = self._state
        template = state.template
        lang = template.language_for(state.employee.locale)
        keys = [s.key for s in template.stages]
        stage_key = event.evaluation.stage
        evaluated = template.stage(stage_key) if stage_key in keys else None
        return EvaluationReport(
            delivery_id=event.delivery_id,
            programme_id=state.programme_id,
            template_title=template.title_in(lang),
            titles=template.title,
            stage_titles=evaluated.title if evaluated is not None else (),
            employee=state.employee,
            evaluation=event.evaluation,
            recorded_at=event.at,
        )

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

    def _fact(
        self,
        name: str,
        raw: RawValue,
        kind: type[GiveFeedback] | type[RecordSession] | type[RecordProgress],
    ) -> None:
        """Apply a fact, or refuse it: one not sealed by parcours's codec (from
        ``RELIABLE_REVISION`` on: plain text typed into the Web UI or the temporal CLI
        bypasses the roles and sits in Temporal unencrypted), or one that does not
        decode. The refusal is kept without the payload's content."""
        sealed = raw.payload.metadata.get(SEALED) == b"1"
        if self._reliable and not sealed:
            self._refuse(name, UNSEALED)
            return
        try:
            command = workflow.payload_converter().from_payload(raw.payload, kind)
        except Exception as exc:
            if not self._reliable:  # as the SDK did: dropped, logged
                workflow.logger.warning("dropped a %s signal that does not decode", name)
                return
            self._refuse(
                name, f"refused: the {name} message does not decode ({type(exc).__name__})"
            )
            return
        self._signal(command)

    def _refuse(self, name: str, reason: str) -> None:
        workflow.logger.warning("refused %s: %s", name, reason)
        self._rejections.append(Rejection(at=workflow.now(), type=name, key=None, reason=reason))

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
        waiting = list(self._deliveries.values())
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
