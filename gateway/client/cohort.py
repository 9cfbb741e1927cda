"""Launching a whole cohort: from a CSV file or an API body, with bounded concurrency."""

from __future__ import annotations

import asyncio
import contextlib
import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from pydantic import ValidationError

from adapters.payloads.encryption import keyring_of
from adapters.payloads.key_errors import KeyringError
from adapters.payloads.keyring import EMPLOYEE
from adapters.stores.archive import LISTED, ArchiveFilter
from domain.cohort_summary import CohortSummary, summarise
from domain.commands import Employee
from domain.enrolment import check_participants
from domain.errors import DomainError
from domain.holders import HELD
from domain.people import Contact
from domain.template import Template
from domain.template_parsing import describe_errors
from domain.view import ProgrammeView
from gateway.client import archived
from gateway.client.errors import (
    InvalidRequest,
    ParcoursError,
    ProgrammeErased,
    ProgrammeNotFound,
    TemporalUnavailable,
)
from gateway.client.models import (
    CohortOutcome,
    CohortReport,
    ErasedProgramme,
    Filters,
    Participant,
)
from gateway.client.programmes import ProgrammeClient

ROLES = tuple(role.value for role in HELD)
"""The roles a row names a person for: ``<role>_id``, ``<role>_name``, ``<role>_email``."""
COLUMNS = (
    *("employee_id", "name", "email", "coach_id", "manager_id", "sponsor_id", "hr_id"),
    *("locale", "time_zone"),
    *(f"{role}_{part}" for role in ROLES for part in ("name", "email")),
)
"""The CSV's columns: the first three are required; ``locale`` (en, fr) and ``time_zone``
(IANA) are the programme's, English and UTC when left out or empty; ``<role>_name`` and
``<role>_email`` (coach, manager, sponsor, hr) give that person's contacts inline, with
``<role>_id``: they fill the people directory."""
CONCURRENCY = 20
"""Launches in flight at once: enough to keep Temporal busy, few enough to be polite."""
NOT_SENT = "not sent, Temporal out of reach: send the cohort again"


def read_csv(text: str) -> tuple[list[tuple[int, Participant]], list[CohortOutcome]]:
    """Participants by line number, and the rows that cannot be launched, with why."""
    reader = csv.reader(io.StringIO(text))
    header = [h.strip() for h in next(reader, [])]
    missing = [c for c in COLUMNS[:3] if c not in header]
    unknown = [h for h in header if h not in COLUMNS]
    if missing or unknown:
        problems = []
        if missing:
            problems.append(f"missing column(s) {', '.join(missing)}")
        if unknown:
            problems.append(f"unknown column(s) {', '.join(unknown)}")
        raise ValueError(f"line 1: {'; '.join(problems)}; expected {','.join(COLUMNS)}")
    good: list[tuple[int, Participant]] = []
    bad: list[CohortOutcome] = []
    seen: dict[str, int] = {}
    conflicts = Contacts()
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            bad.append(_failed(line, None, f"{len(row)} values for {len(header)} columns"))
            continue
        values = {k: v.strip() for k, v in zip(header, row, strict=True) if v.strip()}
        employee_id = values.get("employee_id")
        if employee_id in seen:
            bad.append(
                _failed(
                    line, employee_id, f"employee {employee_id} already on line {seen[employee_id]}"
                )
            )
            continue
        holders, missing_id = _holders(values)
        if missing_id:
            bad.append(_failed(line, employee_id, missing_id))
            continue
        try:
            participant = Participant(
                id=values.get("employee_id", ""),
                name=values.get("name", ""),
                email=values.get("email", ""),
                coach_id=values.get("coach_id"),
                manager_id=values.get("manager_id"),
                sponsor_id=values.get("sponsor_id"),
                hr_id=values.get("hr_id"),
                locale=values.get("locale", "en"),
                time_zone=values.get("time_zone", "UTC"),
                **holders,
            )
        except ValidationError as exc:
            bad.append(_failed(line, employee_id, _in_columns(exc)))
            continue
        other = next(conflicts.check(line, participant), None)
        if other is not None:
            bad.append(_failed(line, employee_id, other))
            continue
        seen[participant.id] = line
        good.append((line, participant))
    return good, bad


