"""Nobody answers: reminders, the escalation ladder, a stalled stage, a lapsed programme."""

from __future__ import annotations

from datetime import timedelta

from domain.events import EscalationDue, ReminderDue
from domain.state import Status
from domain.template import EvaluationKind, Role
from gateway.catalogue import shipped_template
from tests.workflows.conftest import Harness
from tests.workflows.driver import Programme

DAY = timedelta(days=1)


async def test_reminders_then_ladder_then_stall_then_lapse(harness: Harness) -> None:
    programme = await Programme.launch(harness, shipped_template("executive-6m"))
    launched_at = await programme.now()

    outcome = await programme.handle.result()

    assert outcome.status is Status.lapsed
    assert [e.kind for e in outcome.evaluations] == [EvaluationKind.closing]
    events = await programme.events()
    timeline = [(e.type, e.clock) for e in events if e.type != "delivery_confirmed"]
    assert timeline == [
        ("programme_launched", 0 * DAY),
        ("programme_started", 0 * DAY),
        ("stage_entered", 0 * DAY),
        ("reminder_due", 7 * DAY),
        ("reminder_due", 12 * DAY),
        ("escalation_due", 14 * DAY),
        ("escalation_due", 17 * DAY),
        ("escalation_due", 21 * DAY),
        ("stage_stalled", 21 * DAY),
        ("evaluation_recorded", 270 * DAY),
        ("programme_lapsed", 270 * DAY),
    ]
    reminders = [e for e in events if isinstance(e, ReminderDue)]
    assert all(r.to == (Role.employee, Role.coach) for r in reminders)
    ladder = [e for e in events if isinstance(e, EscalationDue)]
    assert [e.to for e in ladder] == [(Role.coach,), (Role.manager,), (Role.hr,)]

    # Who was notified, and when on the programme clock (no pause: wall = clock).
    sent = [
        (round((at - launched_at) / DAY), n.kind.value, n.to, n.recipients)
        for at, n in harness.delivered.notifications
    ]
    assert sent == [
        (
            7,
            "reminder",
            (Role.employee, Role.coach),
            {"employee": "alice@example.com", "coach": "C7"},
        ),
        (
            12,
            "reminder",
            (Role.employee, Role.coach),
            {"employee": "alice@example.com", "coach": "C7"},
        ),
        (14, "escalation", (Role.coach,), {"coach": "C7"}),
        (17, "escalation", (Role.manager,), {"manager": "M3"}),
        (21, "escalation", (Role.hr,), {"hr": "H2"}),
    ]
    closing = harness.delivered.reports[-1][1].evaluation
    assert closing.kind is EvaluationKind.closing
    assert closing.stage == "agreement"
