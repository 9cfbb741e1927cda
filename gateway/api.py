"""The HTTP API: a thin shell over ``ProgrammeClient``, for the platform, integrators and ops.

Every error has one shape, ``{"error": {"code", "message", "field"?}}``: 401/403
for tokens and roles, 404 for an unknown programme, 409 for a refused command or
a reused Idempotency-Key, 422 naming the field and the rule, 503 when Temporal
cannot be reached, 410 for a programme whose personal data was erased. Never a
stack trace.

``/codec/decode`` and ``/codec/encode`` serve the Temporal Web UI's remote codec
protocol (ops only, CORS for the UI's origins), so ops can read payloads there.
"""

import asyncio
import base64
import binascii
import contextlib
import hmac
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping, Sequence
from enum import StrEnum
from typing import Annotated, Any

import structlog
from fastapi import Depends, FastAPI, Header, Query, Request, Security
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import Receive, Scope, Send
from temporalio.api.common.v1 import Payload

from adapters.payloads.compression import PayloadCorrupt, inflate
from adapters.payloads.encryption import PersonalDataCodec
from adapters.payloads.keyring import DataErased, KeyringError
from adapters.stores.idempotency import Answer, IdempotencyStore, KeyConflict, fingerprint
from adapters.temporal.history import ERASED
from config import UI_ORIGINS
from domain.commands import Resume
from domain.errors import TemplateError
from domain.events import EVENT_LIST, Event
from domain.state import Status
from domain.template import Template, describe_errors
from domain.view import ProgrammeView
from gateway import catalogue, cohort
from gateway.client import (
    CommandRefused,
    Erasure,
    Filters,
    InvalidRequest,
    Launched,
    ParcoursError,
    ProgrammeClient,
    ProgrammeErased,
    ProgrammeNotFound,
    ProgrammePage,
    TemporalUnavailable,
)
from gateway.requests import (
    CodecPayload,
    CodecPayloads,
    CohortReport,
    CohortRequest,
    EraseRequest,
    FeedbackRequest,
    LaunchRequest,
    ObjectivesRequest,
    PauseRequest,
    ProgressRequest,
    ReasonRequest,
    SessionRequest,
)
from workflows.messages import Receipt

log = structlog.get_logger("parcours.api")


class Role(StrEnum):
    platform = "platform"
    integrator = "integrator"
    ops = "ops"


READ = {Role.platform, Role.ops}
FACTS = {Role.integrator}
PAUSING = {Role.integrator, Role.ops}
ENDING = {Role.platform, Role.ops}


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.field is not None:
            error["field"] = self.field
        return {"error": error}


class ErrorDetail(BaseModel):
    code: str
    message: str
    field: str | None = None


class ErrorBody(BaseModel):
    error: ErrorDetail


class Health(BaseModel):
    model_config = ConfigDict(frozen=True)

    status: str
    temporal: str


IdempotencyKey = Annotated[
    str | None, Header(alias="Idempotency-Key", min_length=1, max_length=200)
]
"""As the domain's commands take it: an empty key is refused here, not half-way through."""

ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody} for status in (401, 403, 404, 409, 410, 422, 503)
}


