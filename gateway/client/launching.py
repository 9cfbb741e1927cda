"""Launching a programme: the launch checked as the programme would check it (so a bad
one is refused at once, with the field's name), then started in Temporal with the
search attributes and the sealed memo its listings need (``gateway.client.listed``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from temporalio.client import Client
from temporalio.common import (
    SearchAttributePair,
    TypedSearchAttributes,
    WorkflowIDConflictPolicy,
    WorkflowIDReusePolicy,
)
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError

from adapters.language.zones import zone_of
from adapters.payloads.key_errors import DataErased
from domain.commands import Employee, Launch
from domain.enrolment import check_start
from domain.errors import DomainError
from domain.holders import Holders
from domain.replanning import check_first_session
from domain.roles import one_role_each
from domain.template import Role, Template
from gateway.client.errors import CommandRefused, InvalidRequest, translate
from gateway.client.listed import memo_of
from gateway.client.models import Launched
from workflows import search_attributes as sa
from workflows.messages import REVISION, ProgrammeInput, RunSettings
from workflows.programme import ProgrammeWorkflow


def start_of(day: date, time_zone: str = "UTC") -> datetime:
    """Midnight of ``day`` in the programme's time zone: a date people give is theirs."""
    return datetime.combine(day, time(0), tzinfo=zone_of(time_zone))


def checked_launch(
    programme_id: str,
    *,
    employee: Employee,
    template: Template,
    holders: Holders,
    cohort_id: str | None,
    start_date: date | None,
    first_session: datetime | None,
) -> Launch:
    """The launch of ``programme_id``; ``InvalidRequest`` for a start in the past, one
    person in two roles, or a first session out of the plan's reach."""
    if start_date is not None:
        try:
            check_start(start_date, datetime.now(UTC).date())
        except DomainError as exc:
            raise InvalidRequest(str(exc)) from exc
    try:  # the workflow would take it under rules 5 and refuse it: say so now
        one_role_each(
            {
                Role.employee: employee.id,
                Role.coach: holders.coach,
                Role.manager: holders.manager,
                Role.sponsor: holders.sponsor,
            }
        )
    except DomainError as exc:
        raise InvalidRequest(exc.shown) from exc
    launch = Launch(
        programme_id=programme_id,
        employee=employee,
        template=template,
        **holders.as_ids(),
        cohort_id=cohort_id,
        start=start_of(start_date, employee.time_zone) if start_date else None,
        first_session=first_session,
    )
    if first_session is not None:
        try:
            starts = launch.start or datetime.now(UTC)
            check_first_session(first_session, max(starts, datetime.now(UTC)), template)
        except DomainError as exc:
            raise InvalidRequest(str(exc)) from exc
    return launch


async def start(
    temporal: Client,
    task_queue: str,
    launch: Launch,
    settings: RunSettings | None,
    cohort_id: str | None,
) -> Launched:
    """Start the programme's workflow, listed under ``cohort_id`` as the caller gave it;
    ``created`` False when it was already started."""
    listing = listing_of(launch, cohort_id)
    try:
        await temporal.start_workflow(
            ProgrammeWorkflow.run,
            ProgrammeInput(launch=launch, settings=settings or RunSettings(), revision=REVISION),
            id=launch.programme_id,
            task_queue=task_queue,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
            search_attributes=listing.search_attributes,
            memo=listing.memo,
            static_summary=listing.summary,
        )
    except WorkflowAlreadyStartedError:
        return Launched(programme_id=launch.programme_id, created=False)
    except DataErased as exc:  # no new data for an erased employee, ever
        raise CommandRefused(f"cannot launch {launch.programme_id}: {exc}") from exc
    except (RPCError, RuntimeError) as exc:
        raise translate(exc, launch.programme_id) from exc
    return Launched(programme_id=launch.programme_id, created=True)


@dataclass(frozen=True)
class Listing:
    """What a launch gives Temporal beside its input, for listings to read."""

    search_attributes: TypedSearchAttributes
    """Employee, template, status, stage and cohort: what ``list`` filters on."""
    memo: dict[str, Any]
    """The row's name, language and time zone, sealed (``gateway.client.listed``)."""
    summary: str
    """Ids only: the Web UI shows it in every listing, to whoever may list."""


def listing_of(launch: Launch, cohort_id: str | None) -> Listing:
    """What ``launch`` is listed with, under ``cohort_id`` as the caller gave it."""
    employee, template = launch.employee, launch.template
    attributes = [
        SearchAttributePair(sa.EMPLOYEE_ID, employee.id),
        SearchAttributePair(sa.TEMPLATE_ID, template.id),
        SearchAttributePair(sa.PROGRAMME_STATUS, "running"),
        SearchAttributePair(sa.PROGRAMME_STAGE, template.stages[0].key),
    ]
    if cohort_id:
        attributes.append(SearchAttributePair(sa.COHORT_ID, cohort_id))
    return Listing(
        search_attributes=TypedSearchAttributes(attributes),
        memo=memo_of(employee.name, employee.locale, employee.time_zone),
        summary=f"{template.id} — {employee.id}",
    )
