"""The one Python client of parcours: the CLI and the HTTP API are shells over it."""

from gateway.client.errors import (
    CommandRefused,
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
    Erasure,
    Filters,
    Launched,
    Participant,
    ProgrammePage,
)
from gateway.client.programmes import ProgrammeClient

__all__ = [
    "CohortOutcome",
    "CohortReport",
    "CommandRefused",
    "ErasedProgramme",
    "Erasure",
    "Filters",
    "InvalidRequest",
    "Launched",
    "ParcoursError",
    "Participant",
    "ProgrammeClient",
    "ProgrammeErased",
    "ProgrammeNotFound",
    "ProgrammePage",
    "TemporalUnavailable",
]
