"""What the client raises: each error's message is for a person."""

from __future__ import annotations

from temporalio.service import RPCError, RPCStatusCode

from gateway.client.models import ErasedProgramme


class ParcoursError(Exception):
    """Base of what the client raises; the message is for a person."""


class ProgrammeNotFound(ParcoursError):
    def __init__(self, programme_id: str) -> None:
        super().__init__(f"no programme {programme_id!r}")
        self.programme_id = programme_id


class CommandRefused(ParcoursError):
    """The programme refused the command; the message is the domain's reason."""


class TemporalUnavailable(ParcoursError):
    """Temporal cannot be reached; the same call may succeed later."""


class InvalidRequest(ParcoursError):
    """Input the API or CLI cannot use; the message names the field."""


class ProgrammeErased(ParcoursError):
    """The programme's personal data was erased: it can be listed, not read."""

    def __init__(self, programme: ErasedProgramme) -> None:
        super().__init__(programme.message)
        self.programme = programme


def translate(exc: RPCError | RuntimeError, programme_id: str) -> ParcoursError:
    """Temporal's errors in the words of a programme.

    A lazy client connects on first use: a server out of reach then shows up as a
    RuntimeError from the connection, which is the same as unavailable.
    """
    if not isinstance(exc, RPCError):
        if "connect" in str(exc).lower():
            return TemporalUnavailable(f"Temporal is unavailable: {exc}")
        raise exc
    if exc.status == RPCStatusCode.NOT_FOUND:
        return ProgrammeNotFound(programme_id)
    if exc.status in (RPCStatusCode.UNAVAILABLE, RPCStatusCode.DEADLINE_EXCEEDED):
        return TemporalUnavailable(f"Temporal is unavailable: {exc.message}")
    if exc.status == RPCStatusCode.FAILED_PRECONDITION and "no poller" in exc.message:
        return TemporalUnavailable("no worker is running to answer for the programme")
    if exc.status == RPCStatusCode.FAILED_PRECONDITION:
        return CommandRefused(exc.message)
    return ParcoursError(exc.message)