class _CodecCors(CORSMiddleware):
    """CORS for the codec endpoint only: the Web UI calls it from the browser; the rest
    of the API is for servers and scripts."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and str(scope.get("path", "")).startswith("/codec/"):
            await super().__call__(scope, receive, send)
        else:
            await self.app(scope, receive, send)


def create_app(
    client: ProgrammeClient,
    tokens: Mapping[str, Role],
    store: IdempotencyStore,
    cors_origins: Sequence[str] = UI_ORIGINS,
) -> FastAPI:
    app = FastAPI(
        title="parcours",
        version="1",
        description="Coaching and development programmes as durable workflows on Temporal.",
        responses=ERRORS,
    )
    app.add_middleware(
        _CodecCors,
        allow_origins=list(cors_origins),
        allow_methods=["POST"],
        allow_headers=["Authorization", "Content-Type", "X-Namespace"],
        allow_credentials=True,
        max_age=600,
    )

    # ------------------------------------------------------------ errors

    @app.exception_handler(ApiError)
    async def api_error(_: Request, exc: ApiError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return JSONResponse(exc.body(), status_code=exc.status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [_described(error) for error in exc.errors()] or [("body", "invalid request")]
        message = "; ".join(f"{where}: {rule}" for where, rule in errors)
        return JSONResponse(ApiError(422, "invalid", message, errors[0][0]).body(), 422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400:  # a body that is not even text: bad input like any other
            error = ApiError(422, "invalid", "body: must be JSON, in UTF-8", "body")
            return JSONResponse(error.body(), status_code=422)
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return JSONResponse(
            ApiError(exc.status_code, code, str(exc.detail)).body(), status_code=exc.status_code
        )

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error", error=str(exc))
        return JSONResponse(
            ApiError(500, "internal", "internal error; see the API log").body(), status_code=500
        )

    # ------------------------------------------------------------ auth and writes

    def role_of(authorization: str | None) -> Role:
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise ApiError(401, "unauthorized", "a bearer token is required")
        for known, role in tokens.items():
            if hmac.compare_digest(known.encode(), token.strip().encode()):
                return role
        raise ApiError(401, "unauthorized", "unknown token")

    bearer = HTTPBearer(
        auto_error=False,  # role_of answers, in the one error shape
        description="A token from PARCOURS_API_TOKENS; its role says what the caller may do.",
    )

    def allow(*roles: Role) -> Callable[..., Role]:
        def check(
            request: Request,
            _: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)] = None,
        ) -> Role:
            role = role_of(request.headers.get("authorization"))
            if role not in roles:
                raise ApiError(403, "forbidden", f"the {role} role may not do this")
            return role

        return check

    async def write(
        request: Request,
        role: Role,
        key: str | None,
        action: Callable[[], Awaitable[tuple[int, Any]]],
    ) -> JSONResponse:
        """Run a write once per Idempotency-Key; the same key and body get the first answer."""
        if key is not None:
            print_ = fingerprint(request.method, request.url.path, await request.body())
            try:
                first = await asyncio.to_thread(store.begin, role.value, key, print_)
            except KeyConflict as exc:
                raise ApiError(409, "idempotency_conflict", str(exc), "Idempotency-Key") from exc
            if first is not None:
                return JSONResponse(first.body, status_code=first.status)
        try:
            status, payload = await action()
        except ApiError as exc:
            status, payload = exc.status, exc.body()
        except ParcoursError as exc:
            error = translate(exc)
            status, payload = error.status, error.body()
        if key is not None:
            await asyncio.to_thread(store.finish, role.value, key, Answer(status, payload))
        return JSONResponse(payload, status_code=status)

    async def guarded(call: Awaitable[Any]) -> Any:
        try:
            return await call
        except ParcoursError as exc:
            raise translate(exc) from exc

    # ------------------------------------------------------------ routes

    @app.get(
        "/healthz",
        tags=["ops"],
        response_model=Health,
        responses={503: {"model": Health, "description": "Temporal cannot be reached"}},
    )
    async def healthz() -> JSONResponse:
        try:
            await asyncio.wait_for(client.temporal.service_client.check_health(), 5)
        except Exception:  # any failure to answer means unreachable
            return JSONResponse(
                Health(status="degraded", temporal="unreachable").model_dump(), status_code=503
            )
        return JSONResponse(Health(status="ok", temporal="reachable").model_dump())

    @app.post(
        "/v1/programmes",
        status_code=201,
        response_model=Launched,
        responses={200: {"model": Launched, "description": "Already launched: the same programme"}},
        tags=["programmes"],
    )
    async def launch(
        body: LaunchRequest,
        request: Request,
        role: Annotated[Role, Depends(allow(Role.platform))],
        key: IdempotencyKey = None,
    ) -> JSONResponse:
        template = resolve_template(body.template_id)

        async def action() -> tuple[int, Any]:
            launched = await client.launch(
                employee=body.employee,
                template=template,
                coach_id=body.coach_id,
                manager_id=body.manager_id,
                sponsor_id=body.sponsor_id,
                cohort_id=body.cohort_id,
                start_date=body.start_date,
            )
            return (201 if launched.created else 200), launched.model_dump(mode="json")

        return await write(request, role, key, action)

    @app.post("/v1/cohorts", response_model=CohortReport, tags=["programmes"])
    async def launch_cohort(
        body: CohortRequest,
        request: Request,
        role: Annotated[Role, Depends(allow(Role.platform))],
        key: IdempotencyKey = None,
    ) -> JSONResponse:
        template = resolve_template(body.template_id)
        counts = Counter(p.id for p in body.participants)
        duplicates = sorted(i for i, n in counts.items() if n > 1)
        if duplicates:
            raise ApiError(
                422, "invalid", f"participants: employee {duplicates[0]} is listed twice",
                "participants",
            )  # fmt: skip

        async def action() -> tuple[int, Any]:
            people = [(None, p) for p in body.participants]
            results = await cohort.launch_cohort(client, template, body.cohort_id, people)
            return 200, cohort.report(body.cohort_id, results).model_dump(mode="json")

        return await write(request, role, key, action)

    @app.get("/v1/programmes", response_model=ProgrammePage, tags=["programmes"])
    async def list_programmes(
        _: Annotated[Role, Depends(allow(*READ))],
        stage: str | None = None,
        status: Status | None = None,
        cohort: str | None = None,
        employee: str | None = None,
        template: str | None = None,
        page_token: str | None = None,
        page_size: Annotated[int, Query(ge=1, le=100)] = 20,
    ) -> ProgrammePage:
        try:
            filters = Filters(
                stage=stage, status=status, cohort=cohort, employee=employee, template=template
            )
        except ValidationError as exc:
            field = str(exc.errors()[0]["loc"][0]) if exc.errors() else None
            raise ApiError(422, "invalid", describe_errors(exc), field) from exc
        page: ProgrammePage = await guarded(client.list_programmes(filters, page_token, page_size))
        return page

    @app.get("/v1/programmes/{programme_id}", response_model=ProgrammeView, tags=["programmes"])
    async def view(programme_id: str, _: Annotated[Role, Depends(allow(*READ))]) -> ProgrammeView:
        shown: ProgrammeView = await guarded(client.view(programme_id))
        return shown

    @app.get(
        "/v1/programmes/{programme_id}/events", response_model=list[Event], tags=["programmes"]
    )
    async def events(
        programme_id: str,
        _: Annotated[Role, Depends(allow(*READ))],
        after: Annotated[int, Query(ge=0)] = 0,
    ) -> JSONResponse:
        found: list[Event] = await guarded(client.events(programme_id, after))
        return JSONResponse(EVENT_LIST.dump_python(found, mode="json"))

    async def apply(
        request: Request,
        role: Role,
        key: str | None,
        call: Callable[[], Awaitable[ProgrammeView | Receipt]],
    ) -> JSONResponse:
        async def action() -> tuple[int, Any]:
            answer = await call()
            return (202 if isinstance(answer, Receipt) else 200), answer.model_dump(mode="json")

        return await write(request, role, key, action)

    commands: dict[str, Any] = {"tags": ["commands"], "response_model": ProgrammeView}
    facts: dict[str, Any] = {"tags": ["facts"], "response_model": Receipt, "status_code": 202}
    path = "/v1/programmes/{programme_id}"

    @app.post(f"{path}/objectives", **commands)
    async def objectives(
        programme_id: str,
        body: ObjectivesRequest,
        request: Request,
        role: Annotated[Role, Depends(allow(*FACTS))],
        key: IdempotencyKey = None,
    ) -> JSONResponse:
        command = body.command(key)
        return await apply(
            request, role, key, lambda: client.agree_objectives(programme_id, command)
        )

    @app.post(f"{path}/feedback", **facts)
    async def feedback(
        programme_id: str,
        body: FeedbackRequest,
        request: Request,
        role: Annotated[Role, Depends(allow(*FACTS))],
        key: IdempotencyKey = None,
    ) -> JSONResponse:
        command = body.command(key)
        return await apply(request, role, key, lambda: client.give_feedback(programme_id, command))

    @app.post(f"{path}/sessions", **facts)
    async def sessions(
        programme_id: str,
        body: SessionRequest,
        request: Request,
        role: Annotated[Role, Depends(allow(*FACTS))],
        key: IdempotencyKey = None,
    ) -> JSONResponse:
        command = body.command(key)
        return await apply(request, role, key, lambda: client.record_session(programme_id, command))

    @app.post(f"{path}/progress", **facts)
    async def progress(
        programme_id: str,
        body: ProgressRequest,
        request: Request,
        role: Annotated[Role, Depends(allow(*FACTS))],
        key: IdempotencyKey = None,
    ) -> JSONResponse:
        command = body.command(key)
        return await apply(
            request, role, key, lambda: client.record_progress(programme_id, command)
        )

    @app.post(f"{path}/pause", **commands)
    async def pause(
        programme_id: str,
        body: PauseRequest,
        request: Request,
        role: Annotated[Role, Depends(allow(*PAUSING))],
        key: IdempotencyKey = None,
    ) -> JSONResponse:
        command = body.command(key)
        return await apply(request, role, key, lambda: client.pause(programme_id, command))

    @app.post(f"{path}/resume", **commands)
    async def resume(
        programme_id: str,
        request: Request,
        role: Annotated[Role, Depends(allow(*PAUSING))],
        key: IdempotencyKey = None,
    ) -> JSONResponse:
        command = Resume(key=key)
        return await apply(request, role, key, lambda: client.resume(programme_id, command))

    @app.post(f"{path}/withdraw", **commands)
    async def withdraw(
        programme_id: str,
        body: ReasonRequest,
        request: Request,
        role: Annotated[Role, Depends(allow(*ENDING))],
        key: IdempotencyKey = None,
    ) -> JSONResponse:
        command = body.command(key)
        return await apply(request, role, key, lambda: client.withdraw(programme_id, command))

    # ------------------------------------------------------------ personal data

    @app.post("/v1/employees/{employee_id}/erase", response_model=Erasure, tags=["personal data"])
    async def erase(
        employee_id: str,
        request: Request,
        role: Annotated[Role, Depends(allow(Role.ops))],
        body: EraseRequest | None = None,
        key: IdempotencyKey = None,
    ) -> JSONResponse:
        """Withdraw the employee's running programmes, then destroy their data key:
        nothing of theirs can be read again. Erasing twice is fine."""
        reason = body.reason if body is not None else None

        async def action() -> tuple[int, Any]:
            erasure = await client.erase(employee_id, reason)
            return 200, erasure.model_dump(mode="json")

        return await write(request, role, key, action)

    # ------------------------------------------------------------ the Web UI's codec

    def codec() -> PersonalDataCodec:
        found = client.temporal.data_converter.payload_codec
        if not isinstance(found, PersonalDataCodec):
            raise ApiError(503, "unavailable", "this API does not encrypt payloads")
        return found

    @app.post("/codec/decode", response_model=CodecPayloads, tags=["codec"])
    async def codec_decode(
        body: CodecPayloads,
        _: Annotated[Role, Depends(allow(Role.ops))],
        namespace: Annotated[str | None, Header(alias="X-Namespace")] = None,
    ) -> CodecPayloads:
        """Decrypt payloads, and inflate deflated JSON, for the Temporal Web UI. An erased
        one reads ``[erased]``; one this key store cannot open comes back as it was."""
        sealer = codec()
        decoded = []
        for payload in _payloads(body):
            try:
                opened = sealer.open(payload)
                with contextlib.suppress(PayloadCorrupt):  # shown as it is
                    opened = inflate(opened)
                decoded.append(opened)
            except DataErased:
                decoded.append(_erased_marker())
            except KeyringError:
                decoded.append(payload)
        return _wire(decoded)

    @app.post("/codec/encode", response_model=CodecPayloads, tags=["codec"])
    async def codec_encode(
        body: CodecPayloads,
        _: Annotated[Role, Depends(allow(Role.ops))],
        namespace: Annotated[str | None, Header(alias="X-Namespace")] = None,
    ) -> CodecPayloads:
        """Encrypt payloads the Web UI sends (with the system key: the UI names no workflow)."""
        return _wire(await codec().encode(_payloads(body)))

    return app


def _payloads(body: CodecPayloads) -> list[Payload]:
    payloads = []
    for number, given in enumerate(body.payloads):
        try:
            payloads.append(
                Payload(
                    metadata={
                        k: base64.b64decode(v, validate=True) for k, v in given.metadata.items()
                    },
                    data=base64.b64decode(given.data, validate=True),
                )
            )
        except (binascii.Error, ValueError) as exc:
            raise ApiError(
                422, "invalid", f"payloads.{number}: metadata and data must be base64",
                f"payloads.{number}",
            ) from exc  # fmt: skip
    return payloads


def _wire(payloads: Sequence[Payload]) -> CodecPayloads:
    return CodecPayloads(
        payloads=[
            CodecPayload(
                metadata={k: base64.b64encode(v).decode() for k, v in p.metadata.items()},
                data=base64.b64encode(p.data).decode(),
            )
            for p in payloads
        ]
    )


def _erased_marker() -> Payload:
    return Payload(metadata={"encoding": b"json/plain"}, data=f'"{ERASED}"'.encode())


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


def resolve_template(template_id: str) -> Template:
    """Only shipped templates over HTTP: a path from a request must never be read."""
    try:
        return catalogue.shipped_template(template_id)
    except TemplateError as exc:
        raise ApiError(422, "invalid", str(exc), "template_id") from exc


def translate(exc: ParcoursError) -> ApiError:
    match exc:
        case CommandRefused():
            return ApiError(409, "refused", str(exc))
        case ProgrammeNotFound():
            return ApiError(404, "not_found", str(exc))
        case ProgrammeErased():
            return ApiError(410, "erased", str(exc))
        case TemporalUnavailable():
            return ApiError(503, "unavailable", f"{exc}; retry later")
        case InvalidRequest():
            field = str(exc).partition(":")[0]
            return ApiError(422, "invalid", str(exc), field)
    return ApiError(409, "refused", str(exc))
