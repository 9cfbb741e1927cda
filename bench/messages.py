"""The baseline's messages: pydantic models shaped like parcours's, with no domain.

Kept apart from the workflow module and imported through the sandbox, as
parcours does with ``domain`` and ``workflows.messages``: models are built once
per worker, not once per workflow run.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class _Message(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BaselineInput(_Message):
    id: str
    signals: int
    """Signals to wait for before running the activity and completing."""


class Ping(_Message):
    """A signal shaped like parcours's GiveFeedback, without its domain meaning."""

    key: str
    role: str
    rater_id: str
    scores: dict[str, int]


class Nominate(_Message):
    """An update shaped like parcours's NominateRaters: who may answer."""

    raters: tuple[str, ...]


class BaselineReport(_Message):
    id: str
    received: int


class BaselineArchive(_Message):
    """Shaped like parcours's ClosedProgramme: what the workflow received, whole."""

    id: str
    pings: tuple[Ping, ...]


class BaselineOutcome(_Message):
    id: str
    received: int
    detail: str
