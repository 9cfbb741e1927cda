"""Listing programmes: pages of views or of rows matching filters, and counts per stage,
from Temporal's visibility store (the search attributes a programme keeps up to date, and
the memo it was launched with)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from temporalio.client import Client, WorkflowExecution
from temporalio.service import RPCError, RPCStatusCode

from domain import ids
from domain.view import ProgrammeView
from gateway.client import erasure, pages
from gateway.client.errors import InvalidRequest, translate
from gateway.client.listed import Listed, listed, stage_of, status_of
from gateway.client.models import ErasedProgramme, Filters, ProgrammePage
from workflows import search_attributes as sa

T = TypeVar("T")


async def _executions(
    temporal: Client, filters: Filters, page_token: str | None, page_size: int, scope: str
) -> tuple[list[WorkflowExecution], str | None]:
    """One page of the listing, and the signed token of the next one.

    Page tokens are signed (``gateway.client.pages``) for these filters and ``scope``
    (the API passes the caller's role): a forged or misused one is refused at once,
    without asking Temporal."""
    query = filters.query()
    key = pages.key_for(temporal)
    token = pages.verify(key, scope, query, page_token) if page_token else None
    listing = temporal.list_workflows(query, page_size=page_size, next_page_token=token)
    try:
        await listing.fetch_next_page()
    except RPCError as exc:
        # Signed by us, yet Temporal cannot read it (another cluster's, say)
        if token is not None and exc.status in (
            RPCStatusCode.UNKNOWN,
            RPCStatusCode.INVALID_ARGUMENT,
        ):
            raise InvalidRequest("page_token: not a token this API gave out") from exc
        raise translate(exc, "") from exc
    except RuntimeError as exc:
        raise translate(exc, "") from exc
    following = listing.next_page_token
    signed = pages.sign(key, scope, query, following) if following else None
    return list(listing.current_page or []), signed


def _erasure(temporal: Client) -> Callable[[WorkflowExecution], ErasedProgramme | None]:
    """The erased programme a listed execution is, if its employee was erased; the key
    store is asked once per employee."""
    erased: dict[str, bool] = {}

    def check(execution: WorkflowExecution) -> ErasedProgramme | None:
        employee_id = execution.typed_search_attributes.get(sa.EMPLOYEE_ID) or ids.employee_of(
            execution.id
        )
        if employee_id is None:
            return None
        if employee_id not in erased:
            erased[employee_id] = erasure.is_erased(temporal, employee_id)
        if not erased[employee_id]:
            return None
        return erasure.erased_programme(execution.id, employee_id, execution)

    return check


async def _page(
    temporal: Client,
    filters: Filters,
    page_token: str | None,
    page_size: int,
    scope: str,
    read: Callable[[WorkflowExecution, asyncio.Semaphore], Awaitable[T | ErasedProgramme | None]],
) -> tuple[list[T | ErasedProgramme], str | None]:
    """One page of the listing, each programme as ``read`` makes it (``read`` is given a
    gate of 10 for what it asks the worker), an erased one as ``ErasedProgramme``, one
    ``read`` finds gone left out; and the next page's signed token."""
    executions, following = await _executions(temporal, filters, page_token, page_size, scope)
    gate = asyncio.Semaphore(10)
    erased = _erasure(temporal)

    async def item(execution: WorkflowExecution) -> T | ErasedProgramme | None:
        gone = erased(execution)  # checked before anything is read: once per employee
        return gone if gone is not None else await read(execution, gate)

    items = await asyncio.gather(*(item(e) for e in executions))
    return [found for found in items if found is not None], following


async def list_programmes(
    temporal: Client,
    view_of: Callable[[str], Awaitable[ProgrammeView | ErasedProgramme | None]],
    filters: Filters,
    page_token: str | None,
    page_size: int,
    scope: str,
) -> ProgrammePage:
    """One page of programmes matching ``filters``, each as ``view_of`` reads it (erased
    ones as ``ErasedProgramme``; one ``view_of`` finds gone is left out)."""

    async def view(
        execution: WorkflowExecution, gate: asyncio.Semaphore
    ) -> ProgrammeView | ErasedProgramme | None:
        async with gate:
            return await view_of(execution.id)

    items, following = await _page(temporal, filters, page_token, page_size, scope, view)
    return ProgrammePage(items=items, next_page_token=following)


@dataclass(frozen=True)
class ListedPage:
    """One page of a listing's rows (``gateway.client.listed``)."""

    items: list[Listed | ErasedProgramme]
    next_page_token: str | None


async def list_rows(
    temporal: Client,
    view_of: Callable[[str], Awaitable[ProgrammeView | ErasedProgramme | None]],
    filters: Filters,
    page_token: str | None,
    page_size: int,
    scope: str,
) -> ListedPage:
    """One page of programmes matching ``filters`` as their rows, from the listing alone;
    ``view_of`` only for a programme launched before its listing memo existed."""

    async def row(
        execution: WorkflowExecution, gate: asyncio.Semaphore
    ) -> Listed | ErasedProgramme | None:
        found = await listed(execution)
        if found is not None:
            return found
        async with gate:
            view = await view_of(execution.id)
        if view is None or isinstance(view, ErasedProgramme):
            return view
        return Listed(
            programme_id=execution.id,
            name=view.employee.name,
            status=status_of(execution),
            stage=stage_of(execution),
            launched=execution.start_time,
            locale=view.employee.locale,
            time_zone=view.employee.time_zone,
        )

    items, following = await _page(temporal, filters, page_token, page_size, scope, row)
    return ListedPage(items=items, next_page_token=following)


async def count_by_stage(temporal: Client, filters: Filters) -> dict[str, int]:
    """How many programmes match, per stage ('' for those past their last stage)."""
    counts: dict[str, int] = {}
    try:
        async for execution in temporal.list_workflows(filters.query()):
            stage = execution.typed_search_attributes.get(sa.PROGRAMME_STAGE) or ""
            counts[stage] = counts.get(stage, 0) + 1
    except (RPCError, RuntimeError) as exc:
        raise translate(exc, "") from exc
    return dict(sorted(counts.items()))
