"""Large JSON payloads deflated, in the payload converter (before encryption).

A programme's input is its whole template snapshot (about 3.6 KB of JSON for
executive-6m) and a programme continuing as new carries its event log. The
worker keeps the decoded input of every cached programme: the SDK decodes the
first activation's payloads in place, and that protobuf arena lives as long as
the workflow does. Deflating large JSON documents in the payload converter, not
in the codec, keeps them small there too: the codec decrypts to the deflated
form, and only the converter, for the moment it validates, holds the JSON.
JSON deflates about fourfold; ciphertext does not deflate, so this must come
before the codec.

A deflated payload has ``encoding: json/zlib`` and zlib-deflated JSON as data.
Documents under ``DEFLATE_FROM`` bytes, and those that would not shrink, stay
``json/plain``; both decode, so payloads written before this still convert.
"""

from __future__ import annotations

import functools
import zlib
from typing import Any

from temporalio.api.common.v1 import Payload
from temporalio.converter import (
    CompositePayloadConverter,
    DefaultPayloadConverter,
    EncodingPayloadConverter,
    JSONPlainPayloadConverter,
)

ENCODING_KEY = "encoding"
DEFLATED = "json/zlib"
PLAIN = "json/plain"
DEFLATE_FROM = 512
"""JSON size in bytes from which a document is worth deflating."""
LEVEL = 6
MAX_SIZE = 64 * 1024 * 1024
"""The most a deflated document may inflate to: far above Temporal's 2 MB payload
limit, low enough that a crafted stream cannot exhaust the worker's memory."""


class PayloadCorrupt(ValueError):
    """A deflated payload that does not inflate: not zlib, cut short, or too large."""


def deflate(payload: Payload) -> Payload:
    """A ``json/plain`` payload deflated when that makes it smaller; else as it is."""
    if payload.metadata.get(ENCODING_KEY) != PLAIN.encode() or len(payload.data) < DEFLATE_FROM:
        return payload
    packed = zlib.compress(payload.data, LEVEL)
    if len(packed) >= len(payload.data):
        return payload
    return Payload(metadata={ENCODING_KEY: DEFLATED.encode()}, data=packed)


class PayloadTooLarge(PayloadCorrupt):
    """A deflated payload that would inflate beyond the limit it was given."""


def inflate(payload: Payload, limit: int | None = None) -> Payload:
    """The ``json/plain`` payload a deflated one holds; any other payload as it is.

    Raises ``PayloadCorrupt`` for data that is not zlib or is cut short, and
    ``PayloadTooLarge`` for data that inflates beyond ``limit`` bytes (``MAX_SIZE`` by
    default; it stops there).
    """
    if payload.metadata.get(ENCODING_KEY) != DEFLATED.encode():
        return payload
    limit = MAX_SIZE if limit is None else limit
    inflater = zlib.decompressobj()
    try:
        data = inflater.decompress(payload.data, max(limit, 1))
    except zlib.error as exc:
        raise PayloadCorrupt(f"a {DEFLATED} payload is not zlib: {exc}") from exc
    if inflater.unconsumed_tail or len(data) > limit:
        raise PayloadTooLarge(f"a {DEFLATED} payload inflates beyond {limit} bytes")
    if not inflater.eof:
        raise PayloadCorrupt(f"a {DEFLATED} payload is cut short")
    return Payload(metadata={ENCODING_KEY: PLAIN.encode()}, data=data)


class DeflatedJSONPayloadConverter(EncodingPayloadConverter):
    """pydantic's JSON, deflated when the document is large."""

    def __init__(self, json: EncodingPayloadConverter) -> None:
        self.json = json

    @property
    def encoding(self) -> str:
        return DEFLATED

    def to_payload(self, value: Any) -> Payload | None:
        payload = self.json.to_payload(value)
        return deflate(payload) if payload is not None else None

    def from_payload(self, payload: Payload, type_hint: type | None = None) -> Any:
        return self.json.from_payload(inflate(payload), type_hint)


@functools.cache
def _converters() -> tuple[EncodingPayloadConverter, ...]:
    """Temporal's default converters, JSON through pydantic and deflated when large.

    One pydantic converter for the whole process: it caches a pydantic ``TypeAdapter`` per
    type, and the SDK makes a new ``PayloadConverter`` for every serialization context
    (each workflow run, activation and client call); one per converter would build those
    adapters again for nearly every payload. Made on first use, so that importing this
    module (the CLI's read path, ``RawPayloadConverter``) does not import pydantic."""
    from temporalio.contrib.pydantic import PydanticJSONPlainPayloadConverter

    pydantic_json = PydanticJSONPlainPayloadConverter()
    return _with_json(pydantic_json)


def _with_json(json: EncodingPayloadConverter) -> tuple[EncodingPayloadConverter, ...]:
    """The default converters with their JSON one replaced by ``json``, deflated when
    large; ``json`` alone last, to read ``json/plain``."""
    return (
        *(
            DeflatedJSONPayloadConverter(json)
            if isinstance(converter, JSONPlainPayloadConverter)
            else converter
            for converter in DefaultPayloadConverter.default_encoding_payload_converters
        ),
        json,
    )


class PayloadConverter(CompositePayloadConverter):
    """Temporal's default converters with pydantic's JSON, large documents deflated.

    Values are written by the first converter that takes them, so JSON goes through
    ``DeflatedJSONPayloadConverter``; the plain JSON converter comes last and only
    reads ``json/plain``. The converters are made once: the SDK makes a
    ``PayloadConverter`` per serialization context.
    """

    def __init__(self) -> None:
        super().__init__(*_converters())


class JSONText(JSONPlainPayloadConverter):
    """Reads a JSON payload as its UTF-8 text, parsed by nobody: for a reader that prints
    what it reads as the models would write it (``gateway.cli.fast_reads``)."""

    def from_payload(self, payload: Payload, type_hint: type | None = None) -> Any:
        return payload.data.decode()


_RAW = _with_json(JSONText())


class RawPayloadConverter(CompositePayloadConverter):
    """``PayloadConverter`` without the models: JSON payloads, deflated or not, read as
    their text (``JSONText``). Writes JSON with Temporal's own converter."""

    def __init__(self) -> None:
        super().__init__(*_RAW)
