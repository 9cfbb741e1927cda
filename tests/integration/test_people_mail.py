"""Notices reach the people who hold each role, by email, through a real SMTP server."""

from __future__ import annotations

from pathlib import Path

from activities.programme import ProgrammeActivities
from adapters.notify.smtp import SmtpConfig, SmtpSecurity
from adapters.reports import EvaluationRecorder
from adapters.stores.people import SqlitePeople
from bootstrap.notifying import build_notifier
from domain.notices import NoticeKind
from domain.people import Contact
from domain.template import Role
from tests.integration.production import ADA, Inbox, notification, smtp_server
from tests.support import temporary_keyring


def _mailer(tmp_path: Path, port: int):  # type: ignore[no-untyped-def]
    config = SmtpConfig(
        host="127.0.0.1",
        port=port,
        sender="parcours <noreply@example.com>",
        security=SmtpSecurity.none,
    )
    return build_notifier(
        tmp_path, ["smtp"], smtp=config, public_url="https://p.example/{programme_id}"
    )


async def test_escalations_and_reminders_reach_the_people_who_hold_the_roles(
    tmp_path: Path,
) -> None:
    keyring = temporary_keyring(tmp_path)
    people = SqlitePeople(tmp_path / "people.db", keyring)
    people.put(Contact(id="M4", name="Grace Hopper", email="grace@example.com"))
    people.put(Contact(id="P1", name="Alan Turing", email="alan@example.com", locale="fr"))
    people.put(Contact(id="H2", name="No Mail"))  # no email: webhook and outbox only
    inbox = Inbox()
    with smtp_server(inbox) as port:
        notifier = _mailer(tmp_path, port)
        activities = ProgrammeActivities(notifier, EvaluationRecorder(), people=people)

        escalation = notification("prog-1:9", kind=NoticeKind.escalation, to=(Role.manager,))
        escalation = escalation.model_copy(update={"recipients": {Role.manager: "M4"}})
        detail = await notifier.send(activities.addressed(escalation))
        assert detail.startswith("smtp: sent to manager via")
        assert "grace@" not in detail

        reminder = notification("prog-1:10", to=(Role.peer,))
        reminder = reminder.model_copy(
            update={"recipients": {Role.peer: None}, "raters": {Role.peer: ("P1", "P5")}}
        )
        await notifier.send(activities.addressed(reminder))

        to_hr = notification("prog-1:11", kind=NoticeKind.escalation, to=(Role.hr,))
        to_hr = to_hr.model_copy(update={"recipients": {Role.hr: "H2"}})
        skipped = await notifier.send(activities.addressed(to_hr))
    people.close()

    assert skipped.startswith("smtp: skipped, no email address among the recipients (hr")
    assert [envelope.rcpt_tos for envelope, _ in inbox.messages] == [
        ["grace@example.com"],
        ["alan@example.com"],
    ]
    assert inbox.messages[0][1]["To"] == "Grace Hopper <grace@example.com>"
    assert all(ADA.email not in envelope.rcpt_tos for envelope, _ in inbox.messages)


def test_the_directory_is_sealed_per_person_and_erasure_shreds_an_entry(tmp_path: Path) -> None:
    keyring = temporary_keyring(tmp_path)
    people = SqlitePeople(tmp_path / "people.db", keyring)
    people.put(Contact(id="M4", name="Grace Hopper", email="grace@example.com"))
    people.put(Contact(id="M5", name="Other", email="other@example.com"))
    raw = (tmp_path / "people.db").read_bytes()
    assert b"grace@example.com" not in raw
    assert b"Grace" not in raw
    keyring.erase("M4", "left")
    assert people.get("M4") is None
    assert people.get("M5") is not None
    assert people.get("M5").email == "other@example.com"  # type: ignore[union-attr]
    people.close()


async def test_a_reminder_to_raters_reaches_each_alone_naming_only_them(tmp_path: Path) -> None:
    keyring = temporary_keyring(tmp_path)
    people = SqlitePeople(tmp_path / "people.db", keyring)
    people.put(Contact(id="P1", name="Alan Turing", email="alan@example.com"))
    people.put(Contact(id="P2", name="Edsger Dijkstra", email="edsger@example.com"))
    people.put(Contact(id="M4", name="Grace Hopper", email="grace@example.com"))
    inbox = Inbox()
    with smtp_server(inbox) as port:
        notifier = _mailer(tmp_path, port)
        activities = ProgrammeActivities(notifier, EvaluationRecorder(), people=people)
        reminder = notification("prog-1:12", to=(Role.manager, Role.peer))
        reminder = reminder.model_copy(
            update={
                "recipients": {Role.manager: "M4", Role.peer: None},
                "raters": {Role.peer: ("P1", "P2")},
            }
        )
        await notifier.send(activities.addressed(reminder))
    people.close()
    assert [envelope.rcpt_tos for envelope, _ in inbox.messages] == [
        ["grace@example.com"],
        ["alan@example.com"],
        ["edsger@example.com"],
    ]
    for (_, message), other in zip(inbox.messages[1:], ("Dijkstra", "Turing"), strict=True):
        assert other not in message.as_string()
        assert "Grace" not in message["To"]
    ids = {message["Message-ID"] for _, message in inbox.messages}
    assert len(ids) == 3
