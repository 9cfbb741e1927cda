"""``parcours list`` at 80 columns: the id a person copies into the next command is
printed whole, on one line, whatever else the row holds."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console

from adapters.language.formats import Reader
from domain.evolve import fold
from domain.scenarios import scenario_named
from domain.simulation import simulate
from domain.view import ProgrammeView, view_of
from gateway.catalogue import shipped_template
from gateway.cli.programme_rows import SHORT_MONTHS, when
from gateway.cli.rendering import programmes_table
from gateway.client import ErasedProgramme

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
LONG_ID = "change-adoption-3m.cohort-2026-spring-employee-00042"


def _view(programme_id: str) -> ProgrammeView:
    run = simulate(shipped_template("change-adoption-3m"), scenario_named("on-time"), T0)
    events = [e for e in run.events if e.seq <= 6]
    view = view_of(fold(events), events[-1].at)
    employee = view.employee.model_copy(update={"name": "Marie-Hélène de La Tour-Dupin"})
    return view.model_copy(update={"programme_id": programme_id, "employee": employee})


def rendered(width: int, *items: ProgrammeView | ErasedProgramme) -> str:
    console = Console(width=width, record=True, color_system=None)
    console.print(programmes_table(items, width))
    return console.export_text()


def test_at_80_columns_a_long_id_is_printed_whole_on_one_line() -> None:
    erased = ErasedProgramme(
        programme_id="executive-6m.another-rather-long-employee-id",
        employee_id="another-rather-long-employee-id",
        template_id="executive-6m",
        status="withdrawn",
        stage=None,
        message="erased",
    )
    text = rendered(80, _view(LONG_ID), _view("team-cohort-4m.E1"), erased)
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert any(LONG_ID in line for line in lines), text
    assert any(erased.programme_id in line for line in lines), text
    assert any("team-cohort-4m.E1" in line for line in lines)


def test_beside_a_long_id_the_rest_of_the_row_stays_readable() -> None:
    text = rendered(80, _view(LONG_ID))
    assert "Marie-Hélène de La Tour-Dupin" in text
    assert "running" in text


def test_a_wide_terminal_gets_the_table() -> None:
    text = rendered(160, _view(LONG_ID))
    [row] = [line for line in text.splitlines() if LONG_ID in line]
    assert "Marie-Hélène de La Tour-Dupin" in row
    assert "running" in row


def test_short_ids_at_80_columns_get_the_table() -> None:
    text = rendered(80, _view("team-cohort-4m.E1"))
    [row] = [line for line in text.splitlines() if "team-cohort-4m.E1" in line]
    assert "running" in row


def test_an_empty_page_is_a_table_with_its_header() -> None:
    assert "programme" in rendered(80)


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
