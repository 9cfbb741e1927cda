"""Events: what happened to a programme, in the past tense.

Every event has a sequence number, the wall time it happened (``at``) and the
programme-clock time (``clock``: time since the programme started, paused
time not counted). Events are one discriminated union on ``type``, so they
serialise to plain self-describing JSON.

One module per concern (``domain.events.programme``, ``.sessions``, ``.notices``; the
fields every event has in ``.base``); every event is imported from here.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, TypeAdapter

from domain.events.base import EventBase
from domain.events.notices import (
    EscalationDue,
    InvitationDue,
    InvitedSession,
    NoticeEvent,
    ReminderDue,
    ReminderSkipped,
    SessionReminderDue,
)
from domain.events.programme import (
    CollectionDue,
    DeliveryConfirmed,
    DeliveryFailed,
    EvaluationRecorded,
    ExpectationsRated,
    ExpectationsRecorded,
    FeedbackReceived,
    FollowUpClosed,
    Nominated,
    Objective,
    ObjectiveProgressed,
    ObjectivesAgreed,
    ObjectivesAmended,
    PersonReassigned,
    ProgrammeCompleted,
    ProgrammeLapsed,
    ProgrammeLaunched,
    ProgrammePaused,
    ProgrammeResumed,
    ProgrammeStarted,
    ProgrammeWithdrawn,
    RatersNominated,
    StageCompleted,
    StageEntered,
    StageStalled,
    TemplateMigrated,
)
from domain.events.sessions import (
    SessionCancelled,
    SessionCorrected,
    SessionHeld,
    SessionMissed,
    SessionRescheduled,
    SessionSlot,
    SessionsReplanned,
)

Event = Annotated[
    ProgrammeLaunched
    | ProgrammeStarted
    | StageEntered
    | ObjectivesAgreed
    | FeedbackReceived
    | SessionHeld
    | SessionMissed
    | SessionCorrected
    | SessionsReplanned
    | SessionRescheduled
    | SessionCancelled
    | ObjectiveProgressed
    | ReminderDue
    | SessionReminderDue
    | InvitationDue
    | ReminderSkipped
    | EscalationDue
    | StageStalled
    | CollectionDue
    | EvaluationRecorded
    | DeliveryConfirmed
    | DeliveryFailed
    | StageCompleted
    | ProgrammePaused
    | ProgrammeResumed
    | ProgrammeWithdrawn
    | ProgrammeCompleted
    | ProgrammeLapsed
    | FollowUpClosed
    | RatersNominated
    | PersonReassigned
    | ObjectivesAmended
    | ExpectationsRecorded
    | ExpectationsRated
    | TemplateMigrated,
    Field(discriminator="type"),
]

Notice = ReminderDue | SessionReminderDue | EscalationDue | InvitationDue
"""Events that ask for a notification."""

EVENT_LIST: TypeAdapter[list[Event]] = TypeAdapter(list[Event])
"""Built once: validating and dumping lists of events (queries, histories, files)."""

__all__ = [
    "EVENT_LIST",
    "CollectionDue",
    "DeliveryConfirmed",
    "DeliveryFailed",
    "EscalationDue",
    "EvaluationRecorded",
    "Event",
    "EventBase",
    "ExpectationsRated",
    "ExpectationsRecorded",
    "FeedbackReceived",
    "FollowUpClosed",
    "InvitationDue",
    "InvitedSession",
    "Nominated",
    "Notice",
    "NoticeEvent",
    "Objective",
    "ObjectiveProgressed",
    "ObjectivesAgreed",
    "ObjectivesAmended",
    "PersonReassigned",
    "ProgrammeCompleted",
    "ProgrammeLapsed",
    "ProgrammeLaunched",
    "ProgrammePaused",
    "ProgrammeResumed",
    "ProgrammeStarted",
    "ProgrammeWithdrawn",
    "RatersNominated",
    "ReminderDue",
    "ReminderSkipped",
    "SessionCancelled",
    "SessionCorrected",
    "SessionHeld",
    "SessionMissed",
    "SessionReminderDue",
    "SessionRescheduled",
    "SessionSlot",
    "SessionsReplanned",
    "StageCompleted",
    "StageEntered",
    "StageStalled",
    "TemplateMigrated",
]
