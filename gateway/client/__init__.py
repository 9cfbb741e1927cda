"""The one Python client of parcours: the CLI and the HTTP API are shells over it.

Its names are loaded on first use (``__getattr__``), so that importing a light module of
the package (``gateway.client.pages``, for the CLI's read path) does not import the
client, its models and the domain."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gateway.client.errors import (
        CommandRefused as CommandRefused,
    )
    from gateway.client.errors import (
        InvalidRequest as InvalidRequest,
    )
    from gateway.client.errors import (
        ParcoursError as ParcoursError,
    )
    from gateway.client.errors import (
        ProgrammeErased as ProgrammeErased,
    )
    from gateway.client.errors import (
        ProgrammeNotFound as ProgrammeNotFound,
    )
    from gateway.client.errors import (
        TemporalUnavailable as TemporalUnavailable,
    )
    from gateway.client.models import (
        CohortOutcome as CohortOutcome,
    )
    from gateway.client.models import (
        CohortReport as CohortReport,
    )
    from gateway.client.models import (
        ErasedProgramme as ErasedProgramme,
    )
    from gateway.client.models import (
        Erasure as Erasure,
    )
    from gateway.client.models import (
        Filters as Filters,
    )
    from gateway.client.models import (
        Launched as Launched,
    )
    from gateway.client.models import (
        Participant as Participant,
    )
    from gateway.client.models import (
        ProgrammePage as ProgrammePage,
    )
    from gateway.client.programmes import ProgrammeClient as ProgrammeClient

_WHERE = {
    "CohortOutcome": "models",
    "CohortReport": "models",
    "CommandRefused": "errors",
    "ErasedProgramme": "models",
    "Erasure": "models",
    "Filters": "models",
    "InvalidRequest": "errors",
    "Launched": "models",
    "ParcoursError": "errors",
    "Participant": "models",
    "ProgrammeClient": "programmes",
    "ProgrammeErased": "errors",
    "ProgrammeNotFound": "errors",
    "ProgrammePage": "models",
    "TemporalUnavailable": "errors",
}
"""Each name the package exports, and the module it comes from."""

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'gateway.client' has no attribute {name!r}")
    return getattr(importlib.import_module(f"gateway.client.{module}"), name)