def _holders(values: dict[str, str]) -> tuple[dict[str, dict[str, Any]], str | None]:
    """The contacts a row gives inline, by role; or why they cannot be read."""
    holders: dict[str, dict[str, Any]] = {}
    for role in ROLES:
        name, email = values.get(f"{role}_name"), values.get(f"{role}_email")
        if name is None and email is None:
            continue
        given = [f"{role}_{part}" for part, v in (("name", name), ("email", email)) if v]
        if f"{role}_id" not in values:
            return {}, f"{role}_id: needed with {' and '.join(given)}"
        if name is None:
            return {}, f"{role}_name: needed with {role}_email"
        holders[role] = {"id": values[f"{role}_id"], "name": name, "email": email}
    return holders, None


def _in_columns(exc: ValidationError) -> str:
    """``describe_errors`` in the CSV's words: ``manager_email``, not ``manager.email``."""
    lines = []
    for error in exc.errors(include_url=False):
        parts = [str(part) for part in error["loc"]]
        if parts and parts[0] in ROLES and len(parts) > 1:
            column = f"{parts[0]}_{parts[1]}"
        elif parts == ["id"]:
            column = "employee_id"
        else:
            column = ".".join(parts) or "(row)"
        lines.append(f"{column}: {error['msg'].removeprefix('Value error, ')}")
    return "; ".join(dict.fromkeys(lines))


class Contacts:
    """The contacts a cohort gives inline, each person once: a person given again with
    other contacts (another email for the same manager) is refused where they are, naming
    where they were first given, rather than one silently replacing the other."""

    def __init__(self, where: Callable[[int], str] = lambda line: f"line {line}") -> None:
        self.first: dict[str, tuple[Contact, int]] = {}
        self.where = where

    def check(self, at: int, participant: Participant) -> Iterator[str]:
        """Why ``participant`` (at row ``at``) conflicts with an earlier row, if it does;
        keeps its contacts as the first otherwise."""
        for role, contact, _ in participant.by_role():
            if contact is None:
                continue
            kept = self.first.setdefault(contact.id, (contact, at))
            if kept[0] != contact:
                yield (
                    f"{role}: {contact.id} is given with other contacts on {self.where(kept[1])}"
                )

    @staticmethod
    def of(participants: Iterable[Participant]) -> list[Contact]:
        """Every contact given, each person once."""
        found: dict[str, Contact] = {}
        for participant in participants:
            for contact in participant.contacts():
                found.setdefault(contact.id, contact)
        return list(found.values())


async def launch_cohort(
    client: ProgrammeClient,
    template: Template,
    cohort_id: str,
    participants: Sequence[tuple[int | None, Participant]],
    on_result: Callable[[CohortOutcome], None] | None = None,
) -> list[CohortOutcome]:
    """Launch everyone; a failure is reported and never stops the others, except that
    Temporal out of reach stops what is not yet sent: each would wait out the client's
    retries to fail the same way. Those are reported "not sent"; sending the cohort
    again launches them, and nobody twice.

    The contacts given inline fill the people directory first, each person once, so the
    first reminder of any programme finds them; a participant whose people cannot be
    kept (one was erased) fails, with why, and is not launched.
    ``InvalidRequest`` when an employee is listed twice: nobody is launched then.
    """
    try:
        check_participants(person.id for _, person in participants)
    except DomainError as exc:
        raise InvalidRequest(str(exc)) from exc
    contacts = Contacts.of(person for _, person in participants)
    await _make_keys(
        client, [*(person.id for _, person in participants), *(c.id for c in contacts)]
    )
    refused = await asyncio.to_thread(_keep, client, contacts)
    gate = asyncio.Semaphore(CONCURRENCY)
    unreachable = asyncio.Event()  # set once a launch found Temporal out of reach

    async def one(line: int | None, person: Participant) -> CohortOutcome:
        unkept = [refused[c.id] for c in person.contacts() if c.id in refused]
        if unkept:
            outcome = _failed(line, person.id, "; ".join(unkept))
            if on_result is not None:
                on_result(outcome)
            return outcome
        async with gate:
            if unreachable.is_set():
                outcome = _failed(line, person.id, NOT_SENT)
                if on_result is not None:
                    on_result(outcome)
                return outcome
            try:
                launched = await client.launch(
                    employee=Employee(
                        id=person.id,
                        name=person.name,
                        email=person.email,
                        locale=person.locale,
                        time_zone=person.time_zone,
                    ),
                    template=template,
                    holders=person.holders(),
                    cohort_id=cohort_id,
                )
            except TemporalUnavailable as exc:
                unreachable.set()
                outcome = _failed(line, person.id, str(exc))
            except ParcoursError as exc:
                outcome = _failed(line, person.id, str(exc))
            else:
                outcome = CohortOutcome(
                    line=line,
                    employee_id=person.id,
                    programme_id=launched.programme_id,
                    outcome="launched" if launched.created else "existing",
                )
        if on_result is not None:
            on_result(outcome)
        return outcome

    return list(await asyncio.gather(*(one(line, person) for line, person in participants)))


