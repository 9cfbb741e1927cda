"""The Temporal Web UI's remote codec: ``/codec/decode`` and ``/codec/encode``.

Two doors to the same codec:

- ``/codec/decode``, ``/codec/encode``: for a bearer of the ops token (a script, the CLI,
  or a Web UI whose sign-in passes an access token parcours knows; docs/operations.md).
- ``/codec/local/<secret>/decode``, ``.../encode``: what ``parcours up`` gives the dev
  server's Web UI, which has no sign-in and so sends no token. Only loopback clients
  are answered there, and only on the secret path of this start; anything else is a
  404. The UI's origins get CORS (``PARCOURS_CODEC_CORS_ORIGINS``; ``up`` adds its own).

Limits, in the one error shape: a request body over the API's limit
(``PARCOURS_MAX_BODY_BYTES``, ``gateway.http.limits``), more than ``MAX_PAYLOADS``
payloads, or payloads that would decode to more than ``MAX_DECODED_BYTES`` in all,
answer 413 ``too_large``; a body that is not the codec
protocol's JSON, or not base64 where it must be, 422 ``invalid``. Decoding decrypts,
then inflates only what it decrypted (a payload that was not sealed comes back as it
was: nobody but parcours' own worker can have deflated what is inside a seal), and runs
in a thread, off the event loop.

Encoding seals for a programme: the payloads' employee's key, bound to that programme.
The Web UI names none (it sends ``X-Namespace`` only, never the workflow), so a caller
must say it in ``X-Parcours-Programme``; without it encode answers 422 rather than seal
with the shared system key, which no erasure reaches.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hmac
import ipaddress
from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request
from fastapi.middleware.cors import CORSMiddleware
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError
from starlette.types import Receive, Scope, Send
from temporalio.api.common.v1 import Payload

from adapters.payloads.compression import PayloadCorrupt, PayloadTooLarge, inflate
from adapters.payloads.encryption import ENCRYPTED, PersonalDataCodec
from adapters.payloads.key_errors import DataErased, KeyringError
from adapters.temporal.history import ERASED
from config.tokens import ApiRole as Role
from domain.ids import Identifier, employee_of
from gateway.http.auth import allow
from gateway.http.dependencies import Programmes
from gateway.http.errors import ApiError, ErrorBody
from workflows.messages import SEALED

MAX_PAYLOADS = 256
"""The most payloads in one request (the Web UI sends an event's few at a time)."""
MAX_DECODED_BYTES = 16 * 1024 * 1024
"""The most one request's payloads may decode to, all together, inflated."""
PROGRAMME_HEADER = "X-Parcours-Programme"
"""The programme ``/codec/encode`` seals for: its employee's key, bound to it."""
EMPLOYEE_ID: TypeAdapter[str] = TypeAdapter(Identifier)

router = APIRouter(prefix="/codec", tags=["codec"])
LIMITS: dict[int | str, dict[str, Any]] = {
    413: {"model": ErrorBody, "description": "Over a codec limit (body, payloads, output)"},
}


class CodecPayload(BaseModel):
    """A payload as the Temporal Web UI's remote codec sends it: base64 everywhere."""

    model_config = ConfigDict(extra="ignore")

    metadata: dict[str, str] = Field(default_factory=dict)
    data: str = ""


class CodecPayloads(BaseModel):
    """``POST /codec/decode`` and ``/codec/encode``: the Web UI's remote codec protocol."""

    model_config = ConfigDict(extra="ignore")

    payloads: list[CodecPayload]


class CodecCors(CORSMiddleware):
    """CORS for the codec endpoint only: the Web UI calls it from the browser; the rest
    of the API is for servers and scripts."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and str(scope.get("path", "")).startswith("/codec/"):
            await super().__call__(scope, receive, send)
        else:
            await self.app(scope, receive, send)


def _codec(client: Programmes) -> PersonalDataCodec:
    found = client.temporal.data_converter.payload_codec
    if not isinstance(found, PersonalDataCodec):
        raise ApiError(503, "unavailable", "this API does not encrypt payloads")
    return found


def _local(request: Request, secret: str) -> None:
    """The local door: this start's secret, from this machine; a 404 to anyone else."""
    expected: str | None = getattr(request.app.state, "codec_secret", None)
    host = request.client.host if request.client else ""
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not (expected and loopback and hmac.compare_digest(secret.encode(), expected.encode())):
        raise ApiError(404, "not_found", "no such codec endpoint")


Codec = Annotated[PersonalDataCodec, Depends(_codec)]
Ops = Annotated[Role, Depends(allow(Role.ops))]
Namespace = Annotated[str | None, Header(alias="X-Namespace")]
Programme = Annotated[str | None, Header(alias=PROGRAMME_HEADER)]


@router.post(
    "/decode", operation_id="decodePayloads", response_model=CodecPayloads, responses=LIMITS
)
async def decode(
    body: CodecPayloads, sealer: Codec, _: Ops, namespace: Namespace = None
) -> CodecPayloads:
    """Decrypt payloads, and inflate what was deflated inside them, for the Temporal Web
    UI. An erased one reads ``[erased]``; one this key store cannot open comes back as
    it was."""
    return await _decode(sealer, body)


@router.post(
    "/encode", operation_id="encodePayloads", response_model=CodecPayloads, responses=LIMITS
)
async def encode(
    body: CodecPayloads,
    sealer: Codec,
    _: Ops,
    namespace: Namespace = None,
    programme: Programme = None,
) -> CodecPayloads:
    """Seal payloads for the programme ``X-Parcours-Programme`` names (422 without one:
    the Web UI does not say which programme it is typing for)."""
    return await _encode(sealer, body, programme)


@router.post("/local/{secret}/decode", response_model=CodecPayloads, include_in_schema=False)
async def decode_locally(
    secret: str, request: Request, body: CodecPayloads, sealer: Codec
) -> CodecPayloads:
    _local(request, secret)
    return await _decode(sealer, body)


@router.post("/local/{secret}/encode", response_model=CodecPayloads, include_in_schema=False)
async def encode_locally(
    secret: str,
    request: Request,
    body: CodecPayloads,
    sealer: Codec,
    programme: Programme = None,
) -> CodecPayloads:
    _local(request, secret)
    return await _encode(sealer, body, programme)


async def _decode(sealer: PersonalDataCodec, body: CodecPayloads) -> CodecPayloads:
    payloads = _payloads(body)
    return _wire(await asyncio.to_thread(_open_all, sealer, payloads))


def _open_all(sealer: PersonalDataCodec, payloads: Sequence[Payload]) -> list[Payload]:
    budget = MAX_DECODED_BYTES
    decoded = []
    for number, payload in enumerate(payloads):
        if payload.metadata.get("encoding") != ENCRYPTED:
            decoded.append(payload)  # not ours to open, nor to inflate
            continue
        try:
            opened = sealer.open(payload)
            del opened.metadata[SEALED]  # for the programme alone: not part of what it says
        except DataErased:
            decoded.append(_erased_marker())
            continue
        except KeyringError:
            decoded.append(payload)
            continue
        try:
            opened = inflate(opened, limit=budget)
        except PayloadTooLarge as exc:
            raise _too_large(
                f"payloads.{number}: the payloads decode to more than {MAX_DECODED_BYTES} "
                "bytes; ask for fewer at a time",
                f"payloads.{number}",
            ) from exc
        except PayloadCorrupt:  # shown as it is
            pass
        budget -= len(opened.data)
        if budget < 0:
            raise _too_large(
                f"payloads.{number}: the payloads decode to more than {MAX_DECODED_BYTES} "
                "bytes; ask for fewer at a time",
                f"payloads.{number}",
            )
        decoded.append(opened)
    return decoded


async def _encode(
    sealer: PersonalDataCodec, body: CodecPayloads, programme: str | None
) -> CodecPayloads:
    if not programme:
        raise ApiError(
            422,
            "invalid",
            f"{PROGRAMME_HEADER}: name the programme to seal for. The Temporal Web UI does "
            "not say which workflow a payload is typed for (it sends X-Namespace only), and "
            "parcours seals what is about a person with that person's key, so that erasing "
            "them reaches it; it will not seal with the shared system key. Send commands "
            "through the API or the parcours CLI instead.",
            PROGRAMME_HEADER,
        )
    employee = employee_of(programme)
    try:
        EMPLOYEE_ID.validate_python(employee)
    except ValidationError:
        employee = None
    if employee is None:
        raise ApiError(
            422,
            "invalid",
            f"{PROGRAMME_HEADER}: {programme!r} is not a programme id (<template>.<employee>)",
            PROGRAMME_HEADER,
        )
    payloads = _payloads(body)
    codec = sealer.for_workflow(programme)
    try:
        sealed = await asyncio.to_thread(codec.seal, payloads)
    except DataErased as exc:
        raise ApiError(410, "erased", str(exc)) from exc
    return _wire(sealed)


def _payloads(body: CodecPayloads) -> list[Payload]:
    if len(body.payloads) > MAX_PAYLOADS:
        raise _too_large(
            f"payloads: {len(body.payloads)} payloads; a request may carry {MAX_PAYLOADS} at most",
            "payloads",
        )
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


def _too_large(message: str, field: str | None = None) -> ApiError:
    return ApiError(413, "too_large", message, field)


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
