"""The API's one error shape, ``{"error": {"code", "message", "field"?}}``, and how every
failure becomes it: never a stack trace."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from adapters.stores.postgres import DatabaseError
from gateway.client import (
    CommandRefused,
    InvalidRequest,
    ParcoursError,
    ProgrammeErased,
    ProgrammeNotFound,
    TemporalUnavailable,
)

log = structlog.get_logger("parcours.api")


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        field: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field
        self.headers = dict(headers or {})
        if status == 401:
            self.headers["WWW-Authenticate"] = "Bearer"

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.field is not None:
            error["field"] = self.field
        return {"error": error}

    def response(self) -> JSONResponse:
        return JSONResponse(self.body(), status_code=self.status, headers=self.headers or None)


class ErrorDetail(BaseModel):
    code: str
    message: str
    field: str | None = None


class ErrorBody(BaseModel):
    error: ErrorDetail


ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody} for status in (401, 403, 404, 409, 410, 413, 422, 429, 503)
}


RETRY_AFTER = 5
"""Seconds a 503 asks the caller to wait: what is out of reach (Temporal, every worker,
the database) is usually back within a few (a restart, a failover)."""


def unavailable(message: str) -> ApiError:
    return ApiError(503, "unavailable", message, headers={"Retry-After": str(RETRY_AFTER)})


def translate(exc: ParcoursError) -> ApiError:
    """The client's errors as HTTP answers."""
    match exc:
        case CommandRefused():
            return ApiError(409, "refused", str(exc))
        case ProgrammeNotFound():
            return ApiError(404, "not_found", str(exc))
        case ProgrammeErased():
            return ApiError(410, "erased", str(exc))
        case TemporalUnavailable():
            return unavailable(f"{exc}; retry later")
        case InvalidRequest():
            field = str(exc).partition(":")[0]
            return ApiError(422, "invalid", str(exc), field)
    return ApiError(409, "refused", str(exc))


def install(app: FastAPI) -> None:
    """Answer every failure in the one error shape."""

    @app.exception_handler(ApiError)
    async def api_error(_: Request, exc: ApiError) -> JSONResponse:
        return exc.response()

    @app.exception_handler(ParcoursError)
    async def refused(_: Request, exc: ParcoursError) -> JSONResponse:
        return translate(exc).response()

    @app.exception_handler(DatabaseError)
    async def database(_: Request, exc: DatabaseError) -> JSONResponse:
        log.warning("database out of reach", error=str(exc))
        return unavailable("the database is out of reach; retry later").response()

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [_described(error) for error in exc.errors()] or [("body", "invalid request")]
        message = "; ".join(f"{where}: {rule}" for where, rule in errors)
        return ApiError(422, "invalid", message, errors[0][0]).response()

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400:  # a body that is not even text: bad input like any other
            return ApiError(422, "invalid", "body: must be JSON, in UTF-8", "body").response()
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return ApiError(exc.status_code, code, str(exc.detail)).response()

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error", error=str(exc))
        return ApiError(500, "internal", "internal error; see the API log").response()


def _described(error: Mapping[str, Any]) -> tuple[str, str]:
    """Where a request is invalid (``scores.motivation``, ``Idempotency-Key``), and the rule."""
    if error.get("type") == "json_invalid":
        at = next((p for p in error.get("loc", ()) if isinstance(p, int)), None)
        reason = str(error.get("ctx", {}).get("error", "")) or "JSON decode error"
        where = f" at character {at}" if at is not None else ""
        return "body", f"not valid JSON: {reason}{where}"
    where = ".".join(
        str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path", "header")
    )
    return where or "body", str(error.get("msg", "invalid")).removeprefix("Value error, ")
