"""A programme as a listing shows it, from Temporal's visibility alone: no worker asked.

``parcours list`` prints a row per programme. Reading each row's ``view`` would ask the
worker for every programme on the page (and make it replay a closed one's history), so a
listing would cost as many round trips as rows and fail while no worker runs. Instead a
programme carries what its row needs outside its history:

- its stage and status in its search attributes, kept current by the workflow;
- the employee's name, language and time zone in its memo (``LISTING``), set once at
  launch (none of them changes during a programme) and sealed with the employee's key,
  as every payload is: the name never reaches visibility in plain text, and erasing the
  employee makes it unreadable with the rest.

A programme launched before the memo existed has none; its caller reads its view instead
(``Listed`` is then made from it). Light on purpose: the CLI's read path imports it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from workflows.search_attributes import LISTING

if TYPE_CHECKING:
    from temporalio.client import WorkflowExecution

CLOSED_BY_TEMPORAL = {"TERMINATED": "terminated", "TIMED_OUT": "timed out", "FAILED": "failed"}
"""A run Temporal ended without the programme saying so: its last published status would
claim it still runs."""


@dataclass(frozen=True)
class Listed:
    """What a programme's row shows."""

    programme_id: str
    name: str
    status: str
    stage: str
    launched: datetime
    locale: str
    time_zone: str


def memo_of(employee_name: str, locale: str, time_zone: str) -> dict[str, Any]:
    """The memo a programme is launched with (sealed by the data converter)."""
    return {LISTING: {"name": employee_name, "locale": locale, "time_zone": time_zone}}


def status_of(execution: WorkflowExecution) -> str:
    """The programme's status as its search attributes say, unless Temporal ended it."""
    from workflows import search_attributes as sa

    ended = CLOSED_BY_TEMPORAL.get(execution.status.name if execution.status else "")
    return ended or execution.typed_search_attributes.get(sa.PROGRAMME_STATUS) or ""


def stage_of(execution: WorkflowExecution) -> str:
    from workflows import search_attributes as sa

    return execution.typed_search_attributes.get(sa.PROGRAMME_STAGE) or ""


async def listed(execution: WorkflowExecution) -> Listed | None:
    """The programme's row from its listing entry; None when it carries no listing memo
    (launched before it existed) or one this code cannot read. Raises what the codec
    raises for an erased employee's sealed memo: the caller checks erasure first."""
    if LISTING not in execution.raw_info.memo.fields:
        return None
    value = await execution.memo_value(LISTING)
    listing = json.loads(value) if isinstance(value, str) else value  # the read path's
    if not isinstance(listing, dict):
        return None
    name, locale, zone = (listing.get(field) for field in ("name", "locale", "time_zone"))
    if not (isinstance(name, str) and isinstance(locale, str) and isinstance(zone, str)):
        return None  # not a memo this code wrote: the view says
    return Listed(
        programme_id=execution.id,
        name=name,
        status=status_of(execution),
        stage=stage_of(execution),
        launched=execution.start_time,
        locale=locale,
        time_zone=zone,
    )
