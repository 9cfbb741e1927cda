"""The archive's contract, on SQLite and on PostgreSQL (the stores' ``Backend``).

A closed programme's log is kept sealed under its employee's key, found by any process,
listed by ids, pruned by age, and gone (unreadable, then deleted) with erasure.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from adapters.payloads.key_errors import DataErased
from adapters.stores.archive import ArchiveFilter
from domain.commands import Employee, Launch
from domain.decider import decide
from domain.events import Event
from domain.state import Status
from gateway.catalogue import shipped_template
from tests.integration.test_stores import Backend, backend, master
from workflows.messages import ClosedProgramme

__all__ = ["backend"]  # the stores' fixture, one test per backend

NAME = "Zéphyrine Quarterback"
EMAIL = "zephyrine.q@example.org"
CLOSED = datetime(2026, 6, 1, 12, tzinfo=UTC)


def log_of(employee_id: str, template_id: str = "executive-6m") -> list[Event]:
    template = shipped_template(template_id)
    launch = Launch(
        programme_id=f"{template_id}.{employee_id}",
        employee=Employee(id=employee_id, name=NAME, email=EMAIL),
        template=template,
    )
    return decide(None, launch, CLOSED - timedelta(days=100))


def closed(
    employee_id: str,
    *,
    at: datetime = CLOSED,
    cohort: str | None = None,
    status: Status = Status.completed,
    template_id: str = "executive-6m",
) -> ClosedProgramme:
    return ClosedProgramme(
        programme_id=f"{template_id}.{employee_id}",
        employee_id=employee_id,
        template_id=template_id,
        cohort_id=cohort,
        status=status,
        stage="closure",
        closed_at=at,
        events=log_of(employee_id, template_id),
    )


def test_a_programme_archived_by_one_process_is_read_by_another(backend: Backend) -> None:
    secret = master()
    worker = backend.archive(backend.keyring(secret))
    api = backend.archive(backend.keyring(secret))
    kept = closed("E1", cohort="C1")
    assert worker.put(kept, CLOSED + timedelta(minutes=1))

    assert api.events(kept.programme_id) == kept.events
    entry = api.entry(kept.programme_id)
    assert entry is not None
    assert (entry.employee_id, entry.template_id, entry.cohort_id) == ("E1", "executive-6m", "C1")
    assert (entry.status, entry.stage, entry.events) == ("completed", "closure", len(kept.events))
    assert entry.closed_at == CLOSED
    assert api.events("executive-6m.E404") is None
    assert api.entry("executive-6m.E404") is None


def test_archiving_twice_keeps_one_row(backend: Backend) -> None:
    """The activity may run again (a retry after the write, another worker)."""
    archive = backend.archive(backend.keyring(master()))
    kept = closed("E1")
    assert archive.put(kept, CLOSED)
    assert archive.put(kept, CLOSED + timedelta(hours=1))
    [entry] = archive.entries(ArchiveFilter())
    assert entry.archived_at == CLOSED + timedelta(hours=1)
    assert archive.events(kept.programme_id) == kept.events


def test_listings_filter_by_ids_and_status_newest_first(backend: Backend) -> None:
    archive = backend.archive(backend.keyring(master()))
    archive.put(closed("E1", cohort="C1", at=CLOSED), CLOSED)
    archive.put(closed("E2", cohort="C1", at=CLOSED + timedelta(days=1)), CLOSED)
    archive.put(closed("E3", status=Status.withdrawn), CLOSED)
    archive.put(closed("E4", template_id="team-cohort-4m"), CLOSED)

    def ids(**where: object) -> list[str]:
        return [e.employee_id for e in archive.entries(ArchiveFilter.model_validate(where))]

    assert ids(cohort_id="C1") == ["E2", "E1"]
    assert ids(status="withdrawn") == ["E3"]
    assert ids(template_id="team-cohort-4m") == ["E4"]
    assert ids(employee_id="E3", status="completed") == []
    assert len(ids(limit=2)) == 2
    with pytest.raises(ValueError, match="limit"):
        ArchiveFilter(limit=100_000)


def test_prune_drops_what_closed_before_the_cutoff_only(backend: Backend) -> None:
    archive = backend.archive(backend.keyring(master()))
    archive.put(closed("E1", at=CLOSED - timedelta(days=800)), CLOSED)
    archive.put(closed("E2", at=CLOSED), CLOSED)
    assert archive.prune(CLOSED - timedelta(days=365)) == 1
    assert [e.employee_id for e in archive.entries(ArchiveFilter())] == ["E2"]
    assert archive.prune(CLOSED - timedelta(days=365)) == 0


def test_erasure_shreds_the_archive_and_deletes_its_rows(backend: Backend) -> None:
    keyring = backend.keyring(master())
    archive = backend.archive(keyring)
    gone, kept = closed("E1"), closed("E2")
    archive.put(gone, CLOSED)
    archive.put(kept, CLOSED)
    assert NAME.encode() not in backend.raw()  # sealed from the start
    assert EMAIL.encode() not in backend.raw()

    keyring.erase("E1", "left")
    with pytest.raises(DataErased):
        archive.events(gone.programme_id)  # the row is still there, and opens to nothing
    assert archive.forget_employee("E1") == 1
    assert archive.events(gone.programme_id) is None
    assert archive.events(kept.programme_id) == kept.events
    # Nothing can be archived for them again: there is no key to seal with.
    assert not archive.put(gone, CLOSED)
    assert archive.entry(gone.programme_id) is None
    assert NAME.encode() not in backend.raw()
