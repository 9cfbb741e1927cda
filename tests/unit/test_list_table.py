"""``parcours list`` at 80 columns: the id a person copies into the next command is
printed whole, on one line, whatever else the row holds."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from adapters.language.formats import Reader
from gateway.cli.programme_rows import SHORT_MONTHS, launched_on, when
from gateway.cli.rendering import programmes_text
from gateway.client import ErasedProgramme
from gateway.client.listed import Listed

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
LONG_ID = "change-adoption-3m.cohort-2026-spring-employee-00042"


def _listed(programme_id: str, name: str = "Marie-Hélène de La Tour-Dupin") -> Listed:
    return Listed(
        programme_id=programme_id,
        name=name,
        status="running",
        stage="agreement",
        launched=T0,
        locale="fr",
        time_zone="Europe/Paris",
    )


def rendered(width: int, *items: Listed | ErasedProgramme) -> str:
    return programmes_text(items, width)


def test_at_80_columns_a_long_id_is_printed_whole_on_one_line() -> None:
    erased = ErasedProgramme(
        programme_id="executive-6m.another-rather-long-employee-id",
        employee_id="another-rather-long-employee-id",
        template_id="executive-6m",
        status="withdrawn",
        stage=None,
        message="erased",
    )
    text = rendered(80, _listed(LONG_ID), _listed("team-cohort-4m.E1"), erased)
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert LONG_ID in lines, text
    assert erased.programme_id in lines, text
    assert "team-cohort-4m.E1" in lines


def test_beside_a_long_id_the_rest_of_the_row_stays_readable() -> None:
    text = rendered(80, _listed(LONG_ID))
    assert "  Marie-Hélène de La Tour-Dupin  running  agreement  5 janv. 2026\n" in text


def test_a_wide_terminal_gets_the_table() -> None:
    text = rendered(160, _listed(LONG_ID))
    [row] = [line for line in text.splitlines() if LONG_ID in line]
    assert row.split("   ") == [
        LONG_ID,
        "Marie-Hélène de La Tour-Dupin",
        "running",
        "agreement",
        "5 janv. 2026",
    ]


def test_short_ids_at_80_columns_get_the_table_its_columns_aligned() -> None:
    text = rendered(
        80, _listed("team-cohort-4m.E1", "Marie Curie"), _listed("team-cohort-4m.E22", "李小龍")
    )
    header, rule, first, second = text.splitlines()
    assert header.startswith("programme ")
    assert set(rule) == {"\u2500", " "}
    at = header.index("status")
    assert first[at:].startswith("running")
    # a wide character takes two columns: three characters fill six
    assert second[at - 3 :].startswith("running")


def test_what_a_terminal_would_act_on_is_not_printed() -> None:
    text = rendered(160, _listed("team-cohort-4m.E1", "A\x1b]0;owned\x07B\nC"))
    assert "\x1b" not in text
    assert "\x07" not in text
    assert "A]0;ownedB C" in text


def test_an_empty_page_is_a_table_with_its_header() -> None:
    assert rendered(80).startswith("programme")


def test_launched_on_is_the_day_in_the_programmes_time_zone() -> None:
    late = datetime(2026, 1, 5, 23, 30, tzinfo=UTC)
    assert launched_on(late, "en", "UTC") == "5 Jan 2026"
    assert launched_on(late, "fr", "Europe/Paris") == "6 janv. 2026"
    assert launched_on(late, "de", "UTC") == "5. Jan. 2026"


@given(
    at=st.datetimes(
        min_value=datetime(1970, 1, 2),
        max_value=datetime(2200, 1, 1),
        timezones=st.sampled_from([UTC, None, ZoneInfo("Europe/Paris"), ZoneInfo("Asia/Kolkata")]),
    ),
    locale=st.sampled_from(["en", "fr", "fr-CA", "en_GB", "it", "", "FR"]),
    zone=st.sampled_from(["UTC", "Europe/Paris", "America/St_Johns", "Pacific/Chatham", ""]),
)
def test_when_is_babels_short_date(at: datetime, locale: str, zone: str) -> None:
    """``when`` writes the months from a table, not from Babel's locale data: as Babel does."""
    assert when(at, locale, zone) == Reader.of(locale, zone).short(at)


def test_when_has_every_month_as_babel_has_it() -> None:
    for lang in SHORT_MONTHS:
        for month in range(1, 13):
            at = datetime(2027, month, 9, 7, 5, tzinfo=UTC)
            assert when(at, lang, "UTC") == Reader.of(lang, "UTC").short(at)
