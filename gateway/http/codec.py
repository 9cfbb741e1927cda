"""The Temporal Web UI's remote codec: ``/codec/decode`` and ``/codec/encode`` (ops only,
CORS for the UI's origins), so ops can read payloads there."""

from __future__ import annotations

import base64
import binascii
import contextlib
from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, Depends, Header
from fastapi.middleware.cors import CORSMiddleware
from starlette.types import Receive, Scope, Send
from temporalio.api.common.v1 import Payload

from adapters.payloads.compression import PayloadCorrupt, inflate
from adapters.payloads.encryption import PersonalDataCodec
from adapters.payloads.keyring import DataErased, KeyringError
from adapters.temporal.history import ERASED
from config import ApiRole as Role
from gateway.http.auth import allow
from gateway.http.dependencies import Programmes
from gateway.http.errors import ApiError
from gateway.http.requests import CodecPayload, CodecPayloads

router = APIRouter(prefix="/codec", tags=["codec"])


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


Codec = Annotated[PersonalDataCodec, Depends(_codec)]


@router.post("/decode", response_model=CodecPayloads)
async def decode(
    body: CodecPayloads,
    sealer: Codec,
    _: Annotated[Role, Depends(allow(Role.ops))],
    namespace: Annotated[str | None, Header(alias="X-Namespace")] = None,
) -> CodecPayloads:
    """Decrypt payloads, and inflate deflated JSON, for the Temporal Web UI. An erased
    one reads ``[erased]``; one this key store cannot open comes back as it was."""
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


@router.post("/encode", response_model=CodecPayloads)
async def encode(
    body: CodecPayloads,
    sealer: Codec,
    _: Annotated[Role, Depends(allow(Role.ops))],
    namespace: Annotated[str | None, Header(alias="X-Namespace")] = None,
) -> CodecPayloads:
    """Encrypt payloads the Web UI sends (with the system key: the UI names no workflow)."""
    return _wire(await sealer.encode(_payloads(body)))


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
