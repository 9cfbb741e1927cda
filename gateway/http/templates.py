"""Simulating a shipped template: its whole timeline, fast-forwarded by the decider."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from config.tokens import ApiRole as Role
from domain.errors import DomainError, TemplateError
from domain.ids import TemplateId
from domain.scenarios import Scenario, check_scenario, scenario_named
from domain.simulation import simulate
from gateway import simulation as sim
from gateway.http.auth import allow
from gateway.http.dependencies import shipped_template
from gateway.http.errors import ApiError

router = APIRouter(prefix="/v1/templates", tags=["templates"])


class SimulateRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    template_id: TemplateId
    scenario: str | Scenario = Field(
        default="on-time",
        description="on-time, silent, late, or a scenario (base, stages, pauses, withdraw)",
    )
    start: date | None = Field(default=None, description="Start date [the next Monday].")


@router.post("/simulate", operation_id="simulateTemplate")
def simulate_template(
    body: SimulateRequest,
    request: Request,
    _: Annotated[Role, Depends(allow(Role.platform, Role.ops))],
) -> dict[str, Any]:
    """The timeline a programme on this template would have with these answers: every
    event (``seq``, ``type``, ``at``, ``clock`` in seconds, ``stage``), no Temporal."""
    template = shipped_template(body.template_id, request)
    try:
        scenario = (
            scenario_named(body.scenario) if isinstance(body.scenario, str) else body.scenario
        )
        check_scenario(scenario, template)
    except TemplateError as exc:
        raise ApiError(422, "invalid", str(exc), "scenario") from exc
    try:
        simulated = simulate(template, scenario, sim.start_of(body.start))
    except (DomainError, ValueError, OverflowError) as exc:  # a scenario out of reach
        raise ApiError(422, "invalid", str(exc), "scenario") from exc
    return sim.summary(simulated)
