"""Which rules a programme follows, and the bounds that keep it small.

A programme is launched with a rules number and keeps it for life (it is in its
``ProgrammeLaunched``), so a change of rules never changes what a running programme
decides, and its recorded history replays. Rules 1 is how programmes launched before
rules were numbered behave; rules 2 adds:

- facts (feedback, sessions, progress) are dated by their ``occurred_at``;
- a reminder whose moment passed by more than its own lead time is skipped, not sent;
- a session is recorded only from ``RECORD_SESSION_FROM`` before its slot, and a wrong
  record is corrected with ``RecordSession(correct=True)``;
- the bounds below: nothing a caller sends grows a programme without limit, so the
  log a run carries into continue-as-new stays within ``workflows.messages.INPUT_BUDGET``.

The text limits are checked here, by rules, not tightened in the commands' pydantic
types: a recorded signal is decoded again when its programme replays, and a signal
that no longer decodes is dropped, which would change what the replay decides.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.errors import DomainError

FIRST = 1
OCCURRED_AT = 2
"""Facts carry when they happened; stale reminders skipped; bounded answers."""
PEOPLE = 3
"""Raters are nominated per feedback stage and must be who their role says: an answer
from a rater not nominated for its role, or whose id is not the role's person, is refused
(``domain.decider``); the coach, manager, sponsor and HR may be reassigned."""
COLLECTION = 4
"""A feedback stage collects until every nominee answered or its due date, with the
quorum as the minimum (``domain.gates``): its gate opens when the quorum is met and every
nominee of the gate's roles (the raters nominated for the stage, the employee, and the
holders of the coach, manager and sponsor roles) scored every dimension; at the due date
a stage whose quorum is met closes (``CollectionDue``, before any escalation or lapse at
that instant), one whose quorum is not met escalates as under rules 3 and closes on the
quorum alone. A ``GiveFeedback`` may name a later feedback ``stage``: the answer is kept
for it and counts for its gate and evaluation when it opens, as does every answer given
while a stage is open (an evaluation takes all its stage's answers)."""
EVIDENCE = 5
"""Verdicts a coach would sign (``domain.evidence``, ``domain.attainment``): an evaluation
lists the evidence it had against what its template requires and, without it, says
``insufficient_evidence``, never on track; the verdict weighs what others saw (the gate's
roles other than the employee), the self-rating shown beside it with its gap; objectives
are measured from their starting point (recorded before the coaching sessions begin) to
their target, each expected on the calendar up to its own horizon (short-term: the final
evaluation; long-term: the follow-up); a programme ended early is never on track."""
CALENDAR = 6
"""Sessions are appointments (``domain.appointments``): a calendar with ``at`` puts them
at a wall time in the programme's time zone (on a ``weekday``), the first after the stage
opens or at the ``first_session`` chosen at launch; a stage with such a calendar is due
no earlier than one period after its last session; a pause moves the sessions still ahead
by whole weeks (days) to after it, never those past (``SessionsReplanned``); one session
may be rescheduled or cancelled by agreement, with a reason (``SessionRescheduled``,
``SessionCancelled``: not counted in attendance)."""
FRAMEWORKS = 7
"""Evaluation reasons are stored as codes with their figures (``domain.reasons``), read in
the reader's language through the gettext catalogues, not as English sentences; a
programme's template may bring its own framework (``domain.framework``: its dimensions,
its scale, its languages), which programmes under every rules honour, since earlier
templates name none and decide as before."""
FOLLOW_UP = 8
"""A follow-up that collects (``domain.follow_up``): when the programme completes, the
peers and direct reports who rated the final are nominated for the follow-up; its raters
(the last feedback gate's roles) are reminded at the final's lead times before it is due,
the roles still waited on only, the employee also until every long-term objective has a
check-in since completion; a reminder nobody is waited on for is skipped, saying so.
A held role (coach, manager, sponsor, HR) reassigned after its holder answered a stage keeps
that answer for the stage: the new holder is not waited on there, and their answer to it
is refused (``domain.gates.answered_as``), so a stage never averages two people into one
role's score; they answer from the next stage. An objective may be agreed with a target of
its own (``AgreeObjectives.targets``), attainment measured against it, and a check-in may
carry a note; an amendment may say per objective what it does (``AmendObjectives.changes``:
keep, reword, remove, add; ``domain.objectives.changed``)."""
RULES = FOLLOW_UP
"""The rules a programme launched now follows."""

MAX_SESSION_CHANGES = 24
"""Reschedules and cancellations in a programme's life: one session at a time, now and
then, not a second calendar."""

RECORD_SESSION_FROM = timedelta(days=1)
"""How long before its slot a session may be recorded, unless the stage's calendar
says ``record_from``."""
MAX_REVISIONS = 3
"""How many times a rater may replace their answer in a stage, or a session's record
be corrected."""
MAX_RATERS_PER_STAGE = 10
"""Distinct raters a feedback stage takes: a 360 asks a handful per role."""
MAX_PROGRESS_RECORDS = 12
"""Progress records per objective in a programme's life: about one a session."""
MAX_OBJECTIVES = 12
"""Objectives agreed, short and long term together."""
MAX_REASSIGNMENTS = 12
"""Changes of coach, manager, sponsor or HR in a programme's life (rules 3)."""
MAX_PAUSES = 12
"""Pauses in a programme's life: leave and sickness, not a switch to flick."""
MAX_AMENDMENTS = 5
"""Amendments of the agreed objectives in a programme's life (``domain.objectives``): a
change of direction now and then, not a running diary."""
MAX_OBJECTIVES_EVER = MAX_OBJECTIVES + MAX_OBJECTIVES // 2
"""Distinct objectives a programme may have over its life, amendments included (so 6
more than it may agree at once): each takes its own progress records
(``MAX_PROGRESS_RECORDS``), so this bounds them too."""

# Texts are bounded in bytes of UTF-8, what the carried input is made of: a character
# limit lets four-byte characters quadruple it.
MAX_COMMENT = 1000
"""Bytes of a feedback comment (1000 characters of Latin text, about 330 of CJK)."""
MAX_NOTES = 1000
"""Bytes of a session's notes."""
MAX_TEXT = 1000
"""Bytes of an objective's text, of the reason for a pause, a withdrawal, an explicit
advance or an amendment of the objectives, and of what the client expects."""
MAX_KEY = 200
"""Bytes of an idempotency key (the commands take 200 characters)."""
MAX_DETAIL = 500
"""Bytes kept of a delivery's detail (what the notifier said)."""


def utf8(text: str) -> int:
    """How many bytes ``text`` takes in the carried input."""
    return len(text.encode())


def clip(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` bytes of UTF-8, on a character boundary."""
    return text.encode()[:limit].decode(errors="ignore")


CLOCK_SKEW = timedelta(minutes=5)
"""How far ahead of the receiving clock a fact's ``occurred_at`` may be: another system's
clock may run a little fast."""


def check_occurred_at(occurred_at: datetime, now: datetime, starts_at: datetime) -> None:
    """A fact given its own time happened before it was sent, after the programme began."""
    if occurred_at > now + CLOCK_SKEW:
        raise DomainError(
            f"occurred_at: {occurred_at.isoformat()} is in the future "
            f"(more than {CLOCK_SKEW.seconds // 60} minutes ahead of {now.isoformat()})"
        )
    if occurred_at < starts_at:
        raise DomainError(
            f"occurred_at: {occurred_at.isoformat()} is before the programme started "
            f"({starts_at.isoformat()})"
        )
