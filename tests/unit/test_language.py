"""The catalogues: every message in French and in English, with the same fields."""

from __future__ import annotations

import string
from datetime import UTC, datetime

import pytest

from adapters.language import de, en, fr
from adapters.language.catalogue import CATALOGUES, text
from adapters.language.formats import Reader
from adapters.language.zones import LANGUAGES
from adapters.notify.rendering import reader_of, render
from domain.commands import Employee
from domain.notices import NoticeKind, Notification
from domain.people import Contact
from domain.template import Dimension, EvaluationKind, Role
from domain.verdict import Verdict


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_no_key_is_missing_in_any_language() -> None:
    for other in (fr.MESSAGES, de.MESSAGES):
        assert set(en.MESSAGES) - set(other) == set(), "in English only"
        assert set(other) - set(en.MESSAGES) == set(), "not in English"


@pytest.mark.parametrize("key", sorted(en.MESSAGES))
def test_each_message_has_the_same_fields_in_every_language(key: str) -> None:
    for other in (fr.MESSAGES, de.MESSAGES):
        assert fields(en.MESSAGES[key]) == fields(other[key]), key
        assert other[key].strip() or en.MESSAGES[key].strip() == ""


def test_every_word_the_renderers_ask_for_is_there() -> None:
    wanted = [f"notice.{k.value}.{part}" for k in NoticeKind for part in ("subject", "body")]
    wanted += [f"role.{r.value}" for r in Role] + [f"dimension.{d.value}" for d in Dimension]
    wanted += [f"kind.{k.value}" for k in EvaluationKind] + [f"verdict.{v.value}" for v in Verdict]
    wanted += [f"session.{s}" for s in ("held", "missed", "not_needed", "unrecorded")]
    for catalogue in CATALOGUES.values():
        assert [key for key in wanted if key not in catalogue] == []


def test_french_is_not_english() -> None:
    same = [
        k for k in en.MESSAGES if en.MESSAGES[k] == fr.MESSAGES[k] and not fields(en.MESSAGES[k])
    ]
    # Words that are the same in both (Talents, Motivation, coach, manager, Horizon...).
    assert all(len(en.MESSAGES[k]) <= 12 for k in same), same


def test_another_locale_reads_its_language_or_english() -> None:
    assert text("fr-CA", "verdict.on_track") == "En bonne voie"
    assert text("de-AT", "verdict.on_track") == "Auf Kurs"
    assert text("it", "verdict.on_track") == "On track"


MARCH = datetime(2025, 3, 17, 9, 0, tzinfo=UTC)


def notice(
    employee: Employee, to: tuple[Role, ...], contacts: tuple[Contact, ...] = ()
) -> Notification:
    return Notification(
        delivery_id="prog-1:7",
        kind=NoticeKind.reminder if to == (Role.employee,) else NoticeKind.escalation,
        programme_id="prog-1",
        template_title="Coaching de dirigeants",
        employee=employee,
        to=to,
        recipients=dict.fromkeys(to, "x"),
        contacts={role: contacts for role in to if role is not Role.employee and contacts},
        stage="agreement",
        stage_title="Objectifs",
        due_at=MARCH,
        escalation_step=2,
        created_at=MARCH,
    )


def test_a_reminder_reads_in_the_programmes_language_and_time_zone() -> None:
    ada = Employee(
        id="E1", name="Ada", email="ada@example.com", locale="fr", time_zone="Europe/Paris"
    )
    message = render(notice(ada, (Role.employee,)), "http://api/p/{programme_id}")

    assert message.lang == "fr"
    assert (
        message.subject
        == "Rappel : « Objectifs » est à rendre le lundi 17 mars 2025 à 10:00 Europe/Paris"
    )
    assert "Bonjour Ada," in message.text
    assert "Où en est le programme : http://api/p/prog-1\n" in message.text


def test_one_directory_recipient_reads_in_their_own_language() -> None:
    ada = Employee(id="E1", name="Ada", email="ada@example.com", locale="fr")
    mary = Contact(id="M3", name="Mary", locale="en", time_zone="America/New_York")
    to_mary = notice(ada, (Role.manager,), (mary,))

    assert reader_of(to_mary) == Reader("en", "America/New_York")
    message = render(to_mary, "http://api/p/{programme_id}")
    assert message.subject.startswith("Overdue: Objectifs for Ada")
    assert "Monday 17 March 2025, 05:00 America/New_York" in message.text
    # Addressed to the employee too: the programme's language.
    assert reader_of(notice(ada, (Role.employee, Role.manager), (mary,))).lang == "fr"


def test_numbers_and_dates_as_each_language_writes_them() -> None:
    fr_reader, en_reader = Reader("fr", "Europe/Paris"), Reader("en")
    assert (fr_reader.number(3.256), en_reader.number(3.256)) == ("3,26", "3.26")
    assert (fr_reader.signed(-0.5), en_reader.signed(1)) == ("-0,50", "+1.00")
    assert (fr_reader.percent(75), en_reader.percent(75)) == ("75\u00a0%", "75%")
    assert en_reader.when(MARCH) == "Monday 17 March 2025, 09:00 UTC"
    assert fr_reader.day(MARCH) == "17 mars 2025"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_language_writes_dates_and_times(lang: str) -> None:
    reader = Reader(lang, "Europe/Berlin")
    assert "2025" in reader.when(MARCH)
    assert reader.short(MARCH).endswith("2025, 10:00")
    assert "2025" in reader.day(MARCH)


def test_german_dates_as_german_readers_write_them() -> None:
    reader = Reader("de", "Europe/Berlin")
    assert reader.when(MARCH) == "Montag, 17. März 2025 um 10:00 Europe/Berlin"
    assert reader.short(MARCH) == "17. März 2025, 10:00"
