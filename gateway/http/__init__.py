"""The HTTP API: FastAPI, one router per concern, a thin shell over ``ProgrammeClient``."""

from gateway.http.app import create_app

__all__ = ["create_app"]