def _keep(client: ProgrammeClient, contacts: Iterable[Contact]) -> dict[str, str]:
    """Each contact into the people directory (a write each, off the event loop); why
    each one that could not be kept was refused, by person."""
    refused: dict[str, str] = {}
    for contact in contacts:
        try:
            client.set_person(contact)
        except InvalidRequest as exc:
            refused[contact.id] = str(exc)
    return refused


async def _make_keys(client: ProgrammeClient, employee_ids: list[str]) -> None:
    """Every participant's data key (and their people's, given inline) made in one write
    before the launches and the directory need them."""
    keyring = keyring_of(client.temporal.data_converter)
    if keyring is None:
        return
    # Should the store fail, each launch meets the same error and reports it for its line.
    with contextlib.suppress(KeyringError):
        await asyncio.to_thread(keyring.ensure_keys, [EMPLOYEE + e for e in employee_ids])


def report(cohort_id: str, results: Sequence[CohortOutcome]) -> CohortReport:
    ordered = sorted(results, key=lambda r: (r.line or 0, r.employee_id or ""))
    return CohortReport(
        cohort_id=cohort_id,
        launched=sum(r.outcome == "launched" for r in results),
        existing=sum(r.outcome == "existing" for r in results),
        failed=sum(r.outcome == "failed" for r in results),
        results=ordered,
    )


def _failed(line: int | None, employee_id: str | None, reason: str) -> CohortOutcome:
    return CohortOutcome(line=line, employee_id=employee_id, outcome="failed", reason=reason)


PAGE = 100
"""Views fetched a page at a time for a cohort's report."""


async def summary(client: ProgrammeClient, cohort_id: str) -> CohortSummary:
    """The cohort's report, from every one of its programmes' views (all pages)."""
    try:
        filters = Filters(cohort=cohort_id)
    except ValidationError as exc:
        raise InvalidRequest(f"cohort: {describe_errors(exc).partition(': ')[2]}") from exc
    views: list[ProgrammeView] = []
    erased = 0
    token: str | None = None
    while True:
        page = await client.list_programmes(filters, token, PAGE, scope="cohort-report")
        for item in page.items:
            if isinstance(item, ErasedProgramme):
                erased += 1
            else:
                views.append(item)
        token = page.next_page_token
        if not token:
            break
    # Programmes Temporal's retention removed are in the archive (the archive's listing limit).
    seen = {view.programme_id for view in views}
    where = ArchiveFilter(cohort_id=cohort_id, limit=LISTED)
    for entry in await client.closed_programmes(where):
        if entry.programme_id in seen:
            continue
        try:
            views.append(await archived.view(client.archive, entry.programme_id))
        except ProgrammeErased:
            erased += 1
        except ProgrammeNotFound:
            continue  # pruned or erased meanwhile
    return summarise(cohort_id, views, erased)
